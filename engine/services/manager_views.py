"""Read models for the managers' view (`leder`): deadlines by role, body and case handler,
processing time against the targets, licences near the point threshold."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import func, select

from engine import rules
from engine.errors import Forbidden
from engine.forms import parse_date
from engine.labels import ROLE_LABELS
from engine.persistence.models import ROLES, AuditEntry, Case, Deadline, Licence, User
from engine.persistence.sanction_models import OwnershipTransfer, PointAward
from engine.rules.planning import target_date
from engine.services.core import Actor, Saksflyt
from engine.services.deadlines import planning_configuration, week_of

# -- the managers' view ------------------------------------------------------------------------
# The deadline lists come from engine.services.deadlines; the processing targets and the meeting
# plan from engine.rules.planning (through deadlines.planning_configuration); the point counting
# from engine.rules.point_status with the rule set from engine.services.sanctions. The aggregate
# counts and the batch point read below are the minimal queries the page needs (one query per
# table instead of one per case or licence) so the page stays fast with many cases.
MANAGER_ROLES = frozenset({"leder"})
BODY_ORDER = ("leder", "formannskap", "kommunestyre")
NEAR_THRESHOLD_SHARE = 0.5  # a licence is "near" at half the threshold or more


@dataclass(frozen=True)
class DeadlineCount:
    key: str | None
    label: str
    open: int
    overdue: int
    this_week: int


@dataclass(frozen=True)
class TargetRow:
    body: str
    label: str
    target: str  # e.g. "4 uker"
    open: int
    open_over: int  # open cases past the target date
    open_due_soon: int  # open cases whose target date is within 14 days
    decided: int  # decided during the last 12 months
    decided_within: int
    median_days: int | None

    @property
    def within_share(self) -> int | None:
        return round(100 * self.decided_within / self.decided) if self.decided else None


@dataclass(frozen=True)
class LateCase:
    case_id: int
    reference: str
    title: str
    body: str
    received_on: date
    target_on: date
    days_over: int
    handler: str | None


@dataclass(frozen=True)
class LicencePoints:
    number: str
    holder: str
    premises: str
    total: int
    threshold: int
    remaining: int
    reached: bool
    window_start: date | None
    rule_set: str


def require_manager(actor: Actor) -> None:
    if not actor.roles & MANAGER_ROLES:
        raise Forbidden("Lederoversikten er for ledere.")


def deadline_counts(core: Saksflyt, actor: Actor, group: str) -> list[DeadlineCount]:
    """Open deadlines of open cases counted by "role", "body" or "handler": open, passed, this week."""
    require_manager(actor)
    today = core.today()
    monday, sunday = week_of(today)
    column: Any = {"role": Deadline.responsible_role, "body": Case.competent_body, "handler": Case.handler_id}[group]
    query = (
        select(
            column,
            func.count(Deadline.id),
            func.sum(sql_case((Deadline.due_on < today, 1), else_=0)),
            func.sum(sql_case((Deadline.due_on.between(monday, sunday), 1), else_=0)),
        )
        .join(Case, Deadline.case_id == Case.id)
        .where(Deadline.status == "open", Case.status == "open")
        .group_by(column)
    )
    with core.transaction() as session:
        rows = session.execute(query).all()
        names: dict[Any, str] = {}
        if group == "handler":
            ids = sorted(key for key, *_ in rows if key is not None)
            names = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
    rows = [(str(key) if key is not None else None, names.get(key), n, late, week) for key, n, late, week in rows]
    counts = [
        DeadlineCount(key, name or _group_label(group, key), int(n), int(late or 0), int(week or 0))
        for key, name, n, late, week in rows
    ]
    return sorted(counts, key=lambda c: (c.key is None, _group_order(group, c.key), c.label))


def _group_label(group: str, key: str | None) -> str:
    if key is None:
        return {"role": "Uten ansvarlig rolle", "body": "Vedtaksorgan ikke avklart", "handler": "Ingen saksbehandler"}[
            group
        ]
    return ROLE_LABELS.get(key, key) if group in ("role", "body") else key


def _group_order(group: str, key: str | None) -> int:
    if group == "body" and key in BODY_ORDER:
        return BODY_ORDER.index(key)
    if group == "role" and key in ROLES:
        return ROLES.index(key)
    return len(ROLES)


def data_version(core: Saksflyt) -> tuple[Any, ...]:
    """Changes whenever the data behind the managers' view changes: every service step writes an
    audit entry; cases and point awards only ever get new ids. Three index lookups."""
    with core.transaction() as session:
        return (
            session.scalar(select(func.max(AuditEntry.id))),
            session.scalar(select(func.max(Case.id))),
            session.scalar(select(func.max(PointAward.id))),
            session.scalar(select(func.count(PointAward.id)).where(PointAward.annulled.is_(True))),
        )


def cached_read(core: Saksflyt, name: str, version: tuple[Any, ...], compute: Any) -> Any:
    """A read model kept per process (on the core) until `version` changes: the managers' view
    reads every open case, and it is loaded far more often than the cases change. The version
    includes the time to the minute, so deadlines that pass on their own are seen at once."""
    cache: dict[str, tuple[tuple[Any, ...], Any]] = core.__dict__.setdefault("_read_cache", {})
    hit = cache.get(name)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = compute()
    cache[name] = (version, value)
    return value


def processing_targets(core: Saksflyt, actor: Actor, late_limit: int = 50) -> tuple[list[TargetRow], list[LateCase]]:
    """Processing time against the targets per deciding body (DOMAIN.md step 5): open cases past
    or near their target date, and the decided cases of the last 12 months within the target.

    It reads every open and recently decided application, so the result is kept per process
    until a case changes (the audit log's newest id) or the day changes."""
    require_manager(actor)
    targets, _plan = planning_configuration(core.settings)
    version = (core.today(), late_limit, tuple(sorted(targets.items())), *data_version(core))
    return cached_read(core, "processing_targets", version, lambda: _processing_targets(core, late_limit))


def _processing_targets(core: Saksflyt, late_limit: int) -> tuple[list[TargetRow], list[LateCase]]:
    targets, _plan = planning_configuration(core.settings)
    today = core.today()
    since = today - timedelta(days=365)
    received = Case.details["received_on"].as_string()
    decided = Case.details["decided_on"].as_string()
    bodies = sorted(targets)
    # A closed case's dates never change: they are read from its (JSON) data once per process.
    closed_dates: dict[int, tuple[Any, Any]] = core.__dict__.setdefault("_closed_case_dates", {})
    with core.transaction() as session:
        rows = list(
            session.execute(
                select(
                    Case.id,
                    Case.reference,
                    Case.title,
                    Case.competent_body,
                    Case.status,
                    received,
                    decided,
                    Case.opened_at,
                    User.full_name,
                )
                .outerjoin(User, Case.handler_id == User.id)
                .where(Case.kind == "application", Case.competent_body.in_(bodies), Case.status == "open")
            )
        )
        closed = session.execute(
            select(Case.id, Case.competent_body, Case.opened_at).where(
                Case.kind == "application",
                Case.competent_body.in_(bodies),
                Case.status != "open",
                Case.closed_at >= datetime.combine(since, datetime.min.time(), UTC),
            )
        ).all()
        missing = [ident for ident, _, _ in closed if ident not in closed_dates]
        for start in range(0, len(missing), 1000):
            chunk = missing[start : start + 1000]
            for ident, received_raw, decided_raw in session.execute(
                select(Case.id, received, decided).where(Case.id.in_(chunk))
            ):
                closed_dates[ident] = (_iso_date(received_raw), _iso_date(decided_raw))
    rows += [
        (ident, "", "", body, "closed", *closed_dates.get(ident, (None, None)), opened_at, None)
        for ident, body, opened_at in closed
    ]
    stats: dict[str, dict[str, Any]] = {
        body: {"open": 0, "over": 0, "soon": 0, "decided": 0, "within": 0, "days": []} for body in targets
    }
    late: list[LateCase] = []
    for ident, reference, title, body, status, received_raw, decided_raw, opened_at, handler in rows:
        received_on = received_raw if isinstance(received_raw, date) else _iso_date(received_raw)
        received_on = received_on or opened_at.date()
        target_on = _cached_target(received_on, body, targets[body])
        entry = stats[body]
        decided_on = decided_raw if isinstance(decided_raw, date) else _iso_date(decided_raw)
        if decided_on is None and status == "open":
            entry["open"] += 1
            if today > target_on:
                entry["over"] += 1
                late.append(
                    LateCase(ident, reference, title, body, received_on, target_on, (today - target_on).days, handler)
                )
            elif (target_on - today).days <= 14:
                entry["soon"] += 1
        elif decided_on is not None and decided_on >= since:
            entry["decided"] += 1
            entry["within"] += int(decided_on <= target_on)
            entry["days"].append((decided_on - received_on).days)
    result = []
    for body in sorted(targets, key=lambda b: (_group_order("body", b), b)):
        entry = stats[body]
        days = sorted(entry["days"])
        result.append(
            TargetRow(
                body=body,
                label=ROLE_LABELS.get(body, body),
                target=targets[body].text(),
                open=entry["open"],
                open_over=entry["over"],
                open_due_soon=entry["soon"],
                decided=entry["decided"],
                decided_within=entry["within"],
                median_days=days[len(days) // 2] if days else None,
            )
        )
    late.sort(key=lambda c: (-c.days_over, c.reference))
    return result, late[:late_limit]


@functools.lru_cache(maxsize=4096)
def _cached_target(received_on: date, body: str, period: Any) -> date:
    return target_date(received_on, body, {body: period})


def _iso_date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        return None


def licences_near_threshold(core: Saksflyt, actor: Actor) -> list[LicencePoints]:
    """Licences whose counting points are at least half the threshold, the closest first."""
    require_manager(actor)
    from engine.services import sanctions  # the sanctions service is loaded only where it is used

    today = core.today()
    rule_set = sanctions.active_rule_set(core, today)
    earliest = rules.years_before(today, rule_set.window_years)
    eligible = [
        PointAward.violation_date >= earliest,
        PointAward.violation_date <= today,
        PointAward.annulled.is_(False),
    ]
    if not rule_set.reuse_consumed_points:
        eligible.append(PointAward.consumed_by_case_id.is_(None))
    with core.transaction() as session:
        # The sum of the eligible points in the window is an upper bound of what counts (a transfer
        # of ownership only removes points): only those licences are counted exactly.
        candidates = (
            select(PointAward.licence_id)
            .where(*eligible)
            .group_by(PointAward.licence_id)
            .having(func.sum(PointAward.points) >= rule_set.threshold * NEAR_THRESHOLD_SHARE)
        )
        awards = session.execute(
            select(
                PointAward.licence_id,
                PointAward.key,
                PointAward.violation_date,
                PointAward.points,
                PointAward.consumed_by_case_id,
                PointAward.annulled,
            ).where(*eligible, PointAward.licence_id.in_(candidates))
        ).all()
        by_licence: dict[int, list[dict[str, Any]]] = {}
        for licence_id, key, violation_date, points, consumed_by, annulled in awards:
            by_licence.setdefault(licence_id, []).append(
                {
                    "key": key,
                    "violation_date": violation_date,
                    "points": points,
                    "consumed": consumed_by is not None,
                    "annulled": annulled,
                }
            )
        if not by_licence:
            return []
        transfers = dict(
            session.execute(
                select(OwnershipTransfer.licence_id, func.max(OwnershipTransfer.transferred_on))
                .where(OwnershipTransfer.licence_id.in_(sorted(by_licence)))
                .group_by(OwnershipTransfer.licence_id)
            ).all()
        )
        licences = {lic.id: lic for lic in session.scalars(select(Licence).where(Licence.id.in_(sorted(by_licence))))}
        result = []
        for licence_id, items in by_licence.items():
            status = rules.point_status(items, rule_set, transfers.get(licence_id), as_of=today)
            if status["total"] < rule_set.threshold * NEAR_THRESHOLD_SHARE:
                continue
            lic = licences[licence_id]
            result.append(
                LicencePoints(
                    number=lic.number,
                    holder=lic.holder.name,
                    premises=lic.premises,
                    total=status["total"],
                    threshold=status["threshold"],
                    remaining=status["points_remaining"],
                    reached=status["threshold_reached"],
                    window_start=status["window_start"],
                    rule_set=status["rule_set"],
                )
            )
    return sorted(result, key=lambda p: (p.remaining, -p.total, p.number))
