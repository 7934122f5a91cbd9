"""Loads every BPMN and DMN model in `bpmn/` once."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[2] / "bpmn"


@dataclass(frozen=True)
class ProcessModel:
    process_id: str
    name: str
    spec: Any
    subprocess_specs: dict[str, Any]


class ModelRegistry:
    """Parsed process specs by process id, with a digest of the model files."""

    def __init__(self, model_dir: Path = DEFAULT_MODEL_DIR) -> None:
        self.model_dir = model_dir
        bpmn_files = sorted(model_dir.glob("*.bpmn"))
        dmn_files = sorted(model_dir.glob("*.dmn"))
        parser = SpiffBpmnParser(validator=VALIDATOR)
        parser.add_bpmn_files([str(p) for p in bpmn_files])
        parser.add_dmn_files([str(p) for p in dmn_files])
        self.digest = _digest(bpmn_files + dmn_files)
        self._models: dict[str, ProcessModel] = {}
        for process_id in parser.get_process_ids():
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(process_id)
            self._models[process_id] = ProcessModel(
                process_id=process_id,
                name=spec.description or process_id,
                spec=spec,
                subprocess_specs=subprocess_specs,
            )
        self.bpmn_files = {p.stem: p for p in bpmn_files}

    def get(self, process_id: str) -> ProcessModel:
        try:
            return self._models[process_id]
        except KeyError:
            raise KeyError(f"No BPMN process with id {process_id!r} in {self.model_dir}") from None

    def process_ids(self) -> list[str]:
        return sorted(self._models)


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def default_registry() -> ModelRegistry:
    return ModelRegistry()
