"""Police and NAV keep their limited view of a case after they have answered, and see nothing more."""

from __future__ import annotations

from datetime import datetime

from engine.clock import OSLO, FixedClock
from engine.services import messages, timers
from engine.services.core import Saksflyt
from tests.integration.conftest import CASE_HANDLER, NAV, POLICE
from tests.integration.helpers import complete, drive_to_notification, register, task_id
from tests.web.support import Browser, text

POLICE_TEXT = "POLITIET-SKRIVER-DETTE"
NAV_TEXT = "NAV-SKRIVER-DETTE"


def test_police_keeps_the_case_after_answering_and_after_the_decision(
    browser: Browser, core: Saksflyt, clock: FixedClock
) -> None:
    case = register(core)
    untouched = register(core, applicant_name="Hemmelig Bar AS", org_number="911222333", premises="Bakgården 9")
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    police_task = task_id(core, POLICE, case)
    browser.login("politi")
    response = browser.submit(
        f"/oppgaver/{police_task}",
        {"has_objections": "ja", "statement_text": POLICE_TEXT, "given_on": "2026-03-03"},
    )
    assert response.status_code == 303
    complete(core, NAV, case, {"has_objections": "nei", "statement_text": NAV_TEXT, "given_on": "2026-03-04"})

    page = text(browser.get(f"/saker/{case.id}"))
    assert "Uttalelsen er gitt." in page and POLICE_TEXT in page and "Uttalelse fra politiet" in page
    for hidden in (NAV_TEXT, "Uttalelse fra NAV", "Historikk", "Ola Nordmann", "Saksgang", "Vedtak"):
        assert hidden not in page, hidden
    listing = text(browser.get("/saker?status=alle"))
    assert case.reference in listing and untouched.reference not in listing
    assert browser.get(f"/saker/{untouched.id}").status_code == 403
    assert browser.get(f"/oppgaver/{police_task}").status_code == 404  # the task itself is done
    for url in (f"/saker/{case.id}/prosess.bpmn", f"/saker/{case.id}/brev/vedtak", "/bevillinger", "/leder"):
        assert browser.get(url).status_code == 403, url

    # Still there once the case is decided and closed, still without the decision.
    drive_rest(core, case)
    clock.set(datetime(2026, 4, 15, 0, 0, 1, tzinfo=OSLO))
    timers.fire_due_timers(core)
    page = text(browser.get(f"/saker/{case.id}"))
    assert POLICE_TEXT in page and "Bevilling innvilges." not in page and "B-2026-001" not in page


def drive_rest(core: Saksflyt, case) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.conftest import COUNCIL

    complete(core, CASE_HANDLER, case, {"adverse": "nei", "assessment_notes": "Ingen merknader."})
    complete(core, CASE_HANDLER, case, {"recommended_outcome": "innvilget", "grounds": "Vilkårene er oppfylt."})
    complete(
        core,
        COUNCIL,
        case,
        {"decision_outcome": "innvilget", "decision_text": "Bevilling innvilges.", "decided_on": "2026-03-10"},
    )
    complete(core, CASE_HANDLER, case, {"notified_on": "2026-03-12"})


def test_a_statement_sent_through_the_api_keeps_access_for_the_role(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    messages.deliver_message(
        core,
        NAV,
        case.reference,
        "nav_statement_received",
        {"has_objections": "nei", "statement_text": NAV_TEXT, "given_on": "2026-03-04"},
    )
    browser.login("nav")
    page = text(browser.get(f"/saker/{case.id}"))
    assert page and "Uttalelsen er gitt." in page and NAV_TEXT in page


def test_no_request_no_access(browser: Browser, core: Saksflyt) -> None:
    drive_to_notification(core, register(core))  # police and NAV were asked on this one
    other = register(core, applicant_name="Annen AS", org_number="911222334", premises="Annen")
    for username in ("politi", "nav"):
        browser.login(username)
        assert browser.get(f"/saker/{other.id}").status_code == 403
        assert other.reference not in text(browser.get("/saker?status=alle"))
        browser.logout()
