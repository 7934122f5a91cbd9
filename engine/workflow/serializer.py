"""Workflow (de)serialization.

The process specs are not stored with each case: they are the same for every case of a model
version and make up about half of the JSON. The workflow converter below leaves them out on
save, and the parsed spec objects are handed back on load (the registry passes objects that are
not dicts through unchanged); converting the specs both ways would be half the cost of a step.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


class _InstanceOnlyConverter(BpmnWorkflowConverter):
    """The top workflow's state without `spec` and `subprocess_specs`."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        state: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        state["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        state["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return state


def _build_serializer() -> BpmnWorkflowSerializer:
    registry = BpmnWorkflowSerializer.configure({**SPIFF_CONFIG, BpmnWorkflow: _InstanceOnlyConverter})
    registry.register(
        date,
        lambda value: {"value": value.isoformat()},
        lambda value: date.fromisoformat(value["value"]),
    )
    return BpmnWorkflowSerializer(registry)


SERIALIZER = _build_serializer()


def dump_state(workflow: BpmnWorkflow) -> str:
    """Like `serialize_json`, minus the specs.

    The encoder mode makes the registry leave data values to the JSON encoder, which is how
    `serialize_json` itself turns registered types such as `date` into JSON.
    """
    SERIALIZER.registry._encoder_mode = True
    try:
        state = SERIALIZER.to_dict(workflow)
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
