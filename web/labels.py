"""Norwegian names for the code's role and status values."""

from __future__ import annotations

ROLE_LABELS = {
    "saksbehandler": "Saksbehandler",
    "leder": "Leder",
    "kontrollor": "Kontrollør",
    "politi": "Politiet",
    "nav": "NAV",
    "formannskap": "Formannskapet",
    "kommunestyre": "Kommunestyret",
    "admin": "Administrator",
}


def role_label(role: str | None) -> str:
    if not role:
        return "–"
    return ROLE_LABELS.get(role, role)
