"""The script environment of the BPMN/DMN models.

Models call the pure rule functions through the `rules` namespace (e.g.
`rules.appeal_deadline(notified_on)`) and read today's date through `today()`, which asks the
runtime's clock. The environment is deliberately small: BPMN authors are trusted (the script
engine is not a sandbox), but a small surface keeps the models honest.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine import rules as rules_module
from engine.clock import local_today
from engine.workflow.clockbridge import current_clock


def _today() -> date:
    return local_today(current_clock())


def _rules_namespace() -> SimpleNamespace:
    return SimpleNamespace(**{name: getattr(rules_module, name) for name in rules_module.__all__})


def build_script_engine() -> PythonScriptEngine:
    environment = TaskDataEnvironment(
        {"rules": _rules_namespace(), "today": _today, "date": date, "timedelta": timedelta}
    )
    return PythonScriptEngine(environment=environment)
