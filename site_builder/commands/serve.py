"""``tongda serve``: build, serve the site and its functions on one origin, rebuild on change."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from .build import build_site
from .common import config_file_option, fail_on_tongda_errors, load, site_dir_option

LIVERELOAD_JS = "__tongda/livereload.js"
log = logging.getLogger("tongda")


class Rebuilder:
    """Rebuilds the site when sources change, debounced; keeps serving the last good site.

    A save that changed only documents' text is shown at once: each saved page is
    rendered again with the last build's state (:meth:`TongdaPlugin.refresh_page`, well
    under a second), and the page reloads. The whole site is rebuilt right after, for
    what the text feeds elsewhere (search, listings, feeds, graph, audio); another save
    stops that rebuild (:mod:`~site_builder.plugins.core.cancel`), is shown at once in
    turn, and the rebuild starts again. Any other change (front matter, a file added,
    removed or renamed, the configuration, the theme) is a whole rebuild.

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
        self._lock = threading.Lock()
        self._changed: set[str] = set()
        self._whole_running = False
        self._config: Any = None
        """The last finished build's configuration, its plugins as the build left them."""
        self.after_build: Callable[[], None] | None = None
        """Called after each successful build (the portal re-publishes what lives in the
        site folder, such as the signed audit heads)."""

    def build(self) -> bool:
        """Build the whole site once; return whether it succeeded. Never raises.

        A build stopped because the sources changed again returns False and reports
        nothing: the change that stopped it is built next."""
        from site_builder.errors import BuildError, TongdaError
        from site_builder.plugins.core import cancel

        extra = {"extra_javascript": [LIVERELOAD_JS]} if self.live else {}
        start = time.monotonic()
        cancel.clear()
        self._whole_running = True
        try:
            config = build_site(self.config_file, self.site_dir, command="serve", **extra)
        except cancel.BuildCancelled:
            log.info("源文件又有改动：这次重新生成已停止")
            return False
        except BuildError as exc:
            self._failed(str(exc), [e.to_dict() for e in exc.errors])
        except TongdaError as exc:
            self._failed(str(exc), [])
        except (Exception, SystemExit) as exc:  # the watcher outlives any rebuild
            log.debug("重新生成时出错", exc_info=True)
            self._failed(f"构建失败（{type(exc).__name__}: {exc}）：请用 tongda -v serve 查看详细信息", [])
        else:
            self._config = config
            self.errors, self.error = [], None
            self.run_after_build()
            self.version += 1
            click.echo(f"已重新生成（{time.monotonic() - start:.1f} 秒）", err=True)
            return True
        finally:
            self._whole_running = False
            cancel.clear()
        return False

    def refresh(self, paths: set[str]) -> bool:
        """Show a save at once when it changed only documents' text: render each saved
        page again into the site. False (nothing shown) when only a whole build can."""
        from site_builder.plugins.core import cancel
        from site_builder.plugins.core.plugin import NeedsFullBuild, TongdaPlugin

        config = self._config
        if config is None or self.error is not None or not paths:
            return False
        core = config.plugins.get("tongda")
        if not isinstance(core, TongdaPlugin):
            return False
        sources = saved_documents(paths, Path(config.docs_dir))
        if not sources:
            return False
        start = time.monotonic()
        cancel.clear()
        try:
            pages = [core.refresh_page(config, src) for src in sources]
        except NeedsFullBuild as exc:
            log.debug("需要整站重新生成：%s", exc)
            return False
        except Exception:  # the whole build reports it, with the file and line
            log.debug("单页更新出错", exc_info=True)
            return False
        self.version += 1
        click.echo(f"已更新 {'、'.join(pages)}（{time.monotonic() - start:.1f} 秒），"
                   "正在重新生成整个网站……", err=True)
        return True

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

    def changed(self, paths: Iterable[str] = ()) -> None:
        """Sources changed (``paths``, when known): build again, and stop a whole rebuild
        under way, which is out of date now."""
        from site_builder.plugins.core import cancel

        paths = [p for p in paths if p]
        with self._lock:
            self._changed.update(paths or [""])  # "" : not known which, a whole build
        self._pending.set()
        if self._whole_running:
            cancel.request()

    def loop(self) -> None:
        """Rebuild after each burst of changes, for as long as the server runs."""
        while True:
            self._pending.wait()
            time.sleep(0.3)  # let an editor finish writing several files
            self._pending.clear()
            with self._lock:
                paths, self._changed = self._changed, set()
            try:
                shown = "" not in paths and self.refresh(paths)
                if shown and self._pending.is_set():
                    continue  # saved again already: show that first
                self.build()
            except Exception:  # e.g. stderr gone; the next change builds again
                log.debug("重新生成的循环出错", exc_info=True)


def saved_documents(paths: Iterable[str], docs_dir: Path) -> list[str]:
    """The content files (``src_uri``) a save changed, or [] when it changed anything else
    too. An editor's temporary and backup files that came and went are left out."""
    docs = docs_dir.resolve()
    out: set[str] = set()
    for raw in paths:
        path = Path(raw)
        name = path.name
        if name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")):
            continue
        if not path.exists() and path.suffix != ".md":
            continue  # e.g. vim's 4913, gone again
        try:
            rel = path.resolve().relative_to(docs).as_posix()
        except ValueError:
            return []  # the configuration, the theme
        if path.suffix != ".md" or rel.startswith("_data/") or not path.is_file():
            return []
        out.add(rel)
    return sorted(out)


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
            rebuilder.changed(paths)

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
    # default); and it names no server software. An open page waits on /__tongda/version
    # for the next build: on Ctrl+C the server does not wait for those answers.
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False,
                server_header=False, timeout_graceful_shutdown=1)
