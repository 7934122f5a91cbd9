"""Saksliste: decision items for formannskapet and kommunestyret, with the recommendation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for

from engine.errors import Forbidden
from engine.services import case_views
from web.context import actor, core

bp = Blueprint("agenda", __name__)


@bp.get("/saksliste")
def index() -> Any:
    roles = case_views.agenda_roles(actor())
    if not roles:
        raise Forbidden("Sakslisten er for formannskapet og kommunestyret.")
    return redirect(url_for("agenda.show", role=roles[0]))


@bp.get("/saksliste/<role>")
def show(role: str) -> Any:
    items = case_views.agenda(core(), actor(), role)
    return render_template("agenda/agenda.html", role=role, items=items, roles=case_views.agenda_roles(actor()))
