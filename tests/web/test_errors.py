"""Error pages: Norwegian, right status, no tracebacks."""

from __future__ import annotations

from flask import Flask

from engine.services.core import Saksflyt
from tests.web.support import Browser, text
from web import create_app


def test_not_found_and_method_not_allowed(browser: Browser) -> None:
    browser.login("kari")
    response = browser.get("/finnes-ikke")
    assert response.status_code == 404
    assert "Fant ikke siden" in text(response) and "Mine oppgaver" in text(response)
    response = browser.client.put("/oppgaver")
    assert response.status_code == 405
    assert "Ikke tillatt" in text(response)
    response = browser.get("/oppgaver/999")
    assert response.status_code == 404
    assert "Oppgaven finnes ikke, eller den er allerede utført." in text(response)


def test_internal_error_shows_no_traceback(core: Saksflyt, users: dict, monkeypatch) -> None:  # type: ignore[no-untyped-def,type-arg]
    app: Flask = create_app(core, {"TESTING": False, "PROPAGATE_EXCEPTIONS": False})
    browser = Browser(app.test_client())
    browser.login("kari")
    from engine.services import case_views

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internal detail /work/main/engine")

    monkeypatch.setattr(case_views, "list_cases", boom)
    response = browser.get("/saker")
    assert response.status_code == 500
    page = text(response)
    assert "Noe gikk galt" in page
    assert "secret internal detail" not in page and "Traceback" not in page and "RuntimeError" not in page

    import base64

    monkeypatch.setattr("engine.services.tasks.ready_tasks", boom)
    token = base64.b64encode(b"kari:riktig-passord-123").decode()
    response = app.test_client().get("/api/tasks", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 500
    assert response.json == {"error": "Det oppstod en feil hos oss. Feilen er logget; prøv igjen senere."}


def test_dato_filter() -> None:
    from datetime import UTC, date, datetime

    from web.filters import dato, tidspunkt, ukedag_dato, verdi

    assert dato(date(2026, 4, 7)) == "07.04.2026"
    assert dato("2026-04-07") == "07.04.2026"
    assert dato(None) == "–"
    assert dato(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)) == "02.03.2026"  # Norwegian date
    assert tidspunkt(datetime(2026, 3, 2, 8, 0, tzinfo=UTC)) == "02.03.2026 kl. 09.00"
    assert ukedag_dato(date(2026, 4, 7)) == "tirsdag 07.04.2026"
    assert verdi(True) == "Ja" and verdi(False) == "Nei" and verdi("") == "–"
