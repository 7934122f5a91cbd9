"""Workflow (de)serialization.

The process specs are not stored with each case: they are the same for every case of a model
version and make up about half of the JSON. We strip them on save and hand the parsed spec
objects back on load (the registry passes objects that are not dicts through unchanged),
which also saves restoring some forty task specs on every step.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


def _build_serializer() -> BpmnWorkflowSerializer:
    registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
    registry.register(
        date,
        lambda value: {"value": value.isoformat()},
        lambda value: date.fromisoformat(value["value"]),
    )
    return BpmnWorkflowSerializer(registry)


SERIALIZER = _build_serializer()
SPEC_KEYS = ("spec", "subprocess_specs")


def dump_state(workflow: BpmnWorkflow) -> str:
    """Like `serialize_json`, minus the specs.

    The encoder mode makes the registry leave data values to the JSON encoder, which is how
    `serialize_json` itself turns registered types such as `date` into JSON.
    """
    SERIALIZER.registry._encoder_mode = True
    try:
        state = SERIALIZER.to_dict(workflow)
        for key in SPEC_KEYS:
            state.pop(key)
        state[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
        return json.dumps(state, cls=SERIALIZER._encoder_cls)
    finally:
        SERIALIZER.registry._encoder_mode = False


def load_state(state_json: str, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    state = json.loads(state_json)
    state["spec"] = spec
    state["subprocess_specs"] = dict(subprocess_specs)
    SERIALIZER.migrate(state)
    return SERIALIZER.from_dict(state)
