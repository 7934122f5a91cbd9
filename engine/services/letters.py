"""Letters from templates: forhåndsvarsel, vedtak, point decisions and suspension decisions.

Rendered with Jinja (not tied to Flask) from web/templates/letters/, as HTML for the preview and
as PDF with WeasyPrint. A BPMN user task with the property `letter` (e.g. `send_advance_notice`
letter=forhandsvarsel) names its letter; completing such a task stores the PDF with the case.

Deadlines are stated as explicit dates ("innen tirsdag 7. april 2026", engine.rules.format_deadline),
computed by the same rules the process uses. A vedtak gives its grounds (fvl §§ 24–25) and the
right to appeal (fvl § 27): three weeks from notification (fvl § 29), sent to the municipality
(fvl § 32), which reconsiders it (fvl § 33) before Statsforvalteren decides as the appeal body
(alkoholloven § 1-16).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select

from engine import rules
from engine.errors import NotFound
from engine.forms import as_date, load_form
from engine.labels import APPLICATION_TYPES
from engine.persistence.models import Case, HumanTask
from engine.services import case_views, tasks
from engine.services.core import Actor, Saksflyt

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "web" / "templates" / "letters"
STYLESHEET = Path(__file__).resolve().parents[2] / "web" / "static" / "letter.css"

# letter kind -> (title, template)
LETTERS: dict[str, tuple[str, str]] = {
    "forhandsvarsel": ("Forhåndsvarsel", "forhandsvarsel.html"),
    "vedtak": ("Vedtak", "vedtak.html"),
    "kontrollrapport": ("Kontrollrapport", "kontrollrapport.html"),
    "forhandsvarsel_prikker": ("Forhåndsvarsel om tildeling av prikker", "forhandsvarsel_prikker.html"),
    "vedtak_prikker": ("Vedtak om tildeling av prikker", "vedtak_prikker.html"),
    "orientering_prikker": ("Orientering om tildelte prikker", "vedtak_prikker.html"),
    "forhandsvarsel_inndragning": ("Forhåndsvarsel om inndragning av bevilling", "forhandsvarsel_inndragning.html"),
    "vedtak_inndragning": ("Vedtak om inndragning av bevilling", "vedtak_inndragning.html"),
}
BODY_NAMES = {
    "leder": "Leder (delegert myndighet)",
    "formannskap": "Formannskapet",
    "kommunestyre": "Kommunestyret",
}


@dataclass(frozen=True)
class RenderedLetter:
    kind: str
    title: str
    case_id: int
    reference: str
    html: str
    filename: str
    spec_name: str | None = None


# -- which letter a task writes ---------------------------------------------------------------------
@functools.cache
def _letter_properties(registry: Any, process_id: str) -> dict[str, str]:
    """User task name -> the value of its `letter` property, in the process and its sub-processes."""
    try:
        model = registry.get(process_id)
    except KeyError:
        return {}
    found: dict[str, str] = {}
    for spec in (model.spec, *model.subprocess_specs.values()):
        for name, task_spec in spec.task_specs.items():
            extensions = getattr(task_spec, "extensions", None) or {}
            value = extensions.get("properties", {}).get("letter")
            if value:
                found[name] = str(value)
    return found


def letter_for_task(core: Saksflyt, process_id: str, spec_name: str) -> str | None:
    return _letter_properties(core.runtime.registry, process_id).get(spec_name)


def task_letter_kind(core: Saksflyt, actor: Actor, task_id: int) -> str | None:
    """The letter the open task writes (its BPMN `letter` property), for the actor who may do it."""
    return _task_letter(core, actor, task_id)[0]


def _task_letter(core: Saksflyt, actor: Actor, task_id: int) -> tuple[str | None, str]:
    tasks.get_task(core, actor, task_id)  # NotFound / Forbidden
    with core.transaction() as session:
        row = session.execute(
            select(Case.process_id, HumanTask.spec_name)
            .join(Case, Case.id == HumanTask.case_id)
            .where(HumanTask.id == task_id)
        ).one_or_none()
    if row is None:
        raise NotFound("Oppgaven finnes ikke, eller den er allerede utført.")
    return letter_for_task(core, row[0], row[1]), row[1]


# -- rendering ------------------------------------------------------------------------------------------
@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        lstrip_blocks=True,
    )
    env.filters["langdato"] = _long_date
    env.filters["dato"] = _short_date
    env.filters["organ"] = lambda body: BODY_NAMES.get(body or "", body or "kommunen")
    return env


def _long_date(value: Any) -> str:
    day = as_date(value)
    return rules.format_deadline(day) if day else "–"


def _short_date(value: Any) -> str:
    day = as_date(value)
    return rules.format_short(day) if day else "–"


def render_html(kind: str, context: dict[str, Any], stylesheet_href: str | None = None) -> str:
    title, template = LETTERS.get(kind, (context.get("title") or "Brev", "generisk.html"))
    return (
        _environment().get_template(template).render(**{**context, "title": title, "stylesheet_href": stylesheet_href})
    )


def render_pdf(html: str) -> bytes:
    """The letter as PDF (WeasyPrint); nothing is fetched from outside (no network, no files)."""
    from weasyprint import CSS, HTML

    def refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"letters load nothing from outside ({url})")

    document = HTML(string=html, url_fetcher=refuse, base_url=str(TEMPLATE_DIR))
    return document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])


def filename(kind: str, reference: str, day: date) -> str:
    safe = re.sub(r"[^0-9A-Za-z-]+", "-", reference).strip("-")
    return f"{kind}-{safe}-{day.isoformat()}.pdf"


# -- context ------------------------------------------------------------------------------------------------
def case_context(core: Saksflyt, session: Any, case: Case) -> dict[str, Any]:
    """What every letter knows about the case: the party, the premises, the data so far."""
    details = dict(case.details or {})
    return {
        "municipality": core.settings.municipality,
        "today": core.today(),
        "reference": case.reference,
        "case_title": case.title,
        "party": {
            "name": case.party.name,
            "org_number": case.party.org_number,
            "address": case.party.address,
            "email": case.party.email,
        },
        "premises": details.get("premises") or (case.licence.premises if case.licence else None),
        "licence_number": case.licence.number if case.licence else details.get("licence_number"),
        "application_type": APPLICATION_TYPES.get(case.application_type or "", case.application_type),
        "application_type_code": case.application_type,
        "competent_body": case.competent_body or details.get("competent_body"),
        "handler": case.handler.full_name if case.handler else None,
        "data": details,
    }


def letter_context(kind: str, base: dict[str, Any], values: dict[str, Any], signer: str | None) -> dict[str, Any]:
    """Adds the task's form values and the dates the letter must state."""
    data = {**base["data"], **values}
    today = base["today"]
    context = {**base, "data": data, "signer": signer or base.get("handler") or base["municipality"]}
    d = data.get
    if kind in ("forhandsvarsel", "forhandsvarsel_prikker"):
        reached = as_date(d("notice_reached_on")) or today
        weeks = int(d("response_weeks") or 2)
        context.update(reached_on=reached, response_weeks=weeks, response_deadline=rules.party_deadline(reached, weeks))
    if kind == "forhandsvarsel_inndragning":
        reached = as_date(d("suspension_notice_reached_on")) or today
        weeks = int(d("suspension_response_weeks") or 3)
        context.update(reached_on=reached, response_weeks=weeks, response_deadline=rules.party_deadline(reached, weeks))
    if kind == "kontrollrapport":
        reached = as_date(d("report_reached_on")) or today
        weeks = int(d("comment_weeks") or 2)
        context.update(reached_on=reached, comment_deadline=rules.party_deadline(reached, weeks))
    if kind in ("vedtak", "vedtak_prikker", "vedtak_inndragning"):
        notified = as_date(d("notified_on")) or today
        context.update(notified_on=notified, appeal_deadline=rules.appeal_deadline(notified))
    if kind == "vedtak":
        decided = as_date(d("decided_on"))
        granted = d("decision_outcome") == "innvilget"
        valid_until = None
        if granted and decided:
            valid_until = rules.licence_valid_until(
                base.get("application_type_code"), decided, as_date(d("event_date"))
            )
        context.update(decided_on=decided, granted=granted, valid_until=valid_until)
    if kind in ("vedtak_prikker", "orientering_prikker", "forhandsvarsel_prikker"):
        awards = d("awarded_points") or d("control_violations") or []
        count = d("point_count") or {}
        rule_set = d("rule_set") if isinstance(d("rule_set"), dict) else {}
        context.update(
            awards=awards,
            points_total=sum(int(a.get("points", 0)) for a in awards),
            point_count=count,
            rule_set=rule_set,
            enkeltvedtak=kind == "vedtak_prikker",
            decided_on=as_date(d("decided_on")) or as_date(d("oriented_on")),
        )
    if kind in ("forhandsvarsel_inndragning", "vedtak_inndragning"):
        decided = as_date(d("decided_on"))
        context.update(
            basis=d("suspension_basis") or [],
            days=d("suspension_days") or d("proposed_days"),
            point_count=d("point_count") or {},
            decided_on=decided,
            implementation_deadline=as_date(d("implementation_deadline"))
            or (rules.internal_deadline(decided, 4) if decided else None),
        )
    return context


# -- use cases ----------------------------------------------------------------------------------------------
def task_letter(
    core: Saksflyt, actor: Actor, task_id: int, raw: dict[str, Any], stylesheet_href: str | None = None
) -> RenderedLetter | None:
    """The letter of an open task with what the user has typed (validated like a completion:
    ValidationFailed with Norwegian messages). None when the task writes no letter."""
    task = tasks.get_task(core, actor, task_id)  # NotFound / Forbidden for the wrong role
    kind, spec_name = _task_letter(core, actor, task_id)
    if kind is None:
        return None
    values = load_form(task.form).validate(raw) if task.form else {}
    with core.transaction() as session:
        case = session.get(Case, task.case_id)
        if case is None:
            raise NotFound("Saken finnes ikke.")
        base = case_context(core, session, case)
    signer = case_views.full_name(core, actor.user_id)
    context = letter_context(kind, base, values, signer)
    title = f"{LETTERS.get(kind, ('Brev', ''))[0]} – sak {base['reference']}"
    return RenderedLetter(
        kind=kind,
        title=title,
        case_id=task.case_id,
        reference=base["reference"],
        html=render_html(kind, context, stylesheet_href),
        filename=filename(kind, base["reference"], core.today()),
        spec_name=spec_name,
    )


def case_letter(core: Saksflyt, actor: Actor, case_id: int, kind: str, stylesheet_href: str | None = None) -> str:
    """A letter from the case's data as it stands (the case page's preview; whole-case roles)."""
    case_views.require_full_access(actor)
    if kind not in LETTERS:
        raise NotFound("Ukjent brevmal.")
    with core.transaction() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound("Saken finnes ikke.")
        base = case_context(core, session, case)
    context = letter_context(kind, base, {}, case_views.full_name(core, actor.user_id))
    return render_html(kind, context, stylesheet_href)


def open_letter_tasks(core: Saksflyt, actor: Actor, case_id: int) -> list[tuple[int, str, str]]:
    """(task id, task title, letter kind) of the case's open tasks that write a letter."""
    case_views.require_full_access(actor)
    with core.transaction() as session:
        rows = session.execute(
            select(HumanTask.id, HumanTask.title, HumanTask.spec_name, Case.process_id)
            .join(Case, Case.id == HumanTask.case_id)
            .where(HumanTask.case_id == case_id)
            .order_by(HumanTask.id)
        ).all()
    result = []
    for ident, title, spec_name, process_id in rows:
        kind = letter_for_task(core, process_id, spec_name)
        if kind:
            result.append((ident, title, kind))
    return result
