"""Saksliste for formannskapet and kommunestyret."""

from __future__ import annotations

from engine.services.core import Saksflyt
from tests.integration.conftest import CASE_HANDLER, NAV, POLICE
from tests.integration.helpers import NO_OBJECTIONS, complete, register
from tests.web.support import Browser, text


def _to_decision(core: Saksflyt, **overrides: str) -> int:
    case = register(core, **overrides)
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    complete(core, POLICE, case, NO_OBJECTIONS)
    complete(core, NAV, case, NO_OBJECTIONS)
    complete(core, CASE_HANDLER, case, {"adverse": "nei", "assessment_notes": "-"})
    complete(
        core,
        CASE_HANDLER,
        case,
        {"recommended_outcome": "innvilget", "grounds": "Vilkårene er oppfylt.", "conditions": "Vakt ved inngangen."},
    )
    return case.id


def test_agenda_lists_decision_items_with_the_recommendation(browser: Browser, core: Saksflyt) -> None:
    _to_decision(core)  # alminnelig → kommunestyret
    _to_decision(core, application_type="flytting", applicant_name="Havblikk AS", org_number="911222333")

    browser.login("kommunestyre")
    response = browser.get("/saksliste")
    assert response.status_code == 302 and response.headers["Location"] == "/saksliste/kommunestyre"
    page = text(browser.get("/saksliste/kommunestyre"))
    assert "Saksliste: Kommunestyret" in page
    assert "Fjordkroa AS" in page and "Havblikk AS" not in page
    assert "Vedtak i kommunestyret" in page
    assert "Innvilget" in page and "Vilkårene er oppfylt." in page and "Vakt ved inngangen." in page
    assert "Registrer vedtaket" in page
    assert browser.get("/saksliste/formannskap").status_code == 403
    browser.logout()

    browser.login("formannskap")
    page = text(browser.get("/saksliste/formannskap"))
    assert "Havblikk AS" in page and "Fjordkroa AS" not in page
    browser.logout()

    browser.login("sekretariat")
    page = text(browser.get("/saksliste/formannskap"))
    assert 'href="/saksliste/kommunestyre"' in page  # one tab per body
    assert "Havblikk AS" in page


def test_agenda_is_only_for_political_bodies(browser: Browser) -> None:
    for username in ("kari", "lise", "politi", "nav", "kontroll", "admin"):
        browser.login(username)
        page = text(browser.get("/oppgaver"))
        assert 'href="/saksliste"' not in page, username
        assert browser.get("/saksliste").status_code == 403, username
        assert browser.get("/saksliste/kommunestyre").status_code == 403, username
        browser.logout()
    browser.login("kommunestyre")
    assert browser.get("/saksliste/bystyre").status_code == 404
    assert 'href="/saksliste"' in text(browser.get("/oppgaver"))


def test_empty_agenda(browser: Browser) -> None:
    browser.login("formannskap")
    assert "Ingen saker venter på behandling." in text(browser.get("/saksliste/formannskap"))
