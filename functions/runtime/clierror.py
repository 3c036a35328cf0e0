"""The one error every ``tongda`` subcommand of the functions raises to stop.

Kept apart from :mod:`functions.runtime.cli` so a light command (the offline voucher
verifier) can use it without importing the database layer.
"""

from __future__ import annotations

from typing import Any

import click


class CliError(click.ClickException):
    """A command that cannot go on; shown as ``错误：…`` with exit code 1."""

    def show(self, file: Any = None) -> None:
        """Print the message in Chinese to standard error."""
        click.echo(f"错误：{self.format_message()}", file=file, err=file is None)
