"""``tongda build``: validate all content, then build the site atomically."""

from __future__ import annotations

import gc
import logging
import re
import time
from typing import TYPE_CHECKING, Any

import click

from site_builder.errors import BuildError, ContentError

from .common import config_file_option, fail_on_tongda_errors, load, site_dir_option

if TYPE_CHECKING:
    from site_builder.validation import Validation

log = logging.getLogger("tongda")
_PAGE = re.compile(r"Error (?:reading|building) page '([^']+)'")


class _HoldErrors(logging.Filter):
    """Holds back MkDocs' own error lines: ``tongda`` prints the errors itself, once, in
    Chinese and with paths from the project (MkDocs would print them again, in English,
    relative to the content folder)."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        # Also MkDocs' lines naming the temporary build folder, which would only confuse.
        if str(record.msg).startswith(("Cleaning site directory", "Page skipped",
                                       "Building documentation to directory")):
            return False
        if record.levelno >= logging.ERROR:
            self.held.append(record.getMessage())
            return False
        return True


def run_build(config_file: str | None, site_dir: str | None = None, *, command: str = "build",
              **overrides: object) -> str:
    """Build once; return the site folder (see :func:`build_site`)."""
    return str(build_site(config_file, site_dir, command=command, **overrides).site_dir)


def build_site(config_file: str | None, site_dir: str | None = None, *, command: str = "build",
               **overrides: object) -> Any:
    """Build once; return the build's MkDocs configuration, its plugins as the build left
    them (``tongda serve`` renders a saved page again with them).

    ``command`` is told to the plugins (MkDocs' ``on_startup``): with ``serve``, the plugins
    that keep state between builds in one process (the search's analyses) do.

    Raises:
        BuildError: the build failed; its message lists every error as
            ``path:line: field: message`` (paths relative to the project) and its
            ``errors`` hold them one by one. The previous site is untouched. Any exception
            a plugin raises becomes one, naming the page it was working on.
        BuildCancelled: ``tongda serve`` stopped the build because the sources changed
            again (see :mod:`site_builder.plugins.core.cancel`); the previous site stays.
    """
    from site_builder.plugins.core import cancel

    if command != "serve":
        cancel.clear()  # only tongda serve stops its builds
    with cancel.serving(command == "serve"):
        return _build(config_file, site_dir, command, overrides)


def _build(config_file: str | None, site_dir: str | None, command: str,
           overrides: dict[str, object]) -> Any:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort
    from mkdocs.exceptions import BuildError as MkDocsBuildError

    from site_builder.plugins.core.cancel import BuildCancelled

    config = load(config_file, site_dir=site_dir, **overrides)
    config.plugins.on_startup(command=command, dirty=False)  # type: ignore[arg-type]
    hold = _HoldErrors()
    build_log = logging.getLogger("mkdocs.commands.build")
    build_log.addFilter(hold)
    try:
        build(config)
    except BuildCancelled:
        raise
    except (Abort, MkDocsBuildError) as exc:
        raise _failure(config, exc.__context__ or exc, hold.held) from None
    except Exception as exc:  # a plugin's crash is reported, never a traceback
        log.debug("构建时出错", exc_info=True)
        raise _crash(config, exc, hold.held) from None
    finally:
        build_log.removeFilter(hold)
    for line in hold.held:  # errors MkDocs logged without stopping
        log.warning(line)
    return config


def _validation(config: Any) -> Validation | None:
    """The build's validation, from the core plugin (None without it)."""
    from site_builder.plugins.core.plugin import TongdaPlugin

    core = config.plugins.get("tongda")
    return core.validation if isinstance(core, TongdaPlugin) else None


def _failure(config: Any, cause: BaseException, held: list[str]) -> BuildError:
    """The error of a build a plugin stopped on purpose: content, rules or quality."""
    validation = _validation(config)
    errors: list[ContentError] = list(getattr(cause, "errors", None) or [])
    if validation is not None:
        prefix = validation.prefix
        errors = [e if e.path.startswith(prefix) else e.under(prefix) for e in errors]
        if not errors:
            errors = validation.errors or validation.quality_errors()
    if errors:
        errors = sorted(errors, key=lambda e: (e.path, e.line or 0, e.field))
        lines = "\n".join(e.format() for e in errors)
        head = f"内容有 {len(errors)} 处错误，未生成网站，原网站保持不变："
        if validation is not None and validation.quality is not None and not validation.errors:
            head = f"{validation.quality.summary_line()}\n未生成网站，原网站保持不变："
        return BuildError(f"{head}\n{lines}", errors)
    detail = "\n".join(held) or str(cause)
    return BuildError(f"构建失败，原网站保持不变：{detail}")


def _crash(config: Any, exc: Exception, held: list[str]) -> BuildError:
    """The error of a build that crashed: which page (MkDocs names the page it was reading
    or writing), what, and what to do."""
    validation = _validation(config)
    pages = [m.group(1) for line in held if (m := _PAGE.match(line))]
    what = f"{type(exc).__name__}: {exc}"[:300]
    if pages and validation is not None:
        error = ContentError(f"{validation.prefix}{pages[0]}", None, "",
                             f"生成这个页面时出错（{what}）：请检查这个文件最近的改动；"
                             "看不出问题时，请用 tongda -v build 查看详细信息并报告")
        return BuildError(f"构建失败，原网站保持不变：\n{error.format()}", [error])
    return BuildError(f"构建失败，原网站保持不变（{what}）：请用 tongda -v build 查看详细信息")


@click.command("build")
@config_file_option
@site_dir_option
@click.option("--strict", is_flag=True, default=None, help="有任何警告即失败")
@fail_on_tongda_errors
def command(config_file: str | None, site_dir: str | None, strict: bool | None) -> None:
    """校验全部内容并生成网站（失败时保留原网站）。"""
    start = time.monotonic()
    site = run_build(config_file, site_dir, strict=strict)
    click.echo(f"网站已生成：{site}（{time.monotonic() - start:.1f} 秒）", err=True)
    before_exit()


def before_exit() -> None:
    """Called when a one-build process is about to end.

    What a build made (the corpus, pages, plugin state) still refers to itself in cycles
    after the build; the interpreter's last full collection would walk all of it, 0.3–0.4 s
    on the 3,000-law corpus, only to free memory the operating system takes back anyway.
    Frozen, it is left alone (exit handlers still run). Not for ``tongda serve``, which
    builds again in the same process.
    """
    gc.freeze()
