"""The append-only audit log."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from engine.persistence.db import dumps_json
from engine.persistence.models import AuditEntry, Case
from engine.services.core import Actor, Saksflyt


def record(
    core: Saksflyt,
    session: Session,
    case: Case | None,
    actor: Actor,
    action: str,
    summary: str,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            case_id=case.id if case is not None else None,
            at=core.now(),
            actor=actor.username,
            action=action,
            summary=summary[:500],
            details=json.loads(dumps_json(details or {})),
        )
    )
