"""Task forms: server-side validation with Norwegian messages, and the forms the models reference."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from engine.errors import ValidationFailed
from engine.forms import FORMS_DIR, Form, form_names, load_form, parse_date

BPMN_DIR = FORMS_DIR.parent
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
VALID_TYPES = {"text", "textarea", "boolean", "integer", "date", "choice"}
ELEMENTS_WITH_FORMS = {"userTask", "manualTask", "boundaryEvent", "intermediateCatchEvent", "startEvent"}


def errors_of(form: Form, raw: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        form.validate(raw)
    assert caught.value.message == "Skjemaet inneholder feil."
    return caught.value.errors


# -- coercion ---------------------------------------------------------------------------------
def test_valid_input_is_coerced_to_typed_values() -> None:
    values = load_form("advance_notice").validate(
        {"notice_text": "  Vi vurderer avslag.  ", "notice_reached_on": "19.03.2026", "response_weeks": " 2 "}
    )
    assert values == {"notice_text": "Vi vurderer avslag.", "notice_reached_on": date(2026, 3, 19), "response_weeks": 2}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ja", True), ("Nei", False), ("true", True), ("0", False), ("on", True), (True, True), (False, False)],
)
def test_booleans_from_web_and_api(raw: object, expected: bool) -> None:
    values = load_form("assessment").validate({"adverse": raw, "assessment_notes": "x"})
    assert values["adverse"] is expected


@pytest.mark.parametrize("raw", ["2026-04-07", "07.04.2026", "7.4.2026", date(2026, 4, 7)])
def test_dates_in_iso_and_norwegian_form(raw: object) -> None:
    assert load_form("notification").validate({"notified_on": raw}) == {"notified_on": date(2026, 4, 7)}
    assert parse_date(raw) == date(2026, 4, 7)


def test_unknown_input_keys_are_ignored_and_missing_optional_fields_are_none() -> None:
    values = load_form("appeal").validate(
        {"appellant": "Søkeren AS", "received_on": "2026-03-20", "appeal_text": "Klage", "is_admin": "ja"}
    )
    assert values == {
        "appellant": "Søkeren AS",
        "received_on": date(2026, 3, 20),
        "posted_on": None,
        "appeal_text": "Klage",
    }


# -- required and required_if ------------------------------------------------------------------
def test_required_fields_blank_or_missing_are_reported_by_field() -> None:
    errors = errors_of(load_form("decision"), {"decision_outcome": "innvilget", "decision_text": "   "})
    assert errors == {
        "decision_text": "«Vedtakstekst» må fylles ut.",
        "decided_on": "«Vedtaksdato (møtedato)» må fylles ut.",
    }


def test_required_if_applies_only_when_the_condition_holds() -> None:
    form = load_form("completeness")
    errors = errors_of(form, {"complete": "nei", "document_weeks": "2"})
    assert errors == {"missing_items": "«Hva mangler?» må fylles ut."}
    assert form.validate({"complete": "ja", "document_weeks": "2"})["missing_items"] is None
    values = form.validate({"complete": "nei", "missing_items": "Kunnskapsprøve", "document_weeks": "2"})
    assert values == {"complete": False, "missing_items": "Kunnskapsprøve", "document_weeks": 2}


def test_required_if_on_a_choice() -> None:
    form = load_form("reconsideration")
    base = {"reconsideration_text": "Vurdert", "reconsidered_on": "01.04.2026"}
    errors = errors_of(form, {**base, "reconsideration_result": "omgjort"})
    assert errors == {"new_outcome": "«Nytt vedtak» må fylles ut."}
    assert form.validate({**base, "reconsideration_result": "opprettholdt"})["new_outcome"] is None


# -- bad values ---------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["31.02.2026", "2026-02-31", "i morgen", "12/03/2026"])
def test_impossible_or_malformed_dates_are_rejected(raw: str) -> None:
    errors = errors_of(load_form("notification"), {"notified_on": raw})
    assert errors == {"notified_on": "«Dato vedtaket kom fram til parten» må være en gyldig dato (dd.mm.åååå)."}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0", "«Svarfrist (uker)» må være minst 1."),
        ("9", "«Svarfrist (uker)» kan være høyst 8."),
        ("to", "«Svarfrist (uker)» må være et heltall."),
        ("2.5", "«Svarfrist (uker)» må være et heltall."),
        (True, "«Svarfrist (uker)» må være et heltall."),
    ],
)
def test_integer_bounds_and_type(raw: object, message: str) -> None:
    errors = errors_of(
        load_form("advance_notice"),
        {"notice_text": "x", "notice_reached_on": "19.03.2026", "response_weeks": raw},
    )
    assert errors == {"response_weeks": message}


@pytest.mark.parametrize("weeks", ["1", "8"])
def test_integer_bounds_are_inclusive(weeks: str) -> None:
    values = load_form("advance_notice").validate(
        {"notice_text": "x", "notice_reached_on": "19.03.2026", "response_weeks": weeks}
    )
    assert values["response_weeks"] == int(weeks)


def test_a_value_outside_the_choices_is_rejected() -> None:
    errors = errors_of(
        load_form("decision"),
        {"decision_outcome": "kanskje", "decision_text": "x", "decided_on": "11.03.2026"},
    )
    assert errors == {"decision_outcome": "Velg et av alternativene for «Vedtak»."}


def test_a_choice_label_is_not_accepted_as_its_key() -> None:
    errors = errors_of(
        load_form("decision"),
        {"decision_outcome": "Innvilget", "decision_text": "x", "decided_on": "11.03.2026"},
    )
    assert "decision_outcome" in errors


def test_a_boolean_that_is_neither_yes_nor_no_is_rejected() -> None:
    errors = errors_of(load_form("assessment"), {"adverse": "kanskje", "assessment_notes": "x"})
    assert errors == {
        "adverse": "Velg ja eller nei for «Kan utfallet bli negativt for søkeren, eller har "
        "uttalelsene opplysninger søkeren ikke har sett?»."
    }


def test_text_longer_than_its_limit_is_rejected() -> None:
    errors = errors_of(load_form("appeal"), {"appellant": "x" * 301, "received_on": "01.04.2026", "appeal_text": "y"})
    assert errors == {"appellant": "«Klager» kan ha høyst 300 tegn."}


def test_every_bad_field_is_reported_at_once() -> None:
    errors = errors_of(load_form("statement"), {"has_objections": "kanskje", "given_on": "31.02.2026"})
    assert set(errors) == {"has_objections", "statement_text", "given_on"}
    assert all(message.endswith(".") and "«" in message for message in errors.values())


# -- definitions ----------------------------------------------------------------------------------
def write_form(directory: Path, name: str, fields: list[dict[str, object]]) -> None:
    (directory / f"{name}.json").write_text(json.dumps({"title": "Test", "fields": fields}), encoding="utf-8")


def test_a_definition_with_an_unknown_field_type_is_rejected(tmp_path: Path) -> None:
    write_form(tmp_path, "bad_type", [{"name": "amount", "label": "Beløp", "type": "money"}])
    with pytest.raises(ValueError, match="Unknown field type 'money' in form field 'amount'"):
        load_form("bad_type", tmp_path)


def test_a_definition_from_another_directory_loads(tmp_path: Path) -> None:
    write_form(
        tmp_path,
        "custom",
        [{"name": "weeks", "label": "Uker", "type": "integer", "min": 1, "max": 3, "required": True}],
    )
    form = load_form("custom", tmp_path)
    assert form.validate({"weeks": "3"}) == {"weeks": 3}
    assert errors_of(form, {"weeks": "4"}) == {"weeks": "«Uker» kan være høyst 3."}
    assert form_names(tmp_path) == ["custom"]


# -- the forms referenced by the models -------------------------------------------------------------
def referenced_forms() -> list[tuple[str, str, str, str]]:
    """(model file, element kind, element id, form name) for every `form` property in bpmn/*.bpmn."""
    found = []
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        root = ET.parse(path).getroot()
        for element in root.iter():
            kind = element.tag.rsplit("}", 1)[-1]
            for prop in element.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
                if prop.get("name") == "form":
                    found.append((path.name, kind, element.get("id", ""), prop.get("value", "")))
    return found


def test_the_models_reference_forms() -> None:
    references = referenced_forms()
    files = {model for model, *_ in references}
    assert {"application.bpmn", "appeal.bpmn"} <= files
    assert all(kind in ELEMENTS_WITH_FORMS for _, kind, _, _ in references)
    # Every user task in every model has a form.
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        root = ET.parse(path).getroot()
        task_ids = {t.get("id") for t in root.iter(f"{{{NS['bpmn']}}}userTask")}
        with_form = {element_id for model, _, element_id, _ in references if model == path.name}
        assert task_ids <= with_form, f"{path.name}: user tasks without a form: {task_ids - with_form}"


@pytest.mark.parametrize(
    ("model", "kind", "element_id", "form_name"),
    referenced_forms(),
    ids=[f"{m}:{e}" for m, _, e, _ in referenced_forms()],
)
def test_every_referenced_form_exists(model: str, kind: str, element_id: str, form_name: str) -> None:
    assert form_name in form_names(), f"{model} {kind} {element_id} references missing form {form_name!r}"
    assert load_form(form_name).fields


@pytest.mark.parametrize("name", form_names())
def test_every_form_definition_is_valid(name: str) -> None:
    raw = json.loads((FORMS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert raw["title"]
    assert all(field["type"] in VALID_TYPES for field in raw["fields"])
    form = load_form(name)
    names = [f.name for f in form.fields]
    assert len(names) == len(set(names)), f"{name}: duplicate field names"
    for f in form.fields:
        assert f.type in VALID_TYPES
        assert f.label
        if f.type == "choice":
            assert f.choices, f"{name}.{f.name}: a choice field needs choices"
            if f.default is not None:
                assert f.default in {key for key, _ in f.choices}
        else:
            assert not f.choices, f"{name}.{f.name}: only choice fields have choices"
        if f.default == "today":
            assert f.type == "date"
        if f.min is not None or f.max is not None:
            assert f.type == "integer"
        for other, value in f.required_if.items():
            assert other in names, f"{name}.{f.name}: required_if on unknown field {other!r}"
            target = next(g for g in form.fields if g.name == other)
            if target.type == "choice":
                assert value in {key for key, _ in target.choices}
            elif target.type == "boolean":
                assert isinstance(value, bool)


@pytest.mark.parametrize("name", form_names())
def test_every_form_accepts_its_own_defaults_where_complete(name: str) -> None:
    """Defaults are valid values of their field (a default that does not validate is a typo)."""
    form = load_form(name)
    today = date(2026, 3, 2)
    for f in form.fields:
        default = form.defaults(today)[f.name]
        if default is None:
            continue
        single = Form(name=name, title=form.title, fields=(f,))
        assert single.validate({f.name: default}) == {f.name: default}
