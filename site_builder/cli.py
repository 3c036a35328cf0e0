"""The ``tongda`` command line: one module per verb in ``site_builder/commands/``."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys

import click

from . import commands


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            return f"{record.levelname}: {message}"
        return message


def setup_logging(verbose: bool = False) -> None:
    """Send MkDocs' and Tongda's log lines to stderr in a readable form."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    for name in ("mkdocs", "tongda"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.DEBUG if verbose else logging.INFO)
        logger.propagate = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="显示详细日志")
def main(verbose: bool) -> None:
    """通达 Tongda：政策门户静态网站生成器。"""
    setup_logging(verbose)


for _info in pkgutil.iter_modules(commands.__path__):
    _module = importlib.import_module(f"{commands.__name__}.{_info.name}")
    _command = getattr(_module, "command", None)
    if isinstance(_command, click.Command):
        main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
