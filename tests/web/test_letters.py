"""Letters: preview (HTML) and PDF from the task page with what the user typed, the PDF stored
with the case when a letter task is completed, and the statutory content (fvl §§ 16, 24–25, 27)."""

from __future__ import annotations

from datetime import date

from engine.services import letters
from engine.services.core import Saksflyt
from tests.integration.conftest import CASE_HANDLER, COUNCIL, NAV, POLICE
from tests.integration.helpers import NO_OBJECTIONS, complete, register, task_id
from tests.web.support import Browser, csrf_token, input_value, text

DECISION = {"decision_outcome": "innvilget", "decision_text": "Bevilling innvilges.", "decided_on": "2026-03-10"}


def _to_assessment(core: Saksflyt):  # type: ignore[no-untyped-def]
    case = register(core)
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    complete(core, POLICE, case, NO_OBJECTIONS)
    complete(core, NAV, case, NO_OBJECTIONS)
    return case


def _to_notification(core: Saksflyt):  # type: ignore[no-untyped-def]
    case = _to_assessment(core)
    complete(core, CASE_HANDLER, case, {"adverse": "nei", "assessment_notes": "Ingen merknader."})
    complete(
        core,
        CASE_HANDLER,
        case,
        {"recommended_outcome": "innvilget", "grounds": "Søkeren oppfyller kravene.", "conditions": "Vakt i døra."},
    )
    complete(core, COUNCIL, case, DECISION)
    return case


def _post(browser: Browser, url: str, form_url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    token = csrf_token(browser.get(form_url).text)
    return browser.client.post(url, data={**data, "csrf_token": token})


def test_advance_notice_preview_states_the_response_date(browser: Browser, core: Saksflyt) -> None:
    case = _to_assessment(core)
    complete(core, CASE_HANDLER, case, {"adverse": "ja", "assessment_notes": "Tvil om skjenketidene."})
    ident = task_id(core, CASE_HANDLER, case)
    browser.login("kari")
    page = text(browser.get(f"/oppgaver/{ident}"))
    assert "Forhåndsvis brev" in page and "Lag PDF" in page and "lagres brevet som PDF i saken" in page
    data = {
        "notice_text": "Kommunen vurderer å avslå søknaden.",
        "notice_reached_on": "2026-03-12",
        "response_weeks": "3",
    }
    response = _post(browser, f"/oppgaver/{ident}/brev", f"/oppgaver/{ident}", data)
    assert response.status_code == 200 and response.mimetype == "text/html"
    letter = text(response)
    assert "Forhåndsvarsel" in letter and "forvaltningsloven § 16" in letter
    assert "Kommunen vurderer å avslå søknaden." in letter and "Fjordkroa AS" in letter and case.reference in letter
    # 12.03.2026 + 3 weeks = Thursday 02.04.2026 (skjærtorsdag) → Tuesday 07.04.2026 (domstolloven § 149).
    assert "innen tirsdag 7. april 2026" in letter
    assert "/static/letter.css" in letter
    # Nothing was stored or completed by the preview.
    assert task_id(core, CASE_HANDLER, case) == ident


def test_preview_with_bad_input_shows_the_form_with_norwegian_errors(browser: Browser, core: Saksflyt) -> None:
    case = _to_assessment(core)
    complete(core, CASE_HANDLER, case, {"adverse": "ja", "assessment_notes": "Tvil."})
    ident = task_id(core, CASE_HANDLER, case)
    browser.login("kari")
    data = {"notice_text": "Mitt utkast", "notice_reached_on": "31.02.2026", "response_weeks": "nitten"}
    response = _post(browser, f"/oppgaver/{ident}/brev", f"/oppgaver/{ident}", data)
    assert response.status_code == 422
    page = text(response)
    assert "må være en gyldig dato" in page and "må være et heltall" in page
    assert input_value(page, "notice_text") == "Mitt utkast" and input_value(page, "response_weeks") == "nitten"


def test_decision_letter_grounds_and_right_to_appeal(browser: Browser, core: Saksflyt) -> None:
    case = _to_notification(core)
    ident = task_id(core, CASE_HANDLER, case)
    browser.login("kari")
    letter = text(_post(browser, f"/oppgaver/{ident}/brev", f"/oppgaver/{ident}", {"notified_on": "2026-03-12"}))
    assert "Kommunestyret traff tirsdag 10. mars 2026 dette vedtaket" in letter
    assert "Bevilling innvilges." in letter and "Vakt i døra." in letter
    assert "Bevillingen gjelder til og med lørdag 30. september 2028 (alkoholloven § 1-6)" in letter
    # fvl §§ 24–25: the rules, the facts and the main considerations.
    assert "Begrunnelse" in letter and "alkoholloven §§ 1-6, 1-7, 1-7a og 1-7b" in letter
    assert "Politiet har uttalt seg onsdag 4. mars 2026 uten merknader" in letter
    assert "Søkeren oppfyller kravene." in letter
    # fvl § 27: appeal deadline as an explicit date, sent to the municipality, Statsforvalteren decides.
    assert "Klageadgang" in letter and "innen tirsdag 7. april 2026" in letter
    assert "Klagen sendes til Demo kommune" in letter and "Statsforvalteren" in letter and "klageinstans" in letter
    assert "forvaltningsloven § 29" in letter and "forvaltningsloven § 42" in letter


def test_pdf_and_the_letter_stored_when_the_task_is_completed(browser: Browser, core: Saksflyt) -> None:
    case = _to_notification(core)
    ident = task_id(core, CASE_HANDLER, case)
    browser.login("kari")
    pdf = _post(browser, f"/oppgaver/{ident}/brev.pdf", f"/oppgaver/{ident}", {"notified_on": "2026-03-12"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert "nothing" not in pdf.headers.get("Content-Disposition", "")
    assert "Ingen dokumenter." in text(browser.get(f"/saker/{case.id}"))
    response = browser.submit(f"/oppgaver/{ident}", {"notified_on": "2026-03-12"})
    assert response.status_code == 303
    page = text(browser.get(f"/saker/{case.id}"))
    assert "Vedtak – sak 2026/0001" in page and "vedtak-2026-0001-2026-03-02.pdf" in page
    assert "Brev lagret: Vedtak – sak 2026/0001" in page  # the audit log
    link = page.split('href="/dokumenter/')[1].split('"')[0]
    stored = browser.get(f"/dokumenter/{link}")
    assert stored.status_code == 200 and stored.data.startswith(b"%PDF-")
    assert stored.headers["Content-Disposition"].startswith("inline;")
    browser.logout()
    for outsider in ("politi", "nav"):
        browser.login(outsider)
        assert browser.get(f"/dokumenter/{link}").status_code == 403, outsider
        browser.logout()


def test_case_page_preview_from_the_case_data(browser: Browser, core: Saksflyt) -> None:
    case = _to_notification(core)
    browser.login("lise")
    page = text(browser.get(f"/saker/{case.id}"))
    assert f'href="/saker/{case.id}/brev/vedtak"' in page
    letter = text(browser.get(f"/saker/{case.id}/brev/vedtak"))
    assert "Klageadgang" in letter and "Statsforvalteren" in letter
    # Without a notification date yet, the preview counts from today (02.03.2026 → 23.03.2026).
    assert "innen mandag 23. mars 2026" in letter
    assert browser.get(f"/saker/{case.id}/brev/ukjent").status_code == 404
    browser.logout()
    browser.login("politi")
    assert browser.get(f"/saker/{case.id}/brev/vedtak").status_code == 403


def test_sanction_letters_render_from_the_process_variables() -> None:
    """The point and suspension letters, written against the variables of bpmn/sanction.bpmn."""
    base = {
        "municipality": "Demo kommune",
        "today": date(2026, 3, 10),
        "reference": "2026/0042",
        "case_title": "Kontroll",
        "party": {"name": "Prikkbar AS", "org_number": "912345678", "address": "Torget 2", "email": None},
        "premises": "Prikkbaren",
        "licence_number": "B-2025-007",
        "application_type": None,
        "application_type_code": None,
        "competent_body": "leder",
        "handler": "Kari Saksbehandler",
    }
    award = {
        "key": "2026/0042-1",
        "code": "S1",
        "provision": "alkl. § 8-11",
        "label": "Skjenking til mindreårige",
        "points": 8,
        "violation_date": date(2026, 2, 20),
        "justification": None,
    }
    count = {"total": 8, "threshold": 8, "points_remaining": 0, "window_start": date(2023, 2, 20)}
    data = {
        "control_date": "2026-02-20",
        "awarded_points": [award],
        "control_violations": [award],
        "point_count": count,
        "rule_set": {"label": "alkf-2016 v1", "threshold": 12, "window_years": 2},
        "decided_on": "2026-03-09",
        "decision_text": "Bevillingen tildeles 8 prikker.",
        "suspension_basis": [award],
        "suspension_days": 7,
        "implementation_deadline": "2026-04-06",
        "suspension_notice_reached_on": "2026-03-02",
        "suspension_response_weeks": 3,
        "report_reached_on": "2026-02-23",
        "comment_weeks": 2,
    }
    rendered = {
        kind: letters.render_html(
            kind, letters.letter_context(kind, {**base, "data": data}, {"notified_on": "2026-03-12"}, "Kari")
        )
        for kind in letters.LETTERS
        if kind not in ("forhandsvarsel", "vedtak")
    }
    assert (
        "innen tirsdag 7. april 2026" in rendered["vedtak_prikker"] and "Statsforvalteren" in rendered["vedtak_prikker"]
    )
    assert "Skjenking til mindreårige" in rendered["vedtak_prikker"]
    assert "kan påklages" in rendered["orientering_prikker"] and "Klageadgang" not in rendered["orientering_prikker"]
    suspension = rendered["vedtak_inndragning"]
    assert "7 dager" in suspension and "mandag 6. april 2026" in suspension and "Statsforvalteren" in suspension
    assert "Leder (delegert myndighet) traff mandag 9. mars 2026" in suspension
    assert "innen mandag 23. mars 2026" in rendered["forhandsvarsel_inndragning"]
    assert "innen mandag 9. mars 2026" in rendered["kontrollrapport"]
    assert letters.render_pdf(suspension).startswith(b"%PDF-")
