"""A live Saksflyt for browser tests: the real app on a temporary SQLite database with a fixed
clock, served by werkzeug on a free loopback port in a thread, and Debian's chromium."""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from engine.clock import OSLO, FixedClock
from engine.config import Settings
from engine.services import users as users_service
from engine.services.core import Saksflyt
from engine.services.users import create_user
from tests.support import databases
from web import create_app

CHROMIUM = os.environ.get("SAKSFLYT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "riktig-passord-123"
USERS: dict[str, tuple[str, list[str]]] = {
    "kari": ("Kari Saksbehandler", ["saksbehandler"]),
    "lise": ("Lise Leder", ["leder"]),
    "kontroll": ("Kjell Kontrollør", ["kontrollor"]),
    "politi": ("Politiet i Demo", ["politi"]),
    "nav": ("NAV Demo", ["nav"]),
    "sekretariat": ("Politisk sekretariat", ["formannskap", "kommunestyre"]),
    "admin": ("Ada Admin", ["admin"]),
}


class LiveServer:
    def __init__(self, core: Saksflyt, clock: FixedClock) -> None:
        self.core = core
        self.clock = clock
        self.app = create_app(core, {"TESTING": False})
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the test output
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


@contextmanager
def live_saksflyt(folder: Path, start: datetime | None = None) -> Iterator[LiveServer]:
    template = databases.sqlite_template(folder / "template")
    url = databases.sqlite_copy(template, folder / "live.sqlite3")
    shutil.rmtree(folder / "template", ignore_errors=True)
    clock = FixedClock(start or datetime(2026, 3, 2, 9, 0, tzinfo=OSLO))
    core = Saksflyt.create(Settings(database_url=url), clock=clock)
    original = users_service.generate_password_hash
    users_service.generate_password_hash = lambda password: generate_password_hash(password, "pbkdf2:sha256:1000")
    try:
        for username, (full_name, roles) in USERS.items():
            create_user(core, username, full_name, PASSWORD, roles)
    finally:
        users_service.generate_password_hash = original
    server = LiveServer(core, clock).start()
    try:
        yield server
    finally:
        server.stop()
        core.engine.dispose()


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
