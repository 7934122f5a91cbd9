"""Ny kontrollrapport: controllers and case handlers register a control report; it starts a sanction case."""

from __future__ import annotations

from datetime import date

from engine.persistence.models import Licence, Party
from engine.services.core import Saksflyt
from tests.web.support import USERS, Browser, input_value, text

REPORT = {
    "licence_number": "B-2025-007",
    "control_date": "2026-02-27",
    "control_kind": "apen",
    "controller_1": "Kjell Kontrollør",
    "controller_2": "Kari Kontroll",
    "observations": "Skjenket etter stengetid.",
    "violation_codes": "skjenketid",
}


def _licence(core: Saksflyt) -> None:
    with core.transaction() as session:
        holder = Party(name="Bryggeloftet AS", org_number="912345678")
        session.add(holder)
        session.flush()
        session.add(
            Licence(
                number="B-2025-007",
                holder_id=holder.id,
                premises="Bryggeloftet, Havnegata 3",
                licence_kind="skjenkebevilling",
                granted_on=date(2025, 1, 10),
                valid_until=date(2028, 9, 30),
            )
        )


def test_control_report_page_by_role(browser: Browser, core: Saksflyt) -> None:
    _licence(core)
    for username, (_name, roles) in USERS.items():
        browser.login(username)
        allowed = bool(set(roles) & {"kontrollor", "saksbehandler"})
        assert browser.get("/kontroller/ny").status_code == (200 if allowed else 403), username
        if not allowed:
            assert browser.post("/kontroller/ny", REPORT).status_code == 403, username
        browser.logout()


def test_register_a_control_report(browser: Browser, core: Saksflyt) -> None:
    _licence(core)
    browser.login("kontroll")
    bad = browser.submit("/kontroller/ny", {**REPORT, "controller_2": "", "licence_number": "B-2025-007"})
    assert bad.status_code == 422
    assert "Skjenkesteder kontrolleres av minst to kontrollører (alkf. § 9-5)." in text(bad)
    assert input_value(text(bad), "observations") == "Skjenket etter stengetid."
    unknown = browser.submit("/kontroller/ny", {**REPORT, "licence_number": "B-1999-999"})
    assert unknown.status_code == 422 and "Fant ingen bevilling med nummer B-1999-999." in text(unknown)
    assert input_value(text(unknown), "licence_number") == "B-1999-999"
    response = browser.submit("/kontroller/ny", REPORT)
    assert response.status_code == 303
    page = text(browser.get(response.headers["Location"]))
    assert "Kontroll 27.02.2026 – Bryggeloftet, Havnegata 3" in page and "Send kontrollrapporten" in page
