"""Norwegian names for the code's values (roles, application types), shared by the services,
the letters and the web pages."""

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

APPLICATION_TYPES = {
    "alminnelig": "Alminnelig salgs-/skjenkebevilling",
    "utvidelse_fast": "Varig utvidelse av skjenketid/lokale",
    "utvidelse_enkelt": "Utvidelse for en enkelt anledning",
    "flytting": "Flytting til nye lokaler",
    "enkelt_anledning": "Bevilling for en enkelt anledning",
    "ambulerende": "Ambulerende bevilling",
    "ny_styrer": "Godkjenning av ny styrer/stedfortreder",
}

# A deadline's status, as used in sentences ("Klagefrist (fvl § 29) er utløpt.").
DEADLINE_STATUS_TEXT = {
    "open": "løpende",
    "met": "overholdt",
    "expired": "utløpt",
    "overdue": "oversittet",
    "cancelled": "bortfalt",
}


def role_label(role: str | None) -> str:
    if not role:
        return "–"
    return ROLE_LABELS.get(role, role)
