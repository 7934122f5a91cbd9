"""Documents stored with a case: generated letters and uploaded attachments.

Who sees what (the same rule as the case page):

* the municipal roles (case_views.FULL_ACCESS_ROLES) see every document of a case;
* police and NAV see only the documents they uploaded themselves, and only on a case they have
  access to (case_views.limited_case_access: a statement is or was requested from them).

Uploads are size-limited and type-checked by their content (the first bytes), never only by the
file name: PDF, PNG, JPEG and DOCX (a ZIP package with word/document.xml).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Forbidden, NotFound, ValidationFailed
from engine.persistence.document_models import Document
from engine.persistence.models import Case
from engine.services import case_views
from engine.services.audit import record
from engine.services.core import Actor, Saksflyt

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
TYPE_LABELS = {
    "application/pdf": "PDF",
    "image/png": "PNG-bilde",
    "image/jpeg": "JPEG-bilde",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word-dokument",
}
KIND_LABELS = {"brev": "Brev", "vedlegg": "Vedlegg"}


@dataclass(frozen=True)
class DocumentView:
    id: int
    case_id: int
    kind: str
    kind_label: str
    letter: str | None
    title: str
    filename: str
    content_type: str
    type_label: str
    size: int
    created_at: datetime
    created_by: str
    created_role: str | None

    @property
    def size_text(self) -> str:
        if self.size < 1024:
            return f"{self.size} byte"
        if self.size < 1024 * 1024:
            return f"{self.size / 1024:.0f} kB".replace(".", ",")
        return f"{self.size / (1024 * 1024):.1f} MB".replace(".", ",")


@dataclass(frozen=True)
class DocumentFile:
    view: DocumentView
    data: bytes


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


def store_letter(
    core: Saksflyt, actor: Actor, case_id: int, *, letter: str, title: str, filename: str, pdf: bytes, task_spec: str
) -> int:
    with core.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound("Saken finnes ikke.")
        document = store(
            core,
            session,
            case,
            actor,
            kind="brev",
            title=title,
            filename=filename,
            content_type="application/pdf",
            data=pdf,
            letter=letter,
            task_spec=task_spec,
        )
        return document.id


def upload_attachment(
    core: Saksflyt, actor: Actor, case_id: int, task_spec: str, role: str | None, filename: str, data: bytes
) -> DocumentView:
    """Stores an uploaded file with the case (the caller has checked the task and its role)."""
    content_type = check_upload(filename, data)
    name = safe_filename(filename, content_type)
    with core.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound("Saken finnes ikke.")
        document = store(
            core,
            session,
            case,
            actor,
            kind="vedlegg",
            title=name,
            filename=name,
            content_type=content_type,
            data=data,
            task_spec=task_spec,
            role=role,
        )
        return _view(document)


# -- reading --------------------------------------------------------------------------------------
def case_documents(core: Saksflyt, actor: Actor, case_id: int) -> list[DocumentView]:
    """The documents of a case the actor may see (newest first)."""
    with core.transaction() as session:
        query = (
            select(Document).where(Document.case_id == case_id).order_by(Document.created_at.desc(), Document.id.desc())
        )
        if not case_views.has_full_access(actor):
            case_views.require_limited_access(session, actor, case_id)
            query = query.where(Document.created_by == actor.username)
        return [_view(d) for d in session.scalars(query)]


def get_document(core: Saksflyt, actor: Actor, document_id: int) -> DocumentFile:
    with core.transaction() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFound("Dokumentet finnes ikke.")
        if not case_views.has_full_access(actor):
            case_views.require_limited_access(session, actor, document.case_id)
            if document.created_by != actor.username:
                raise Forbidden("Du har ikke tilgang til dette dokumentet.")
        return DocumentFile(_view(document), document.data)


def _view(document: Document) -> DocumentView:
    return DocumentView(
        id=document.id,
        case_id=document.case_id,
        kind=document.kind,
        kind_label=KIND_LABELS.get(document.kind, document.kind),
        letter=document.letter,
        title=document.title,
        filename=document.filename,
        content_type=document.content_type,
        type_label=TYPE_LABELS.get(document.content_type, document.content_type),
        size=document.size,
        created_at=document.created_at,
        created_by=document.created_by,
        created_role=document.created_role,
    )
