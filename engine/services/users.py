"""Users and roles. Passwords are stored as salted scrypt hashes (werkzeug)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from engine.errors import Conflict, ValidationFailed
from engine.persistence.models import ROLES, User, UserRole
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
