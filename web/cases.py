"""Cases: the list, the case page and registering a new application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from engine.errors import ValidationFailed
from engine.services import case_views, documents, letters
from engine.services.cases import register_application
from web import bpmn_layout
from web.context import actor, core
from web.forms_render import form_view, raw_input

bp = Blueprint("cases", __name__)

STATES = {"open": "Åpne", "closed": "Avsluttede", "all": "Alle"}
STATE_PARAMS = {"apne": "open", "avsluttede": "closed", "alle": "all"}


@bp.get("/saker")
def index() -> Any:
    param = request.args.get("status", "apne")
    state = STATE_PARAMS.get(param, "open")
    items = case_views.list_cases(core(), actor(), state)
    return render_template("cases/list.html", cases=items, state=state, states=STATES, params=STATE_PARAMS)


@bp.get("/saker/<int:case_id>")
def show(case_id: int) -> Any:
    page = case_views.case_page(core(), actor(), case_id)
    docs = documents.case_documents(core(), actor(), case_id)
    if not page.full:
        return render_template("cases/limited.html", case=page, today=core().today(), documents=docs)
    return render_template(
        "cases/detail.html",
        case=page,
        today=core().today(),
        diagram=case_views.process_diagram(core(), actor(), case_id),
        viewer_installed=_viewer_installed(),
        documents=docs,
        letter_tasks=letters.open_letter_tasks(core(), actor(), case_id),
        letter_titles={kind: title for kind, (title, _) in letters.LETTERS.items()},
    )


@bp.get("/saker/<int:case_id>/prosess.bpmn")
def process_xml(case_id: int) -> Any:
    """The case's BPMN model for the diagram viewer (same access as the whole case page)."""
    xml = bpmn_layout.diagram_for(case_views.process_file(core(), actor(), case_id))
    return Response(xml, mimetype="application/xml")


def _viewer_installed() -> bool:
    """The bpmn-js viewer is copied to static/vendor by scripts/install.sh (from the npm registry)."""
    static = current_app.static_folder or ""
    return (Path(static) / "vendor" / "bpmn-js" / "bpmn-navigated-viewer.production.min.js").is_file()


def _render_new(submitted: dict[str, Any] | None = None, errors: dict[str, str] | None = None) -> Any:
    form = case_views.registration_form(actor())  # Forbidden for anyone but saksbehandler
    return render_template("cases/new.html", form=form_view(form, core().today(), submitted, errors))


@bp.get("/saker/ny")
def new() -> Any:
    return _render_new()


@bp.post("/saker/ny")
def create() -> Any:
    form = case_views.registration_form(actor())
    raw = raw_input(form, request.form)
    try:
        ref = register_application(core(), actor(), raw)
    except ValidationFailed as failed:
        return _render_new(raw, failed.errors), 422
    flash(f"Søknaden er registrert som sak {ref.reference}.", "success")
    return redirect(url_for("cases.show", case_id=ref.id), code=303)
