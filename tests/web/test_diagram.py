"""The BPMN diagram on the case page: the model's XML behind the case page's access rule, and
the current position (open tasks, waiting timers, the appeal call activity) marked."""

from __future__ import annotations

import re
from datetime import datetime

from engine.clock import OSLO, FixedClock
from engine.services import case_views
from engine.services.core import Saksflyt
from tests.integration.conftest import CASE_HANDLER
from tests.integration.helpers import complete, drive_to_notification, register
from tests.web.support import USERS, Browser, text

FULL_ACCESS = {"kari", "per", "lise", "kontroll", "formannskap", "kommunestyre", "sekretariat", "admin"}


def _attr(page: str, name: str) -> list[str]:
    match = re.search(rf'{name}="([^"]*)"', page)
    assert match, name
    return match.group(1).split()


def test_case_page_marks_the_open_tasks_and_waiting_timers(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    browser.login("kari")
    page = text(browser.get(f"/saker/{case.id}"))
    assert "Saksgang" in page and 'id="prosessdiagram"' in page
    assert _attr(page, "data-active") == ["nav_statement", "police_statement"]
    assert _attr(page, "data-waiting") == ["nav_deadline_passed", "police_deadline_passed"]
    assert "Åpne oppgaver (2)" in page and "Frister saken venter på (2)" in page
    assert f'data-xml="/saker/{case.id}/prosess.bpmn"' in page
    # The viewer comes from this server (static/vendor, copied from the npm package), never a CDN.
    assert "/static/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in page
    assert "https://" not in page.split("<body")[0]


def test_the_model_xml_carries_the_diagram_and_the_marked_ids(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    browser.login("lise")
    response = browser.get(f"/saker/{case.id}/prosess.bpmn")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    xml = response.get_data(as_text=True)
    assert 'id="application"' in xml and "bpmndi:BPMNDiagram" in xml
    assert 'bpmnElement="check_completeness"' in xml


def test_elements_inside_the_appeal_are_shown_on_the_call_activity(
    browser: Browser, core: Saksflyt, clock: FixedClock
) -> None:
    case = register(core)
    drive_to_notification(core, case, notified_on="2026-03-12")
    complete(
        core,
        CASE_HANDLER,
        case,
        {"appellant": "Fjordkroa AS", "received_on": "2026-03-20", "appeal_text": "Vi klager."},
        title="Registrer klage",
    )
    view = case_views.process_diagram(core, CASE_HANDLER, case.id)
    assert view.active_ids == ["appeal_procedure"]
    browser.login("kari")
    page = text(browser.get(f"/saker/{case.id}"))
    assert _attr(page, "data-active") == ["appeal_procedure"]


def test_closed_case_has_no_marks(browser: Browser, core: Saksflyt, clock: FixedClock) -> None:
    from engine.services import timers

    case = register(core)
    drive_to_notification(core, case, notified_on="2026-03-12")
    clock.set(datetime(2026, 4, 15, 0, 0, 1, tzinfo=OSLO))
    timers.fire_due_timers(core)
    browser.login("kari")
    page = text(browser.get(f"/saker/{case.id}"))
    assert _attr(page, "data-active") == [] and "ingen åpne oppgaver eller løpende frister" in page


def test_diagram_routes_by_role(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    for username in USERS:
        browser.login(username)
        response = browser.get(f"/saker/{case.id}/prosess.bpmn")
        if username in FULL_ACCESS:
            assert response.status_code == 200, username
        else:
            # Police and NAV answer a statement; they never see the procedure or its state.
            assert response.status_code == 403, username
            assert "bpmn" not in response.get_data(as_text=True).lower()
            assert "prosessdiagram" not in text(browser.get(f"/saker/{case.id}"))
        browser.logout()
    browser.login("kari")
    assert browser.get("/saker/99999/prosess.bpmn").status_code == 404
    browser.logout()
    assert browser.get(f"/saker/{case.id}/prosess.bpmn").status_code in (302, 401)


def test_every_model_gets_a_readable_diagram() -> None:
    """Files without a diagram, or with one that is a single column, are laid out in lanes."""
    import xml.etree.ElementTree as ET

    from engine.workflow.models import default_registry
    from web import bpmn_layout

    for path in default_registry().bpmn_files.values():
        xml = bpmn_layout.diagram_for(path)
        assert not bpmn_layout.needs_layout(xml), path.name
        root = ET.fromstring(xml)
        drawn = {s.get("bpmnElement") for s in root.iter(f"{{{bpmn_layout.BPMNDI}}}BPMNShape")}
        for process in root.findall("bpmn:process", bpmn_layout.NAMESPACES):
            for child in process:
                kind = child.tag.rsplit("}", 1)[-1]
                if kind not in bpmn_layout.NOT_NODES and child.get("id"):
                    assert child.get("id") in drawn, (path.name, child.get("id"))
