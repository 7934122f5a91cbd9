"""Web tests: the Flask test client on the `core` fixture (SQLite and PostgreSQL), CSRF on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from engine.services import users as users_service
from engine.services.core import Actor, Saksflyt
from engine.services.users import create_user
from tests.integration.conftest import *  # noqa: F403  (core, clock, database_url, …)
from tests.web.support import PASSWORD, USERS, Browser
from web import create_app


@pytest.fixture
def app(core: Saksflyt) -> Iterator[Flask]:
    app = create_app(core, {"TESTING": True, "WTF_CSRF_ENABLED": True})
    yield app


@pytest.fixture
def users(core: Saksflyt, monkeypatch: pytest.MonkeyPatch) -> dict[str, Actor]:
    """One user per role, a second case handler and a secretariat with both political roles.

    Hashing uses a cheap method here only to keep the suite fast; production uses scrypt.
    """
    monkeypatch.setattr(
        users_service, "generate_password_hash", lambda password: generate_password_hash(password, "pbkdf2:sha256:1000")
    )
    actors = {}
    for username, (full_name, roles) in USERS.items():
        user_id = create_user(core, username, full_name, PASSWORD, roles)
        actors[username] = Actor(username, frozenset(roles), user_id)
    return actors


@pytest.fixture
def client(app: Flask, users: dict[str, Actor]) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def browser(app: Flask, users: dict[str, Actor]) -> Browser:
    return Browser(app.test_client())
