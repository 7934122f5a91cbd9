"""A person in the browser: logs in, opens their tasks, fills in forms like a user would."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.live import PASSWORD, LiveServer


class Person:
    def __init__(self, browser: Any, live: LiveServer, username: str, shots: Path, counter: list[int]) -> None:
        self.live = live
        self.username = username
        self.shots = shots
        self.counter = counter
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    # -- navigation ---------------------------------------------------------------------------
    def login(self) -> Person:
        self.page.goto(self.live.url + "/login")
        self.page.fill("#username", self.username)
        self.page.fill("#password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(re.compile(r".*/oppgaver$"))
        return self

    def goto(self, path: str) -> Person:
        self.page.goto(self.live.url + path)
        return self

    def open_task(self, title: str) -> Person:
        """From the worklist: the first task with this title (the queue of one of my roles)."""
        self.goto("/oppgaver")
        self.page.get_by_role("link", name=title, exact=True).first.click()
        self.page.wait_for_selector("h1")
        assert self.page.locator("h1").inner_text().strip() == title, self.page.locator("h1").inner_text()
        return self

    # -- forms --------------------------------------------------------------------------------
    def fill(self, values: dict[str, str]) -> Person:
        for name, value in values.items():
            field = self.page.locator(f'[name="{name}"]').first
            kind = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if kind == "input:radio":
                self.page.check(f'input[name="{name}"][value="{value}"]')
            elif kind.startswith("select"):
                field.select_option(value)
            else:
                field.fill(value)
        return self

    def submit(self, button: str = "Fullfør oppgaven") -> Person:
        self.page.get_by_role("button", name=button).click()
        self.page.wait_for_load_state("networkidle")
        return self

    def flash(self) -> str:
        return " ".join(self.page.locator(".flash").all_inner_texts())

    def text(self) -> str:
        return self.page.locator("main").inner_text()

    def shot(self, name: str, page: Any | None = None) -> Path:
        self.counter[0] += 1
        path = self.shots / f"{self.counter[0]:02d}-{name}.png"
        (page or self.page).screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        assert not self.errors, f"JavaScript errors for {self.username}: {self.errors}"
        self.context.close()
