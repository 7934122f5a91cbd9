"""Worklists: "Mine oppgaver" and one queue per role; claim, release and hand over."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.services import case_views, tasks
from engine.services.tasks import TaskView
from web.context import actor, core, safe_next
from web.labels import role_label

bp = Blueprint("worklist", __name__)

SORTS = {"frist": "Frist", "sak": "Sak"}


@dataclass(frozen=True)
class Queue:
    role: str
    label: str
    tasks: list[TaskView]


def _sorted(items: list[TaskView], sort: str) -> list[TaskView]:
    if sort == "sak":
        return sorted(items, key=lambda t: (t.case_reference, t.due_on is None, t.due_on or 0, t.id))
    return sorted(items, key=lambda t: (t.due_on is None, t.due_on or 0, t.case_reference, t.id))


def _filtered(items: list[TaskView], role: str | None, overdue: bool) -> list[TaskView]:
    return [t for t in items if (role is None or t.role == role) and (not overdue or t.overdue)]


@bp.route("/")
def home() -> Any:
    return redirect(url_for("worklist.index"))


@bp.route("/oppgaver")
def index() -> Any:
    me = actor()
    role = request.args.get("rolle") or None
    overdue = request.args.get("forfalt") == "1"
    sort = request.args.get("sorter", "frist")
    if sort not in SORTS:
        sort = "frist"
    roles = case_views.sorted_roles(me.roles)
    shown_roles = [role] if role else roles
    # ready_tasks refuses a role the user does not hold (403).
    queues = [
        Queue(r, role_label(r), _sorted(_filtered(tasks.ready_tasks(core(), me, role=r), None, overdue), sort))
        for r in shown_roles
    ]
    mine = _sorted(_filtered(tasks.ready_tasks(core(), me, mine=True), role, overdue), sort)
    return render_template(
        "worklist.html",
        mine=mine,
        queues=queues,
        roles=roles,
        role=role,
        overdue=overdue,
        sort=sort,
        sorts=SORTS,
        colleagues=case_views.colleagues(core(), me),
        today=core().today(),
    )


def _back() -> Any:
    return redirect(safe_next(request.form.get("next"), url_for("worklist.index")), code=303)


@bp.post("/oppgaver/<int:task_id>/ta")
def claim(task_id: int) -> Any:
    tasks.claim_task(core(), actor(), task_id)
    flash("Du har tatt oppgaven.", "success")
    return _back()


@bp.post("/oppgaver/<int:task_id>/frigi")
def release(task_id: int) -> Any:
    tasks.release_task(core(), actor(), task_id)
    flash("Oppgaven er frigitt og ligger i køen igjen.", "success")
    return _back()


@bp.post("/oppgaver/<int:task_id>/overfor")
def hand_over(task_id: int) -> Any:
    me = actor()
    tasks.get_task(core(), me, task_id)  # NotFound / Forbidden before anything else
    username = (request.form.get("username") or "").strip()
    if not username:
        flash("Velg en kollega å gi oppgaven til.", "error")
        return _back()
    tasks.assign_task(core(), me, task_id, username)
    names = {c.username: c.full_name for group in case_views.colleagues(core(), me).values() for c in group}
    flash(f"Oppgaven er gitt til {names.get(username, username)}.", "success")
    return _back()
