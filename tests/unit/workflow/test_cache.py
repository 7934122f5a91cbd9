"""The in-memory workflow cache hands out an object only for the exact stored version."""

from __future__ import annotations

from typing import Any

from engine.workflow.cache import WorkflowCache


def _workflow(label: str) -> Any:
    return object.__new__(type(label, (), {}))


def test_take_returns_the_object_once_and_only_for_its_version() -> None:
    cache = WorkflowCache()
    first = _workflow("A")
    cache.put(1, 2, first)
    assert cache.take(1, 3) is None  # another process wrote version 3
    assert cache.take(1, 2) is None  # a miss also drops the entry
    cache.put(1, 2, first)
    assert cache.take(1, 2) is first
    assert cache.take(1, 2) is None  # taken out while a step works on it


def test_the_least_recently_used_entry_goes_first() -> None:
    cache = WorkflowCache(size=2)
    one, two, three = _workflow("one"), _workflow("two"), _workflow("three")
    cache.put(1, 1, one)
    cache.put(2, 1, two)
    cache.put(1, 2, one)  # case 1 used again
    cache.put(3, 1, three)
    assert cache.take(2, 1) is None
    assert cache.take(1, 2) is one and cache.take(3, 1) is three
