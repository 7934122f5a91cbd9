"""Documents of a case (letters and attachments): download, and the letter preview from the case."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, url_for

from engine.services import documents, letters
from web.context import actor, core

bp = Blueprint("documents", __name__)

INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


@bp.get("/dokumenter/<int:document_id>")
def download(document_id: int) -> Any:
    found = documents.get_document(core(), actor(), document_id)
    view = found.view
    # Generated letters open in the browser; uploads are always downloaded, never rendered by us.
    inline = view.kind == "brev" and view.content_type in INLINE_TYPES
    disposition = "inline" if inline else "attachment"
    response = Response(found.data, mimetype=view.content_type)
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{_quote(view.filename)}"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Content-Length"] = str(view.size)
    return response


@bp.get("/saker/<int:case_id>/brev/<kind>")
def case_letter(case_id: int, kind: str) -> Any:
    """HTML preview of a letter from the case's data as it stands."""
    html = letters.case_letter(core(), actor(), case_id, kind, url_for("static", filename="letter.css"))
    return Response(html, mimetype="text/html")


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
