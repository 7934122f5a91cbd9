"""Scheduler and time commands: `worker`, `clock` (simulation mode) and `deadlines`."""

from __future__ import annotations

import argparse
import signal
import threading
from datetime import datetime, timedelta
from typing import Any

from engine.cli.common import core_from_env, fail, show_date
from engine.clock import OSLO
from engine.errors import SaksflytError
from engine.rules import format_deadline
from engine.services.core import Actor

CLI_ACTOR = Actor("kommandolinje")


def register(subparsers: Any) -> None:
    worker = subparsers.add_parser(
        "worker", help="kjør planleggeren (frister, påminnelser, eskalering) som egen prosess"
    )
    worker.add_argument(
        "--interval", type=float, help="sekunder mellom rundene (standard: SAKSFLYT_SCHEDULER_INTERVAL)"
    )
    worker.add_argument("--once", action="store_true", help="kjør én runde og avslutt")
    worker.set_defaults(handler=_worker)

    clock = subparsers.add_parser("clock", help="simulert tid for opplæring og demo (SAKSFLYT_SIMULATION=1)")
    actions = clock.add_subparsers(dest="clock_command", required=True)
    actions.add_parser("show", help="vis hva klokka er").set_defaults(handler=_clock_show)
    advance = actions.add_parser("advance", help="flytt klokka fram, f.eks. 3w, 3d eller 12h, og kjør planleggeren")
    advance.add_argument("duration", help="3w (uker), 3d (dager), 12h (timer), 90min, eller 1w2d")
    advance.set_defaults(handler=_clock_advance)
    actions.add_parser("reset", help="tilbake til virkelig tid").set_defaults(handler=_clock_reset)

    deadlines = subparsers.add_parser("deadlines", help="list frister: forfalte, denne uka, per rolle eller organ")
    which = deadlines.add_mutually_exclusive_group()
    which.add_argument("--overdue", action="store_true", help="passerte frister og oppgaver over fristen")
    which.add_argument("--week", action="store_true", help="frister som går ut denne uka")
    which.add_argument("--role", help="åpne frister for en rolle (f.eks. politi)")
    which.add_argument("--body", help="åpne frister i saker for et vedtaksorgan (f.eks. kommunestyre)")
    deadlines.set_defaults(handler=_deadlines)


# -- worker ----------------------------------------------------------------------------------------
def _worker(args: argparse.Namespace) -> int:
    from engine.scheduling.scheduler import build_scheduler, sweep

    core = core_from_env()
    if args.once:
        _print_sweep(sweep(core))
        return 0
    interval = args.interval or core.settings.scheduler_interval_seconds
    scheduler = build_scheduler(core, interval_seconds=interval)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    scheduler.start()
    backend = core.engine.dialect.name
    print(f"Planleggeren kjører mot {backend} (runde hvert {interval:g}. sekund). Avslutt med Ctrl+C.", flush=True)
    if backend == "sqlite":
        print("Merk: med SQLite holder planleggeren i `saksflyt run`; bruk worker med PostgreSQL.", flush=True)
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
        core.engine.dispose()
    print("Planleggeren er stoppet.")
    return 0


# -- clock -----------------------------------------------------------------------------------------
def _clock_show(_args: argparse.Namespace) -> int:
    from engine.scheduling.simulation import clock_state

    core = core_from_env()
    state = clock_state(core)
    if not state.simulation:
        print(f"Simuleringsmodus er av: klokka følger systemklokka. Nå: {_when(state.now)}.")
        return 0
    print(f"Simulert tid: {_when(state.now)} ({_offset_text(state.offset)}).")
    return 0


def _clock_advance(args: argparse.Namespace) -> int:
    from engine.scheduling.scheduler import sweep
    from engine.scheduling.simulation import advance_clock, parse_duration

    core = core_from_env()
    try:
        state = advance_clock(core, parse_duration(args.duration), CLI_ACTOR)
    except SaksflytError as error:
        return fail(error)
    print(f"Klokka er flyttet fram til {_when(state.now)} ({_offset_text(state.offset)}).")
    _print_sweep(sweep(core))
    return 0


def _clock_reset(_args: argparse.Namespace) -> int:
    from engine.scheduling.simulation import reset_clock

    core = core_from_env()
    try:
        state = reset_clock(core, CLI_ACTOR)
    except SaksflytError as error:
        return fail(error)
    print(f"Klokka følger igjen virkelig tid: {_when(state.now)}.")
    return 0


# -- deadlines ------------------------------------------------------------------------------------
def _deadlines(args: argparse.Namespace) -> int:
    from engine.services import deadlines

    core = core_from_env()
    if args.week:
        items, title = deadlines.due_this_week(core), "Frister som går ut denne uka"
    elif args.role:
        items, title = deadlines.for_role(core, args.role), f"Åpne frister for {args.role}"
    elif args.body:
        items, title = deadlines.for_body(core, args.body), f"Åpne frister i saker for {args.body}"
    else:
        items, title = deadlines.overdue(core), "Passerte frister"
    print(f"{title} ({len(items)}):")
    for item in items:
        basis = f" ({item.legal_basis})" if item.legal_basis else ""
        print(
            f"  {show_date(item.due_on)}  {item.case_reference}  {item.label}{basis}  "
            f"[{item.status}{', passert' if item.overdue else ''}] {item.role or '–'}"
        )
    return 0


# -- output ------------------------------------------------------------------------------------------
def _print_sweep(report: Any) -> None:
    timers, notes = report.timers, report.notifications
    print(
        f"Planleggeren: {timers.timers} frister passert i {timers.fired} saker"
        f"{f', {timers.errors} feil' if timers.errors else ''}"
        f"{f', {timers.conflicts} konflikter' if timers.conflicts else ''}; "
        f"{notes.reminders} påminnelser og {notes.escalations} eskaleringer opprettet"
        f"{f', {notes.emailed} e-poster sendt' if notes.emailed else ''}.",
        flush=True,
    )


def _when(instant: datetime) -> str:
    local = instant.astimezone(OSLO)
    return f"{format_deadline(local.date())} kl. {local:%H.%M}"


def _offset_text(offset: timedelta) -> str:
    if offset == timedelta(0):
        return "samme som virkelig tid"
    direction = "foran" if offset > timedelta(0) else "bak"
    seconds = int(abs(offset.total_seconds()))
    days, hours = seconds // 86400, seconds % 86400 // 3600
    parts = [f"{days} {'dag' if days == 1 else 'dager'}"] if days else []
    if hours:
        parts.append(f"{hours} {'time' if hours == 1 else 'timer'}")
    return f"{' og '.join(parts) or 'under en time'} {direction} virkelig tid"
