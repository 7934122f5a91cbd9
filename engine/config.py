"""Settings from the environment (prefix SAKSFLYT_), with defaults for a laptop."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES_DIR = PROJECT_ROOT / "fixtures"
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "instance" / "saksflyt.sqlite3"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "ja", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    municipality: str = "Demo kommune"
    # Defaults handed to new cases; each case keeps the values it started with.
    statement_weeks: int = 3  # alkl. § 1-7: deadline for statements from politiet and NAV
    appeal_postal_days: int = 7  # fvl § 30: wait for appeals posted on the last day
    scheduler_interval_seconds: int = 10
    simulation: bool = False  # allows `saksflyt clock advance` (training and demos)
    secret_key: str = field(default="dev-only-secret-change-me", repr=False)
    secure_cookies: bool = False  # set when served over HTTPS
    rule_set: str = "8-point"  # the point system, unless the municipality's setting says otherwise
    reminder_working_days: int = 3  # reminders this many working days before a deadline
    escalation_role: str = "leder"
    smtp_host: str | None = None  # e-mail notifications only when set
    smtp_port: int = 25
    smtp_from: str = "saksflyt@localhost"
    processing_targets_file: Path = FIXTURES_DIR / "processing_targets.json"
    meeting_plan_file: Path = FIXTURES_DIR / "meeting_plan.json"

    @classmethod
    def from_env(cls) -> Settings:
        defaults = cls()
        return cls(
            database_url=os.environ.get("SAKSFLYT_DATABASE_URL", defaults.database_url),
            municipality=os.environ.get("SAKSFLYT_MUNICIPALITY", defaults.municipality),
            statement_weeks=_env_int("SAKSFLYT_STATEMENT_WEEKS", defaults.statement_weeks),
            appeal_postal_days=_env_int("SAKSFLYT_APPEAL_POSTAL_DAYS", defaults.appeal_postal_days),
            scheduler_interval_seconds=_env_int("SAKSFLYT_SCHEDULER_INTERVAL", defaults.scheduler_interval_seconds),
            simulation=_env_bool("SAKSFLYT_SIMULATION", defaults.simulation),
            secret_key=os.environ.get("SAKSFLYT_SECRET_KEY", defaults.secret_key),
            secure_cookies=_env_bool("SAKSFLYT_SECURE_COOKIES", defaults.secure_cookies),
            rule_set=os.environ.get("SAKSFLYT_RULE_SET", defaults.rule_set),
            reminder_working_days=_env_int("SAKSFLYT_REMINDER_WORKING_DAYS", defaults.reminder_working_days),
            escalation_role=os.environ.get("SAKSFLYT_ESCALATION_ROLE", defaults.escalation_role),
            smtp_host=os.environ.get("SAKSFLYT_SMTP_HOST") or None,
            smtp_port=_env_int("SAKSFLYT_SMTP_PORT", defaults.smtp_port),
            smtp_from=os.environ.get("SAKSFLYT_SMTP_FROM", defaults.smtp_from),
            processing_targets_file=Path(
                os.environ.get("SAKSFLYT_PROCESSING_TARGETS", defaults.processing_targets_file)
            ),
            meeting_plan_file=Path(os.environ.get("SAKSFLYT_MEETING_PLAN", defaults.meeting_plan_file)),
        )
