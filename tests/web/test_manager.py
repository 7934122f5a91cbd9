"""Lederoversikt: deadlines passed / this week / by role, body and case handler, processing time
against the targets and licences near the point threshold; only for `leder`."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update

from engine.clock import OSLO, FixedClock
from engine.persistence.models import Case, Licence
from engine.persistence.sanction_models import PointAward
from engine.services import timers
from engine.services.core import Saksflyt
from tests.integration.conftest import CASE_HANDLER
from tests.integration.helpers import complete, drive_to_notification, register
from tests.web.support import USERS, Browser, text


def _grant_licence(core: Saksflyt, clock: FixedClock) -> int:
    case = register(core, applicant_name="Prikkbar AS", org_number="912345678", premises="Prikkbaren, Torget 2")
    drive_to_notification(core, case, notified_on="2026-03-12")
    clock.set(datetime(2026, 4, 15, 0, 0, 1, tzinfo=OSLO))
    timers.fire_due_timers(core)
    with core.transaction() as session:
        return session.scalar(select(Licence.id))


def _award(core: Saksflyt, licence_id: int, key: str, points: int, on: date) -> None:
    with core.transaction() as session:
        session.add(
            PointAward(
                key=key,
                licence_id=licence_id,
                violation_date=on,
                code="A",
                provision="alkl. § 1-5",
                points=points,
                standard_points=points,
                decided_on=on,
                rule_set="8-point v1",
                created_at=core.now(),
            )
        )


def test_only_managers_reach_the_overview(browser: Browser) -> None:
    for username, (_name, roles) in USERS.items():
        browser.login(username)
        response = browser.get("/leder")
        if "leder" in roles:
            assert response.status_code == 200, username
            assert "Lederoversikt" in text(response)
        else:
            assert response.status_code == 403, username
            assert "Passerte frister" not in text(response)
            assert 'href="/leder"' not in text(browser.get("/oppgaver"))
        assert browser.get("/leder?vis=rolle:politi").status_code == (200 if "leder" in roles else 403)
        browser.logout()


def test_deadlines_passed_this_week_and_by_group(browser: Browser, core: Saksflyt, clock: FixedClock) -> None:
    case = register(core)
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})  # statements due 23.03.2026
    with core.transaction() as session:
        session.execute(update(Case).where(Case.id == case.id).values(handler_id=1))
    other = register(core, applicant_name="Havblikk AS", org_number="911222333", premises="Havblikk")
    browser.login("lise")
    page = text(browser.get("/leder"))
    assert "Frist for uttalelse fra politiet" not in page  # neither passed nor due this week yet
    assert "Etter ansvarlig rolle" in page and "Etter vedtaksorgan" in page and "Etter saksbehandler" in page
    assert 'href="/leder?vis=rolle:politi"' in page and "Kari Saksbehandler" in page

    # Monday 23.03.2026: the statement deadlines are this week.
    clock.set(datetime(2026, 3, 23, 9, 0, tzinfo=OSLO))
    page = text(browser.get("/leder"))
    assert 'Frister denne uken <span class="count">(2)</span>' in browser.get("/leder").get_data(as_text=True)
    # After the deadline has passed (the sweep has not run yet), it is listed as passed.
    clock.set(datetime(2026, 3, 24, 9, 0, tzinfo=OSLO))
    html = browser.get("/leder").get_data(as_text=True)
    assert 'Passerte frister <span class="count">(' in html and "(0)</span>" not in html.split("Passerte")[1][:40]
    police = text(browser.get("/leder?vis=rolle:politi"))
    assert "Frister for Politiet" in police and case.reference in police and other.reference not in police
    handler = text(browser.get("/leder?vis=saksbehandler:1"))
    assert "Frister i saker hos Kari Saksbehandler" in handler
    assert browser.get("/leder?vis=ukjent:x").status_code == 404
    assert browser.get("/leder?vis=saksbehandler:abc").status_code == 404


def test_processing_time_against_the_targets(browser: Browser, core: Saksflyt, clock: FixedClock) -> None:
    decided = register(core)
    drive_to_notification(core, decided, notified_on="2026-03-12")  # kommunestyret, received 02.03, decided 10.03
    slow = register(core, applicant_name="Treg AS", org_number="911222334", premises="Treg", received_on="2026-01-02")
    complete(core, CASE_HANDLER, slow, {"complete": "ja", "document_weeks": "2"})
    with core.transaction() as session:
        session.execute(update(Case).where(Case.id == slow.id).values(competent_body="leder"))
    browser.login("lise")
    page = text(browser.get("/leder"))
    assert "Behandlingstid mot målene" in page and "4 uker" in page and "3 måneder" in page
    # The slow case: received 02.01.2026, leder's target 4 weeks → 30.01.2026; 31 days over on 02.03.2026.
    assert slow.reference in page and "30.01.2026" in page and ">31<" in browser.get("/leder").get_data(as_text=True)
    assert "1 (100 %)" in page  # the decided case was within the kommunestyre's 3 months


def test_licences_near_the_point_threshold(browser: Browser, core: Saksflyt, clock: FixedClock) -> None:
    licence_id = _grant_licence(core, clock)
    browser.login("lise")
    assert "Ingen bevillinger har halvparten" in text(browser.get("/leder"))
    _award(core, licence_id, "S-1-1", 4, date(2026, 1, 10))
    _award(core, licence_id, "S-1-2", 2, date(2026, 2, 10))
    page = text(browser.get("/leder"))
    assert "Prikkbar AS" in page and "6 av 8" in page and "B-2026-001" in page
    _award(core, licence_id, "S-2-1", 2, date(2026, 4, 1))
    assert "Grensen er nådd" in text(browser.get("/leder"))
