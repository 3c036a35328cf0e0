"""Every ``tongda`` verb ends in one Chinese line and exit code 1, never a traceback."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from site_builder.commands.common import fail_on_tongda_errors
from site_builder.errors import ContentError, ContentErrors

pytestmark = pytest.mark.unit


def _command(error: BaseException) -> click.Command:
    @click.command()
    @fail_on_tongda_errors
    def broken() -> None:
        raise error

    return broken


def test_tongda_errors_print_their_lines() -> None:
    error = ContentErrors([ContentError("content/a.md", 3, "level", "取值无效")])
    result = CliRunner().invoke(_command(error))
    assert (result.exit_code, result.output) == (1, "content/a.md:3: level: 取值无效\n")


def test_any_other_exception_is_one_line_not_a_traceback() -> None:
    result = CliRunner().invoke(_command(KeyError("facts")))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("出错了（KeyError: 'facts'）：请用 tongda -v 重新运行查看详细信息")
    assert isinstance(result.exception, SystemExit)


def test_click_s_own_exits_pass_through() -> None:
    assert CliRunner().invoke(_command(click.UsageError("用法不对"))).exit_code == 2
    assert CliRunner().invoke(_command(click.exceptions.Abort())).exit_code == 1
