"""Domain errors raised by the services; the web layer maps them to HTTP status codes."""

from __future__ import annotations


class SaksflytError(Exception):
    """Base class; `message` is Norwegian and safe to show to a user."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(SaksflytError):
    status_code = 404


class Forbidden(SaksflytError):
    status_code = 403


class Conflict(SaksflytError):
    """Someone else changed the case first (optimistic locking) or the task is no longer open."""

    status_code = 409


class ValidationFailed(SaksflytError):
    """Input did not pass validation; `errors` maps field name to a Norwegian message."""

    status_code = 422

    def __init__(self, errors: dict[str, str], message: str = "Skjemaet inneholder feil.") -> None:
        super().__init__(message)
        self.errors = errors


class SimulationDisabled(SaksflytError):
    status_code = 403
