"""Read models for the web pages: case list, case page, task context, agenda and colleagues.

The visibility rules are applied here, on the server, for every read:

* `saksbehandler`, `leder`, `kontrollor`, `formannskap`, `kommunestyre` and `admin` see whole cases.
* `politi` and `nav` (alkl. § 1-7 statements) see a case only while it holds an open task for their
  role, and then only the reference, title, applicant and premises and their own tasks: never the
  timeline, the other statements or the rest of the case data.

Nothing here changes data; every function returns plain dataclasses (no ORM objects leak out).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import Forbidden, NotFound
from engine.forms import Field, Form, form_names, load_form, parse_date
from engine.labels import APPLICATION_TYPES
from engine.persistence.models import ROLES, AuditEntry, Case, Deadline, HumanTask, Timer, User, UserRole
from engine.services.core import Actor, Saksflyt
from engine.services.tasks import TaskView

FULL_ACCESS_ROLES = frozenset({"saksbehandler", "leder", "kontrollor", "formannskap", "kommunestyre", "admin"})
LIMITED_ROLES = frozenset({"politi", "nav"})
AGENDA_ROLES = ("formannskap", "kommunestyre")
# Forms that record a body's decision, for models that do not mark their tasks with agenda=true.
DECISION_FORMS = frozenset({"decision", "reconsideration"})

CASE_KINDS = {"application": "Søknad", "sanction": "Sanksjon"}
CASE_STATUS = {"open": "Åpen", "closed": "Avsluttet"}
DEADLINE_STATUS = {
    "open": "Løper",
    "met": "Overholdt",
    "expired": "Utløpt",
    "overdue": "Oversittet",
    "cancelled": "Bortfalt",
}
DEADLINE_KINDS = {"party": "Partsfrist", "internal": "Intern frist"}
OUTCOMES = {"innvilget": "Innvilget", "avslatt": "Avslått"}
SYSTEM_ACTORS = {"planlegger": "Systemet (fristovervåking)"}

# Case data that a process stores under one variable (a task's form_variable or a message
# variable): (variable, section title, form).
NESTED_SECTIONS = (
    ("police_statement", "Uttalelse fra politiet", "statement"),
    ("nav_statement", "Uttalelse fra NAV", "statement"),
    ("notice_response", "Svar på forhåndsvarsel", "notice_response"),
    ("appeal", "Klage", "appeal"),
)
# Forms whose fields are stored flat in the case data, in the order of the procedure.
SECTION_ORDER = (
    "register_application",
    "completeness",
    "documents_received",
    "assessment",
    "advance_notice",
    "recommendation",
    "decision",
    "notification",
    "late_appeal",
    "appeal_recommendation",
    "reconsideration",
    "forwarding",
    "sf_decision",
)
# What the political bodies see as the administration's recommendation on their agenda.
RECOMMENDATION_KEYS = (
    ("recommended_outcome", "recommendation"),
    ("conditions", "recommendation"),
    ("grounds", "recommendation"),
    ("appeal_recommendation", "appeal_recommendation"),
    ("appeal_assessment", "appeal_recommendation"),
)


# -- views -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One labelled value; `value` is typed (date, bool, int, str) or None."""

    label: str
    value: Any


@dataclass(frozen=True)
class Section:
    title: str
    items: list[Item]


@dataclass(frozen=True)
class PartyView:
    name: str
    org_number: str | None
    address: str | None
    email: str | None


@dataclass(frozen=True)
class LicenceView:
    number: str
    premises: str
    licence_kind: str
    groups: str
    hours: str | None
    conditions: str | None
    manager_name: str | None
    deputy_name: str | None
    granted_on: date
    valid_until: date
    status: str


@dataclass(frozen=True)
class CaseTask:
    id: int
    title: str
    role: str | None
    due_on: date | None
    overdue: bool
    assignee: str | None


@dataclass(frozen=True)
class DeadlineRow:
    label: str
    legal_basis: str
    kind: str
    kind_label: str
    responsible_role: str | None
    start_on: date | None
    due_on: date | None
    status: str
    status_label: str
    overdue: bool  # still open and the date has passed


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    summary: str


@dataclass(frozen=True)
class CasePage:
    full: bool  # True: the whole case; see LimitedCasePage for politi/nav
    id: int
    reference: str
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    application_type: str | None
    application_type_label: str | None
    party: PartyView
    premises: str | None
    licence: LicenceView | None
    competent_body: str | None
    outcome: str | None
    outcome_label: str | None
    handler: str | None
    opened_at: datetime
    closed_at: datetime | None
    open_tasks: list[CaseTask]
    deadlines: list[DeadlineRow]
    sections: list[Section]
    timeline: list[TimelineEntry]


@dataclass(frozen=True)
class LimitedCasePage:
    """What police and NAV see: who applies for what, and their own open tasks."""

    full: bool
    id: int
    reference: str
    title: str
    applicant: str
    premises: str | None
    open_tasks: list[CaseTask]
    # The statements this actor's roles have given on the case (after answering they keep access).
    own_statements: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class CaseListItem:
    id: int
    reference: str
    title: str
    applicant: str
    premises: str | None
    status: str
    status_label: str
    competent_body: str | None
    outcome_label: str | None
    open_task_count: int
    next_due_on: date | None
    opened_at: datetime | None


@dataclass(frozen=True)
class CaseBrief:
    """The case summary shown beside a task form."""

    full: bool
    id: int
    reference: str
    title: str
    applicant: str
    premises: str | None
    facts: list[Item]
    recommendation: list[Item]


@dataclass(frozen=True)
class AgendaItem:
    task_id: int
    task_title: str
    form: str | None
    case_id: int
    reference: str
    case_title: str
    applicant: str
    premises: str | None
    application_type_label: str | None
    recommendation: list[Item]
    due_on: date | None
    assignee: str | None
    created_at: datetime


@dataclass(frozen=True)
class Colleague:
    username: str
    full_name: str


# -- access rules ------------------------------------------------------------------------------
def has_full_access(actor: Actor) -> bool:
    return bool(actor.roles & FULL_ACCESS_ROLES)


def can_register(actor: Actor) -> bool:
    return actor.has_role("saksbehandler")


def agenda_roles(actor: Actor) -> list[str]:
    return [role for role in AGENDA_ROLES if actor.has_role(role)]


def registration_form(actor: Actor) -> Form:
    """The form for a new application; only case handlers register applications."""
    if not can_register(actor):
        raise Forbidden("Bare saksbehandlere kan registrere søknader.")
    return load_form("register_application")


# -- cases -------------------------------------------------------------------------------------
def list_cases(core: Saksflyt, actor: Actor, state: str = "open") -> list[CaseListItem]:
    """Cases the actor may see; `state` is "open", "closed" or "all".

    Police and NAV get only the cases with an open task for their role, without the
    decision details.
    """
    full = has_full_access(actor)
    limited_roles = actor.roles & LIMITED_ROLES
    if not full and not limited_roles:
        return []
    with core.transaction() as session:
        query = select(Case).order_by(Case.opened_at.desc(), Case.id.desc())
        if state in ("open", "closed"):
            query = query.where(Case.status == state)
        if not full:
            query = query.where(Case.id.in_(_limited_case_ids(actor, limited_roles)))
        cases = list(session.scalars(query))
        task_stats = _task_stats(session, [c.id for c in cases])
        items = []
        for case in cases:
            count, next_due = task_stats.get(case.id, (0, None))
            items.append(
                CaseListItem(
                    id=case.id,
                    reference=case.reference,
                    title=case.title,
                    applicant=case.party.name,
                    premises=_premises(case),
                    status=case.status,
                    status_label=CASE_STATUS.get(case.status, case.status),
                    competent_body=case.competent_body if full else None,
                    outcome_label=OUTCOMES.get(case.outcome or "", case.outcome) if full else None,
                    open_task_count=count if full else 0,
                    next_due_on=next_due if full else None,
                    opened_at=case.opened_at if full else None,
                )
            )
        return items


def case_page(core: Saksflyt, actor: Actor, case_id: int) -> CasePage | LimitedCasePage:
    with core.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound("Saken finnes ikke.")
        if not has_full_access(actor):
            require_limited_access(session, actor, case.id)
            return LimitedCasePage(
                full=False,
                id=case.id,
                reference=case.reference,
                title=case.title,
                applicant=case.party.name,
                premises=_premises(case),
                open_tasks=_own_tasks(core, session, actor, case),
                own_statements=_own_statements(actor, case),
            )
        tasks = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id).order_by(HumanTask.id))
        deadlines = session.scalars(
            select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.due_on, Deadline.id)
        )
        today = core.today()
        return CasePage(
            full=True,
            id=case.id,
            reference=case.reference,
            title=case.title,
            kind=case.kind,
            kind_label=CASE_KINDS.get(case.kind, case.kind),
            status=case.status,
            status_label=CASE_STATUS.get(case.status, case.status),
            application_type=case.application_type,
            application_type_label=APPLICATION_TYPES.get(case.application_type or "", case.application_type),
            party=PartyView(case.party.name, case.party.org_number, case.party.address, case.party.email),
            premises=_premises(case),
            licence=_licence_view(case),
            competent_body=case.competent_body,
            outcome=case.outcome,
            outcome_label=OUTCOMES.get(case.outcome or "", case.outcome),
            handler=case.handler.full_name if case.handler else None,
            opened_at=case.opened_at,
            closed_at=case.closed_at,
            open_tasks=[_case_task(core, t) for t in tasks],
            deadlines=[_deadline_row(d, today) for d in deadlines],
            sections=detail_sections(case.details or {}),
            timeline=_timeline(session, case),
        )


def case_brief(core: Saksflyt, actor: Actor, case_id: int) -> CaseBrief:
    """The summary beside a task form; police and NAV get only who applies for what."""
    with core.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound("Saken finnes ikke.")
        full = has_full_access(actor)
        if not full:
            require_limited_access(session, actor, case.id)
        details = case.details or {}
        facts: list[Item] = []
        recommendation: list[Item] = []
        if full:
            facts = [
                Item("Søknadstype", APPLICATION_TYPES.get(case.application_type or "", case.application_type)),
                Item("Bevillingstype", _format_value("licence_kind", details.get("licence_kind"))),
                Item("Alkoholgrupper", _format_value("groups", details.get("groups"))),
                Item("Omsetnings-/skjenketid", details.get("hours")),
                Item("Styrer", details.get("manager_name")),
                Item("Stedfortreder", details.get("deputy_name")),
                Item("Søknaden mottatt", _format_value("received_on", details.get("received_on"))),
                Item("Vedtaksorgan", case.competent_body),
            ]
            facts = [i for i in facts if i.value not in (None, "")]
            recommendation = _recommendation(details)
        return CaseBrief(
            full=full,
            id=case.id,
            reference=case.reference,
            title=case.title,
            applicant=case.party.name,
            premises=_premises(case),
            facts=facts,
            recommendation=recommendation,
        )


# -- agenda (political bodies) -----------------------------------------------------------------
def agenda(core: Saksflyt, actor: Actor, role: str) -> list[AgendaItem]:
    """Decision items waiting for a political body's meeting, with the recommendation."""
    if role not in AGENDA_ROLES:
        raise NotFound("Det finnes ingen saksliste for dette organet.")
    if not actor.has_role(role):
        raise Forbidden("Du har ikke tilgang til denne sakslisten.")
    with core.transaction() as session:
        rows = session.scalars(
            select(HumanTask).where(HumanTask.role == role).order_by(HumanTask.created_at, HumanTask.id)
        )
        items = []
        for task in rows:
            case = task.case
            if not _is_agenda_task(core, case.process_id, task):
                continue
            items.append(
                AgendaItem(
                    task_id=task.id,
                    task_title=task.title,
                    form=task.form,
                    case_id=case.id,
                    reference=case.reference,
                    case_title=case.title,
                    applicant=case.party.name,
                    premises=_premises(case),
                    application_type_label=APPLICATION_TYPES.get(case.application_type or "", case.application_type),
                    recommendation=_recommendation(case.details or {}),
                    due_on=task.due_on,
                    assignee=task.assignee.full_name if task.assignee else None,
                    created_at=task.created_at,
                )
            )
        return items


def _is_agenda_task(core: Saksflyt, process_id: str, task: HumanTask) -> bool:
    marked = _agenda_spec_names(core.runtime.registry, process_id)
    return task.spec_name in marked or task.form in DECISION_FORMS


@functools.cache
def _agenda_spec_names(registry: Any, process_id: str) -> frozenset[str]:
    """User tasks with the BPMN property agenda=true, in the process and its call activities."""
    try:
        model = registry.get(process_id)
    except KeyError:
        return frozenset()
    names: set[str] = set()
    for spec in (model.spec, *model.subprocess_specs.values()):
        for name, task_spec in spec.task_specs.items():
            extensions = getattr(task_spec, "extensions", None) or {}
            if str(extensions.get("properties", {}).get("agenda", "")).lower() == "true":
                names.add(name)
    return frozenset(names)


# -- the process diagram ------------------------------------------------------------------------
@dataclass(frozen=True)
class DiagramMarker:
    element_id: str  # the BPMN element to highlight (a call activity for elements inside it)
    kind: str  # "active" (an open task) or "waiting" (a timer that has not fired)
    label: str  # what the case waits for, in Norwegian


@dataclass(frozen=True)
class DiagramView:
    process_id: str
    markers: list[DiagramMarker]

    @property
    def active_ids(self) -> list[str]:
        return sorted({m.element_id for m in self.markers if m.kind == "active"})

    @property
    def waiting_ids(self) -> list[str]:
        return sorted({m.element_id for m in self.markers if m.kind == "waiting"} - set(self.active_ids))


def require_full_access(actor: Actor) -> None:
    if not has_full_access(actor):
        raise Forbidden("Du har ikke tilgang til denne saken.")


def process_diagram(core: Saksflyt, actor: Actor, case_id: int) -> DiagramView:
    """Where the case is in its process: the open tasks and the waiting timers, as element ids
    of the case's BPMN diagram. Police and NAV do not see the diagram."""
    require_full_access(actor)
    with core.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound("Saken finnes ikke.")
        tasks = session.execute(
            select(HumanTask.spec_name, HumanTask.title).where(HumanTask.case_id == case_id).order_by(HumanTask.id)
        ).all()
        timers = session.execute(
            select(Timer.spec_name, Deadline.label)
            .outerjoin(Deadline, (Deadline.case_id == Timer.case_id) & (Deadline.timer_task_id == Timer.task_id))
            .where(Timer.case_id == case_id)
            .order_by(Timer.due_at, Timer.id)
        ).all()
        process_id = case.process_id
    registry = core.runtime.registry
    markers = [DiagramMarker(_drawn_element(registry, process_id, name), "active", title) for name, title in tasks]
    markers += [
        DiagramMarker(
            _drawn_element(registry, process_id, name), "waiting", label or _spec_label(registry, process_id, name)
        )
        for name, label in timers
    ]
    return DiagramView(process_id, markers)


def process_file(core: Saksflyt, actor: Actor, case_id: int) -> Path:
    """The .bpmn file (with its diagram interchange) of the case's process."""
    require_full_access(actor)
    with core.transaction() as session:
        process_id = session.scalar(select(Case.process_id).where(Case.id == case_id))
    if process_id is None:
        raise NotFound("Saken finnes ikke.")
    path = _process_file(core.runtime.registry, process_id)
    if path is None:
        raise NotFound("Prosessmodellen finnes ikke.")
    return path


@functools.cache
def _process_file(registry: Any, process_id: str) -> Path | None:
    """The .bpmn file that defines the process."""
    pattern = re.compile(rf'<(?:\w+:)?process\s[^>]*\bid="{re.escape(process_id)}"')
    for path in registry.bpmn_files.values():
        if pattern.search(path.read_text(encoding="utf-8")):
            return path
    return None


@functools.cache
def _drawn_element(registry: Any, process_id: str, spec_name: str) -> str:
    """The element to highlight for a task spec: itself when drawn in the case's diagram, else
    the call activity (or embedded sub-process) that contains it."""
    try:
        model = registry.get(process_id)
    except KeyError:
        return spec_name
    if spec_name in model.spec.task_specs:
        return spec_name
    for name, task_spec in model.spec.task_specs.items():
        called = getattr(task_spec, "spec", None)
        sub = model.subprocess_specs.get(called) if isinstance(called, str) else None
        if sub is not None and _contains(model.subprocess_specs, sub, spec_name, set()):
            return name
    return spec_name


def _contains(subprocess_specs: dict[str, Any], spec: Any, spec_name: str, seen: set[str]) -> bool:
    if spec_name in spec.task_specs:
        return True
    for task_spec in spec.task_specs.values():
        called = getattr(task_spec, "spec", None)
        if isinstance(called, str) and called not in seen and called in subprocess_specs:
            seen.add(called)
            if _contains(subprocess_specs, subprocess_specs[called], spec_name, seen):
                return True
    return False


def _spec_label(registry: Any, process_id: str, spec_name: str) -> str:
    try:
        model = registry.get(process_id)
    except KeyError:
        return spec_name
    for spec in (model.spec, *model.subprocess_specs.values()):
        task_spec = spec.task_specs.get(spec_name)
        if task_spec is not None:
            return getattr(task_spec, "bpmn_name", None) or getattr(task_spec, "description", None) or spec_name
    return spec_name


# -- users -------------------------------------------------------------------------------------
def full_name(core: Saksflyt, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    with core.transaction() as session:
        return session.scalar(select(User.full_name).where(User.id == user_id))


def task_assignee(core: Saksflyt, task_id: int) -> str | None:
    """The username of the person who has taken the task (call after `tasks.get_task`)."""
    with core.transaction() as session:
        return session.scalar(
            select(User.username).join(HumanTask, HumanTask.assignee_id == User.id).where(HumanTask.id == task_id)
        )


def colleagues(core: Saksflyt, actor: Actor) -> dict[str, list[Colleague]]:
    """For each of the actor's roles, the other active users with that role (hand over a task)."""
    roles = sorted(actor.roles)
    if not roles:
        return {}
    with core.transaction() as session:
        rows = session.execute(
            select(UserRole.role, User.username, User.full_name)
            .join(User, User.id == UserRole.user_id)
            .where(UserRole.role.in_(roles), User.active.is_(True), User.username != actor.username)
            .order_by(UserRole.role, User.full_name)
        )
        result: dict[str, list[Colleague]] = {role: [] for role in roles}
        for role, username, name in rows:
            result[role].append(Colleague(username, name))
        return result


def sorted_roles(roles: frozenset[str] | set[str]) -> list[str]:
    """Roles in the product's fixed order (for navigation and queues)."""
    return sorted(roles, key=lambda r: (ROLES.index(r) if r in ROLES else len(ROLES), r))


# -- case data ---------------------------------------------------------------------------------
def detail_sections(details: dict[str, Any]) -> list[Section]:
    """The case data a person needs, labelled by the form fields that captured it.

    The application comes first, then the statements and responses (stored under one
    variable each), then the steps of the procedure in order.
    """
    used: set[str] = {variable for variable, _, _ in NESTED_SECTIONS}
    nested_forms = {form_name for _, _, form_name in NESTED_SECTIONS}
    flat: list[Section] = []
    for form_name in (*SECTION_ORDER, *sorted(_known_forms() - set(SECTION_ORDER) - nested_forms)):
        if _form_exists(form_name):
            form = load_form(form_name)
            items = _items(form, details, used)
            if items:
                flat.append(Section(form.title, items))
    nested: list[Section] = []
    for variable, title, form_name in NESTED_SECTIONS:
        value = details.get(variable)
        if isinstance(value, dict) and _form_exists(form_name):
            items = _items(load_form(form_name), value, set())
            if items:
                nested.append(Section(title, items))
    application_title = _form_title("register_application")
    if flat and flat[0].title == application_title:
        return [flat[0], *nested, *flat[1:]]
    return [*nested, *flat]


def _items(form: Form, values: dict[str, Any], used: set[str]) -> list[Item]:
    items = []
    for f in form.fields:
        if f.name in used or f.name not in values:
            continue
        raw = values[f.name]
        used.add(f.name)
        if raw is None or raw == "":
            continue
        items.append(Item(f.label, _typed(f, raw)))
    return items


def _typed(f: Field, raw: Any) -> Any:
    if f.type == "date":
        try:
            return parse_date(raw)
        except ValueError:
            return raw
    if f.type == "choice":
        return dict(f.choices).get(str(raw), raw)
    return raw


@functools.cache
def _field_index() -> dict[str, Field]:
    index: dict[str, Field] = {}
    for name in (*SECTION_ORDER, *sorted(_known_forms())):
        if not _form_exists(name):
            continue
        for f in load_form(name).fields:
            index.setdefault(f.name, f)
    return index


def _format_value(name: str, raw: Any) -> Any:
    f = _field_index().get(name)
    if f is None or raw is None or raw == "":
        return raw
    return _typed(f, raw)


def _recommendation(details: dict[str, Any]) -> list[Item]:
    items = []
    for key, form_name in RECOMMENDATION_KEYS:
        raw = details.get(key)
        if raw is None or raw == "" or not _form_exists(form_name):
            continue
        f = next((f for f in load_form(form_name).fields if f.name == key), None)
        if f is not None:
            items.append(Item(f.label, _typed(f, raw)))
    return items


@functools.cache
def _known_forms() -> frozenset[str]:
    return frozenset(form_names())


def _form_exists(name: str) -> bool:
    return name in _known_forms()


def _form_title(name: str) -> str | None:
    return load_form(name).title if _form_exists(name) else None


# -- helpers -----------------------------------------------------------------------------------
def _premises(case: Case) -> str | None:
    premises = (case.details or {}).get("premises")
    if not premises and case.licence is not None:
        premises = case.licence.premises
    return premises or None


def _licence_view(case: Case) -> LicenceView | None:
    lic = case.licence
    if lic is None:
        return None
    return LicenceView(
        number=lic.number,
        premises=lic.premises,
        licence_kind=lic.licence_kind,
        groups=lic.groups,
        hours=lic.hours,
        conditions=lic.conditions,
        manager_name=lic.manager_name,
        deputy_name=lic.deputy_name,
        granted_on=lic.granted_on,
        valid_until=lic.valid_until,
        status=lic.status,
    )


def _case_task(core: Saksflyt, task: HumanTask) -> CaseTask:
    return CaseTask(
        id=task.id,
        title=task.title,
        role=task.role,
        due_on=task.due_on,
        overdue=task.due_on is not None and task.due_on < core.today(),
        assignee=task.assignee.full_name if task.assignee else None,
    )


def _own_tasks(core: Saksflyt, session: Session, actor: Actor, case: Case) -> list[CaseTask]:
    """The open tasks of the actor's limited roles on the case."""
    roles = sorted(actor.roles & LIMITED_ROLES)
    if not roles:
        return []
    query = select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.role.in_(roles)).order_by(HumanTask.id)
    return [_case_task(core, t) for t in session.scalars(query)]


# Police and NAV (alkl. § 1-7) reach a case while their statement is requested, and keep reaching
# it after they have answered: a statement deadline of their role (any status) stays with the
# case, and so does the audit entry of the task they completed.
STATEMENT_VARIABLES = {
    "politi": ("police_statement", "Uttalelse fra politiet"),
    "nav": ("nav_statement", "Uttalelse fra NAV"),
}


def _limited_case_ids(actor: Actor, roles: frozenset[str] | set[str]) -> Any:
    ordered = sorted(roles)
    return (
        select(HumanTask.case_id)
        .where(HumanTask.role.in_(ordered))
        .union(
            select(Deadline.case_id).where(Deadline.responsible_role.in_(ordered)),
            select(AuditEntry.case_id).where(
                AuditEntry.actor == actor.username,
                AuditEntry.action == "task_completed",
                AuditEntry.case_id.is_not(None),
            ),
        )
    )


def limited_case_access(session: Session, actor: Actor, case_id: int) -> bool:
    """Whether police/NAV may see the (limited) case: their statement is or was requested."""
    roles = actor.roles & LIMITED_ROLES
    if not roles:
        return False
    ids = _limited_case_ids(actor, roles).subquery()
    return session.scalar(select(ids.c[0]).where(ids.c[0] == case_id).limit(1)) is not None


def require_limited_access(session: Session, actor: Actor, case_id: int) -> None:
    if not limited_case_access(session, actor, case_id):
        raise Forbidden("Du har ikke tilgang til denne saken.")


def _own_statements(actor: Actor, case: Case) -> list[Section]:
    details = case.details or {}
    sections = []
    for role in sorted(actor.roles & LIMITED_ROLES):
        variable, title = STATEMENT_VARIABLES.get(role, (None, None))
        value = details.get(variable) if variable else None
        if isinstance(value, dict) and _form_exists("statement"):
            items = _items(load_form("statement"), value, set())
            if items:
                sections.append(Section(title or "", items))
    return sections


def _deadline_row(d: Deadline, today: date) -> DeadlineRow:
    return DeadlineRow(
        label=d.label,
        legal_basis=d.legal_basis,
        kind=d.kind,
        kind_label=DEADLINE_KINDS.get(d.kind, d.kind),
        responsible_role=d.responsible_role,
        start_on=d.start_on,
        due_on=d.due_on,
        status=d.status,
        status_label=DEADLINE_STATUS.get(d.status, d.status),
        overdue=d.status == "open" and d.due_on is not None and d.due_on < today,
    )


def _timeline(session: Session, case: Case) -> list[TimelineEntry]:
    entries = list(
        session.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.at, AuditEntry.id))
    )
    usernames = {e.actor for e in entries}
    rows = session.execute(select(User.username, User.full_name).where(User.username.in_(sorted(usernames))))
    names = {username: name for username, name in rows}
    return [
        TimelineEntry(at=e.at, actor=names.get(e.actor) or SYSTEM_ACTORS.get(e.actor, e.actor), summary=e.summary)
        for e in entries
    ]


def _task_stats(session: Session, case_ids: list[int]) -> dict[int, tuple[int, date | None]]:
    if not case_ids:
        return {}
    rows = session.execute(
        select(HumanTask.case_id, func.count(HumanTask.id), func.min(HumanTask.due_on))
        .where(HumanTask.case_id.in_(case_ids))
        .group_by(HumanTask.case_id)
    )
    return {case_id: (count, due) for case_id, count, due in rows}


# -- worklist pages ------------------------------------------------------------------------------
WORKLIST_PAGE = 25


def worklist_tasks(
    core: Saksflyt,
    actor: Actor,
    role: str | None = None,
    mine: bool = False,
    overdue: bool = False,
    sort: str = "frist",
    limit: int | None = WORKLIST_PAGE,
) -> tuple[list[TaskView], int]:
    """One page of open tasks for the actor's roles (or one of them), or only those assigned to
    the actor, sorted by due date or case; with the total count. Like `tasks.ready_tasks`, but the
    database sorts and limits, so a long queue costs no more than a page."""
    if role and role not in actor.roles:
        raise Forbidden("Du har ikke denne rollen.")
    roles = sorted({role} if role else actor.roles)
    today = core.today()
    conditions: list[Any] = [HumanTask.role.in_(roles)]
    if mine:
        conditions.append(HumanTask.assignee_id == actor.user_id)
    if overdue:
        conditions.append(HumanTask.due_on < today)
    if sort == "sak":
        order = (Case.reference, HumanTask.due_on.is_(None), HumanTask.due_on, HumanTask.id)
    else:
        order = (HumanTask.due_on.is_(None), HumanTask.due_on, Case.reference, HumanTask.id)
    with core.transaction() as session:
        total = session.scalar(select(func.count(HumanTask.id)).where(*conditions)) or 0
        query = (
            select(HumanTask, Case.reference, Case.title, User.full_name)
            .join(Case, Case.id == HumanTask.case_id)
            .outerjoin(User, User.id == HumanTask.assignee_id)
            .where(*conditions)
            .order_by(*order)
        )
        if limit is not None:
            query = query.limit(limit)
        items = [
            TaskView(
                id=task.id,
                case_id=task.case_id,
                case_reference=reference,
                case_title=title,
                title=task.title,
                role=task.role,
                form=task.form,
                due_on=task.due_on,
                overdue=task.due_on is not None and task.due_on < today,
                assignee=assignee,
                instructions=task.instructions,
            )
            for task, reference, title, assignee in session.execute(query)
        ]
    return items, total
