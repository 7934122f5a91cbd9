"""A whole application case in the browser, through every role, from login to the decision being
final after the appeal period; the clock moves between the steps and the timer sweep runs as the
scheduler would. Screenshots: test-artifacts/screenshots/test_application_case_*/."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from engine.clock import OSLO
from engine.services import timers
from tests.browser.live import LiveServer
from tests.browser.people import Person

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _at(live: LiveServer, day: date, hour: int = 9) -> None:
    live.clock.set(datetime.combine(day, time(hour, 0), tzinfo=OSLO))


def test_application_case_through_all_roles(chromium: Any, live: LiveServer, screenshots: Path) -> None:
    counter = [0]

    def person(username: str) -> Person:
        return Person(chromium, live, username, screenshots, counter).login()

    # 1. The case handler registers the application (with a mistake first: Norwegian messages, input kept).
    _at(live, date(2026, 3, 2))
    kari = person("kari")
    kari.shot("saksbehandler-oppgaver")
    kari.page.get_by_role("link", name="Ny søknad").click()
    kari.fill(
        {
            "application_type": "alminnelig",
            "applicant_name": "Fjordkroa AS",
            "org_number": "999888777",
            "address": "Strandgata 1, 9999 Demo",
            "premises": "Fjordkroa, Strandgata 1",
            "licence_kind": "skjenkebevilling",
            "groups": "1,2,3",
            "hours": "12.00–01.00",
            "manager_name": "Ola Nordmann",
            "deputy_name": "Kari Nordmann",
            "received_on": "",
        }
    )
    kari.submit("Registrer søknaden")
    assert "«Søknaden mottatt» må fylles ut." in kari.text()
    assert kari.page.input_value("#felt-applicant_name") == "Fjordkroa AS"
    kari.shot("registrering-med-feil")
    kari.fill({"received_on": "2026-03-02"}).submit("Registrer søknaden")
    assert "er registrert som sak 2026/0001" in kari.flash()
    case_url = kari.page.url
    kari.shot("sak-registrert")

    # 2. Completeness: complete, statements requested from the police and NAV.
    kari.open_task("Kontroller at søknaden er komplett").fill({"complete": "ja", "document_weeks": "2"}).submit()
    assert "Gi uttalelse til søknad om bevilling" in kari.text()
    kari.page.wait_for_selector("#prosessdiagram[data-state=ready]")
    assert kari.page.locator(".saksflyt-active").count() == 2
    kari.shot("sak-venter-pa-uttalelser-med-diagram")

    # 3. The police answer with an attachment; NAV answers. Each sees only what it needs.
    _at(live, date(2026, 3, 5))
    politi = person("politi")
    politi.shot("politi-oppgaver")
    politi.open_task("Gi uttalelse til søknad om bevilling")
    assert "Ola Nordmann" not in politi.text() and "Se hele saken" not in politi.text()
    politi.fill({"has_objections": "nei", "statement_text": "Politiet har ingen merknader.", "given_on": "2026-03-05"})
    politi.page.set_input_files(
        'input[name="vedlegg"]', files=[{"name": "politiattest.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    politi.shot("politi-uttalelse")
    politi.submit()
    assert "Vedlegget «politiattest.pdf» er lagret i saken." in politi.flash()
    politi.goto(case_url.replace(live.url, ""))
    assert "Uttalelsen er gitt." in politi.text() and "politiattest.pdf" in politi.text()
    assert "Historikk" not in politi.text()
    politi.shot("politi-ser-saken-etter-svar")
    politi.close()

    _at(live, date(2026, 3, 6))
    nav = person("nav")
    nav.open_task("Gi uttalelse til søknad om bevilling")
    nav.fill({"has_objections": "nei", "statement_text": "NAV har ingen merknader.", "given_on": "2026-03-06"}).submit()
    nav.close()

    # 4. Assessment: adverse, so a forhåndsvarsel (fvl § 16) is previewed as a letter and sent.
    _at(live, date(2026, 3, 9))
    kari.open_task("Vurder søknaden").fill({"adverse": "ja", "assessment_notes": "Skjenketiden er lang."}).submit()
    _at(live, date(2026, 3, 10))
    kari.open_task("Send forhåndsvarsel")
    kari.fill(
        {
            "notice_text": "Kommunen vurderer å sette skjenketiden til 00.30.",
            "notice_reached_on": "2026-03-10",
            "response_weeks": "2",
        }
    )
    with kari.context.expect_page() as popup:
        kari.page.get_by_role("button", name="Forhåndsvis brev").click()
    letter = popup.value
    letter.wait_for_load_state()
    assert "innen tirsdag 24. mars 2026" in letter.inner_text("body")
    kari.shot("forhandsvarsel-brev", letter)
    letter.close()
    kari.submit()
    assert "Brevet «Forhåndsvarsel – sak 2026/0001» er lagret i saken." in kari.flash()

    _at(live, date(2026, 3, 16))
    kari.open_task("Registrer svar på forhåndsvarsel")
    kari.fill({"received_on": "2026-03-16", "response_text": "Vi godtar 00.30."}).submit()
    _at(live, date(2026, 3, 17))
    kari.open_task("Skriv innstilling")
    kari.fill(
        {
            "recommended_outcome": "innvilget",
            "conditions": "Skjenketid til 00.30.",
            "grounds": "Søkeren oppfyller kravene, og politiet og NAV har ingen merknader.",
        }
    ).submit()

    # 5. The secretariat records the council's decision from the agenda.
    _at(live, date(2026, 3, 26))
    sekretariat = person("sekretariat")
    sekretariat.page.get_by_role("link", name="Saksliste").click()
    sekretariat.page.get_by_role("link", name="Kommunestyret").click()
    assert "Fjordkroa AS" in sekretariat.text() and "Søkeren oppfyller kravene" in sekretariat.text()
    sekretariat.shot("saksliste-kommunestyret")
    sekretariat.page.get_by_role("link", name="Registrer vedtaket").first.click()
    sekretariat.fill(
        {
            "decision_outcome": "innvilget",
            "decision_text": "Fjordkroa AS gis skjenkebevilling.",
            "decided_on": "2026-03-26",
        }
    ).submit()
    sekretariat.close()

    # 6. The decision letter (grounds, klageadgang with the date) is made and stored; notified 27.03.
    _at(live, date(2026, 3, 27))
    kari.open_task("Send vedtaksbrev og registrer underretning").fill({"notified_on": "2026-03-27"})
    with kari.context.expect_page() as popup:
        kari.page.get_by_role("button", name="Forhåndsvis brev").click()
    letter = popup.value
    letter.wait_for_load_state()
    body = letter.inner_text("body")
    assert "innen fredag 17. april 2026" in body and "Statsforvalteren" in body and "Begrunnelse" in body
    kari.shot("vedtaksbrev", letter)
    letter.close()
    kari.submit()
    kari.goto(case_url.replace(live.url, ""))
    assert "Vedtak – sak 2026/0001" in kari.text() and "Klagefrist" in kari.text()
    kari.shot("sak-i-klagefristen")

    # 7. The manager's overview during the appeal period.
    lise = person("lise")
    lise.page.get_by_role("link", name="Lederoversikt").click()
    assert "Behandlingstid mot målene" in lise.text()
    lise.shot("lederoversikt")

    # 8. No appeal: after the deadline and the postal days (fvl § 30) the sweep makes the decision final.
    _at(live, date(2026, 4, 27))
    assert timers.fire_due_timers(live.core).fired >= 1
    kari.goto(case_url.replace(live.url, ""))
    page = kari.text()
    assert "Avsluttet" in page and "B-2026-001" in page and "Innvilget" in page
    kari.shot("sak-avsluttet-bevilling-registrert")
    kari.page.get_by_role("link", name="Bevillinger").click()
    assert "Fjordkroa AS" in kari.text() and "Aktiv" in kari.text()
    kari.shot("bevillingsregister")
    lise.close()
    kari.close()
