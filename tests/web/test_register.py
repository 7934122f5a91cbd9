"""Bevillingsregisteret: search, status (suspended, expired) and the CSV export for Excel."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from sqlalchemy import select

from engine.clock import OSLO, FixedClock
from engine.persistence.models import Licence
from engine.persistence.sanction_models import Suspension
from engine.services import timers
from engine.services.core import Saksflyt
from tests.integration.helpers import drive_to_notification, register
from tests.web.support import USERS, Browser, text


def _granted(core: Saksflyt, clock: FixedClock) -> None:
    first = register(core)
    drive_to_notification(core, first, notified_on="2026-03-12")
    second = register(
        core, applicant_name="=Havblikk AS", org_number="911222333", premises="Havblikk; Kaia 3", manager_name="Åse Ø"
    )
    drive_to_notification(core, second, notified_on="2026-03-12")
    clock.set(datetime(2026, 4, 15, 0, 0, 1, tzinfo=OSLO))
    assert timers.fire_due_timers(core).fired == 2


def test_register_search_and_access(browser: Browser, core: Saksflyt, clock: FixedClock) -> None:
    _granted(core, clock)
    for username, (_name, roles) in USERS.items():
        browser.login(username)
        response = browser.get("/bevillinger")
        csv_response = browser.get("/bevillinger.csv")
        if set(roles) & {"politi", "nav"}:
            assert response.status_code == 403 and csv_response.status_code == 403, username
            assert "Fjordkroa" not in text(response) and b"Fjordkroa" not in csv_response.data
        else:
            assert response.status_code == 200 and csv_response.status_code == 200, username
            assert "B-2026-001" in text(response) and "B-2026-002" in text(response)
        browser.logout()
    browser.login("kari")
    for query in ("fjordkroa", "999888777", "B-2026-001", "strandgata", "ola nordmann"):
        page = text(browser.get(f"/bevillinger?q={query}"))
        assert "B-2026-001" in page and "B-2026-002" not in page, query
    page = text(browser.get("/bevillinger?q=finnes+ikke"))
    assert "Ingen bevillinger funnet." in page and 'value="finnes ikke"' in page


def test_suspended_and_expired_status(browser: Browser, core: Saksflyt, clock: FixedClock) -> None:
    _granted(core, clock)
    with core.transaction() as session:
        licence = session.scalar(select(Licence).where(Licence.number == "B-2026-002"))
        session.add(
            Suspension(
                licence_id=licence.id,
                case_id=1,
                days=7,
                decided_on=date(2026, 4, 1),
                competent_body="leder",
                implementation_deadline=date(2026, 4, 29),
                starts_on=date(2026, 4, 14),
                ends_on=date(2026, 4, 20),
                created_at=core.now(),
            )
        )
    browser.login("lise")
    page = text(browser.get("/bevillinger?status=inndratt"))
    assert "B-2026-002" in page and "B-2026-001" not in page and "til 20.04.2026" in page
    assert "B-2026-001" in text(browser.get("/bevillinger?status=aktiv"))
    clock.set(datetime(2028, 10, 2, 9, 0, tzinfo=OSLO))
    page = text(browser.get("/bevillinger?status=utlopt"))
    assert "B-2026-001" in page and "B-2026-002" in page and "Utløpt" in page


def test_csv_export_for_excel(browser: Browser, core: Saksflyt, clock: FixedClock) -> None:
    _granted(core, clock)
    browser.login("kontroll")
    response = browser.get("/bevillinger.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="bevillingsregister-2026-04-15.csv"' in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Bevillingsnummer", "Bevillingshaver", "Organisasjonsnummer", "Sted"]
    first, second = rows[1], rows[2]
    assert first[0] == "B-2026-001" and first[1] == "Fjordkroa AS" and first[10] == "10.03.2026"
    assert first[11] == "30.09.2028" and first[12] == "Aktiv"
    assert second[1] == "'=Havblikk AS"  # no formula injection
    assert second[3] == "Havblikk; Kaia 3" and second[7] == "Åse Ø"
    assert b'"Havblikk; Kaia 3"' in raw  # the separator inside a value is quoted
    filtered = browser.get("/bevillinger.csv?q=havblikk").data.decode("utf-8-sig")
    assert "B-2026-002" in filtered and "B-2026-001" not in filtered
