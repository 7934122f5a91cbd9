"""Logging in and out. The session stores only the user id; roles are read on every request,
so a changed or removed role takes effect at once."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from engine.labels import role_label
from engine.services import case_views, manager_views, register_views
from engine.services.core import Actor
from engine.services.users import authenticate, load_actor
from web import PUBLIC_ENDPOINTS
from web.context import core, safe_next

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


class CurrentUser(UserMixin):
    """Flask-Login's user: the service layer's Actor and what the navigation shows."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    def get_id(self) -> str:
        return str(self.actor.user_id)

    @property
    def username(self) -> str:
        return self.actor.username

    @cached_property
    def full_name(self) -> str:
        return case_views.full_name(core(), self.actor.user_id) or self.actor.username

    @property
    def roles(self) -> list[str]:
        return case_views.sorted_roles(self.actor.roles)

    @property
    def role_labels(self) -> list[str]:
        return [role_label(r) for r in self.roles]

    def has_role(self, role: str) -> bool:
        return self.actor.has_role(role)

    @property
    def full_access(self) -> bool:
        return case_views.has_full_access(self.actor)

    @property
    def can_register(self) -> bool:
        return case_views.can_register(self.actor)

    @property
    def can_report_controls(self) -> bool:
        return bool(self.actor.roles & {"kontrollor", "saksbehandler"})

    @property
    def sees_register(self) -> bool:
        return register_views.can_see_register(self.actor)

    @property
    def is_manager(self) -> bool:
        return bool(self.actor.roles & manager_views.MANAGER_ROLES)

    @property
    def agenda_roles(self) -> list[str]:
        return case_views.agenda_roles(self.actor)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Logg inn for å se denne siden."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(user_id: str) -> CurrentUser | None:
        try:
            ident = int(user_id)
        except (TypeError, ValueError):
            return None
        actor = load_actor(core(), ident)
        return CurrentUser(actor) if actor is not None else None

    @app.before_request
    def _require_login() -> Any:
        """Every page needs a logged-in user unless it is public; the API checks its own auth."""
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS or request.blueprint == "api":
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("worklist.index"))
    error = None
    username = ""
    status = 200
    if request.method == "POST":
        username = (request.form.get("username") or "").strip()
        password = request.form.get("password") or ""
        actor = authenticate(core(), username, password) if username and password else None
        if actor is None:
            error = "Feil brukernavn eller passord."
            status = 401
        else:
            target = safe_next(request.args.get("next"), url_for("worklist.index"))
            session.clear()  # a fresh session at login (no fixation)
            login_user(CurrentUser(actor))
            session.permanent = True
            flash(f"Du er logget inn som {actor.username}.", "success")
            return redirect(target)
    return render_template("auth/login.html", error=error, username=username), status


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Any:
    if request.method == "GET":
        return render_template("auth/logout.html")
    logout_user()
    session.clear()
    flash("Du er logget ut.", "info")
    return redirect(url_for("auth.login"))
