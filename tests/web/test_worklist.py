"""Worklists: tasks by role, due dates, overdue marking, sort and filter; claim, release, hand over."""

from __future__ import annotations

import re
from datetime import datetime

from engine.clock import OSLO, FixedClock
from engine.services import tasks
from engine.services.core import Actor, Saksflyt
from tests.integration.conftest import CASE_HANDLER
from tests.integration.helpers import complete, register
from tests.web.support import Browser, task_ids, text

COMPLETE = {"complete": "ja", "document_weeks": "2"}


def _rows(page: str, section_id: str) -> list[str]:
    """Task titles in one section of the worklist, in order."""
    start = page.index(f'id="{section_id}"')
    end = page.find("</section>", start)
    return re.findall(r'<td data-label="Oppgave"><a href="/oppgaver/\d+">([^<]+)</a>', page[start:end])


def _cases_in(page: str, section_id: str) -> list[str]:
    start = page.index(f'id="{section_id}"')
    end = page.find("</section>", start)
    return re.findall(r'<span class="reference">([^<]+)</span>', page[start:end])


def test_worklist_shows_tasks_by_role(browser: Browser, core: Saksflyt) -> None:
    first = register(core)
    register(core, applicant_name="Havblikk AS", org_number="911222333", premises="Havblikk")
    complete(core, CASE_HANDLER, first, COMPLETE)

    browser.login("kari")
    page = text(browser.get("/oppgaver"))
    assert _rows(page, "ko-saksbehandler") == ["Kontroller at søknaden er komplett"]
    assert "Gi uttalelse" not in page
    assert "Tildelt meg" in page and "Kø: Saksbehandler" in page
    browser.logout()

    browser.login("politi")
    page = text(browser.get("/oppgaver"))
    assert _rows(page, "ko-politi") == ["Gi uttalelse til søknad om bevilling"]
    assert "23.03.2026" in page  # due date dd.mm.yyyy
    assert "Kontroller at søknaden" not in page and "Havblikk" not in page
    assert "Kø: NAV" not in page and "Kø: Saksbehandler" not in page
    browser.logout()

    browser.login("nav")
    assert _rows(text(browser.get("/oppgaver")), "ko-nav") == ["Gi uttalelse til søknad om bevilling"]
    browser.logout()

    browser.login("admin")
    page = text(browser.get("/oppgaver"))
    assert "Gi uttalelse" not in page and "Kontroller at søknaden" not in page


def test_overdue_marking_sort_and_filter(browser: Browser, core: Saksflyt, clock: FixedClock) -> None:
    early = register(core)
    complete(core, CASE_HANDLER, early, COMPLETE)  # police due 23.03.2026
    clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=OSLO))
    late = register(core, applicant_name="Havblikk AS", org_number="911222333", premises="Havblikk")
    complete(core, CASE_HANDLER, late, COMPLETE)  # police due 31.03.2026
    clock.set(datetime(2026, 3, 23, 12, 0, tzinfo=OSLO))  # the deadline day itself: not overdue
    browser.login("politi")
    page = text(browser.get("/oppgaver"))
    assert "Forfalt" not in page
    clock.set(datetime(2026, 3, 24, 8, 0, tzinfo=OSLO))  # the day after (the scheduler has not run)
    page = text(browser.get("/oppgaver"))
    assert _cases_in(page, "ko-politi") == [early.reference, late.reference]
    assert page.count('class="row-overdue"') == 1 and "Forfalt" in page

    page = text(browser.get("/oppgaver?forfalt=1"))
    assert _cases_in(page, "ko-politi") == [early.reference]

    page = text(browser.get("/oppgaver?sorter=sak"))
    assert _cases_in(page, "ko-politi") == sorted([early.reference, late.reference])

    page = text(browser.get("/oppgaver?rolle=politi"))
    assert "Kø: Politiet" in page
    assert browser.get("/oppgaver?rolle=saksbehandler").status_code == 403


def test_sort_by_due_date_and_case(browser: Browser, core: Saksflyt, clock: FixedClock) -> None:
    first = register(core)
    second = register(core, applicant_name="Havblikk AS", org_number="911222333", premises="Havblikk")
    complete(core, CASE_HANDLER, second, COMPLETE)  # statements due 23.03.2026
    clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=OSLO))
    complete(core, CASE_HANDLER, first, COMPLETE)  # statements due 25.03.2026
    browser.login("nav")
    by_due = _cases_in(text(browser.get("/oppgaver?sorter=frist")), "ko-nav")
    by_case = _cases_in(text(browser.get("/oppgaver?sorter=sak")), "ko-nav")
    assert by_case == [first.reference, second.reference]
    assert by_due == [second.reference, first.reference]


def test_claim_release_and_hand_over(browser: Browser, core: Saksflyt, users: dict[str, Actor]) -> None:
    case = register(core)
    [ident] = task_ids(core, CASE_HANDLER, case.id).values()
    browser.login("kari")
    response = browser.post(f"/oppgaver/{ident}/ta", {"next": "/oppgaver?sorter=sak"})
    assert response.status_code == 303 and response.headers["Location"] == "/oppgaver?sorter=sak"
    page = text(browser.get("/oppgaver"))
    assert "Du har tatt oppgaven." in page
    assert _rows(page, "mine-tittel") == ["Kontroller at søknaden er komplett"]
    assert "Kari Saksbehandler" in page

    # Per cannot take it while Kari has it; he gets a clear 409, not a crash.
    browser.logout()
    browser.login("per")
    response = browser.post(f"/oppgaver/{ident}/ta")
    assert response.status_code == 409
    assert "Oppgaven er allerede tatt av Kari Saksbehandler." in text(response)
    browser.logout()

    browser.login("kari")
    response = browser.post(f"/oppgaver/{ident}/overfor", {"username": "per"})
    assert response.status_code == 303
    assert "Oppgaven er gitt til Per Saksbehandler." in text(browser.get("/oppgaver"))
    [view] = [t for t in tasks.ready_tasks(core, users["per"], mine=True)]
    assert view.id == ident and view.assignee == "Per Saksbehandler"

    # Only a colleague of the same role.
    response = browser.post(f"/oppgaver/{ident}/overfor", {"username": "politi"})
    assert response.status_code == 409
    assert "samme rolle" in text(response)
    browser.logout()

    browser.login("per")
    response = browser.post(f"/oppgaver/{ident}/frigi")
    assert response.status_code == 303
    assert "Oppgaven er frigitt" in text(browser.get("/oppgaver"))
    assert tasks.get_task(core, users["per"], ident).assignee is None


def test_hand_over_offers_only_colleagues_of_the_role(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    [ident] = task_ids(core, CASE_HANDLER, case.id).values()
    browser.login("kari")
    page = text(browser.get("/oppgaver"))
    options = re.findall(rf'id="overfor-{ident}".*?</select>', page, re.S)[0]
    assert '<option value="per">Per Saksbehandler</option>' in options
    assert "lise" not in options and "kari" not in options
    response = browser.post(f"/oppgaver/{ident}/overfor", {"username": ""})
    assert response.status_code == 303
    assert "Velg en kollega" in text(browser.get("/oppgaver"))


def test_one_queue_per_role(browser: Browser, core: Saksflyt) -> None:
    browser.login("sekretariat")
    assert browser.get("/").headers["Location"] == "/oppgaver"
    page = text(browser.get("/oppgaver"))
    assert "Kø: Formannskapet" in page and "Kø: Kommunestyret" in page and "Kø: Saksbehandler" not in page
    page = text(browser.get("/oppgaver?rolle=kommunestyre"))
    assert "Kø: Kommunestyret" in page and "Kø: Formannskapet" not in page
