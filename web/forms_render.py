"""Turns a form definition (bpmn/forms/*.json) into what the template needs to render it:
widgets, the values to show (the defaults, or exactly what the user typed) and the error per
field. Validation itself is the service's (`Form.validate`), never done here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from werkzeug.datastructures import MultiDict

from engine.forms import Field, Form

# Choice fields with at most this many options are radio buttons; more become a select.
MAX_RADIO_CHOICES = 3


@dataclass(frozen=True)
class FieldView:
    name: str
    id: str
    label: str
    type: str
    widget: str  # text, textarea, date, integer, radios, select
    input_type: str  # for <input>: text or date
    value: str
    choices: tuple[tuple[str, str], ...]
    required: bool
    conditional: str | None  # "Må fylles ut når …" for required_if
    help: str | None
    error: str | None
    min: int | None
    max: int | None
    max_length: int | None

    @property
    def describedby(self) -> str:
        ids = []
        if self.help or self.conditional or self.widget == "date":
            ids.append(f"{self.id}-hjelp")
        if self.error:
            ids.append(f"{self.id}-feil")
        return " ".join(ids)


@dataclass(frozen=True)
class FormView:
    name: str
    title: str
    fields: list[FieldView]
    errors: dict[str, str]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


def raw_input(form: Form, data: MultiDict[str, str]) -> dict[str, str]:
    """The submitted values of the form's fields (and nothing else)."""
    return {f.name: data.get(f.name, "") for f in form.fields}


def form_view(
    form: Form,
    today: date,
    submitted: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    prefix: str = "felt",
) -> FormView:
    """The form with its defaults, or with the submitted (raw) values and the errors."""
    errors = errors or {}
    values = submitted if submitted is not None else {k: _display(v) for k, v in form.defaults(today).items()}
    labels = {f.name: f for f in form.fields}
    fields = [_field_view(form, f, values.get(f.name), errors.get(f.name), labels, prefix) for f in form.fields]
    return FormView(form.name, form.title, fields, errors)


def _field_view(
    form: Form, f: Field, value: Any, error: str | None, labels: dict[str, Field], prefix: str
) -> FieldView:
    text = "" if value is None else str(value)
    widget = f.type
    if f.type == "boolean":
        widget = "radios"
        text = _boolean_text(text)
    elif f.type == "choice":
        widget = "radios" if len(f.choices) <= MAX_RADIO_CHOICES else "select"
    choices = (("ja", "Ja"), ("nei", "Nei")) if f.type == "boolean" else f.choices
    input_type = "text"
    if f.type == "date":
        # A browser date input only holds ISO dates; anything else the user typed (such as
        # "31.02.2026") is shown back as text so it is not lost.
        input_type = "date" if text == "" or _is_iso_date(text) else "text"
    return FieldView(
        name=f.name,
        id=f"{prefix}-{f.name}",
        label=f.label,
        type=f.type,
        widget=widget,
        input_type=input_type,
        value=text,
        choices=choices,
        required=f.required,
        conditional=_conditional_text(f, labels),
        help=f.help,
        error=error,
        min=f.min,
        max=f.max,
        max_length=f.max_length,
    )


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _boolean_text(text: str) -> str:
    lowered = text.strip().lower()
    if lowered in {"true", "ja", "1", "on", "yes"}:
        return "ja"
    if lowered in {"false", "nei", "0", "off", "no"}:
        return "nei"
    return text


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _conditional_text(f: Field, labels: dict[str, Field]) -> str | None:
    if not f.required_if:
        return None
    parts = []
    for name, expected in f.required_if.items():
        other = labels.get(name)
        label = other.label if other else name
        if isinstance(expected, bool):
            shown = "Ja" if expected else "Nei"
        elif other is not None and other.choices:
            shown = dict(other.choices).get(str(expected), str(expected))
        else:
            shown = str(expected)
        parts.append(f"«{label}» er «{shown}»")
    return "Må fylles ut når " + " og ".join(parts) + "."
