"""The ``tongda`` command line: one module per verb in ``site_builder/commands/``.

Other installed parts add verbs through the ``tongda.commands`` entry point group (the
functions add ``token`` and ``audit``), so the site builder never imports them. With only
the functions installed (``pip install 'tongda[functions]'``) the site's verbs say what to
install instead of failing with a traceback.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
from importlib.metadata import entry_points

import click

from . import commands


class _Formatter(logging.Formatter):
    """One line per record, in Chinese: MkDocs' own lines are translated
    (:mod:`site_builder.messages_zh`), levels named 警告 and 错误."""

    def format(self, record: logging.LogRecord) -> str:
        from .messages_zh import LEVELS, translate

        message = translate(record.getMessage())
        if record.levelno >= logging.WARNING:
            return f"{LEVELS.get(record.levelname, record.levelname)}：{message}"
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


def _needs_site(name: str, missing: str) -> click.Command:
    """A stand-in for a verb whose dependencies are not installed."""
    @click.command(name, context_settings={"ignore_unknown_options": True,
                                           "allow_extra_args": True},
                   help=f"（未安装：需要 {missing}）", add_help_option=False)
    def command() -> None:
        click.echo(f"tongda {name} 需要网站生成部分（缺少 {missing}）：pip install 'tongda[site]'",
                   err=True)
        raise SystemExit(2)

    return command


def _add_commands(group: click.Group) -> None:
    for info in pkgutil.iter_modules(commands.__path__):
        name = "import" if info.name == "import_cmd" else info.name
        try:
            module = importlib.import_module(f"{commands.__name__}.{info.name}")
        except ModuleNotFoundError as exc:  # an extra that is not installed
            if info.name != "common":
                group.add_command(_needs_site(name, exc.name or "依赖"))
            continue
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            group.add_command(command)
    for point in entry_points(group="tongda.commands"):
        try:
            command = point.load()
        except ModuleNotFoundError:  # its extra is not installed: the verb is not offered
            continue
        if isinstance(command, click.Command):
            group.add_command(command, point.name)


_add_commands(main)


if __name__ == "__main__":  # pragma: no cover
    main()
