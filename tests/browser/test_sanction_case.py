"""A sanction case in the browser: a control report with a violation worth the whole threshold
(8-point rule set) → report sent → comment period runs out → points assessed and decided → written
orientation → forhåndsvarsel om inndragning → response period runs out → recommendation → the
manager's delegated decision → decision letter → implementation: the register shows the licence
as suspended in the period. Screenshots: test-artifacts/screenshots/test_sanction_case_*/."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from engine.clock import OSLO
from engine.persistence.models import Licence, Party
from engine.services import timers
from tests.browser.live import LiveServer
from tests.browser.people import Person


def _at(live: LiveServer, day: date, hour: int = 9) -> None:
    live.clock.set(datetime.combine(day, time(hour, 0), tzinfo=OSLO))


def _sweep_after(live: LiveServer, day: date) -> int:
    """The scheduler's sweep just after `day` has ended in Norway."""
    live.clock.set(datetime.combine(day + timedelta(days=1), time(0, 5), tzinfo=OSLO))
    return timers.fire_due_timers(live.core).fired


def _licence(live: LiveServer) -> None:
    with live.core.transaction() as session:
        holder = Party(name="Bryggeloftet AS", org_number="912345678", address="Havnegata 3, 9999 Demo")
        session.add(holder)
        session.flush()
        session.add(
            Licence(
                number="B-2025-007",
                holder_id=holder.id,
                premises="Bryggeloftet, Havnegata 3",
                licence_kind="skjenkebevilling",
                groups="1,2,3",
                granted_on=date(2025, 1, 10),
                valid_until=date(2028, 9, 30),
            )
        )


def test_sanction_case_to_an_implemented_suspension(chromium: Any, live: LiveServer, screenshots: Path) -> None:
    counter = [0]
    _licence(live)

    def person(username: str) -> Person:
        return Person(chromium, live, username, screenshots, counter).login()

    # 1. The controller registers the report (first with an unknown code: a Norwegian message, input kept).
    _at(live, date(2026, 3, 2))
    kontroll = person("kontroll")
    kontroll.page.get_by_role("link", name="Ny kontrollrapport").click()
    report = {
        "licence_number": "B-2025-007",
        "control_date": "2026-02-27",
        "control_kind": "apen",
        "controller_1": "Kjell Kontrollør",
        "controller_2": "Kari Kontroll",
        "observations": "Gjest født 2010 fikk servert øl kl. 22.10.",
        "violation_codes": "mindrearig, finnes_ikke",
    }
    kontroll.fill(report).submit("Registrer kontrollrapporten")
    assert "finnes_ikke" in kontroll.text() and kontroll.page.input_value("#felt-observations").startswith("Gjest")
    kontroll.shot("kontrollrapport-med-feil")
    kontroll.fill({"violation_codes": "mindrearig"}).submit("Registrer kontrollrapporten")
    assert "Kontrollrapporten er registrert som sak 2026/0001" in kontroll.flash()
    case_path = kontroll.page.url.replace(live.url, "")
    kontroll.shot("sanksjonssak-registrert")
    kontroll.close()

    # 2. The case handler sends the report (the letter is stored); the comment period runs out.
    kari = person("kari")
    kari.open_task("Send kontrollrapporten til bevillingshaver")
    kari.fill({"report_sent_on": "2026-03-02", "report_reached_on": "2026-03-03"}).submit()
    assert "Kontrollrapport – sak 2026/0001" in kari.flash()
    assert _sweep_after(live, date(2026, 3, 17)) == 1

    # 3. Points assessed by the case handler, decided by the manager, orientation sent (8-point: not appealable).
    kari.open_task("Vurder prikker").fill({"points_basis": "ja", "assessment_notes": "Godtgjort.", "adjust": "nei"})
    kari.submit()
    _at(live, date(2026, 3, 18))
    lise = person("lise")
    lise.open_task("Fatt vedtak om prikker")
    lise.fill(
        {"decision_outcome": "prikker", "decision_text": "Bevillingen tildeles 8 prikker.", "decided_on": "2026-03-18"}
    )
    lise.submit()
    kari.open_task("Send skriftlig orientering om prikkene")
    kari.fill({"oriented_on": "2026-03-18", "orientation_text": "Bevillingen har fått 8 prikker."}).submit()

    # 4. Threshold reached: forhåndsvarsel om inndragning; the response period runs out.
    _at(live, date(2026, 3, 19))
    kari.open_task("Send forhåndsvarsel om inndragning")
    kari.fill(
        {
            "suspension_notice_text": "Kommunen vurderer å inndra bevillingen i en uke.",
            "suspension_notice_reached_on": "2026-03-19",
            "suspension_response_weeks": "3",
        }
    )
    with kari.context.expect_page() as popup:
        kari.page.get_by_role("button", name="Forhåndsvis brev").click()
    letter = popup.value
    letter.wait_for_load_state()
    assert "innen torsdag 9. april 2026" in letter.inner_text("body")
    kari.shot("forhandsvarsel-inndragning", letter)
    letter.close()
    kari.submit()
    assert _sweep_after(live, date(2026, 4, 9)) == 1

    # 5. Recommendation; the manager decides (≤ 14 days: delegated); the decision letter is stored.
    kari.open_task("Skriv innstilling om inndragning")
    kari.fill({"use_standard_days": "ja", "recommendation_grounds": "Terskelen på 8 prikker er nådd."}).submit()
    lise.open_task("Fatt vedtak om inndragning (delegert)")
    lise.fill(
        {
            "decision_outcome": "inndragning",
            "decision_text": "Bevillingen inndras i 7 dager.",
            "decided_on": "2026-04-10",
        }
    )
    lise.shot("vedtak-om-inndragning")
    lise.submit()
    _at(live, date(2026, 4, 13))
    kari.open_task("Send vedtak om inndragning og registrer underretning").fill({"notified_on": "2026-04-13"})
    with kari.context.expect_page() as popup:
        kari.page.get_by_role("button", name="Forhåndsvis brev").click()
    letter = popup.value
    letter.wait_for_load_state()
    body = letter.inner_text("body")
    assert "7 dager" in body and "innen mandag 4. mai 2026" in body and "Statsforvalteren" in body
    kari.shot("vedtaksbrev-inndragning", letter)
    letter.close()
    kari.submit()

    # 6. Implementation from Monday 20.04.2026: the licence is suspended 20.–26.04.2026.
    kari.open_task("Iverksett inndragningen").fill({"deferral_requested": "nei", "starts_on": "2026-04-20"}).submit()
    _at(live, date(2026, 4, 21))
    kari.goto("/bevillinger?q=B-2025-007")
    register = kari.page.locator("table").inner_text()
    assert "Inndratt" in register and "til 26.04.2026" in register
    kari.shot("bevillingsregister-inndratt")
    kari.goto(case_path)
    assert "Vedtak om inndragning av bevilling – sak 2026/0001" in kari.text()
    kari.shot("sanksjonssak-iverksatt")
    _at(live, date(2026, 4, 27))
    kari.goto("/bevillinger?q=B-2025-007")
    register = kari.page.locator("table").inner_text()
    assert "Aktiv" in register and "Inndratt" not in register
    lise.close()
    kari.close()
