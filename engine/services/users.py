"""Users and roles. Passwords are stored as salted scrypt hashes (werkzeug)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.persistence.models import ROLES, User, UserRole
from engine.services.audit import record
from engine.services.core import Actor, Saksflyt

MIN_PASSWORD_LENGTH = 10


def create_user(
    core: Saksflyt,
    username: str,
    full_name: str,
    password: str,
    roles: Iterable[str],
    email: str | None = None,
) -> int:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValidationFailed({"roles": f"Ukjent rolle: {', '.join(unknown)}."})
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({"password": f"Passordet må ha minst {MIN_PASSWORD_LENGTH} tegn."})
    with core.transaction() as session:
        if session.scalar(select(User).where(User.username == username)):
            raise Conflict(f"Brukernavnet {username} er i bruk.")
        user = User(
            username=username,
            full_name=full_name,
            email=email,
            password_hash=generate_password_hash(password),
            roles=[UserRole(role=r) for r in roles],
        )
        session.add(user)
        session.flush()
        return user.id


def authenticate(core: Saksflyt, username: str, password: str) -> Actor | None:
    with core.transaction() as session:
        user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
        if user is None or not check_password_hash(user.password_hash, password):
            return None
        return actor_for(user)


def load_actor(core: Saksflyt, user_id: int) -> Actor | None:
    with core.transaction() as session:
        user = session.get(User, user_id)
        return actor_for(user) if user is not None and user.active else None


def actor_for(user: User) -> Actor:
    return Actor(username=user.username, roles=user.role_names, user_id=user.id)


# -- administration (role `admin`) -----------------------------------------------------------------
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    full_name: str
    email: str | None
    roles: list[str]
    active: bool


def _require_admin(actor: Actor) -> None:
    if not actor.has_role("admin"):
        raise Forbidden("Bare administratorer kan administrere brukere.")


def list_users(core: Saksflyt, actor: Actor) -> list[UserView]:
    _require_admin(actor)
    with core.transaction() as session:
        users = session.scalars(select(User).order_by(User.active.desc(), User.username))
        return [_user_view(u) for u in users]


def get_user(core: Saksflyt, actor: Actor, user_id: int) -> UserView:
    _require_admin(actor)
    with core.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("Brukeren finnes ikke.")
        return _user_view(user)


def validate_new_user(raw: dict[str, Any]) -> dict[str, Any]:
    """Checks the fields of a new user; ValidationFailed with a Norwegian message per field."""
    errors: dict[str, str] = {}
    username = str(raw.get("username") or "").strip().lower()
    full_name = str(raw.get("full_name") or "").strip()
    email = str(raw.get("email") or "").strip() or None
    password = str(raw.get("password") or "")
    roles = sorted(set(raw.get("roles") or []))
    if not USERNAME_PATTERN.match(username):
        errors["username"] = (
            "Brukernavnet må ha 2–80 tegn: små bokstaver a–z, tall, punktum, bindestrek eller understrek."
        )
    if not full_name:
        errors["full_name"] = "«Fullt navn» må fylles ut."
    elif len(full_name) > 200:
        errors["full_name"] = "«Fullt navn» kan ha høyst 200 tegn."
    if email is not None and (len(email) > 200 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
        errors["email"] = "Skriv en gyldig e-postadresse, for eksempel navn@kommune.no."
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"Passordet må ha minst {MIN_PASSWORD_LENGTH} tegn."
    role_error = _role_error(roles)
    if role_error:
        errors["roles"] = role_error
    if errors:
        raise ValidationFailed(errors)
    return {"username": username, "full_name": full_name, "email": email, "password": password, "roles": roles}


def _role_error(roles: list[str]) -> str | None:
    if not roles:
        return "Velg minst én rolle."
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        return f"Ukjent rolle: {', '.join(unknown)}."
    return None


def admin_create_user(core: Saksflyt, actor: Actor, raw: dict[str, Any]) -> int:
    _require_admin(actor)
    values = validate_new_user(raw)
    with core.transaction() as session:
        if session.scalar(select(User.id).where(User.username == values["username"])) is not None:
            raise ValidationFailed({"username": f"Brukernavnet {values['username']} er i bruk."})
    user_id = create_user(
        core, values["username"], values["full_name"], values["password"], values["roles"], values["email"]
    )
    with core.transaction() as session:
        record(
            core,
            session,
            None,
            actor,
            "user_created",
            f"Bruker {values['username']} opprettet med roller: {', '.join(values['roles'])}.",
        )
    return user_id


def set_roles(core: Saksflyt, actor: Actor, user_id: int, roles: Iterable[str]) -> None:
    _require_admin(actor)
    chosen = sorted(set(roles))
    error = _role_error(chosen)
    if error:
        raise ValidationFailed({"roles": error})
    with core.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("Brukeren finnes ikke.")
        if user.id == actor.user_id and "admin" not in chosen:
            raise ValidationFailed({"roles": "Du kan ikke fjerne din egen administratorrolle."})
        user.roles = [UserRole(role=r) for r in chosen]
        record(core, session, None, actor, "user_roles_changed", f"Roller for {user.username}: {', '.join(chosen)}.")


def set_active(core: Saksflyt, actor: Actor, user_id: int, active: bool) -> None:
    """Deactivates (or reactivates) a user: a deactivated user cannot log in, and an open session
    ends at the next request (the roles are read on every request)."""
    _require_admin(actor)
    with core.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("Brukeren finnes ikke.")
        if user.id == actor.user_id and not active:
            raise Conflict("Du kan ikke deaktivere deg selv.")
        user.active = active
        state = "aktivert" if active else "deaktivert"
        record(core, session, None, actor, "user_active_changed", f"Bruker {user.username} {state}.")


def _user_view(user: User) -> UserView:
    return UserView(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        roles=sorted(user.role_names, key=lambda r: ROLES.index(r) if r in ROLES else len(ROLES)),
        active=user.active,
    )
