"""Helpers shared by the CLI modules."""

from __future__ import annotations

from datetime import date

from engine.errors import SaksflytError
from engine.rules import format_short
from engine.services.core import Saksflyt


def core_from_env() -> Saksflyt:
    return Saksflyt.create()


def show_date(value: date | None) -> str:
    return format_short(value) if value else "–"


def fail(error: SaksflytError) -> int:
    print(f"Feil: {error.message}")
    for field, message in getattr(error, "errors", {}).items():
        print(f"  {field}: {message}")
    return 2
