"""Storing documents with a case: generated letters and uploaded attachments, written inside the
transaction of the step they belong to.

Uploads are size-limited and type-checked by their content (the first bytes), never only by the
file name: PDF, PNG, JPEG and DOCX (a ZIP package with word/document.xml).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.errors import ValidationFailed
from engine.persistence.document_models import Document
from engine.persistence.models import Case
from engine.services.audit import record
from engine.services.core import Actor, Saksflyt

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


# -- content sniffing ----------------------------------------------------------------------------
def sniff(data: bytes) -> str | None:
    """The content type of an allowed file from its first bytes, or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return None


def safe_filename(name: str, content_type: str) -> str:
    """A plain file name (no path, no control characters) with the extension of its real type."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = re.sub(r"[\x00-\x1f\x7f\"<>:|?*;]", "", base).strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[:120] or "dokument"
    return stem + ALLOWED_TYPES[content_type]


def check_upload(filename: str, data: bytes) -> str:
    """The sniffed content type of an upload; ValidationFailed (Norwegian) if it is refused."""
    if not data:
        raise ValidationFailed({"vedlegg": "Velg en fil å laste opp."})
    if len(data) > MAX_UPLOAD_BYTES:
        limit = MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationFailed(
            {"vedlegg": f"Filen «{filename}» er for stor. Største tillatte størrelse er {limit} MB."}
        )
    content_type = sniff(data)
    if content_type is None:
        raise ValidationFailed(
            {"vedlegg": f"Filen «{filename}» er ikke en PDF, PNG, JPEG eller DOCX. Andre filtyper kan ikke lastes opp."}
        )
    return content_type


# -- writing --------------------------------------------------------------------------------------
def store(
    core: Saksflyt,
    session: Session,
    case: Case,
    actor: Actor,
    *,
    kind: str,
    title: str,
    filename: str,
    content_type: str,
    data: bytes,
    letter: str | None = None,
    task_spec: str | None = None,
    role: str | None = None,
) -> Document:
    """Stores a document with the case inside the caller's transaction, with an audit entry."""
    document = Document(
        case_id=case.id,
        kind=kind,
        letter=letter,
        title=title[:300],
        filename=filename[:255],
        content_type=content_type,
        size=len(data),
        data=data,
        task_spec=task_spec,
        created_at=core.now(),
        created_by=actor.username,
        created_role=role,
    )
    session.add(document)
    session.flush()
    what = "Brev" if kind == "brev" else "Vedlegg"
    record(
        core,
        session,
        case,
        actor,
        f"document_{kind}",
        f"{what} lagret: {title} ({filename}).",
        {"document": document.id},
    )
    return document


@dataclass(frozen=True)
class NewDocument:
    """A document to store with the case in the same transaction as the task it belongs to."""

    kind: str  # brev / vedlegg
    title: str
    filename: str
    content_type: str
    data: bytes
    task_spec: str
    letter: str | None = None
    role: str | None = None


def letter_document(*, letter: str, title: str, filename: str, pdf: bytes, task_spec: str) -> NewDocument:
    return NewDocument("brev", title, filename, "application/pdf", pdf, task_spec, letter=letter)


def attachment_document(filename: str, data: bytes, task_spec: str, role: str | None) -> NewDocument:
    """An uploaded file, checked by its content; ValidationFailed (Norwegian) if refused."""
    content_type = check_upload(filename, data)
    name = safe_filename(filename, content_type)
    return NewDocument("vedlegg", name, name, content_type, data, task_spec, role=role)


def store_new(core: Saksflyt, session: Session, case: Case, actor: Actor, document: NewDocument) -> Document:
    return store(
        core,
        session,
        case,
        actor,
        kind=document.kind,
        title=document.title,
        filename=document.filename,
        content_type=document.content_type,
        data=document.data,
        letter=document.letter,
        task_spec=document.task_spec,
        role=document.role,
    )
