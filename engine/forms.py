"""Task forms: definitions live next to the models (`bpmn/forms/*.json`), referenced from a
BPMN task's `form` property. Validation is server-side, with Norwegian messages, and turns
raw input (strings from the web, JSON values from the API) into typed values.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from engine.clock import OSLO
from engine.errors import ValidationFailed

FORMS_DIR = Path(__file__).resolve().parents[1] / "bpmn" / "forms"
TEXT_LIMITS = {"text": 300, "textarea": 20000}
_TRUE = {"true", "ja", "1", "on", "yes"}
_FALSE = {"false", "nei", "0", "off", "no"}
_NORWEGIAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str
    required: bool = False
    required_if: dict[str, Any] = field(default_factory=dict)
    choices: tuple[tuple[str, str], ...] = ()
    default: Any = None
    help: str | None = None
    min: int | None = None
    max: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Form:
    name: str
    title: str
    fields: tuple[Field, ...]

    def defaults(self, today: date) -> dict[str, Any]:
        """Initial values for a blank form ("today" means the clock's date)."""
        return {f.name: (today if f.default == "today" else f.default) for f in self.fields}

    def validate(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Typed values for every field, or ValidationFailed listing each bad field."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for f in self.fields:
            try:
                values[f.name] = _coerce(f, raw.get(f.name))
            except ValueError as exc:
                errors[f.name] = str(exc)
        for f in self.fields:
            if f.name not in errors and values[f.name] is None and _is_required(f, values):
                errors[f.name] = f"«{f.label}» må fylles ut."
        if errors:
            raise ValidationFailed(errors)
        return values


def _is_required(f: Field, values: dict[str, Any]) -> bool:
    if f.required:
        return True
    return bool(f.required_if) and all(values.get(k) == v for k, v in f.required_if.items())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _coerce(f: Field, value: Any) -> Any:
    if _blank(value):
        return None
    coercer = _COERCERS[f.type]
    return coercer(f, value)


def _coerce_text(f: Field, value: Any) -> str:
    text = str(value).strip()
    limit = f.max_length or TEXT_LIMITS[f.type]
    if len(text) > limit:
        raise ValueError(f"«{f.label}» kan ha høyst {limit} tegn.")
    return text


def _coerce_boolean(f: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"Velg ja eller nei for «{f.label}».")


def _coerce_integer(f: Field, value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"«{f.label}» må være et heltall.")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"«{f.label}» må være et heltall.") from None
    if f.min is not None and number < f.min:
        raise ValueError(f"«{f.label}» må være minst {f.min}.")
    if f.max is not None and number > f.max:
        raise ValueError(f"«{f.label}» kan være høyst {f.max}.")
    return number


def parse_date(value: Any) -> date:
    """A date from a date object, ISO "2026-04-07" or Norwegian "07.04.2026"."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _NORWEGIAN_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def as_date(value: Any) -> date | None:
    """A date from what forms, case data or templates hold (date, datetime, ISO or dd.mm.yyyy);
    None if blank or not a date. A timezone-aware datetime counts in Norwegian time."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(OSLO).date()
    try:
        return parse_date(value)
    except (TypeError, ValueError):
        return None


def _coerce_date(f: Field, value: Any) -> date:
    try:
        return parse_date(value)
    except ValueError:
        raise ValueError(f"«{f.label}» må være en gyldig dato (dd.mm.åååå).") from None


def _coerce_choice(f: Field, value: Any) -> str:
    text = str(value).strip()
    if text not in {key for key, _ in f.choices}:
        raise ValueError(f"Velg et av alternativene for «{f.label}».")
    return text


_COERCERS = {
    "text": _coerce_text,
    "textarea": _coerce_text,
    "boolean": _coerce_boolean,
    "integer": _coerce_integer,
    "date": _coerce_date,
    "choice": _coerce_choice,
}


def _field_from_json(raw: dict[str, Any]) -> Field:
    choices = tuple((str(k), str(v)) for k, v in raw.get("choices", ()))
    known = {k: v for k, v in raw.items() if k in Field.__dataclass_fields__ and k != "choices"}
    if known["type"] not in _COERCERS:
        raise ValueError(f"Unknown field type {known['type']!r} in form field {known['name']!r}")
    return Field(**known, choices=choices)


@functools.cache
def load_form(name: str, forms_dir: Path = FORMS_DIR) -> Form:
    path = forms_dir / f"{name}.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Form(name=name, title=raw["title"], fields=tuple(_field_from_json(f) for f in raw["fields"]))


def form_names(forms_dir: Path = FORMS_DIR) -> list[str]:
    return sorted(p.stem for p in forms_dir.glob("*.json"))
