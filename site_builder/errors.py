"""Tongda's exception tree: every error names the file, line and field it can."""

from __future__ import annotations


class TongdaError(Exception):
    """Base class of every error Tongda raises on purpose."""


class ContentError(TongdaError):
    """A mistake in a content file, reported as ``path:line: field: message``.

    Attributes:
        path: The file, relative to the content folder where possible.
        line: 1-based line number, or ``None`` when the whole file is meant.
        field: Dotted path of the front-matter field (``materials.2.name``), or ``""``.
        message: What is wrong and, where possible, how to fix it (Chinese first).
    """

    def __init__(self, path: str, line: int | None, field: str, message: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.message = message
        super().__init__(self.format())

    def format(self) -> str:
        """Return the one-line ``path:line: field: message`` form."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def under(self, prefix: str) -> ContentError:
        """The same error with its path seen from a parent folder (``content/`` + path).

        The corpus names files relative to the content folder; ``tongda check`` and
        ``tongda build`` show them relative to the project, so an editor can open them.
        """
        return ContentError(f"{prefix}{self.path}", self.line, self.field, self.message)

    def to_dict(self) -> dict[str, object]:
        """The error as JSON-ready data (``tongda check --format json``, the preview server)."""
        return {"path": self.path, "line": self.line, "field": self.field,
                "message": self.message}


class ContentErrors(TongdaError):
    """Several content errors found in one run (all of them, not only the first)."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.path, e.line or 0, e.field))
        super().__init__("\n".join(e.format() for e in self.errors))


class ConfigError(TongdaError):
    """A mistake in ``mkdocs.yml`` or in a plugin's options."""


class BuildError(TongdaError):
    """The build could not finish; the previous site is left in place.

    Attributes:
        errors: The content errors that stopped it, when content was the cause (the
            preview server shows them one by one); empty for any other failure.
    """

    def __init__(self, message: str, errors: list[ContentError] | None = None) -> None:
        self.errors = list(errors or [])
        super().__init__(message)
