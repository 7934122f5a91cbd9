"""Case list, case page and registering an application."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from engine.clock import OSLO, FixedClock
from engine.persistence.models import Case
from engine.services import timers
from engine.services.core import Saksflyt
from tests.integration.conftest import CASE_HANDLER
from tests.integration.helpers import complete, drive_to_notification, register
from tests.web.support import Browser, checked_value, input_value, text


def _references(page: str) -> list[str]:
    return re.findall(r'<a href="/saker/\d+" class="reference">([^<]+)</a>', page)


def test_case_list_filters_open_and_closed(browser: Browser, core: Saksflyt, clock: FixedClock) -> None:
    closed = register(core)
    drive_to_notification(core, closed, notified_on="2026-03-12")
    clock.set(datetime(2026, 4, 15, 0, 0, 1, tzinfo=OSLO))
    assert timers.fire_due_timers(core).fired == 1
    opened = register(core, applicant_name="Havblikk AS", org_number="911222333", premises="Havblikk")
    browser.login("lise")
    assert _references(text(browser.get("/saker"))) == [opened.reference]
    assert _references(text(browser.get("/saker?status=avsluttede"))) == [closed.reference]
    assert set(_references(text(browser.get("/saker?status=alle")))) == {opened.reference, closed.reference}
    page = text(browser.get("/saker?status=avsluttede"))
    assert "Avsluttet" in page and "Innvilget" in page and "Kommunestyret" in page


def test_case_page_shows_parties_licence_tasks_deadlines_and_timeline(
    browser: Browser, core: Saksflyt, clock: FixedClock
) -> None:
    case = register(core, address="Strandgata 1, 9999 Demo", email="post@fjordkroa.no")
    drive_to_notification(core, case, notified_on="2026-03-12")
    clock.set(datetime(2026, 4, 15, 0, 0, 1, tzinfo=OSLO))
    timers.fire_due_timers(core)
    browser.login("kari")
    response = browser.get(f"/saker/{case.id}")
    assert response.status_code == 200
    page = text(response)
    # party
    for expected in ("Fjordkroa AS", "999888777", "Strandgata 1, 9999 Demo", "post@fjordkroa.no"):
        assert expected in page
    # licence register entry
    assert "B-2026-001" in page and "30.09.2028" in page and "Ola Nordmann" in page
    # status and competent body
    assert "Avsluttet" in page and "Kommunestyret" in page and "Innvilget" in page
    # deadlines with legal basis and status
    assert "Klagefrist" in page and "fvl § 29" in page and "tirsdag 07.04.2026" in page and "Utløpt" in page
    assert "Frist for uttalelse fra politiet" in page and "alkl. § 1-7" in page and "Overholdt" in page
    # details captured by the forms, labelled and formatted
    assert "Uttalelse fra politiet" in page and "Uttalelse fra NAV" in page
    assert "Vilkårene er oppfylt." in page and "Bevilling innvilges." in page
    assert "Vedtaksdato (møtedato)" in page and "10.03.2026" in page
    # timeline from the audit log: time, actor (full name) and summary
    assert "Historikk" in page
    assert "Kari Saksbehandler" in page
    assert "02.03.2026 kl. 09.00" in page
    assert "Søknad registrert: Alminnelig salgs-/skjenkebevilling – Fjordkroa, Strandgata 1" in page
    assert "Bevilling B-2026-001 registrert, gyldig til 30.09.2028." in page
    assert "Systemet (fristovervåking)" in page


def test_case_page_lists_open_tasks_with_due_dates(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    browser.login("lise")
    page = text(browser.get(f"/saker/{case.id}"))
    assert page.count("Gi uttalelse til søknad om bevilling") == 2
    assert "Politiet" in page and "NAV" in page and "23.03.2026" in page
    assert 'href="/oppgaver/' not in page  # the leader cannot open the police's task


def test_unknown_case_is_404(browser: Browser) -> None:
    browser.login("kari")
    response = browser.get("/saker/999")
    assert response.status_code == 404
    assert "Saken finnes ikke." in text(response)


def test_register_application(browser: Browser, core: Saksflyt) -> None:
    browser.login("kari")
    page = text(browser.get("/saker/ny"))
    assert "Registrer søknad" in page
    assert input_value(page, "received_on") == "2026-03-02"
    response = browser.submit(
        "/saker/ny",
        {
            "application_type": "enkelt_anledning",
            "applicant_name": "Sommerfest AS",
            "premises": "Torget",
            "licence_kind": "skjenkebevilling",
            "groups": "1,2",
            "event_date": "20.06.2026",
            "received_on": "02.03.2026",
        },
    )
    assert response.status_code == 303
    with core.transaction() as session:
        case = session.scalars(select(Case)).one()
        assert case.reference == "2026/0001" and case.party.name == "Sommerfest AS"
        assert case.handler_id is not None
    assert response.headers["Location"] == f"/saker/{case.id}"
    page = text(browser.get(response.headers["Location"]))
    assert "Søknaden er registrert som sak 2026/0001." in page
    assert "Bevilling for en enkelt anledning" in page and "20.06.2026" in page


def test_register_application_validation_keeps_input(browser: Browser, core: Saksflyt) -> None:
    browser.login("kari")
    response = browser.submit(
        "/saker/ny",
        {
            "application_type": "alminnelig",
            "applicant_name": "Havblikk AS",
            "premises": "",
            "licence_kind": "salgsbevilling",
            "groups": "1",
            "received_on": "31.02.2026",
            "description": "Søknad om\nsalgsbevilling",
        },
    )
    assert response.status_code == 422
    page = text(response)
    assert "«Skjenkested / salgssted» må fylles ut." in page
    assert "«Søknaden mottatt» må være en gyldig dato (dd.mm.åååå)." in page
    assert input_value(page, "applicant_name") == "Havblikk AS"
    assert input_value(page, "received_on") == "31.02.2026"
    assert input_value(page, "description") == "Søknad om\nsalgsbevilling"
    assert checked_value(page, "licence_kind") == "salgsbevilling"
    assert re.search(r'<option value="alminnelig" selected>', page)
    with core.transaction() as session:
        assert session.scalars(select(Case)).all() == []


def test_register_unknown_licence_number(browser: Browser) -> None:
    browser.login("kari")
    response = browser.submit(
        "/saker/ny",
        {
            "application_type": "flytting",
            "applicant_name": "Havblikk AS",
            "premises": "Nytt sted",
            "licence_kind": "skjenkebevilling",
            "groups": "1,2",
            "licence_number": "B-1999-999",
            "received_on": "02.03.2026",
        },
    )
    assert response.status_code == 404
    assert "Fant ingen bevilling med nummer B-1999-999." in text(response)
