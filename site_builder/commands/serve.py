"""``tongda serve``: build, serve the site and its functions on one origin, rebuild on change."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click

from .build import run_build
from .common import config_file_option, fail_on_tongda_errors, load, site_dir_option

LIVERELOAD_JS = "__tongda/livereload.js"
log = logging.getLogger("tongda")


class Rebuilder:
    """Rebuilds the site when sources change, debounced; keeps serving the last good site.

    No rebuild can stop it: whatever a rebuild raises (a content error, a plugin's crash,
    a file that vanished while an editor saved it) is reported, kept for the preview's
    banner, and the next change is built again.
    """

    def __init__(self, config_file: str | None, site_dir: str | None, live: bool) -> None:
        self.config_file = config_file
        self.site_dir = site_dir
        self.live = live
        self.version = 0
        self.error: str | None = None
        self.errors: list[dict[str, object]] = []
        """The last failed rebuild's errors (``ContentError.to_dict``), for the banner."""
        self._pending = threading.Event()
        self.after_build: Callable[[], None] | None = None
        """Called after each successful build (the portal re-publishes what lives in the
        site folder, such as the signed audit heads)."""

    def build(self) -> bool:
        """Build once; return whether it succeeded. Never raises."""
        from site_builder.errors import BuildError, TongdaError

        extra = {"extra_javascript": [LIVERELOAD_JS]} if self.live else {}
        start = time.monotonic()
        try:
            run_build(self.config_file, self.site_dir, command="serve", **extra)
        except BuildError as exc:
            self._failed(str(exc), [e.to_dict() for e in exc.errors])
        except TongdaError as exc:
            self._failed(str(exc), [])
        except (Exception, SystemExit) as exc:  # the watcher outlives any rebuild
            log.debug("重新生成时出错", exc_info=True)
            self._failed(f"构建失败（{type(exc).__name__}: {exc}）：请用 tongda -v serve 查看详细信息", [])
        else:
            self.errors, self.error = [], None
            self.run_after_build()
            self.version += 1
            click.echo(f"已重新生成（{time.monotonic() - start:.1f} 秒）", err=True)
            return True
        return False

    def run_after_build(self) -> None:
        """Run :attr:`after_build` (also once at start, for the first build), never raising."""
        if self.after_build is None:
            return
        try:
            self.after_build()
        except Exception:  # the new site is served all the same
            log.warning("生成后的收尾工作出错（审计链头未能重新发布）", exc_info=True)

    def _failed(self, message: str, errors: list[dict[str, object]]) -> None:
        self.errors = errors or [{"path": "", "line": None, "field": "", "message": message}]
        self.error = message
        click.echo(f"{message}\n（修改后保存，会自动重新生成）", err=True)

    def changed(self) -> None:
        self._pending.set()

    def loop(self) -> None:
        """Rebuild after each burst of changes, for as long as the server runs."""
        while True:
            self._pending.wait()
            time.sleep(0.3)  # let an editor finish writing several files
            self._pending.clear()
            try:
                self.build()
            except Exception:  # e.g. stderr gone; the next change builds again
                log.debug("重新生成的循环出错", exc_info=True)


def watch_paths(config_file: str | None) -> list[Path]:
    config = load(config_file)
    paths = [Path(config.docs_dir), Path(config.config_file_path)]
    paths += [Path(d) for d in config.theme.dirs if "site-packages" not in d]
    return paths


def start_watcher(paths: list[Path], rebuilder: Rebuilder, site_dir: Path) -> None:
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def __init__(self, only: str | None) -> None:
            self.only = only

        def on_any_event(self, event) -> None:  # type: ignore[no-untyped-def]
            if event.event_type in ("opened", "closed_no_write") or (
                    event.is_directory and event.event_type == "modified"):
                return
            paths = {str(event.src_path), str(getattr(event, "dest_path", "") or "")}
            if self.only is not None and self.only not in paths:
                return
            if any(str(site_dir) in p or "/.tongda-cache" in p or p.endswith("~") for p in paths if p):
                return
            rebuilder.changed()

    observer = Observer()
    for path in paths:
        if path.is_dir():
            observer.schedule(Handler(None), str(path), recursive=True)
        else:
            observer.schedule(Handler(str(path.resolve())), str(path.resolve().parent))
    observer.daemon = True
    observer.start()


@click.command("serve")
@config_file_option
@site_dir_option
@click.option("--port", type=int, default=8000, show_default=True, help="端口")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--no-watch", is_flag=True, help="不监视文件变化")
@fail_on_tongda_errors
def command(config_file: str | None, site_dir: str | None, port: int, host: str,
            no_watch: bool) -> None:
    """生成网站并在本机提供预览（含服务端函数 /api/…），内容改动后自动重新生成。"""
    import uvicorn

    from site_builder.serving import build_asgi

    rebuilder = Rebuilder(config_file, site_dir, live=not no_watch)
    if not rebuilder.build() and no_watch:
        raise SystemExit(1)  # nothing would build it again
    site = Path(load(config_file, site_dir=site_dir).site_dir).resolve()
    if not no_watch:
        start_watcher(watch_paths(config_file), rebuilder, site)
        threading.Thread(target=rebuilder.loop, daemon=True).start()
    app = build_asgi(site, rebuilder)
    rebuilder.run_after_build()  # the first build came before the portal was there
    click.echo(f"预览地址：http://{host}:{port}/", err=True)
    # The preview trusts no proxy: uvicorn would otherwise take X-Forwarded-For from any
    # client on 127.0.0.1 (the functions' runtime handles forwarded headers itself, off by
    # default); and it names no server software.
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False,
                server_header=False)
