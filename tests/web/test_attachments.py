"""Attachments on task pages whose form takes documents (`"attachments": true` in the form
definition): stored with the case, size-limited, type-checked by content; who sees which."""

from __future__ import annotations

import io
import zipfile

from engine.services import document_store
from engine.services.core import Saksflyt
from tests.integration.conftest import CASE_HANDLER, NAV, POLICE
from tests.integration.helpers import complete, register, task_id
from tests.web.support import Browser, csrf_token, input_value, text

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
STATEMENT = {"has_objections": "ja", "statement_text": "Se vedlagte rapport.", "given_on": "2026-03-03"}


def _docx(with_document: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _statement_case(core: Saksflyt):  # type: ignore[no-untyped-def]
    case = register(core)
    complete(core, CASE_HANDLER, case, {"complete": "ja", "document_weeks": "2"})
    return case


def _submit(browser: Browser, url: str, data: dict[str, str], files: list[tuple[bytes, str]]):  # type: ignore[no-untyped-def]
    token = csrf_token(browser.get(url).text)
    payload: dict[str, object] = {**data, "csrf_token": token}
    payload["vedlegg"] = [(io.BytesIO(content), name) for content, name in files]
    return browser.client.post(url, data=payload, content_type="multipart/form-data")


def test_sniffing_accepts_only_real_pdf_png_jpeg_docx() -> None:
    assert document_store.sniff(PDF) == "application/pdf"
    assert document_store.sniff(PNG) == "image/png"
    assert document_store.sniff(b"\xff\xd8\xff\xe0" + b"\x00" * 16) == "image/jpeg"
    assert document_store.sniff(_docx()).endswith("wordprocessingml.document")
    assert document_store.sniff(_docx(with_document=False)) is None  # a ZIP, but not a Word document
    assert document_store.sniff(b"MZ\x90\x00 this is an exe") is None
    assert document_store.sniff(b"<html><script>alert(1)</script>") is None
    assert document_store.safe_filename("../../etc/passwd.pdf", "application/pdf") == "passwd.pdf"
    assert document_store.safe_filename("rapport.exe", "image/png") == "rapport.png"


def test_police_uploads_with_its_statement_and_only_sees_its_own(browser: Browser, core: Saksflyt) -> None:
    case = _statement_case(core)
    police_task = task_id(core, POLICE, case)
    nav_task = task_id(core, NAV, case)
    browser.login("politi")
    page = text(browser.get(f"/oppgaver/{police_task}"))
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page and "høyst 10 MB" in page
    response = _submit(browser, f"/oppgaver/{police_task}", STATEMENT, [(PDF, "politirapport.pdf"), (PNG, "bilde.png")])
    assert response.status_code == 303
    limited = text(browser.get(f"/saker/{case.id}"))
    assert "politirapport.pdf" in limited and "bilde.png" in limited and "Dokumenter dere har sendt" in limited
    link = limited.split('href="/dokumenter/')[1].split('"')[0]
    download = browser.get(f"/dokumenter/{link}")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment;")
    assert download.data in (PDF, PNG)
    browser.logout()

    browser.login("nav")
    nav_page = text(browser.get(f"/oppgaver/{nav_task}"))
    assert "politirapport.pdf" not in nav_page
    assert "politirapport.pdf" not in text(browser.get(f"/saker/{case.id}"))
    assert browser.get(f"/dokumenter/{link}").status_code == 403
    browser.logout()

    browser.login("kari")
    full = text(browser.get(f"/saker/{case.id}"))
    assert "politirapport.pdf" in full and "Vedlegg (PDF)" in full and "politi (Politiet)" in full
    assert "Vedlegg lagret: politirapport.pdf" in full
    assert browser.get(f"/dokumenter/{link}").status_code == 200


def test_bad_files_are_refused_in_norwegian_and_the_input_is_kept(browser: Browser, core: Saksflyt) -> None:
    case = _statement_case(core)
    ident = task_id(core, POLICE, case)
    browser.login("politi")
    fake = _submit(browser, f"/oppgaver/{ident}", STATEMENT, [(b"MZ this is a program", "rapport.pdf")])
    assert fake.status_code == 422
    page = text(fake)
    assert "Filen «rapport.pdf» er ikke en PDF, PNG, JPEG eller DOCX" in page
    assert input_value(page, "statement_text") == "Se vedlagte rapport." and "Velg filene på nytt" in page
    big = _submit(browser, f"/oppgaver/{ident}", STATEMENT, [(PDF + b"0" * (10 * 1024 * 1024), "stor.pdf")])
    assert big.status_code == 422 and "Filen «stor.pdf» er for stor. Største tillatte størrelse er 10 MB." in text(big)
    # A bad file together with a bad form: both errors, nothing saved, the task still open.
    both = _submit(browser, f"/oppgaver/{ident}", {**STATEMENT, "given_on": "32.13.2026"}, [(b"x", "a.png")])
    assert both.status_code == 422
    assert "«Dato» må være en gyldig dato (dd.mm.åååå)." in text(both) and "er ikke en PDF" in text(both)
    assert task_id(core, POLICE, case) == ident
    browser.logout()
    browser.login("kari")
    assert "Ingen dokumenter." in text(browser.get(f"/saker/{case.id}"))


def test_forms_without_the_flag_take_no_files(browser: Browser, core: Saksflyt) -> None:
    case = register(core)
    ident = task_id(core, CASE_HANDLER, case)
    browser.login("kari")
    assert 'type="file"' not in text(browser.get(f"/oppgaver/{ident}"))
    response = _submit(browser, f"/oppgaver/{ident}", {"complete": "ja", "document_weeks": "2"}, [(PDF, "x.pdf")])
    assert response.status_code == 303
    assert "x.pdf" not in text(browser.get(f"/saker/{case.id}"))


def test_docx_is_accepted_by_content(browser: Browser, core: Saksflyt) -> None:
    case = _statement_case(core)
    ident = task_id(core, NAV, case)
    browser.login("nav")
    response = _submit(browser, f"/oppgaver/{ident}", STATEMENT, [(_docx(), "uttalelse.DOCX")])
    assert response.status_code == 303
    assert "uttalelse.docx" in text(browser.get(f"/saker/{case.id}"))
