"""Lederoversikt: deadlines (passed, this week, by role, body and case handler), processing time
against the targets, and licences near the point threshold. Only for `leder`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from engine.labels import role_label
from engine.services import case_views, deadlines, manager_views
from web.context import actor, core

bp = Blueprint("manager", __name__)

LIST_LIMIT = 50
GROUPS = {"rolle": "role", "organ": "body", "saksbehandler": "handler"}
GROUP_TITLES = {"role": "Etter ansvarlig rolle", "body": "Etter vedtaksorgan", "handler": "Etter saksbehandler"}


@bp.get("/leder")
def index() -> Any:
    me = actor()
    manager_views.require_manager(me)
    selected, selected_title, selected_items = _selection(request.args.get("vis", ""))
    # The lists are kept per process until a case changes or the minute turns (manager_views.cached_read).
    version = (core().now().replace(second=0, microsecond=0), *manager_views.data_version(core()))

    def cached(name: str, compute: Any) -> Any:
        return manager_views.cached_read(core(), f"manager:{name}", version, compute)

    overdue = cached("overdue", lambda: deadlines.overdue(core()))
    this_week = cached("this_week", lambda: deadlines.due_this_week(core()))
    counts = {
        group: cached(f"counts:{group}", lambda group=group: manager_views.deadline_counts(core(), me, group))
        for group in ("role", "body", "handler")
    }
    targets, late_cases = manager_views.processing_targets(core(), me)
    points = cached("points", lambda: manager_views.licences_near_threshold(core(), me))
    return render_template(
        "manager/index.html",
        today=core().today(),
        overdue=overdue[:LIST_LIMIT],
        overdue_total=len(overdue),
        this_week=this_week[:LIST_LIMIT],
        this_week_total=len(this_week),
        counts=counts,
        group_titles=GROUP_TITLES,
        group_params={v: k for k, v in GROUPS.items()},
        selected=selected,
        selected_title=selected_title,
        selected_items=selected_items[:LIST_LIMIT] if selected_items is not None else None,
        selected_total=len(selected_items or []),
        targets=targets,
        late_cases=late_cases,
        points=points[:LIST_LIMIT],
        points_total=len(points),
        limit=LIST_LIMIT,
    )


def _selection(value: str) -> tuple[str | None, str | None, list[deadlines.DeadlineItem] | None]:
    """`?vis=rolle:politi`, `organ:kommunestyre` or `saksbehandler:<id>`: that group's open deadlines."""
    if not value:
        return None, None, None
    param, _, key = value.partition(":")
    group = GROUPS.get(param)
    if group is None or not key:
        abort(404)
    if group == "role":
        return value, f"Frister for {role_label(key)}", deadlines.for_role(core(), key)
    if group == "body":
        return value, f"Frister i saker for {role_label(key)}", deadlines.for_body(core(), key)
    if not key.isdigit():
        abort(404)
    items = deadlines.for_handler(core(), int(key))
    name = items[0].handler if items else case_views.full_name(core(), int(key))
    if name is None:
        abort(404)
    return value, f"Frister i saker hos {name}", items
