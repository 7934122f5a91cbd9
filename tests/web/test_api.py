"""The JSON API: HTTP Basic, statements as messages, ready tasks, JSON errors."""

from __future__ import annotations

import base64
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine.services.core import Saksflyt
from tests.integration.conftest import CASE_HANDLER, POLICE
from tests.integration.helpers import NO_OBJECTIONS, register
from tests.web.support import PASSWORD, task_ids


def _auth(username: str, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _post(client: FlaskClient, url: str, body: Any, username: str = "politi", **kwargs: Any) -> TestResponse:
    return client.post(url, json=body, headers=_auth(username), **kwargs)


def _awaiting_statements(core: Saksflyt) -> str:
    case = register(core)
    from engine.services import tasks

    [ident] = task_ids(core, CASE_HANDLER, case.id).values()
    tasks.complete_task(core, CASE_HANDLER, ident, {"complete": "ja", "document_weeks": "2"})
    return case.reference


def test_police_statement_through_the_api(client: FlaskClient, core: Saksflyt) -> None:
    reference = _awaiting_statements(core)
    url = f"/api/cases/{reference}/messages/police_statement_received"
    response = _post(
        client, url, {"has_objections": False, "statement_text": "Ingen merknader.", "given_on": "2026-03-04"}
    )
    assert response.status_code == 200, response.json
    assert response.json == {"status": "mottatt", "case": reference, "message": "police_statement_received"}
    assert response.headers["Content-Type"] == "application/json"
    assert task_ids(core, POLICE, 1) == {}
    # The same message again: the case no longer waits for it.
    again = _post(client, url, NO_OBJECTIONS)
    assert again.status_code == 409
    assert again.json["error"] == f"Sak {reference} venter ikke på meldingen «police_statement_received»."


def test_api_errors_are_json(client: FlaskClient, core: Saksflyt) -> None:
    reference = _awaiting_statements(core)
    # unknown case → 404
    response = _post(client, "/api/cases/1999/0001/messages/police_statement_received", NO_OBJECTIONS)
    assert response.status_code == 404
    assert response.json == {"error": "Fant ingen sak med referanse 1999/0001.", "errors": {}}
    # a message the case does not wait for → 409
    response = _post(client, f"/api/cases/{reference}/messages/appeal_received", {}, username="kari")
    assert response.status_code == 409 and "venter ikke" in response.json["error"]
    # invalid payload → 422 with the field errors
    response = _post(
        client,
        f"/api/cases/{reference}/messages/police_statement_received",
        {"has_objections": "kanskje", "given_on": "31.02.2026"},
    )
    assert response.status_code == 422
    assert response.json["error"] == "Skjemaet inneholder feil."
    assert response.json["errors"] == {
        "has_objections": "Velg ja eller nei for «Har dere merknader til søknaden?».",
        "given_on": "«Dato» må være en gyldig dato (dd.mm.åååå).",
        "statement_text": "«Uttalelse» må fylles ut.",
    }
    # wrong role: NAV may not give the police's statement → 403
    response = _post(client, f"/api/cases/{reference}/messages/police_statement_received", NO_OBJECTIONS, "nav")
    assert response.status_code == 403
    assert response.json["error"] == "Du har ikke lov til å sende denne meldingen til saken."
    # not a JSON object → 400; not JSON at all → 415
    response = _post(client, f"/api/cases/{reference}/messages/police_statement_received", ["x"])
    assert response.status_code == 400 and "JSON-objekt" in response.json["error"]
    response = client.post(
        f"/api/cases/{reference}/messages/police_statement_received",
        data={"has_objections": "nei"},
        headers=_auth("politi"),
    )
    assert response.status_code == 415 and "error" in response.json
    # unknown route and wrong method under /api → JSON
    response = client.get("/api/finnes-ikke", headers=_auth("politi"))
    assert response.status_code == 404 and response.json["error"]
    response = client.get(f"/api/cases/{reference}/messages/police_statement_received", headers=_auth("politi"))
    assert response.status_code == 405 and response.json["error"]
    # nothing changed
    assert len(task_ids(core, POLICE, 1)) == 1


def test_api_needs_basic_auth(client: FlaskClient, core: Saksflyt) -> None:
    reference = _awaiting_statements(core)
    url = f"/api/cases/{reference}/messages/police_statement_received"
    for headers in ({}, _auth("politi", "feil-passord-00"), {"Authorization": "Bearer abc"}):
        response = client.post(url, json=NO_OBJECTIONS, headers=headers)
        assert response.status_code == 401
        assert response.json == {"error": "Du må logge inn."}
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert client.get("/api/tasks").status_code == 401
    assert len(task_ids(core, POLICE, 1)) == 1


def test_api_ignores_the_browser_session(client: FlaskClient, core: Saksflyt) -> None:
    """A logged-in browser session does not authenticate API calls (no CSRF through the API)."""
    from tests.web.support import Browser

    browser = Browser(client)
    browser.login("politi")
    reference = _awaiting_statements(core)
    response = client.post(f"/api/cases/{reference}/messages/police_statement_received", json=NO_OBJECTIONS)
    assert response.status_code == 401


def test_ready_tasks(client: FlaskClient, core: Saksflyt) -> None:
    reference = _awaiting_statements(core)
    response = client.get("/api/tasks", headers=_auth("politi"))
    assert response.status_code == 200
    [task] = response.json["tasks"]
    assert task["title"] == "Gi uttalelse til søknad om bevilling"
    assert task["role"] == "politi" and task["form"] == "statement"
    assert task["due_on"] == "2026-03-23" and task["overdue"] is False
    assert task["case"]["reference"] == reference
    assert client.get("/api/tasks", headers=_auth("kari")).json == {"tasks": []}
    response = client.get("/api/tasks?role=saksbehandler", headers=_auth("politi"))
    assert response.status_code == 403 and response.json["error"] == "Du har ikke denne rollen."
