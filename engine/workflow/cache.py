"""Keeps the workflow objects of recently changed cases in memory, keyed by the stored version.

Restoring a workflow from JSON is a large part of every step. After a step commits, the object
in memory is exactly the stored state of the new version, so the next step on the same case in
this process can take it instead of deserializing. An entry is only ever added after a commit,
and taken out (never shared) while a step works on it, so a failed step cannot leave a changed
object behind. Another process writing the case bumps the version, which makes the entry unused.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from SpiffWorkflow.bpmn import BpmnWorkflow

DEFAULT_SIZE = 256


class WorkflowCache:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[int, tuple[int, BpmnWorkflow]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, instance_id: int, version: int) -> BpmnWorkflow | None:
        """The workflow stored as `version`, removed from the cache; None if not held."""
        with self._lock:
            entry = self._entries.pop(instance_id, None)
        if entry is None or entry[0] != version:
            return None
        return entry[1]

    def put(self, instance_id: int, version: int, workflow: BpmnWorkflow) -> None:
        with self._lock:
            self._entries[instance_id] = (version, workflow)
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
