"""Access to the core and the logged-in actor from a view."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from flask_login import current_user

from engine.services.core import Actor, Saksflyt


def core() -> Saksflyt:
    return current_app.extensions["saksflyt"]


def actor() -> Actor:
    """The logged-in user's actor (views run behind the login check)."""
    return current_user.actor


def safe_next(target: str | None, fallback: str) -> str:
    """A redirect target that stays on this site (a path, never another host)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target
