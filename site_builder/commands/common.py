"""Options and helpers shared by the ``tongda`` verbs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from site_builder.errors import ConfigError

config_file_option = click.option(
    "-f", "--config-file", type=click.Path(dir_okay=False), default=None,
    help="mkdocs.yml 的路径（默认当前目录下的 mkdocs.yml）")
site_dir_option = click.option(
    "-d", "--site-dir", type=click.Path(file_okay=False), default=None,
    help="生成网站的目录（默认 site/）")


def load(config_file: str | None, **overrides: Any) -> MkDocsConfig:
    """Load and validate ``mkdocs.yml``; a bad configuration becomes a ``ConfigError``."""
    from mkdocs.exceptions import ConfigurationError

    path = config_file or "mkdocs.yml"
    if not Path(path).exists():
        raise ConfigError(f"找不到配置文件 {path}（用 -f 指定 mkdocs.yml）")
    overrides = {k: v for k, v in overrides.items() if v is not None}
    try:
        return load_config(path, **overrides)
    except ConfigurationError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def fail_on_tongda_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn Tongda's own errors into a clean message and exit code 1.

    Any other exception is a defect, not the editor's mistake: it is reported in one line
    too (the traceback goes to the log, shown with ``tongda -v``), never as a traceback.
    """
    import functools

    from site_builder.errors import TongdaError

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TongdaError as exc:
            click.echo(str(exc), err=True)
            raise SystemExit(1) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException,
                KeyboardInterrupt):
            raise
        except Exception as exc:  # reported in Chinese, traceback in the log
            logging.getLogger("tongda").debug("未预料的错误", exc_info=True)
            click.echo(f"出错了（{type(exc).__name__}: {exc}）：请用 tongda -v 重新运行查看详细"
                       "信息；看不出是内容的问题时，请把输出报告给维护者", err=True)
            raise SystemExit(1) from None

    return wrapper
