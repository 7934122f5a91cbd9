"""Brukeradministrasjon for `admin`: list users, create a user with roles, change roles, deactivate."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import Forbidden, ValidationFailed
from engine.labels import role_label
from engine.persistence.models import ROLES
from engine.services import users
from web.context import actor, core

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page(
    form: dict[str, Any] | None = None, errors: dict[str, str] | None = None, role_errors: dict[int, str] | None = None
) -> Any:
    me = actor()
    return render_template(
        "admin/users.html",
        users=users.list_users(core(), me),
        roles=[(r, role_label(r)) for r in ROLES],
        form=form or {"username": "", "full_name": "", "email": "", "roles": []},
        errors=errors or {},
        role_errors=role_errors or {},
        me=me.user_id,
    )


@bp.get("/brukere")
def index() -> Any:
    if not actor().has_role("admin"):
        raise Forbidden("Bare administratorer kan administrere brukere.")
    return _page()


@bp.post("/brukere")
def create() -> Any:
    raw = {
        "username": request.form.get("username", ""),
        "full_name": request.form.get("full_name", ""),
        "email": request.form.get("email", ""),
        "password": request.form.get("password", ""),
        "roles": request.form.getlist("roles"),
    }
    try:
        users.admin_create_user(core(), actor(), raw)
    except ValidationFailed as failed:
        kept = {k: v for k, v in raw.items() if k != "password"}  # never echo a password
        return _page(kept, failed.errors), 422
    flash(f"Brukeren {raw['username'].strip().lower()} er opprettet.", "success")
    return redirect(url_for("admin.index"), code=303)


@bp.post("/brukere/<int:user_id>/roller")
def change_roles(user_id: int) -> Any:
    try:
        users.set_roles(core(), actor(), user_id, request.form.getlist("roles"))
    except ValidationFailed as failed:
        return _page(role_errors={user_id: failed.errors.get("roles", "Ugyldige roller.")}), 422
    flash(f"Rollene til {users.get_user(core(), actor(), user_id).username} er endret.", "success")
    return redirect(url_for("admin.index"), code=303)


@bp.post("/brukere/<int:user_id>/aktiv")
def change_active(user_id: int) -> Any:
    active = request.form.get("active") == "ja"
    users.set_active(core(), actor(), user_id, active)
    name = users.get_user(core(), actor(), user_id).username
    flash(f"Brukeren {name} er {'aktivert' if active else 'deaktivert'}.", "success")
    return redirect(url_for("admin.index"), code=303)
