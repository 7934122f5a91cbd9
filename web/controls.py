"""Kontrollrapporter: a controller (or a case handler) registers a control report, which starts a
sanction case for the licence (engine.services.sanctions)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import Forbidden, NotFound, ValidationFailed
from engine.forms import load_form
from engine.services.core import Actor
from web.context import actor, core
from web.forms_render import form_view, raw_input

bp = Blueprint("controls", __name__)

REPORTING_ROLES = frozenset({"kontrollor", "saksbehandler"})


def can_report(me: Actor) -> bool:
    return bool(me.roles & REPORTING_ROLES)


def _render(submitted: dict[str, Any] | None = None, errors: dict[str, str] | None = None) -> Any:
    if not can_report(actor()):
        raise Forbidden("Bare kontrollører og saksbehandlere kan registrere kontrollrapporter.")
    form = form_view(load_form("control_report"), core().today(), submitted, errors)
    return render_template("controls/new.html", form=form)


@bp.get("/kontroller/ny")
def new() -> Any:
    return _render()


@bp.post("/kontroller/ny")
def create() -> Any:
    from engine.services import sanctions

    if not can_report(actor()):
        raise Forbidden("Bare kontrollører og saksbehandlere kan registrere kontrollrapporter.")
    raw = raw_input(load_form("control_report"), request.form)
    try:
        ref = sanctions.register_control_report(core(), actor(), raw)
    except ValidationFailed as failed:
        return _render(raw, failed.errors), 422
    except NotFound as missing:  # an unknown licence number or rule set is bad input in this form
        return _render(raw, {"licence_number": missing.message}), 422
    flash(f"Kontrollrapporten er registrert som sak {ref.reference}.", "success")
    return redirect(url_for("cases.show", case_id=ref.id), code=303)
