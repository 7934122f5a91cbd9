"""Reading the documents stored with a case (letters and attachments; see document_store for
writing them).

Who sees what (the same rule as the case page):

* the municipal roles (case_views.FULL_ACCESS_ROLES) see every document of a case;
* police and NAV see only the documents they uploaded themselves, and only on a case they have
  access to (case_views.limited_case_access: a statement is or was requested from them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.errors import Forbidden, NotFound
from engine.persistence.document_models import Document
from engine.services import case_views
from engine.services.core import Actor, Saksflyt

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
