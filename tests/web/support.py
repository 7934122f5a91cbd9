"""Helpers for web tests: users, a logged-in client that posts forms with their CSRF token."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

PASSWORD = "riktig-passord-123"
USERS: dict[str, tuple[str, list[str]]] = {
    "kari": ("Kari Saksbehandler", ["saksbehandler"]),
    "per": ("Per Saksbehandler", ["saksbehandler"]),
    "lise": ("Lise Leder", ["leder"]),
    "kontroll": ("Kjell Kontrollør", ["kontrollor"]),
    "politi": ("Politiet i Demo", ["politi"]),
    "nav": ("NAV Demo", ["nav"]),
    "formannskap": ("Formannskapets sekretær", ["formannskap"]),
    "kommunestyre": ("Kommunestyrets sekretær", ["kommunestyre"]),
    "sekretariat": ("Politisk sekretariat", ["formannskap", "kommunestyre"]),
    "admin": ("Ada Admin", ["admin"]),
}
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def text(response: TestResponse) -> str:
    """The page as text with entities decoded (for assertions on Norwegian characters)."""
    return unescape(response.get_data(as_text=True))


def input_value(html: str, name: str) -> str | None:
    """The value of the <input name=…> (or the text of a <textarea>)."""
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    if match:
        return unescape(match.group(1))
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(match.group(1)) if match else None


def checked_value(html: str, name: str) -> str | None:
    for match in re.finditer(rf'<input type="radio" name="{re.escape(name)}" value="([^"]*)"([^>]*)>', html):
        if re.search(r"\bchecked\b", match.group(2)):
            return unescape(match.group(1))
    return None


class Browser:
    """A test client that behaves like a person with a browser: GET the form, POST with its token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.client.get(url, **kwargs)

    def login(self, username: str, password: str = PASSWORD) -> TestResponse:
        page = self.client.get("/login")
        return self.client.post(
            "/login", data={"username": username, "password": password, "csrf_token": csrf_token(page.text)}
        )

    def token(self, url: str = "/oppgaver") -> str:
        return csrf_token(self.client.get(url).text)

    def post(self, url: str, data: dict[str, Any] | None = None, token_from: str | None = None) -> TestResponse:
        token = self.token(token_from or "/oppgaver")
        return self.client.post(url, data={**(data or {}), "csrf_token": token})

    def submit(self, url: str, data: dict[str, Any]) -> TestResponse:
        """GET the form page, then POST to it with its CSRF token."""
        page = self.client.get(url)
        assert page.status_code == 200, page.status_code
        return self.client.post(url, data={**data, "csrf_token": csrf_token(page.text)})

    def logout(self) -> TestResponse:
        return self.post("/logout")


def task_ids(core: Any, actor: Any, case_id: int) -> dict[str, int]:
    """Open task ids of a case for the actor's roles, by title."""
    from engine.services import tasks

    return {t.title: t.id for t in tasks.ready_tasks(core, actor) if t.case_id == case_id}
