"""Sanctions (alkoholforskriften kap. 9–10): control reports, point history, suspensions and
transfers of ownership.

* A control report starts a `sanction` case for a licence. The case records the rule set (name
  and version) that was active in the municipality; it keeps using it to the end.
* The points catalogue is the DMN table `points_catalogue`; the service evaluates it too, to
  validate the codes of a report and to list the catalogue.
* The point history lives in `point_award`. The `sanction` context provider hands every case a
  fresh copy before each step (the awards of the licence's other cases and the latest transfer
  of ownership), so the threshold gateway counts what the database holds now.
* The process events of the model write the history: `points_awarded`, `points_annulled`,
  `suspension_decided` (the points behind it are consumed), `suspension_implemented` and
  `suspension_annulled`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import rules
from engine.config import FIXTURES_DIR
from engine.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.forms import load_form, parse_date
from engine.persistence.models import Case, Deadline, HumanTask, Licence, Party
from engine.persistence.sanction_models import MunicipalitySetting, OwnershipTransfer, PointAward, Suspension
from engine.rules import RuleSet
from engine.services.audit import record
from engine.services.cases import CaseRef, _next_reference, start_workflow
from engine.services.core import Actor, Saksflyt
from engine.services.projection import on_event
from engine.services.steps import context_provider
from engine.workflow.models import DEFAULT_MODEL_DIR
from engine.workflow.scripting import build_script_engine

RULE_SETS_FILE = FIXTURES_DIR / "rule_sets.json"
RULE_SET_SETTING = "rule_set"
COMMENT_WEEKS = 2  # alkf. § 9-6: the licensee may comment within two weeks
REPORTING_ROLES = frozenset({"kontrollor", "saksbehandler"})
SETTING_ROLES = frozenset({"admin", "leder"})
CATALOGUE_DECISION = "points_catalogue"


# -- rule sets: versioned data, one active per municipality ---------------------------------------
@functools.cache
def load_rule_sets(path: Path = RULE_SETS_FILE) -> tuple[RuleSet, ...]:
    """Every version of every rule set in the rule set file."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    loaded = tuple(rules.rule_set_from_dict(entry) for entry in raw["rule_sets"])
    labels = [r.label for r in loaded]
    if len(labels) != len(set(labels)):
        raise ValueError(f"{path}: a rule set version is listed twice")
    return loaded


def find_rule_set(spec: str, on: date, path: Path = RULE_SETS_FILE) -> RuleSet:
    """The rule set named by `spec` ("alkf-2016", or "alkf-2016@1" for a fixed version).

    Without a version, the newest version that is valid on `on` (a violation date).
    """
    name, _, version = spec.partition("@")
    candidates = [r for r in load_rule_sets(path) if r.name == name and (not version or r.version == version)]
    if not candidates:
        known = ", ".join(sorted({r.name for r in load_rule_sets(path)}))
        raise NotFound(f"Ukjent regelsett «{spec}». Kjente regelsett: {known}.")
    valid = [r for r in candidates if r.valid_from <= on]
    if not valid:
        first = min(r.valid_from for r in candidates)
        raise ValidationFailed(
            {"control_date": f"Regelsettet {name} gjelder overtredelser fra {rules.format_short(first)}."}
        )
    return max(valid, key=lambda r: (r.valid_from, r.version))


def active_rule_set_name(core: Saksflyt, session: Session) -> str:
    """The municipality's setting; else the configured default (SAKSFLYT_RULE_SET, `8-point`)."""
    setting = session.get(MunicipalitySetting, (core.settings.municipality, RULE_SET_SETTING))
    if setting is not None:
        return setting.value
    return core.settings.rule_set


def active_rule_set(core: Saksflyt, on: date | None = None) -> RuleSet:
    with core.transaction() as session:
        return find_rule_set(active_rule_set_name(core, session), on or core.today())


def set_active_rule_set(core: Saksflyt, actor: Actor, spec: str) -> RuleSet:
    """Makes `spec` the municipality's rule set for new sanction cases; running cases keep theirs."""
    if not any(actor.has_role(role) for role in SETTING_ROLES):
        raise Forbidden("Bare leder eller administrator kan endre regelsettet.")
    chosen = find_rule_set(spec, core.today())
    with core.transaction() as session:
        key = (core.settings.municipality, RULE_SET_SETTING)
        setting = session.get(MunicipalitySetting, key)
        if setting is None:
            setting = MunicipalitySetting(municipality=key[0], key=key[1])
            session.add(setting)
        setting.value = spec
        setting.updated_at = core.now()
        setting.updated_by = actor.username
        record(core, session, None, actor, "rule_set_changed", f"Regelsett for prikker: {chosen.label}.")
    return chosen


# -- the points catalogue (DMN) -------------------------------------------------------------------
@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    points: int
    provision: str
    label: str


class _EveryCode:
    """Makes every rule of the catalogue table match (`"code" in ?` is always true)."""

    def __contains__(self, _code: object) -> bool:
        return True


@functools.cache
def _catalogue_table(model_dir: Path) -> Any:
    parser = SpiffBpmnParser()
    parser.add_dmn_files([str(p) for p in sorted(model_dir.glob("*.dmn"))])
    return parser.get_engine(CATALOGUE_DECISION, None)


def evaluate_catalogue(codes: Iterable[str] | _EveryCode, model_dir: Path = DEFAULT_MODEL_DIR) -> list[CatalogueEntry]:
    """The catalogue entries the DMN table gives for `codes`, in the table's order.

    Runs the same table the process runs, outside a workflow (a stand-in task carries the data).
    """
    workflow = SimpleNamespace(
        script_engine=build_script_engine(),
        spec=SimpleNamespace(name=CATALOGUE_DECISION, file=None, task_specs={}),
        parent=None,
    )
    workflow.top_workflow = workflow
    data = {"violation_codes": codes if isinstance(codes, _EveryCode) else list(codes)}
    task = SimpleNamespace(
        data=data,
        workflow=workflow,
        id=None,
        task_spec=SimpleNamespace(name=CATALOGUE_DECISION, bpmn_name=CATALOGUE_DECISION, bpmn_id=CATALOGUE_DECISION),
    )
    result = _catalogue_table(model_dir).result(task)
    return [
        CatalogueEntry(code, int(points), provision, label)
        for code, points, provision, label in zip(
            result.get("catalogue_codes", []),
            result.get("catalogue_points", []),
            result.get("catalogue_provisions", []),
            result.get("catalogue_labels", []),
            strict=True,
        )
    ]


def catalogue(model_dir: Path = DEFAULT_MODEL_DIR) -> list[CatalogueEntry]:
    """The whole points catalogue (alkf. § 10-3), in the table's order."""
    return evaluate_catalogue(_EveryCode(), model_dir)


def parse_violation_codes(text: str, model_dir: Path = DEFAULT_MODEL_DIR) -> list[str]:
    """The codes of a report ("mindrearig, skjenketid"), checked against the catalogue."""
    codes = [c for c in re.split(r"[\s,;]+", text.strip().lower()) if c]
    known = {e.code for e in catalogue(model_dir)}
    unknown = [c for c in codes if c not in known]
    if not codes:
        raise ValidationFailed({"violation_codes": "Oppgi minst én overtredelse fra prikkatalogen."})
    if unknown:
        raise ValidationFailed(
            {"violation_codes": f"Ukjent kode: {', '.join(unknown)}. Gyldige koder: {', '.join(sorted(known))}."}
        )
    return codes


# -- control reports start sanction cases -------------------------------------------------------
def register_control_report(core: Saksflyt, actor: Actor, raw: dict[str, Any]) -> CaseRef:
    """Registers a control report (alkf. §§ 9-5, 9-6) and starts a `sanction` case for the licence."""
    if not any(actor.has_role(role) for role in REPORTING_ROLES):
        raise Forbidden("Bare kontrollører og saksbehandlere kan registrere kontrollrapporter.")
    values = load_form("control_report").validate(raw)
    codes = parse_violation_codes(values["violation_codes"], core.runtime.registry.model_dir)
    control_date: date = values["control_date"]
    if control_date > core.today():
        raise ValidationFailed({"control_date": "Kontrolldatoen kan ikke være fram i tid."})
    with core.transaction() as session:
        licence = _licence(session, values["licence_number"])
        if licence.licence_kind.startswith("skjenke") and not values.get("controller_2"):
            message = "Skjenkesteder kontrolleres av minst to kontrollører (alkf. § 9-5)."
            raise ValidationFailed({"controller_2": message})
        rule_set = find_rule_set(active_rule_set_name(core, session), control_date)
        holder = session.get(Party, licence.holder_id)
        assert holder is not None
        case = Case(
            reference=_next_reference(core, session),
            kind="sanction",
            process_id="sanction",
            title=f"Kontroll {rules.format_short(control_date)} – {licence.premises}",
            party_id=licence.holder_id,
            licence_id=licence.id,
            handler_id=actor.user_id if actor.has_role("saksbehandler") else None,
            details={"rule_set": rules.rule_set_to_dict(rule_set)},
            opened_at=core.now(),
        )
        session.add(case)
        session.flush()
        history = _context(session, licence.id, case.id)
        start_data = {
            **values,
            "violation_codes": codes,
            "case_id": case.id,
            "reference": case.reference,
            "licensee_name": holder.name,
            "premises": licence.premises,
            "rule_set": rules.rule_set_to_dict(rule_set),
            "delegation_limit_days": rule_set.delegation_limit_days,
            "comment_weeks": COMMENT_WEEKS,
            "appeal_postal_days": core.settings.appeal_postal_days,
            **history,
        }
        start_workflow(core, session, case, actor, start_data)
        record(
            core,
            session,
            case,
            actor,
            "control_report_registered",
            f"Kontrollrapport registrert for bevilling {licence.number} ({rule_set.label}).",
            {**values, "violation_codes": codes, "rule_set": rule_set.label},
        )
        return CaseRef(case.id, case.reference)


def _licence(session: Session, number: str) -> Licence:
    licence = session.scalar(select(Licence).where(Licence.number == number))
    if licence is None:
        raise NotFound(f"Fant ingen bevilling med nummer {number}.")
    return licence


# -- the point history a case sees --------------------------------------------------------------
@context_provider("sanction")
def sanction_context(core: Saksflyt, session: Session, case: Case) -> dict[str, Any]:
    if case.licence_id is None:
        return {}
    return _context(session, case.licence_id, case.id)


def _context(session: Session, licence_id: int, case_id: int) -> dict[str, Any]:
    """The awards of the licence's other cases (this case's own are in its data) and the latest transfer."""
    awards = session.scalars(
        select(PointAward)
        .where(PointAward.licence_id == licence_id, (PointAward.case_id != case_id) | PointAward.case_id.is_(None))
        .order_by(PointAward.violation_date, PointAward.key)
    )
    return {"point_history": [_award_data(a) for a in awards], "latest_transfer": _latest_transfer(session, licence_id)}


def _award_data(award: PointAward) -> dict[str, Any]:
    return {
        "key": award.key,
        "code": award.code,
        "provision": award.provision,
        "label": award.label or "",
        "points": award.points,
        "standard_points": award.standard_points,
        "justification": award.justification,
        "violation_date": award.violation_date,
        "decided_on": award.decided_on,
        "consumed": award.consumed_by_case_id is not None,
        "annulled": award.annulled,
    }


def _latest_transfer(session: Session, licence_id: int) -> date | None:
    return session.scalar(
        select(func.max(OwnershipTransfer.transferred_on)).where(OwnershipTransfer.licence_id == licence_id)
    )


# -- process events -----------------------------------------------------------------------------
@on_event("points_awarded")
def store_point_awards(core: Saksflyt, session: Session, case: Case, actor: Actor, payload: dict[str, Any]) -> None:
    licence_id = _case_licence(case)
    decided_on = parse_date(payload["decided_on"])
    for award in payload["awards"]:
        session.add(
            PointAward(
                key=award["key"],
                licence_id=licence_id,
                case_id=case.id,
                violation_date=parse_date(award["violation_date"]),
                code=award["code"],
                provision=award["provision"],
                label=award.get("label") or None,
                points=int(award["points"]),
                standard_points=int(award.get("standard_points", award["points"])),
                justification=award.get("justification"),
                decided_on=decided_on,
                rule_set=payload["rule_set"],
                created_at=core.now(),
            )
        )
    total = sum(int(a["points"]) for a in payload["awards"])
    record(core, session, case, actor, "points_awarded", f"{total} prikker tildelt ({payload['rule_set']}).", payload)


@on_event("points_annulled")
def annul_point_awards(core: Saksflyt, session: Session, case: Case, actor: Actor, payload: dict[str, Any]) -> None:
    awards = list(session.scalars(select(PointAward).where(PointAward.key.in_(payload["keys"]))))
    annulled_on = parse_date(payload["annulled_on"])
    for award in awards:
        award.annulled = True
        award.annulled_on = annulled_on
    total = sum(a.points for a in awards)
    summary = f"Prikkvedtaket er {payload.get('appeal_outcome') or 'opphevet'}: {total} prikker teller ikke lenger."
    record(core, session, case, actor, "points_annulled", summary, payload)


@on_event("suspension_decided")
def store_suspension(core: Saksflyt, session: Session, case: Case, actor: Actor, payload: dict[str, Any]) -> None:
    licence_id = _case_licence(case)
    if session.scalar(select(Suspension).where(Suspension.case_id == case.id)) is not None:
        raise Conflict("Saken har allerede et vedtak om inndragning.")
    session.add(
        Suspension(
            licence_id=licence_id,
            case_id=case.id,
            days=int(payload["days"]),
            decided_on=parse_date(payload["decided_on"]),
            competent_body=payload["competent_body"],
            implementation_deadline=parse_date(payload["implementation_deadline"]),
            created_at=core.now(),
        )
    )
    # The points behind the suspension are used up (høringsnotatet § 2.7.4; rule set setting).
    for award in session.scalars(select(PointAward).where(PointAward.key.in_(payload["basis"]))):
        award.consumed_by_case_id = case.id
    summary = f"Inndragning i {payload['days']} dager vedtatt ({payload['competent_body']})."
    record(core, session, case, actor, "suspension_decided", summary, payload)


@on_event("suspension_implemented")
def store_suspension_period(
    core: Saksflyt, session: Session, case: Case, actor: Actor, payload: dict[str, Any]
) -> None:
    suspension = _suspension_of(session, case)
    suspension.starts_on = parse_date(payload["starts_on"])
    suspension.ends_on = parse_date(payload["ends_on"])
    period = f"{rules.format_short(suspension.starts_on)}–{rules.format_short(suspension.ends_on)}"
    summary = f"Bevillingen er inndratt {period}."
    record(core, session, case, actor, "suspension_implemented", summary, payload)


@on_event("suspension_annulled")
def annul_suspension(core: Saksflyt, session: Session, case: Case, actor: Actor, payload: dict[str, Any]) -> None:
    suspension = _suspension_of(session, case)
    suspension.annulled = True
    suspension.annulled_on = parse_date(payload["annulled_on"])
    for award in session.scalars(select(PointAward).where(PointAward.consumed_by_case_id == case.id)):
        award.consumed_by_case_id = None  # the points may count towards a later suspension
    summary = f"Vedtaket om inndragning er {payload.get('appeal_outcome') or 'opphevet'}; prikkene er frigitt."
    record(core, session, case, actor, "suspension_annulled", summary, payload)


@on_event("suspension_final")
@on_event("stop_implementation")
def internal_signal(core: Saksflyt, session: Session, case: Case, actor: Actor, payload: dict[str, Any]) -> None:
    """Signals between the model's parallel branches; they reach us only when no branch waited for them."""


def _case_licence(case: Case) -> int:
    if case.licence_id is None:
        raise Conflict("Sanksjonssaken er ikke knyttet til en bevilling.")
    return case.licence_id


def _suspension_of(session: Session, case: Case) -> Suspension:
    suspension = session.scalar(select(Suspension).where(Suspension.case_id == case.id))
    if suspension is None:
        raise Conflict("Saken har ikke noe vedtak om inndragning.")
    return suspension


# -- transfer of ownership (alkl. § 1-10) ----------------------------------------------------------
def record_transfer(core: Saksflyt, actor: Actor, licence_number: str, raw: dict[str, Any]) -> None:
    """Records that the business changed hands: the new owner's points start from the transfer date."""
    if not actor.has_role("saksbehandler"):
        raise Forbidden("Bare saksbehandlere kan registrere eierskifte.")
    values = load_form("ownership_transfer").validate(raw)
    with core.transaction() as session:
        licence = _licence(session, licence_number)
        latest = _latest_transfer(session, licence.id)
        if latest is not None and values["transferred_on"] <= latest:
            raise ValidationFailed(
                {"transferred_on": f"Det er allerede registrert et eierskifte {rules.format_short(latest)}."}
            )
        new_holder = _party(session, values["new_holder_name"], values.get("new_org_number"))
        session.flush()
        session.add(
            OwnershipTransfer(
                licence_id=licence.id,
                transferred_on=values["transferred_on"],
                previous_holder_id=licence.holder_id,
                new_holder_id=new_holder.id,
                note=values.get("transfer_note"),
                recorded_at=core.now(),
                recorded_by=actor.username,
            )
        )
        licence.holder_id = new_holder.id
        summary = (
            f"Eierskifte for bevilling {licence.number} {rules.format_short(values['transferred_on'])}: "
            f"ny eier {new_holder.name}. Ny periode for prikker (alkl. § 1-10)."
        )
        record(core, session, None, actor, "ownership_transferred", summary, {"licence": licence.number, **values})


def _party(session: Session, name: str, org_number: str | None) -> Party:
    party = session.scalar(select(Party).where(Party.org_number == org_number)) if org_number else None
    if party is None:
        party = Party(name=name, org_number=org_number)
        session.add(party)
    party.name = name
    return party


# -- read models ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AwardView:
    key: str
    case_reference: str | None
    violation_date: date
    code: str
    provision: str
    points: int
    standard_points: int
    justification: str | None
    decided_on: date
    rule_set: str
    consumed: bool
    annulled: bool
    counts: bool  # counts towards the threshold as of the history's date


@dataclass(frozen=True)
class SuspensionView:
    case_reference: str
    days: int
    decided_on: date
    competent_body: str
    implementation_deadline: date
    starts_on: date | None
    ends_on: date | None
    annulled: bool


@dataclass(frozen=True)
class PointHistory:
    licence_number: str
    holder: str
    premises: str
    rule_set: str
    threshold: int
    window_years: int
    as_of: date
    window_start: date | None
    latest_transfer: date | None
    total: int  # the points that count as of `as_of`
    points_remaining: int  # before the threshold is reached
    threshold_reached: bool
    awards: list[AwardView]
    suspensions: list[SuspensionView]
    suspended: SuspensionView | None  # the suspension in force on `as_of`


@dataclass(frozen=True)
class LicenceState:
    licence_number: str
    holder: str
    status: str  # "inndratt" during a suspension, else the register status (e.g. "aktiv")
    suspension: SuspensionView | None


def point_history(core: Saksflyt, licence_number: str, as_of: date | None = None) -> PointHistory:
    """A licence's points: which count on `as_of` (default today) and how many remain to the threshold."""
    day = as_of or core.today()
    with core.transaction() as session:
        licence = _licence(session, licence_number)
        rule_set = find_rule_set(active_rule_set_name(core, session), day)
        holder = session.get(Party, licence.holder_id)
        rows = list(
            session.scalars(
                select(PointAward)
                .where(PointAward.licence_id == licence.id)
                .order_by(PointAward.violation_date, PointAward.key)
            )
        )
        references = _references(session, {a.case_id for a in rows} | {a.consumed_by_case_id for a in rows})
        latest_transfer = _latest_transfer(session, licence.id)
        status = rules.point_status([_award_data(a) for a in rows], rule_set, latest_transfer, as_of=day)
        counting = {a["key"] for a in status["counting"]}
        suspensions = _suspensions(session, licence.id)
        return PointHistory(
            licence_number=licence.number,
            holder=holder.name if holder else "",
            premises=licence.premises,
            rule_set=rule_set.label,
            threshold=rule_set.threshold,
            window_years=rule_set.window_years,
            as_of=day,
            window_start=status["window_start"],
            latest_transfer=latest_transfer,
            total=status["total"],
            points_remaining=status["points_remaining"],
            threshold_reached=status["threshold_reached"],
            awards=[
                AwardView(
                    key=a.key,
                    case_reference=references.get(a.case_id) if a.case_id else None,
                    violation_date=a.violation_date,
                    code=a.code,
                    provision=a.provision,
                    points=a.points,
                    standard_points=a.standard_points,
                    justification=a.justification,
                    decided_on=a.decided_on,
                    rule_set=a.rule_set,
                    consumed=a.consumed_by_case_id is not None,
                    annulled=a.annulled,
                    counts=a.key in counting,
                )
                for a in rows
            ],
            suspensions=suspensions,
            suspended=_in_force(suspensions, day),
        )


def licence_state(core: Saksflyt, licence_number: str, on: date | None = None) -> LicenceState:
    """The licence as the register shows it on `on`: suspended ("inndratt") during a suspension."""
    day = on or core.today()
    with core.transaction() as session:
        licence = _licence(session, licence_number)
        holder = session.get(Party, licence.holder_id)
        suspension = _in_force(_suspensions(session, licence.id), day)
        return LicenceState(
            licence_number=licence.number,
            holder=holder.name if holder else "",
            status="inndratt" if suspension else licence.status,
            suspension=suspension,
        )


def is_suspended(session: Session, licence_id: int, on: date) -> bool:
    """Whether the licence is suspended on `on` (for other read models, inside their transaction)."""
    return _in_force(_suspensions(session, licence_id), on) is not None


def _suspensions(session: Session, licence_id: int) -> list[SuspensionView]:
    rows = list(
        session.scalars(select(Suspension).where(Suspension.licence_id == licence_id).order_by(Suspension.decided_on))
    )
    references = _references(session, {s.case_id for s in rows})
    return [
        SuspensionView(
            case_reference=references.get(s.case_id, ""),
            days=s.days,
            decided_on=s.decided_on,
            competent_body=s.competent_body,
            implementation_deadline=s.implementation_deadline,
            starts_on=s.starts_on,
            ends_on=s.ends_on,
            annulled=s.annulled,
        )
        for s in rows
    ]


def _in_force(suspensions: Sequence[SuspensionView], day: date) -> SuspensionView | None:
    for s in suspensions:
        if not s.annulled and s.starts_on and s.ends_on and s.starts_on <= day <= s.ends_on:
            return s
    return None


def _references(session: Session, case_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in case_ids if i is not None}
    if not ids:
        return {}
    return {
        case_id: reference
        for case_id, reference in session.execute(select(Case.id, Case.reference).where(Case.id.in_(ids)))
    }


@dataclass(frozen=True)
class OpenTaskLine:
    id: int
    spec_name: str
    title: str
    role: str | None
    form: str | None
    due_on: date | None


@dataclass(frozen=True)
class DeadlineLine:
    label: str
    legal_basis: str
    kind: str
    start_on: date | None
    due_on: date | None
    status: str


@dataclass(frozen=True)
class SanctionCaseView:
    reference: str
    title: str
    status: str
    licence_number: str
    rule_set: str
    details: dict[str, Any]  # the case data (JSON: dates as ISO strings)
    warnings: list[str]
    open_tasks: list[OpenTaskLine]
    deadlines: list[DeadlineLine]
    suspension: SuspensionView | None


def sanction_case(core: Saksflyt, reference: str) -> SanctionCaseView:
    """A sanction case with its rule set, open tasks (with their model names) and deadlines."""
    with core.transaction() as session:
        case = session.scalar(select(Case).where(Case.reference == reference, Case.kind == "sanction"))
        if case is None:
            raise NotFound(f"Fant ingen sanksjonssak med referanse {reference}.")
        licence = session.get(Licence, case.licence_id) if case.licence_id else None
        tasks = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id).order_by(HumanTask.id))
        deadlines = session.scalars(
            select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.due_on, Deadline.id)
        )
        suspensions = _suspensions(session, case.licence_id) if case.licence_id else []
        suspension = next((s for s in suspensions if s.case_reference == reference), None)
        details = dict(case.details or {})
        rule_set = details.get("rule_set") or {}
        return SanctionCaseView(
            reference=case.reference,
            title=case.title,
            status=case.status,
            licence_number=licence.number if licence else "",
            rule_set=rule_set.get("label", ""),
            details=details,
            warnings=list(details.get("warnings") or []),
            open_tasks=[OpenTaskLine(t.id, t.spec_name, t.title, t.role, t.form, t.due_on) for t in tasks],
            deadlines=[DeadlineLine(d.label, d.legal_basis, d.kind, d.start_on, d.due_on, d.status) for d in deadlines],
            suspension=suspension,
        )
