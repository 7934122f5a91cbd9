"""The task page: instructions, the case summary and the task's form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import ValidationFailed
from engine.forms import load_form
from engine.services import case_views, tasks
from web.context import actor, core
from web.forms_render import form_view, raw_input

bp = Blueprint("tasks", __name__)


def _render(task_id: int, submitted: dict[str, Any] | None = None, errors: dict[str, str] | None = None) -> Any:
    me = actor()
    task = tasks.get_task(core(), me, task_id)  # NotFound / Forbidden for the wrong role
    brief = case_views.case_brief(core(), me, task.case_id)
    form = form_view(load_form(task.form), core().today(), submitted, errors) if task.form else None
    assignee = case_views.task_assignee(core(), task_id)
    taken_by_other = assignee is not None and assignee != me.username
    return render_template(
        "tasks/task.html",
        task=task,
        brief=brief,
        form=form,
        taken_by_other=taken_by_other,
        colleagues=case_views.colleagues(core(), me).get(task.role or "", []),
    )


@bp.get("/oppgaver/<int:task_id>")
def show(task_id: int) -> Any:
    return _render(task_id)


@bp.post("/oppgaver/<int:task_id>")
def complete(task_id: int) -> Any:
    me = actor()
    task = tasks.get_task(core(), me, task_id)
    raw = raw_input(load_form(task.form), request.form) if task.form else {}
    try:
        case_id = tasks.complete_task(core(), me, task_id, raw)
    except ValidationFailed as failed:
        return _render(task_id, submitted=raw, errors=failed.errors), 422
    flash(f"Oppgaven «{task.title}» er utført.", "success")
    if case_views.has_full_access(me):
        return redirect(url_for("cases.show", case_id=case_id), code=303)
    return redirect(url_for("worklist.index"), code=303)
