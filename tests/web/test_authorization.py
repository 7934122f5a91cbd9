"""Who may reach what: every role against every route, enforced on the server."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.services.core import Saksflyt
from tests.integration.conftest import CASE_HANDLER, POLICE
from tests.integration.helpers import complete, register
from tests.web.support import USERS, Browser, task_ids, text

FULL_ACCESS = {"kari", "per", "lise", "kontroll", "formannskap", "kommunestyre", "sekretariat", "admin"}
POLICE_SECRET = "POLITIETS-OPPLYSNING-4711"
NAV_SECRET = "NAVS-OPPLYSNING-0815"


@dataclass
class Scene:
    """Case A waits for statements (police has given one); case B waits for the case handler."""

    a: int
    b: int
    nav_task: int
    b_task: int
    a_reference: str
    b_reference: str


@pytest.fixture
def scene(core: Saksflyt, users: dict) -> Scene:  # type: ignore[type-arg]
    a = register(core)
    b = register(core, applicant_name="Hemmelig Bar AS", org_number="911222333", premises="Bakgården 9")
    complete(
        core, CASE_HANDLER, a, {"complete": "ja", "document_weeks": "2"}, title="Kontroller at søknaden er komplett"
    )
    from tests.integration.conftest import NAV

    complete(core, POLICE, a, {"has_objections": "ja", "statement_text": POLICE_SECRET, "given_on": "2026-03-03"})
    [nav_task] = task_ids(core, NAV, a.id).values()
    [b_task] = task_ids(core, CASE_HANDLER, b.id).values()
    return Scene(a.id, b.id, nav_task, b_task, a.reference, b.reference)


def test_case_pages_by_role(browser: Browser, scene: Scene) -> None:
    for username in USERS:
        browser.login(username)
        for case_id in (scene.a, scene.b):
            response = browser.get(f"/saker/{case_id}")
            page = text(response)
            if username in FULL_ACCESS:
                assert response.status_code == 200, (username, case_id)
                assert "Historikk" in page
            elif username == "nav" and case_id == scene.a:
                # NAV has a task on case A: only title, applicant, premises and its own task.
                assert response.status_code == 200
                assert "Fjordkroa AS" in page and "Fjordkroa, Strandgata 1" in page
                assert f'href="/oppgaver/{scene.nav_task}"' in page
                for hidden in (POLICE_SECRET, "Historikk", "Ola Nordmann", "Uttalelse fra politiet", "Kari"):
                    assert hidden not in page, hidden
            elif username == "politi" and case_id == scene.a:
                # The police has answered: it keeps the limited view, with its own statement only.
                assert response.status_code == 200
                assert "Fjordkroa AS" in page and "Uttalelsen er gitt." in page and POLICE_SECRET in page
                for hidden in ("Historikk", "Ola Nordmann", "Uttalelse fra NAV", "Kari", "prosessdiagram"):
                    assert hidden not in page, hidden
            else:
                # B never asked the police or NAV for anything.
                assert response.status_code == 403, (username, case_id)
                assert "Du har ikke tilgang til denne saken." in page
                assert "Hemmelig Bar" not in page and "Fjordkroa" not in page and POLICE_SECRET not in page
        browser.logout()


def test_police_sees_a_case_only_while_its_statement_is_requested(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    other = register(core, applicant_name="Hemmelig Bar AS", org_number="911222333", premises="Bakgården 9")
    browser.login("politi")
    assert browser.get(f"/saker/{case.id}").status_code == 403  # no police task yet
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    page = text(browser.get(f"/saker/{case.id}"))
    assert "Fjordkroa AS" in page and "Gi uttalelse" in page and "Historikk" not in page
    listing = text(browser.get("/saker"))
    assert case.reference in listing and other.reference not in listing and "Hemmelig Bar" not in listing
    assert browser.get(f"/saker/{other.id}").status_code == 403
    assert browser.get("/saker/ny").status_code == 403


def test_nav_cannot_see_the_police_statement(browser: Browser, core: Saksflyt, scene: Scene) -> None:
    browser.login("nav")
    pages = [
        browser.get(f"/saker/{scene.a}"),
        browser.get(f"/oppgaver/{scene.nav_task}"),
        browser.get("/saker"),
        browser.get("/saker?status=alle"),
        browser.get("/oppgaver"),
    ]
    for response in pages:
        assert response.status_code == 200
        assert POLICE_SECRET not in text(response)
        assert "Hemmelig Bar" not in text(response)
    task_page = text(pages[1])
    assert "Fjordkroa AS" in task_page and "Se hele saken" not in task_page and "Ola Nordmann" not in task_page
    # The case handler, by contrast, sees the statement on the case page.
    browser.logout()
    browser.login("kari")
    assert POLICE_SECRET in text(browser.get(f"/saker/{scene.a}"))


def test_task_routes_by_role(browser: Browser, core: Saksflyt, scene: Scene) -> None:
    """Only the task's role may open, complete, claim, release or hand over a task."""
    allowed = {scene.b_task: {"kari", "per"}, scene.nav_task: {"nav"}}
    valid = {
        scene.b_task: {"complete": "ja", "document_weeks": "2"},
        scene.nav_task: {"has_objections": "nei", "statement_text": NAV_SECRET, "given_on": "2026-03-04"},
    }
    for username in USERS:
        browser.login(username)
        for ident, roles in allowed.items():
            if username in roles:
                assert browser.get(f"/oppgaver/{ident}").status_code == 200
                continue
            response = browser.get(f"/oppgaver/{ident}")
            assert response.status_code == 403, (username, ident)
            assert "Du har ikke rollen som skal utføre denne oppgaven." in text(response)
            assert "Fjordkroa" not in text(response) and "Hemmelig Bar" not in text(response)
            for url, data in (
                (f"/oppgaver/{ident}", valid[ident]),
                (f"/oppgaver/{ident}/ta", {}),
                (f"/oppgaver/{ident}/frigi", {}),
                (f"/oppgaver/{ident}/overfor", {"username": "kari"}),
            ):
                assert browser.post(url, data).status_code == 403, (username, url)
        browser.logout()
    # Nothing was changed by the refused requests.
    assert task_ids(core, CASE_HANDLER, scene.b) == {"Kontroller at søknaden er komplett": scene.b_task}
    from tests.integration.conftest import NAV

    assert list(task_ids(core, NAV, scene.a).values()) == [scene.nav_task]


def test_kontrollor_cannot_complete_a_case_handler_task(browser: Browser, core: Saksflyt, scene: Scene) -> None:
    browser.login("kontroll")
    response = browser.post(f"/oppgaver/{scene.b_task}", {"complete": "ja", "document_weeks": "2"})
    assert response.status_code == 403
    assert task_ids(core, CASE_HANDLER, scene.b) == {"Kontroller at søknaden er komplett": scene.b_task}


def test_only_case_handlers_register_applications(browser: Browser, core: Saksflyt) -> None:
    data = {
        "application_type": "alminnelig",
        "applicant_name": "Uautorisert AS",
        "premises": "X",
        "licence_kind": "skjenkebevilling",
        "groups": "1",
        "received_on": "02.03.2026",
    }
    for username in USERS:
        browser.login(username)
        expected = 200 if username in {"kari", "per"} else 403
        assert browser.get("/saker/ny").status_code == expected, username
        if expected == 403:
            response = browser.post("/saker/ny", data)
            assert response.status_code == 403, username
            assert "Bare saksbehandlere kan registrere søknader." in text(response)
        browser.logout()
    from sqlalchemy import select

    from engine.persistence.models import Case

    with core.transaction() as session:
        assert session.scalars(select(Case)).all() == []


def test_worklist_and_case_list_for_every_role(browser: Browser, scene: Scene) -> None:
    for username in USERS:
        browser.login(username)
        assert browser.get("/oppgaver").status_code == 200, username
        listing = browser.get("/saker?status=alle")
        assert listing.status_code == 200, username
        page = text(listing)
        if username in FULL_ACCESS:
            assert scene.a_reference in page and scene.b_reference in page
        elif username in ("nav", "politi"):
            # NAV's statement is requested; the police has given its statement and keeps the case.
            assert scene.a_reference in page and scene.b_reference not in page
        else:
            assert scene.a_reference not in page and scene.b_reference not in page
        browser.logout()
