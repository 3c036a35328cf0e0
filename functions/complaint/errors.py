"""What can go wrong with a report, as the service says it (no HTTP here).

Each error carries the HTTP status the routes answer with and a message for the citizen
or the client's developer, in Chinese. The Open311 routes render them in the standard's
error format; the extension routes as ``application/problem+json``.
"""

from __future__ import annotations


class ComplaintError(Exception):
    """Base of the service's errors."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(ComplaintError):
    """The request cannot be accepted as sent (Open311 answers 400)."""

    status = 400


class Forbidden(ComplaintError):
    """Missing or wrong key, or a role the caller does not hold."""

    status = 403


class NotFound(ComplaintError):
    """No such service, report, token, photo or jurisdiction."""

    status = 404


class Conflict(ComplaintError):
    """The report is in a state that does not allow this (closed, already rated...)."""

    status = 409


class TooMany(ComplaintError):
    """A client or a reporter sent more reports than allowed in the window."""

    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
