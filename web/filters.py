"""Jinja filters: dates as dd.mm.yyyy (Norwegian time), values, role names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask

from engine.clock import OSLO
from engine.forms import as_date
from engine.labels import role_label
from engine.rules.calendar import WEEKDAY_NAMES


def dato(value: Any, empty: str = "–") -> str:
    """dd.mm.yyyy; an instant is shown as its date in Norway."""
    day = as_date(value)
    if day is None:
        return empty if value in (None, "") else str(value)
    return day.strftime("%d.%m.%Y")


def tidspunkt(value: Any, empty: str = "–") -> str:
    """dd.mm.yyyy kl. HH.MM in Norwegian time."""
    if not isinstance(value, datetime):
        return dato(value, empty)
    local = value.astimezone(OSLO) if value.tzinfo is not None else value
    return local.strftime("%d.%m.%Y kl. %H.%M")


def ukedag_dato(value: Any, empty: str = "–") -> str:
    """ "tirsdag 07.04.2026"."""
    day = as_date(value)
    if day is None:
        return empty
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.strftime('%d.%m.%Y')}"


def verdi(value: Any) -> str:
    """Any stored value for display: dates dd.mm.yyyy, booleans Ja/Nei, empty as a dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    if isinstance(value, date | datetime):
        return dato(value)
    return str(value)


def register(app: Flask) -> None:
    app.add_template_filter(dato, "dato")
    app.add_template_filter(tidspunkt, "tidspunkt")
    app.add_template_filter(ukedag_dato, "ukedag_dato")
    app.add_template_filter(verdi, "verdi")
    app.add_template_filter(role_label, "rolle")

    @app.context_processor
    def _globals() -> dict[str, Any]:
        core = app.extensions["saksflyt"]
        return {"municipality": core.settings.municipality, "role_label": role_label}
