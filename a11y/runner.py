"""One ``tongda a11y`` run: static rules on every page, browser checks on templates x modes
and a sample, waivers applied, the report written.

:class:`Settings` is plain data (the plugin fills it from ``mkdocs.yml``), so the runner can be
used and tested without MkDocs.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from a11y.axe import AXE_EXTRA_RULES, AXE_TAGS, AxeRunner, find_axe
from a11y.browser_checks import BrowserChecker, BrowserOptions, Shots
from a11y.findings import Finding, Waiver, apply_waivers
from a11y.report import Report
from a11y.site import (
    DEFAULT_EXCLUDE,
    DEFAULT_MODE,
    Mode,
    PageInfo,
    choose_browser_pages,
    is_page,
    iter_pages,
    page_url,
)
from a11y.source_map import SourceMapper
from a11y.static_check import SiteCheck, StaticChecker
from a11y.static_rules import VAGUE_LINK_TEXTS

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

Progress = Callable[[str], None]

#: Pages with static findings but no browser visit that still get screenshots.
EXTRA_SCREENSHOT_PAGES = 20


@dataclass
class Settings:
    """Everything one run needs (see the plugin's config for what each option means)."""

    site_dir: Path
    docs_dir: Path | None = None
    site_hosts: list[str] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    vague_link_texts: list[str] = field(default_factory=lambda: sorted(VAGUE_LINK_TEXTS))
    skip_rules: list[str] = field(default_factory=list)
    browser: bool = True
    everything: bool = False
    sample_size: int = 20
    sample_seed: int = 0
    modes: list[Mode] = field(default_factory=lambda: [DEFAULT_MODE])
    browser_options: BrowserOptions = field(default_factory=BrowserOptions)
    axe_path: Path | None = None
    axe_locale: str = "zh_CN"
    axe_tags: list[str] = field(default_factory=lambda: list(AXE_TAGS))
    axe_rules: list[str] = field(default_factory=lambda: list(AXE_EXTRA_RULES))
    only: list[str] = field(default_factory=list)
    static_cache: Path | None = None
    report_dir: Path | None = None
    report_json: Path | None = None
    screenshots: int = 300
    #: Browsers checking pages side by side (each a Chromium of its own); 0 picks one per
    #: CPU core, at most 4. Findings come out in the same order whatever the number.
    jobs: int = 0


def _checker(settings: Settings) -> StaticChecker:
    return StaticChecker(site_hosts=settings.site_hosts, docs_dir=settings.docs_dir,
                         skip_rules=settings.skip_rules,
                         vague_link_texts=settings.vague_link_texts)


#: This process's pages checked while the site was being written (see :func:`check_early`).
_EARLY: SiteCheck | None = None


def check_early(settings: Settings, paths: list[str]) -> int:
    """Check site-relative ``paths`` that are written, ahead of :func:`run` with the same
    ``settings`` in this process (``tongda build``'s static-rules process, fed while the
    build renders the next pages); returns how many were checked."""
    global _EARLY
    if _EARLY is None or _EARLY.site_dir != settings.site_dir:
        _EARLY = SiteCheck(_checker(settings), settings.site_dir, settings.static_cache)
    return _EARLY.check_early(p for p in paths if is_page(p, settings.exclude))


def run(settings: Settings, progress: Progress | None = None) -> Report:
    """Run every check and write the report; returns the :class:`~a11y.report.Report`."""
    global _EARLY
    say = progress or (lambda _msg: None)
    report = Report(site_dir=str(settings.site_dir),
                    waivers=[dataclasses.replace(w, used=0) for w in settings.waivers],
                    modes=[m.name for m in settings.modes])
    session, _EARLY = _EARLY, None
    if session is not None and session.site_dir != settings.site_dir:
        session = None
    checker = session.checker if session is not None else _checker(settings)
    pages = iter_pages(settings.site_dir, settings.exclude)
    if settings.only:
        pages = [p for p in pages if _matches(p, settings.only)]
    static = checker.check_site(settings.site_dir, pages=pages, cache_file=settings.static_cache,
                                session=session)
    report.findings += static.findings
    report.stats.update(pages=len(static.pages), static_seconds=round(static.seconds, 3),
                        static_early=static.early,
                        static_checks=static.checks)
    say(f"静态规则：{len(static.pages)} 页，{len(static.findings)} 处问题，{static.seconds:.1f} 秒")
    if settings.browser:
        report.findings += _browser_pass(settings, static.pages, static.findings, report, say)
    apply_waivers(report.findings, report.waivers)
    if settings.report_dir is not None:
        report.write(settings.report_dir, settings.report_json)
    return report


def _matches(path: str, patterns: list[str]) -> bool:
    url = page_url(path)
    return any(fnmatch.fnmatch(path, pat) or fnmatch.fnmatch(url, pat) or
               fnmatch.fnmatch(url, pat.rstrip("/") + "/") for pat in patterns)


Job = tuple[PageInfo, Mode, "bool | None"]


def _mode_applies(page: PageInfo, mode: Mode) -> bool:
    """Plain-text pages are a display mode of their own: the toolbar's attributes do
    nothing there, but system settings (``media``, e.g. forced colours) still apply."""
    return not page.path.startswith("text/") or mode.name == "default" or bool(mode.media)


def _plan(settings: Settings, pages: list[PageInfo], wants_shots: dict[str, list[Finding]]
          ) -> tuple[list[PageInfo], list[PageInfo], list[Job]]:
    """Template pages x modes, then the sample in the default mode, then pages only loaded
    for screenshots of their static findings (job ``full`` is ``None``)."""
    sample: list[PageInfo]
    if settings.only:  # pages named on the command line: each in every mode
        reps, sample = list(pages), []
    else:
        reps, sample = choose_browser_pages(pages, settings.sample_size, settings.everything,
                                            settings.sample_seed)
    jobs: list[Job] = [(p, m, True) for p in reps for m in settings.modes
                       if _mode_applies(p, m)]
    jobs += [(p, DEFAULT_MODE, True) for p in sample]
    visited = {p.path for p in reps} | {p.path for p in sample}
    extra = [p for p in pages if p.path in wants_shots and p.path not in visited]
    jobs += [(p, DEFAULT_MODE, None) for p in extra[:EXTRA_SCREENSHOT_PAGES]]
    return reps, sample, jobs


def _unfinished(page: PageInfo, mode: Mode, exc: Exception) -> Finding:
    """A page the browser could not check counts as a violation: CI must not pass it."""
    detail = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
    return Finding("browser-check-failed", "axe", page.path,
                   f"浏览器检查未能完成：{detail.splitlines()[0][:200]}",
                   "在浏览器中打开该页面查看脚本错误或加载超时；修复后重新运行 tongda a11y。",
                   mode=mode.name, impact="critical", template=page.template)


def browser_jobs(requested: int) -> int:
    """How many browsers: as asked, or one per CPU core (at most 4) for 0."""
    if requested > 0:
        return requested
    return max(1, min(4, os.cpu_count() or 1))


def _check_one(bc: BrowserChecker, shots: Shots, opts: BrowserOptions,
               by_page: dict[str, list[Finding]], page: PageInfo, mode: Mode,
               full: bool | None, driver: WebDriver) -> list[Finding]:
    """One job: a page in a mode (or only the screenshots of its static findings)."""
    wants_shots = by_page.get(page.path) if mode.name == "default" else None
    if full is None:  # only screenshots of static findings
        bc.load(page, mode)
        for finding in wants_shots or []:
            shots.take(driver, finding, opts.shots_per_rule)
        return []
    try:
        results = bc.check(page, mode, full=full, extra=wants_shots)
    except Exception as exc:  # noqa: BLE001 - one broken page must not hide the rest
        results = [_unfinished(page, mode, exc)]
    return results


def _browser_pass(settings: Settings, pages: list[PageInfo], static_findings: list[Finding],
                  report: Report, say: Progress) -> list[Finding]:
    from a11y.browser import serve_directory, start_chrome

    axe = AxeRunner(find_axe(str(settings.axe_path) if settings.axe_path else None),
                    tuple(settings.axe_tags), tuple(settings.axe_rules), settings.axe_locale)
    by_page: dict[str, list[Finding]] = {}
    for finding in static_findings:
        by_page.setdefault(finding.page, []).append(finding)
    shots = Shots(settings.report_dir / "shots" if settings.report_dir and settings.screenshots
                  else None, settings.screenshots)
    reps, sample, jobs = _plan(settings, pages, by_page if shots.folder else {})
    mapper = SourceMapper(settings.docs_dir)
    start = time.perf_counter()
    opts = settings.browser_options
    workers = max(1, min(browser_jobs(settings.jobs), len(jobs)))
    results: list[list[Finding]] = [[] for _ in jobs]
    loads = [0] * workers
    lock = threading.Lock()
    pending = iter(range(len(jobs)))

    def worker(index: int, base_url: str) -> None:
        with start_chrome(width=opts.width, height=opts.height) as driver:
            bc = BrowserChecker(driver, base_url, axe, opts, shots)
            try:
                while True:
                    with lock:  # the next job in plan order, whichever browser is free
                        n = next(pending, None)
                        if n is None:
                            return
                        page, mode, full = jobs[n]  # handed out in order: n + 1 are started
                        say(f"浏览器检查 {n + 1}/{len(jobs)}：{page.url or '/'} [{mode.name}]")
                    results[n] = _check_one(bc, shots, opts, by_page, page, mode, full, driver)
            finally:
                loads[index] = bc.page_loads

    with serve_directory(settings.site_dir) as base_url:
        if workers == 1:
            worker(0, base_url)
        else:
            with ThreadPoolExecutor(workers, thread_name_prefix="tongda-a11y") as pool:
                for future in [pool.submit(worker, i, base_url) for i in range(workers)]:
                    future.result()
    found: list[Finding] = []
    # In plan order, however many browsers there were.
    for (page, _, _), batch in zip(jobs, results, strict=True):
        for finding in batch:
            mapper.locate(finding, page.source)
            found.append(finding)
    seconds = time.perf_counter() - start
    report.axe_version = axe.version
    report.stats.update(
        templates=sorted({p.template for p in reps}), template_pages=len(reps),
        sampled_pages=len(sample), browser_jobs=len(jobs), page_loads=sum(loads), browsers=workers,
        browser_seconds=round(seconds, 2), screenshots=shots.count,
        axe_needs_review=axe.needs_review)
    say(f"浏览器检查：{len(reps)} 个模板 × {len(settings.modes)} 种模式 + {len(sample)} 个抽样页面，"
        f"{len(found)} 处问题，{seconds:.1f} 秒")
    return found
