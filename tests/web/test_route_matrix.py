"""Every role against every route of the web UI: a role that may not reach a route, or a case,
gets 403 (or 404) and never the data; every form refuses a request without a CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from engine.persistence.models import Case
from engine.services.core import Saksflyt
from tests.integration.conftest import CASE_HANDLER
from tests.integration.helpers import complete, register, task_id
from tests.web.support import PASSWORD, USERS, Browser, text

SECRET_APPLICANT = "Hemmelig Bar AS"
SECRET_PREMISES = "Bakgården 9"
FULL = {"saksbehandler", "leder", "kontrollor", "formannskap", "kommunestyre", "admin"}

# endpoint -> (method, the roles that may use it); None = every logged-in user.
RULES: dict[str, tuple[str, set[str] | None]] = {
    "worklist.home": ("GET", None),
    "worklist.index": ("GET", None),
    "cases.index": ("GET", None),
    "cases.show": ("GET", FULL),
    "cases.process_xml": ("GET", FULL),
    "cases.new": ("GET", {"saksbehandler"}),
    "cases.create": ("POST", {"saksbehandler"}),
    "tasks.show": ("GET", {"saksbehandler"}),
    "tasks.complete": ("POST", {"saksbehandler"}),
    "tasks.letter_preview": ("POST", {"saksbehandler"}),
    "tasks.letter_pdf": ("POST", {"saksbehandler"}),
    "worklist.claim": ("POST", {"saksbehandler"}),
    "worklist.release": ("POST", {"saksbehandler"}),
    "worklist.hand_over": ("POST", {"saksbehandler"}),
    "agenda.index": ("GET", {"formannskap", "kommunestyre"}),
    "agenda.show": ("GET", {"kommunestyre"}),
    "manager.index": ("GET", {"leder"}),
    "register.index": ("GET", FULL),
    "register.export": ("GET", FULL),
    "documents.download": ("GET", FULL),
    "documents.case_letter": ("GET", FULL),
    "admin.index": ("GET", {"admin"}),
    "admin.create": ("POST", {"admin"}),
    "admin.change_roles": ("POST", {"admin"}),
    "admin.change_active": ("POST", {"admin"}),
    "controls.new": ("GET", {"kontrollor", "saksbehandler"}),
    "controls.create": ("POST", {"kontrollor", "saksbehandler"}),
    "auth.login": ("GET", None),
    "auth.logout": ("GET", None),
}
UNCHECKED = {"static", "api.ready_tasks", "api.deliver"}  # static files; the API has its own tests


@pytest.fixture
def scene(core: Saksflyt, users: dict) -> dict[str, Any]:  # type: ignore[type-arg]
    """Case B asks nobody outside the municipality; it has a task for the case handler and a letter."""
    from engine.services import document_store

    case = register(core, applicant_name=SECRET_APPLICANT, org_number="911222333", premises=SECRET_PREMISES)
    letter = document_store.letter_document(
        letter="vedtak", title="Brev", filename="b.pdf", pdf=b"%PDF-1.4 x", task_spec="x"
    )
    with core.transaction() as session:
        document = document_store.store_new(core, session, session.get(Case, case.id), CASE_HANDLER, letter).id
    ident = task_id(core, CASE_HANDLER, case)
    other = register(core, applicant_name="Annen AS", org_number="911222334", premises="Annen")
    complete(core, CASE_HANDLER, other, {"complete": "ja", "document_weeks": "2"})
    return {
        "case_id": case.id,
        "task_id": ident,
        "document_id": document,
        "user_id": users["kari"].user_id,
        "role": "kommunestyre",
        "kind": "vedtak",
    }


def _url(app: Flask, endpoint: str, scene: dict[str, Any]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{name: scene[name] for name in rule.arguments})


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - UNCHECKED
    assert endpoints == set(RULES), sorted(endpoints ^ set(RULES))


def test_every_role_against_every_route(app: Flask, browser: Browser, scene: dict[str, Any]) -> None:
    checked = 0
    for username, (_name, roles) in USERS.items():
        browser.login(username)
        for endpoint, (method, allowed) in RULES.items():
            if endpoint in ("auth.logout", "auth.login"):
                continue
            url = _url(app, endpoint, scene)
            may = allowed is None or bool(set(roles) & allowed)
            response = browser.get(url) if method == "GET" else browser.post(url, {})
            body = response.get_data(as_text=True)
            if may:
                # Allowed: the page, a redirect, or the route's own answer to an empty form (422, 409, or
                # 404 where the task writes no letter) — never a refusal.
                assert response.status_code < 400 or response.status_code in (404, 409, 422), (username, url)
                assert response.status_code != 403
            else:
                assert response.status_code in (403, 404), (username, method, url, response.status_code)
                assert SECRET_APPLICANT not in body and SECRET_PREMISES not in body, (username, url)
                assert "%PDF" not in body
            checked += 1
        # Lists the role may open never show a case it may not reach.
        if not set(roles) & FULL:
            for url in ("/oppgaver", "/saker", "/saker?status=alle"):
                assert SECRET_APPLICANT not in text(browser.get(url)), (username, url)
        browser.logout()
    assert checked > 200


def test_forms_without_a_csrf_token_are_refused(app: Flask, browser: Browser, scene: dict[str, Any]) -> None:
    posts = [endpoint for endpoint, (method, _) in RULES.items() if method == "POST"]
    posts.append("auth.logout")
    browser.login("admin")
    for endpoint in posts:
        url = _url(app, endpoint, scene)
        response = browser.client.post(url, data={"roles": ["admin"], "active": "nei", "username": "kari"})
        assert response.status_code == 400, (endpoint, response.status_code)
        assert "sikkerhetsnøkkel" in text(response), endpoint
    # The login form too: no token, no session.
    browser.logout()
    response = browser.client.post("/login", data={"username": "kari", "password": PASSWORD})
    assert response.status_code == 400 and "sikkerhetsnøkkel" in text(response)
    assert re.search(r"Logg inn", text(browser.get("/login")))
