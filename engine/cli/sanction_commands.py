"""Sanction commands: control reports, transfers of ownership, a licence's points, the rule set,
and the steps of a sanction case (its tasks and messages) from the command line."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select

from engine.cli.common import core_from_env, fail, show_date
from engine.errors import NotFound, SaksflytError
from engine.forms import load_form, parse_date
from engine.persistence.models import Case, HumanTask, User, WorkflowInstance
from engine.services import messages, sanctions, tasks
from engine.services.core import Actor, Saksflyt
from engine.services.users import actor_for

# The command line is run by an administrator on the server; it acts in every sanction role
# unless --user names the person it acts as.
CLI_ACTOR = Actor("kommandolinje", frozenset({"kontrollor", "saksbehandler", "leder", "kommunestyre", "admin"}))


def register(subparsers: Any) -> None:
    report = subparsers.add_parser("control-report", help="registrer en kontrollrapport og start en sanksjonssak")
    report.add_argument("licence", help="bevillingsnummer, f.eks. B-2026-001")
    report.add_argument("--date", help="kontrolldato (dd.mm.åååå eller åååå-mm-dd; standard i dag)")
    report.add_argument("--controller", action="append", default=[], help="kontrollør (to for skjenkesteder)")
    report.add_argument("--codes", required=True, help="overtredelser fra prikkatalogen, kommaseparert")
    report.add_argument("--observations", required=True, help="kontrollørenes observasjoner")
    report.add_argument("--kind", choices=("apen", "anonym"), default="apen", help="kontrollform")
    _user_option(report)
    report.set_defaults(handler=_control_report)

    subparsers.add_parser("catalogue", help="vis prikkatalogen (alkf. § 10-3)").set_defaults(handler=_catalogue)

    transfer = subparsers.add_parser("transfer", help="registrer eierskifte: ny periode for prikker")
    transfer.add_argument("licence", help="bevillingsnummer")
    transfer.add_argument("--date", required=True, help="dato for overdragelsen")
    transfer.add_argument("--new-holder", required=True, help="ny eier")
    transfer.add_argument("--org-number", help="ny eiers organisasjonsnummer")
    transfer.add_argument("--note", help="merknad")
    _user_option(transfer)
    transfer.set_defaults(handler=_transfer)

    points = subparsers.add_parser("points", help="prikkhistorikken til en bevilling: hva teller nå")
    points.add_argument("licence", help="bevillingsnummer")
    points.add_argument("--as-of", help="dato (standard i dag)")
    points.set_defaults(handler=_points)

    rule_set = subparsers.add_parser("rule-set", help="vis eller endre kommunens regelsett for prikker")
    rule_set.add_argument("name", nargs="?", help="8-point eller alkf-2016 (eventuelt navn@versjon)")
    _user_option(rule_set)
    rule_set.set_defaults(handler=_rule_set)

    case = subparsers.add_parser("sanction", help="vis en sanksjonssak: prikker, oppgaver og frister")
    case.add_argument("case", help="saksreferanse, f.eks. 2026/0001")
    case.set_defaults(handler=_sanction)

    task = subparsers.add_parser("sanction-task", help="utfør en åpen oppgave i en sanksjonssak")
    task.add_argument("case", help="saksreferanse")
    task.add_argument("task", help="oppgavens navn i modellen, f.eks. send_report (se `saksflyt sanction`)")
    task.add_argument("values", nargs="*", metavar="felt=verdi", help="skjemaets felter")
    _user_option(task)
    task.set_defaults(handler=_sanction_task)

    message = subparsers.add_parser("sanction-message", help="send en melding til en sanksjonssak (svar, klage)")
    message.add_argument("case", help="saksreferanse")
    message.add_argument("message", help="meldingens navn, f.eks. control_report_comments eller appeal_received")
    message.add_argument("values", nargs="*", metavar="felt=verdi", help="skjemaets felter")
    _user_option(message)
    message.set_defaults(handler=_sanction_message)


def _user_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", help="utfør som denne brukeren (standard: kommandolinjen med alle roller)")


def _actor(core: Saksflyt, username: str | None) -> Actor:
    if not username:
        return CLI_ACTOR
    with core.transaction() as session:
        user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
        if user is None:
            raise NotFound(f"Fant ingen aktiv bruker {username}.")
        return actor_for(user)


def _values(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"Feil: «{pair}» er ikke på formen felt=verdi.")
        values[key.strip()] = value
    return values


# -- commands -------------------------------------------------------------------------------------
def _control_report(args: argparse.Namespace) -> int:
    core = core_from_env()
    raw = {
        "licence_number": args.licence,
        "control_date": args.date or core.today().isoformat(),
        "control_kind": args.kind,
        "controller_1": args.controller[0] if args.controller else "",
        "controller_2": args.controller[1] if len(args.controller) > 1 else "",
        "observations": args.observations,
        "violation_codes": args.codes,
    }
    try:
        ref = sanctions.register_control_report(core, _actor(core, args.user), raw)
    except SaksflytError as error:
        return fail(error)
    print(f"Sak {ref.reference} er startet.")
    _print_case(sanctions.sanction_case(core, ref.reference))
    return 0


def _catalogue(_args: argparse.Namespace) -> int:
    for entry in sanctions.catalogue():
        print(f"  {entry.points}  {entry.code:<28} {entry.label} ({entry.provision})")
    return 0


def _transfer(args: argparse.Namespace) -> int:
    core = core_from_env()
    raw = {
        "transferred_on": args.date,
        "new_holder_name": args.new_holder,
        "new_org_number": args.org_number or "",
        "transfer_note": args.note or "",
    }
    try:
        sanctions.record_transfer(core, _actor(core, args.user), args.licence, raw)
    except SaksflytError as error:
        return fail(error)
    when = show_date(parse_date(args.date))
    print(f"Eierskifte registrert for {args.licence}: ny eier {args.new_holder} fra {when}.")
    print("Prikker fra før overdragelsen teller ikke for den nye eieren (alkl. § 1-10).")
    return 0


def _points(args: argparse.Namespace) -> int:
    core = core_from_env()
    try:
        history = sanctions.point_history(core, args.licence, parse_date(args.as_of) if args.as_of else None)
    except SaksflytError as error:
        return fail(error)
    print(f"Bevilling {history.licence_number} – {history.holder}, {history.premises}")
    print(f"Regelsett {history.rule_set}: {history.threshold} prikker innen {history.window_years} år gir inndragning.")
    window = f"{show_date(history.window_start)}–{show_date(history.as_of)}" if history.window_start else "–"
    print(f"Per {show_date(history.as_of)} (vindu {window}): {history.total} prikker teller, ", end="")
    if history.threshold_reached:
        print("terskelen er nådd.")
    else:
        print(f"{history.points_remaining} til før terskelen.")
    if history.latest_transfer:
        print(f"Eierskifte {show_date(history.latest_transfer)}: ny periode fra denne datoen.")
    if history.suspended:
        s = history.suspended
        print(f"Bevillingen er INNDRATT {show_date(s.starts_on)}–{show_date(s.ends_on)} (sak {s.case_reference}).")
    print("Prikker:" if history.awards else "Ingen prikker registrert.")
    for a in history.awards:
        flags = [
            flag
            for flag, on in (("teller", a.counts), ("brukt", a.consumed), ("opphevet", a.annulled))
            if on and (flag != "teller" or not (a.consumed or a.annulled))
        ]
        adjusted = f" (justert fra {a.standard_points}, § 10-4)" if a.points != a.standard_points else ""
        print(
            f"  {show_date(a.violation_date)}  {a.points:>2}{adjusted}  {a.code:<28} {a.provision}  "
            f"[{', '.join(flags) or 'teller ikke'}]  {a.case_reference or 'importert'}"
        )
    for s in history.suspensions:
        period = f"{show_date(s.starts_on)}–{show_date(s.ends_on)}" if s.starts_on else "ikke iverksatt"
        state = " (opphevet)" if s.annulled else ""
        print(
            f"Inndragning {s.days} dager vedtatt {show_date(s.decided_on)} av {s.competent_body}: "
            f"{period}{state} (sak {s.case_reference})"
        )
    return 0


def _rule_set(args: argparse.Namespace) -> int:
    core = core_from_env()
    try:
        if args.name:
            chosen = sanctions.set_active_rule_set(core, _actor(core, args.user), args.name)
            print(f"Nye sanksjonssaker i {core.settings.municipality} bruker nå {chosen.label}.")
        else:
            chosen = sanctions.active_rule_set(core)
            print(f"{core.settings.municipality} bruker {chosen.label}.")
    except SaksflytError as error:
        return fail(error)
    kind = "enkeltvedtak med forhåndsvarsel og klagerett" if chosen.point_decision_is_enkeltvedtak else "avgjørelse"
    print(
        f"  {chosen.threshold} prikker innen {chosen.window_years} år; prikktildelingen er {kind}; "
        f"inndragning over {chosen.delegation_limit_days} dager vedtas av kommunestyret."
    )
    return 0


def _sanction(args: argparse.Namespace) -> int:
    core = core_from_env()
    try:
        _print_case(sanctions.sanction_case(core, args.case))
    except SaksflytError as error:
        return fail(error)
    return 0


def _sanction_task(args: argparse.Namespace) -> int:
    core = core_from_env()
    try:
        task_id, form = _open_task(core, args.case, args.task)
        tasks.complete_task(core, _actor(core, args.user), task_id, _with_defaults(core, form, _values(args.values)))
    except SaksflytError as error:
        return fail(error)
    print(f"Utført: {args.task}.")
    _print_case(sanctions.sanction_case(core, args.case))
    return 0


def _sanction_message(args: argparse.Namespace) -> int:
    core = core_from_env()
    try:
        values = _with_defaults(core, _message_form(core, args.case, args.message), _values(args.values))
        messages.deliver_message(core, _actor(core, args.user), args.case, args.message, values)
    except SaksflytError as error:
        return fail(error)
    print(f"Melding levert: {args.message}.")
    _print_case(sanctions.sanction_case(core, args.case))
    return 0


def _open_task(core: Saksflyt, reference: str, spec_name: str) -> tuple[int, str | None]:
    with core.transaction() as session:
        row = session.execute(
            select(HumanTask.id, HumanTask.form)
            .join(Case, Case.id == HumanTask.case_id)
            .where(Case.reference == reference, Case.kind == "sanction", HumanTask.spec_name == spec_name)
        ).first()
    if row is None:
        raise NotFound(f"Sak {reference} har ingen åpen oppgave «{spec_name}». Se `saksflyt sanction {reference}`.")
    return row[0], row[1]


def _message_form(core: Saksflyt, reference: str, name: str) -> str | None:
    with core.transaction() as session:
        awaited = session.scalar(
            select(WorkflowInstance.awaited_messages)
            .join(Case, Case.id == WorkflowInstance.case_id)
            .where(Case.reference == reference)
        )
    return ((awaited or {}).get(name) or {}).get("form")


def _with_defaults(core: Saksflyt, form: str | None, values: dict[str, str]) -> dict[str, Any]:
    """The form's defaults (e.g. today's date) for the fields not given, as the web form pre-fills them."""
    if not form:
        return dict(values)
    defaults = {k: v for k, v in load_form(form).defaults(core.today()).items() if v is not None}
    return defaults | values


# -- output ----------------------------------------------------------------------------------------
def _print_case(view: sanctions.SanctionCaseView) -> None:
    details = view.details
    print(f"{view.reference}  {view.title}  [{view.status}]  bevilling {view.licence_number}, {view.rule_set}")
    for v in details.get("control_violations") or []:
        print(f"    brudd:    {v['code']} – {v['points']} prikker ({v['provision']})")
    count = details.get("point_count")
    if count:
        state = "terskelen er nådd" if count["threshold_reached"] else f"{count['points_remaining']} til terskelen"
        print(f"    prikker:  {count['total']} av {count['threshold']} i perioden; {state}")
    if details.get("suspension_days"):
        print(f"    inndragning: {details['suspension_days']} dager, vedtaksorgan {details.get('competent_body')}")
    if view.suspension and view.suspension.starts_on:
        s = view.suspension
        print(f"    inndratt: {show_date(s.starts_on)}–{show_date(s.ends_on)}")
    for warning in view.warnings:
        print(f"    ADVARSEL: {warning}")
    for t in view.open_tasks:
        print(f"    oppgave:  {t.spec_name} – {t.title} ({t.role}) frist {show_date(t.due_on)} [skjema {t.form}]")
    for d in view.deadlines:
        kind = "partsfrist" if d.kind == "party" else "intern frist"
        print(f"    frist:    {d.label} ({d.legal_basis}, {kind}) {show_date(d.due_on)} – {d.status}")
