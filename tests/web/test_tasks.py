"""The task page: rendering the form, completing it, validation errors and conflicts."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from engine.persistence.models import AuditEntry, WorkflowInstance
from engine.services import tasks
from engine.services.core import Actor, Saksflyt
from tests.integration.conftest import CASE_HANDLER, NAV, POLICE
from tests.integration.helpers import NO_OBJECTIONS, complete, register
from tests.web.support import Browser, checked_value, input_value, task_ids, text

COMPLETE = {"complete": "ja", "document_weeks": "2"}


def _state(core: Saksflyt) -> tuple[str, int]:
    with core.transaction() as session:
        return session.scalar(select(WorkflowInstance.state)) or "", session.scalar(
            select(func.count(AuditEntry.id))
        ) or 0


def test_task_page_renders_the_form_instructions_and_case(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    [ident] = task_ids(core, CASE_HANDLER, case.id).values()
    browser.login("kari")
    response = browser.get(f"/oppgaver/{ident}")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Kontroller at søknaden er komplett</h1>" in page
    assert "alkl. § 1-7c" in page  # instructions and field help
    assert case.reference in page and "Fjordkroa AS" in page and "Fjordkroa, Strandgata 1" in page
    assert "Ola Nordmann" in page  # case summary for the case handler
    assert "02.03.2026" in page  # received date as dd.mm.yyyy
    # boolean → Ja/Nei radios; integer with its default; conditional textarea
    assert '<input type="radio" name="complete" value="ja"' in page
    assert '<input type="radio" name="complete" value="nei"' in page
    assert input_value(page, "document_weeks") == "2"
    assert input_value(page, "missing_items") == ""
    assert "Må fylles ut når «Er søknaden komplett?» er «Nei»." in page
    assert 'name="csrf_token"' in page


def test_date_and_choice_fields(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    complete(core, CASE_HANDLER, case, COMPLETE)
    ident = task_ids(core, POLICE, case.id)["Gi uttalelse til søknad om bevilling"]
    browser.login("politi")
    page = text(browser.get(f"/oppgaver/{ident}"))
    assert re.search(r'<input id="felt-given_on" name="given_on"[^>]*type="date" value="2026-03-02"', page)
    assert "Dato på formen dd.mm.åååå." in page
    assert "<textarea" in page and 'name="statement_text"' in page

    browser.logout()
    browser.login("kari")
    ident = register(core, applicant_name="B AS", org_number="911222333", premises="B").id
    page = text(browser.get("/saker/ny"))
    assert '<select id="felt-application_type" name="application_type"' in page  # 7 choices → select
    assert '<input type="radio" name="licence_kind" value="skjenkebevilling"' in page  # 2 choices → radios
    assert checked_value(page, "licence_kind") == "skjenkebevilling"
    assert ident


def test_completing_a_task_moves_the_case_on(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    [ident] = task_ids(core, CASE_HANDLER, case.id).values()
    browser.login("kari")
    response = browser.submit(f"/oppgaver/{ident}", {"complete": "ja", "missing_items": "", "document_weeks": "2"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/saker/{case.id}"
    page = text(browser.get(response.headers["Location"]))
    assert "Oppgaven «Kontroller at søknaden er komplett» er utført." in page
    assert "Utførte «Kontroller at søknaden er komplett»." in page  # timeline
    assert set(task_ids(core, POLICE, case.id)) == {"Gi uttalelse til søknad om bevilling"}
    assert set(task_ids(core, NAV, case.id)) == {"Gi uttalelse til søknad om bevilling"}
    assert task_ids(core, CASE_HANDLER, case.id) == {}


def test_police_statement_through_the_form(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    complete(core, CASE_HANDLER, case, COMPLETE)
    [ident] = task_ids(core, POLICE, case.id).values()
    browser.login("politi")
    response = browser.submit(
        f"/oppgaver/{ident}",
        {"has_objections": "nei", "statement_text": "Ingen merknader.", "given_on": "2026-03-04"},
    )
    # Police cannot see the case after their statement: back to the worklist.
    assert response.status_code == 303 and response.headers["Location"] == "/oppgaver"
    assert "er utført" in text(browser.get("/oppgaver"))
    assert task_ids(core, POLICE, case.id) == {}


def test_bad_input_keeps_what_was_typed_and_changes_nothing(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    complete(core, CASE_HANDLER, case, COMPLETE)
    [ident] = task_ids(core, POLICE, case.id).values()
    before = _state(core)
    browser.login("politi")
    typed = {
        "has_objections": "ja",
        "statement_text": "Stedet har hatt\nflere <b>avvik</b> & klager.",
        "given_on": "31.02.2026",
    }
    response = browser.submit(f"/oppgaver/{ident}", typed)
    assert response.status_code == 422
    page = text(response)
    assert "Skjemaet inneholder feil" in page
    assert "«Dato» må være en gyldig dato (dd.mm.åååå)." in page
    # What the user typed is still there (the bad date as text, since a date input cannot hold it).
    assert input_value(page, "given_on") == "31.02.2026"
    assert re.search(r'name="given_on"[^>]*type="text"', page)
    assert input_value(page, "statement_text") == typed["statement_text"]
    assert "&lt;b&gt;avvik&lt;/b&gt; &amp; klager" in response.get_data(as_text=True)  # escaped
    assert checked_value(page, "has_objections") == "ja"
    assert 'aria-invalid="true"' in page and 'id="felt-given_on-feil"' in page
    assert _state(core) == before

    response = browser.submit(f"/oppgaver/{ident}", {"has_objections": "", "statement_text": "", "given_on": ""})
    assert response.status_code == 422
    page = text(response)
    assert "«Har dere merknader til søknaden?» må fylles ut." in page
    assert "«Uttalelse» må fylles ut." in page
    assert "«Dato» må fylles ut." in page
    assert _state(core) == before


def test_conditional_required_field(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    [ident] = task_ids(core, CASE_HANDLER, case.id).values()
    browser.login("kari")
    response = browser.submit(f"/oppgaver/{ident}", {"complete": "nei", "missing_items": "", "document_weeks": "99"})
    assert response.status_code == 422
    page = text(response)
    assert "«Hva mangler?» må fylles ut." in page
    assert "«Frist for ettersending (uker)» kan være høyst 8." in page
    assert input_value(page, "document_weeks") == "99"
    assert checked_value(page, "complete") == "nei"


def test_a_task_completed_by_someone_else_gives_a_clear_message(
    browser: Browser, core: Saksflyt, users: dict[str, Actor]
) -> None:
    case = register(core)
    [ident] = task_ids(core, CASE_HANDLER, case.id).values()
    browser.login("kari")
    page = browser.get(f"/oppgaver/{ident}")
    assert page.status_code == 200
    tasks.complete_task(core, users["per"], ident, COMPLETE)  # Per is faster
    from tests.web.support import csrf_token

    response = browser.client.post(f"/oppgaver/{ident}", data={**COMPLETE, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 404
    assert "Oppgaven finnes ikke, eller den er allerede utført." in text(response)
    assert "Traceback" not in text(response)


def test_a_task_taken_by_someone_else_cannot_be_completed(
    browser: Browser, core: Saksflyt, users: dict[str, Actor]
) -> None:
    case = register(core)
    [ident] = task_ids(core, CASE_HANDLER, case.id).values()
    browser.login("kari")
    page = browser.get(f"/oppgaver/{ident}")
    tasks.claim_task(core, users["per"], ident)
    from tests.web.support import csrf_token

    response = browser.client.post(f"/oppgaver/{ident}", data={**COMPLETE, "csrf_token": csrf_token(page.text)})
    assert response.status_code == 409
    assert "Oppgaven er tatt av en annen" in text(response)
    page_now = text(browser.get(f"/oppgaver/{ident}"))
    assert "Oppgaven er tatt av Per Saksbehandler" in page_now
    assert "Fullfør oppgaven" not in page_now
    assert task_ids(core, CASE_HANDLER, case.id) == {"Kontroller at søknaden er komplett": ident}


def test_statement_without_objections_then_decision_by_council(browser: Browser, core: Saksflyt) -> None:
    """The whole application through the web forms up to the decision letter."""
    case = register(core)
    browser.login("kari")
    [ident] = task_ids(core, CASE_HANDLER, case.id).values()
    assert browser.submit(f"/oppgaver/{ident}", COMPLETE).status_code == 303
    complete(core, POLICE, case, NO_OBJECTIONS)
    complete(core, NAV, case, NO_OBJECTIONS)
    [ident] = task_ids(core, CASE_HANDLER, case.id).values()
    assert browser.submit(f"/oppgaver/{ident}", {"adverse": "nei", "assessment_notes": "Greit."}).status_code == 303
    [ident] = task_ids(core, CASE_HANDLER, case.id).values()
    response = browser.submit(
        f"/oppgaver/{ident}", {"recommended_outcome": "innvilget", "grounds": "Vilkårene er oppfylt.", "conditions": ""}
    )
    assert response.status_code == 303
    browser.logout()

    browser.login("kommunestyre")
    agenda = text(browser.get("/saksliste/kommunestyre"))
    [ident] = [int(x) for x in re.findall(r'href="/oppgaver/(\d+)">Registrer vedtaket', agenda)]
    response = browser.submit(
        f"/oppgaver/{ident}",
        {"decision_outcome": "innvilget", "decision_text": "Bevilling innvilges.", "decided_on": "10.03.2026"},
    )
    assert response.status_code == 303
    page = text(browser.get(response.headers["Location"]))
    assert "Innvilget" in page and "Send vedtaksbrev og registrer underretning" in page
    assert "10.03.2026" in page
