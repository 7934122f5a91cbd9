"""Worklists: "Mine oppgaver" and one queue per role; claim, release and hand over."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.labels import role_label
from engine.services import case_views, tasks
from engine.services.tasks import TaskView
from web.context import actor, core, safe_next

bp = Blueprint("worklist", __name__)

SORTS = {"frist": "Frist", "sak": "Sak"}


@dataclass(frozen=True)
class Queue:
    role: str
    label: str
    tasks: list[TaskView]
    total: int


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
    show_all = request.args.get("antall") == "alle"
    limit = None if show_all else case_views.WORKLIST_PAGE
    roles = case_views.sorted_roles(me.roles)
    shown_roles = [role] if role else roles
    queues = []
    for r in shown_roles:  # worklist_tasks refuses a role the user does not hold (403)
        items, total = case_views.worklist_tasks(core(), me, role=r, overdue=overdue, sort=sort, limit=limit)
        queues.append(Queue(r, role_label(r), items, total))
    mine, mine_total = case_views.worklist_tasks(
        core(), me, role=role, mine=True, overdue=overdue, sort=sort, limit=limit
    )
    return render_template(
        "worklist.html",
        mine=mine,
        mine_total=mine_total,
        queues=queues,
        roles=roles,
        role=role,
        overdue=overdue,
        sort=sort,
        sorts=SORTS,
        show_all=show_all,
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
