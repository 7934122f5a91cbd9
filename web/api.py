"""JSON API for systems outside the municipality (police, NAV) and integrations.

Every request authenticates with HTTP Basic (username and password of a Saksflyt user); the
API never uses the browser session, so it needs no CSRF token. Bodies must be JSON
(Content-Type: application/json), which a cross-site HTML form cannot send.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, g, jsonify, request

from engine.services import messages, tasks
from engine.services.core import Actor
from engine.services.tasks import TaskView
from engine.services.users import authenticate
from web.context import core
from web.errors import api_error

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.before_request
def _authenticate() -> Any:
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username or not auth.password:
        abort(401)
    actor = authenticate(core(), auth.username, auth.password)
    if actor is None:
        abort(401)
    g.api_actor = actor
    return None


def _actor() -> Actor:
    return g.api_actor


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _task_json(task: TaskView) -> dict[str, Any]:
    return {
        "id": task.id,
        "title": task.title,
        "role": task.role,
        "form": task.form,
        "due_on": _iso(task.due_on),
        "overdue": task.overdue,
        "assignee": task.assignee,
        "case": {"id": task.case_id, "reference": task.case_reference, "title": task.case_title},
    }


@bp.get("/tasks")
def ready_tasks() -> Any:
    role = request.args.get("role") or None
    items = tasks.ready_tasks(core(), _actor(), role=role)
    return jsonify({"tasks": [_task_json(t) for t in items]})


@bp.post("/cases/<path:reference>/messages/<name>")
def deliver(reference: str, name: str) -> Any:
    if not request.is_json:
        abort(415)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return api_error(400, "Innholdet må være et JSON-objekt.")
    messages.deliver_message(core(), _actor(), reference, name, payload)
    return jsonify({"status": "mottatt", "case": reference, "message": name}), 200
