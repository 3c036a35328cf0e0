"""The core ``tongda`` plugin: content model, page URLs, generated pages, atomic output."""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from site_builder.content.corpus import Corpus, Entry
from site_builder.content.model import KIND_LABELS, LEVEL_LABELS, STATUS_LABELS
from site_builder.errors import ContentError
from site_builder.validation import Validation

from . import cancel, markdown_body
from .atomic import AtomicOutput
from .buildctx import BuildContext
from .config import TongdaConfig
from .context import cn_date, doc_link, page_context
from .fragments import LinkFragments
from .gcpause import gc_freeze, gc_thaw
from .generated import generated_page, move
from .listings import Listing, Readings, build_listings
from .render_cache import RenderCache
from .reuse import PageReuse, site_signature

#: The Markdown extension every build adds (see site_builder/markdown_inline.py).
INLINE_SHORTCUT = "site_builder.markdown_inline"
REUSE_TEMPLATE = "tongda-reuse.html"

log = logging.getLogger("mkdocs.plugins.tongda")


class NeedsFullBuild(Exception):
    """A change :meth:`TongdaPlugin.refresh_page` cannot show alone (the reason in Chinese)."""


class ContentBuildError(PluginError):
    """The content has errors; carries them so ``tongda`` can print them cleanly."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.path, e.line or 0, e.field))
        lines = "\n".join(e.format() for e in self.errors)
        super().__init__(f"内容有 {len(errors)} 处错误，未生成网站：\n{lines}")


class TongdaPlugin(BasePlugin[TongdaConfig]):
    """Loads and validates all content before anything is rendered, then shapes the site."""

    def __init__(self) -> None:
        self.context: BuildContext | None = None
        """What the other plugins share with the core (see :mod:`.buildctx`)."""
        self.corpus: Corpus | None = None
        self.listings: dict[str, Listing] = {}
        self.output: AtomicOutput | None = None
        self._progress: Any = None
        self.home_src = "index.md"
        self.render_cache: RenderCache | None = None
        self.config_nav_given = False
        self.reuse: PageReuse | None = None
        self._reuse_args: tuple[Path, Path] | None = None
        self.links: LinkFragments | None = None
        self.cache_dir: Path | None = None
        """The folder of Tongda's caches when they are on (other plugins keep theirs in it)."""
        self._gc_saved: tuple[int, ...] | None = None
        self.validation: Validation | None = None
        """The build's validation (``tongda build`` reports its errors)."""
        self._last: tuple[Files, Any, Any] | None = None
        """The finished build's files, nav and template environment: what
        :meth:`refresh_page` renders one page again with (``tongda serve``)."""
        self._files: Files | None = None
        self._nav: Any = None
        self._env: Any = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        self._check_cancel()
        # Plain text skips Python-Markdown's inline patterns (the output is the same).
        if INLINE_SHORTCUT not in config.markdown_extensions:
            config.markdown_extensions.append(INLINE_SHORTCUT)
        if self.config.build_atomic:
            self.output = AtomicOutput(Path(config.site_dir))
            config.site_dir = str(self.output.start())
        if self.config.cache_enabled:
            cache_dir = Path(config.config_file_path).parent / self.config.cache_dir
            self.cache_dir = cache_dir
            self.render_cache = RenderCache(cache_dir / "markdown", list(config.markdown_extensions),
                                            dict(config.mdx_configs or {}))
            if self.output is not None and self.config.cache_pages:
                self._reuse_args = (cache_dir, self.output.final)
        return config

    @event_priority(100)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        # The same validation as ``tongda check`` (site_builder.validation), its first two
        # stages: files, schema, references, rules against facts.
        self.context = None
        self.reuse = None
        self._last = self._files = self._nav = self._env = None
        self.validation = validation = Validation(config)
        # Loading makes the objects the whole build keeps (see gcpause.gc_freeze): the collector
        # would walk them again and again as they pile up, and find nothing to free.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self.corpus = corpus = validation.content()
        finally:
            if collecting:
                gc.enable()
        self._check_cancel()
        validation.rules()
        self._check_cancel()
        validation.check_collected(files)
        if validation.errors:
            raise ContentBuildError(validation.errors)
        self._gc_saved = gc_freeze()
        self.context = BuildContext(self.cache_dir, validation, corpus)
        for file in list(files):
            if file.src_uri.startswith("_data/"):
                files.remove(file)
            elif (entry := corpus.by_path.get(file.src_uri)) is not None:
                move(file, entry.dest_uri)
        if self.render_cache is not None:
            texts = [markdown_body.without_title(e.body) for e in corpus.documents.values()]
            self.render_cache.prerender(texts, self.config.build_workers)
        _drop_theme_sources(files)
        self._add_generated(files, config)
        self._default_nav(config)
        self._start_progress(len(files.documentation_pages()))
        return files

    def _add_generated(self, files: Files, config: MkDocsConfig) -> None:
        assert self.corpus is not None
        cache = self.cache_dir / "pinyin-titles.pickle" if self.cache_dir is not None else None
        readings = Readings(cache)
        listings = build_listings(self.corpus, self.config.listing_page_size,
                                  list(self.config.listing_facets), readings)
        readings.save()
        self.listings = {}
        for n, listing in enumerate(listings):
            src = f"_tongda/listing-{n}.md"
            self.listings[src] = listing
            files.append(generated_page(config, src, listing.url + "index.html"))
        self.home_src = "index.md"
        if files.get_file_from_path("index.md") is None:
            self.home_src = "_tongda/home.md"
            files.append(generated_page(config, self.home_src, "index.html"))
        if self.context is not None:
            self.context.listings, self.context.home_src = self.listings, self.home_src

    def _default_nav(self, config: MkDocsConfig) -> None:
        """A short site-wide nav; thousands of pages never go in it (it would cost minutes)."""
        self.config_nav_given = bool(config.nav)
        if config.nav:
            return
        by_key = {listing.key: src for src, listing in self.listings.items() if listing.page == 1}
        nav: list[dict[str, str]] = [{"首页": self.home_src}]
        for key, title in (("kind:policy", "政策文件"), ("kind:interpretation", "政策解读"),
                           ("kind:service", "办事指南"), ("kind:faq", "常见问题"),
                           ("kind:topic", "专题"), ("kind:scenario", "政务一站通")):
            if key in by_key and self.listings[by_key[key]].items:
                nav.append({title: by_key[key]})
        config.nav = nav
        config.validation.nav.omitted_files = logging.DEBUG

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        """Use the text the corpus already read, and the render cache when it has the page."""
        if self.corpus is None:
            return page
        entry = self.corpus.by_path.get(page.file.src_uri)
        if entry is not None:
            def read_source(config: MkDocsConfig) -> None:
                page.markdown, page.meta = entry.body, dict(entry.source.meta)

            page.read_source = read_source  # type: ignore[method-assign]
            if self.render_cache is not None:
                page.render = _cached_render(page, self.render_cache)  # type: ignore[method-assign]
        elif page.file.src_uri.startswith("_tongda/"):
            page.render = _empty_render(page)  # type: ignore[method-assign]
        return page

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Add pages other plugins generate (e.g. the calculator) to the default nav."""
        self._check_cancel()
        if self.context is None or self.config_nav_given:
            return nav
        from mkdocs.structure.pages import Page as MkPage

        for entry in self.context.nav:  # declared by the plugins with ``add_nav``
            file = files.get_file_from_path(entry.src)
            if file is not None:
                page = file.page or MkPage(entry.title, file, config)
                page.title = entry.title
                nav.items.append(page)
                nav.pages.append(page)
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        if self.corpus is None:
            return markdown
        self._tick()
        src = page.file.src_uri
        if (entry := self.corpus.by_path.get(src)) is not None:
            page.meta["template"] = entry.meta.template or f"{entry.kind}.html"
            page.meta["title"] = entry.meta.title
            page.meta["status"] = entry.status
            return markdown_body.without_title(markdown)
        if (listing := self.listings.get(src)) is not None:
            page.meta.update(template="listing.html", title=listing.title)
        elif src == "_tongda/home.md":
            page.meta.update(template="home.html", title=config.site_name)
        return markdown

    @event_priority(-100)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        """Last to see the content: decide whether the previous output can be reused."""
        if self._reuse_args is not None and self.reuse is None:
            self.reuse = PageReuse(*self._reuse_args, self._site_signature(config))
            if self.context is not None:
                self.context.reuse = self.reuse
        if self.reuse is not None:
            # The source path too: the page names it (tongda:source), and a renamed file
            # keeps its id, URL and text.
            extra = [page.file.src_uri, self._signature_context(page), page.title,
                     _toc_data(page.toc.items)]
            if self.context is not None:
                extra += self.context.signature_extra(page)
            sig = self.reuse.signature(page.file.dest_uri, html, page.meta, extra)
            if self.reuse.check(page.file.dest_uri, sig):
                page.meta["td_reused"] = True
                page.meta["template"] = REUSE_TEMPLATE
        return html

    def _site_signature(self, config: MkDocsConfig) -> str:
        import site_builder

        folders = [Path(d) for d in config.theme.dirs] + [Path(site_builder.__file__).parent]
        data_dir = Path(config.docs_dir) / "_data"
        if data_dir.is_dir():
            folders.append(data_dir)
        text = Path(config.config_file_path).read_text(encoding="utf-8")
        extra = [sorted(config.plugins), config.nav, list(config.extra_css),
                 [str(s) for s in config.extra_javascript], config.site_name, config.site_url,
                 str(self.corpus.today if self.corpus else "")]
        return site_signature(text, folders, extra)

    def _signature_context(self, page: Page) -> Any:
        """The Tongda part of a page's template context, as plain data."""
        assert self.corpus is not None
        src = page.file.src_uri
        if (entry := self.corpus.by_path.get(src)) is not None:
            ctx = page_context(entry, self.corpus)
            ctx.pop("doc"), ctx.pop("meta")
            ctx["panels"] = _panels_signature(ctx["panels"], self.corpus)
            if entry.kind in ("topic", "scenario"):
                ctx["members"] = _members(entry, self.corpus)
            ctx["lineage"] = _ancestors(entry.id, self.corpus)
            return ctx
        if (listing := self.listings.get(src)) is not None:
            return [vars(listing), [doc_link(self.corpus.documents[i]) for i in listing.items]]
        if src == self.home_src:
            return _home(self.corpus)
        return None

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self.context is not None:
            self.context.forget_page(page)  # every plugin is done with this page
        if page.meta.get("td_reused") and self.reuse is not None \
                and self.reuse.link_page(page.file.dest_uri, Path(config.site_dir)):
            self.reuse.reused += 1
            return ""  # MkDocs writes nothing for an empty page; the links stand
        return output

    def on_page_context(  # type: ignore[override] # Tongda's keys are not in TemplateContext
            self, context: dict[str, Any], *, page: Page, config: MkDocsConfig,
            nav: Any) -> dict[str, Any]:
        if self.corpus is None:
            return context
        corpus = self.corpus
        self._tick()
        self._nav = nav
        if page.meta.get("td_reused"):
            return context
        context["td"] = self._site_context()
        root = page_root(page)
        links = self.links
        if (entry := corpus.by_path.get(page.file.src_uri)) is not None:
            context.update(page_context(entry, corpus, root))
            if links is not None:
                for panel in context["panels"]:
                    panel["items_html"] = links.list_items(panel["items"])
            if entry.kind in ("topic", "scenario"):
                context["members"] = _members(entry, corpus, root)
        elif (listing := self.listings.get(page.file.src_uri)) is not None:
            context["listing"] = listing
            # Listing items are rendered in place: a document is listed on few pages,
            # so a fragment would rarely be used twice.
            context["items"] = [doc_link(corpus.documents[i], root) for i in listing.items]
        elif page.file.src_uri == "_tongda/home.md":
            context["home"] = _home(corpus, root)
        return context

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        from jinja2 import ChoiceLoader, DictLoader

        env.filters["cn_date"] = cn_date
        env.loader = ChoiceLoader([env.loader, DictLoader({REUSE_TEMPLATE: ""})])
        self.links = LinkFragments(env)
        self._files, self._env = files, env
        return env

    @event_priority(100)
    def _record_stats(self, *, config: MkDocsConfig) -> None:
        """The pages are done: their figures, before the build report reads them (-50)."""
        self._check_cancel()  # before the long steps of the other plugins' post_build
        if self.context is None:
            return
        stats = self.context.stats
        if self.render_cache is not None:
            stats.record("markdown", {"hits": self.render_cache.hits,
                                      "misses": self.render_cache.misses})
        if self.reuse is not None:
            stats.record("pages", {"reused": self.reuse.reused,
                                   "rendered": len(self.reuse.new) - self.reuse.reused})

    @event_priority(-100)
    def _finish(self, *, config: MkDocsConfig) -> None:
        self._stop_progress()
        self._close_cache()
        gc_thaw(self._gc_saved)
        self._gc_saved = None
        if config.strict and (warned := _strict_warnings()):
            # MkDocs fails a strict build after post_build, once this plugin has put the new
            # site in place; fail it here instead, so the previous site stays.
            raise PluginError(f"有 {warned} 条警告（--strict 模式），未生成网站")
        if self.reuse is not None:
            self.reuse.save()
            log.info("页面：%d 个沿用上次生成的结果", self.reuse.reused)
        if self.output is not None:
            self.output.commit()
            config.site_dir = str(self.output.final)
        if self._files is not None and self._env is not None:
            self._last = (self._files, self._nav, self._env)

    on_post_build = CombinedEvent(_record_stats, _finish)

    def _close_cache(self) -> None:
        if self.render_cache is not None:
            self.render_cache.close()
            self.render_cache = None

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_progress()
        self._close_cache()
        gc_thaw(self._gc_saved)
        self._gc_saved = None
        if self.output is not None:
            self.output.abort()

    def refresh_page(self, config: MkDocsConfig, src_uri: str) -> str:
        """Render one saved document's page again, into the site the last build made.

        What ``tongda serve`` shows at once when a save changed only a document's text:
        the page itself with the new text, made by the same hooks of every plugin as in a
        whole build (its plain-text copy too). What the text feeds beyond its own page
        (the search index, citations found in it and the panels they fill, feeds, audio)
        follows with the whole rebuild the preview starts right after.

        Returns the page's path in the site.

        Raises:
            NeedsFullBuild: the save changed more than a document's text (its front matter,
                a file added, removed or renamed, a file with errors), or no build finished.
        """
        from mkdocs.commands.build import _populate_page, get_context

        from search_index.store import write_atomic
        from site_builder.content.corpus import read_entry
        from site_builder.validation import file_limits

        if self._last is None or self.corpus is None or self.output is None:
            raise NeedsFullBuild("还没有生成完成的网站")
        files, nav, env = self._last
        entry = self.corpus.by_path.get(src_uri)
        file = files.get_file_from_path(src_uri)
        if entry is None or file is None or file.page is None:
            raise NeedsFullBuild(f"{src_uri} 不是上次生成的文档")
        errors: list[ContentError] = []
        fresh = read_entry(src_uri, entry.abs_path, errors, None, file_limits(config))
        if fresh is None or errors:
            raise NeedsFullBuild(f"{src_uri} 有错误")
        if fresh.meta != entry.meta:
            raise NeedsFullBuild(f"{src_uri} 的元数据改了")
        entry.body, entry.body_line, entry.source = fresh.body, fresh.body_line, fresh.source
        entry.stat = fresh.stat
        self.corpus.memo.get("doc_link_digest", {}).pop(entry.id, None)
        # Rendered afresh: no page reuse (its records belong to the finished build).
        saved = self._reuse_args, self.reuse
        ctx_reuse = self.context.reuse if self.context is not None else None
        self._reuse_args = self.reuse = None
        if self.context is not None:
            self.context.reuse = None
        page = file.page
        # The build's render went through its Markdown cache, which is closed now: MkDocs'
        # own render for this page (on_pre_page sets the source from the corpus again).
        vars(page).pop("render", None)
        config._current_page = page
        try:
            _populate_page(page, config, files)
            page.active = True
            doc_files = files.documentation_pages()
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            output = config.plugins.on_post_page(template.render(context), page=page,
                                                 config=config)
        finally:
            page.active = False
            config._current_page = None
            self._reuse_args, self.reuse = saved
            if self.context is not None:
                self.context.reuse = ctx_reuse
        dest = self.output.final / file.dest_uri
        dest.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(dest, output.encode("utf-8", errors="xmlcharrefreplace"))
        return file.dest_uri

    def _site_context(self) -> dict[str, Any]:
        return {"kind_labels": KIND_LABELS, "level_labels": LEVEL_LABELS,
                "status_labels": STATUS_LABELS, "today": self.corpus.today if self.corpus else None}

    def _start_progress(self, total: int) -> None:
        if self.config.build_progress and total > 200:
            from tqdm import tqdm

            # Each page is counted twice: once read and rendered, once written.
            self._progress = tqdm(total=2 * total, desc="生成页面（读取、写出）", unit="步",
                                  file=sys.stderr, mininterval=1.0, leave=False)

    def _check_cancel(self) -> None:
        """In ``tongda serve``: stop here when the sources changed again (see :mod:`.cancel`).

        (No ``on_startup`` to learn the command from: MkDocs would then keep this plugin
        from one build to the next, and a stopped build would reset the finished one's
        state that :meth:`refresh_page` uses.)"""
        cancel.check()

    def _tick(self) -> None:
        self._check_cancel()
        if self._progress is not None:
            self._progress.update(1)

    def _stop_progress(self) -> None:
        if self._progress is not None:
            self._progress.close()
            self._progress = None


def _cached_render(page: Page, cache: RenderCache) -> Any:
    original = page.render

    def render(config: MkDocsConfig, files: Files) -> None:
        from mkdocs.structure.toc import get_toc

        assert page.markdown is not None
        hit = cache.get(page.markdown)
        if hit is None:
            original(config, files)
            return
        page.content = hit.html
        page.toc = get_toc(hit.toc_tokens)  # type: ignore[arg-type]
        page.present_anchor_ids = set(hit.anchors)
        page.links_to_anchors = {}

    return render


def _empty_render(page: Page) -> Any:
    def render(config: MkDocsConfig, files: Files) -> None:
        from mkdocs.structure.toc import get_toc

        page.content, page.toc = "", get_toc([])
        page.present_anchor_ids, page.links_to_anchors = set(), {}

    return render


def _drop_theme_sources(files: Files) -> None:
    """Theme folders hold examples and docs beside their CSS/JS; only assets are published."""
    for file in list(files):
        if file.src_dir is not None and not file.is_documentation_page():
            theme_side = "/components/" in f"/{file.src_uri}" or file.src_uri.endswith(".py")
            if theme_side and file.src_uri.rsplit(".", 1)[-1] in ("yml", "yaml", "py", "pyc", "md", "html"):
                files.remove(file)


def page_root(page: Page) -> str:
    """The way from a page to the site root: ``""`` on the home page, ``"../../"`` on
    ``policies/x/`` (``"../"`` on ``policies/x.html`` without directory URLs)."""
    return "../" * page.url.count("/")


def _members(entry: Entry, corpus: Corpus,
             root: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Documents of a topic (by kind) or of a scenario (by section)."""
    if entry.kind == "scenario":
        sections = entry.meta.sections  # type: ignore[attr-defined]
        return {name: [doc_link(corpus.documents[i], root) for i in getattr(sections, name)]
                for name in ("see", "do", "ask", "check")}
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in KIND_LABELS:
        docs = [e for e in corpus.of_kind(kind) if entry.id in e.meta.topics]
        if docs:
            out[kind] = [doc_link(e, root) for e in docs]
    return out


def _panels_signature(panels: list[dict[str, Any]], corpus: Corpus) -> list[Any]:
    """The related panels as the page signature needs them: each item as a digest of its
    document's link data (made once per document a build) and whether its relation was
    declared. A basic law is listed on hundreds of pages; its data is digested once.

    The link data comes from the document's file (front matter), its status on the
    build's day and its URL: a document read from a file is digested by those (the file's
    inode, size and times change on every write), without serialising its data."""
    digests: dict[str, str] = corpus.memo.setdefault("doc_link_digest", {})
    out = []
    for panel in panels:
        items = []
        for item in panel["items"]:
            digest = digests.get(item["id"])
            if digest is None:
                entry = corpus.documents.get(item["id"])
                if entry is not None and entry.stat is not None:
                    blob = repr((entry.src_path, entry.stat, entry.status, entry.url))
                else:
                    data = {k: v for k, v in item.items() if k != "declared"}
                    blob = json.dumps(data, default=str, ensure_ascii=False, sort_keys=True)
                digest = digests[item["id"]] = hashlib.blake2b(
                    blob.encode(), digest_size=12).hexdigest()
            items.append((digest, item.get("declared")))
        out.append({k: v for k, v in panel.items() if k != "items"} | {"items": items})
    return out


def _toc_data(items: Any) -> list[Any]:
    return [[i.title, i.url, i.level, _toc_data(i.children)] for i in items]


def _ancestors(doc_id: str, corpus: Corpus, depth: int = 4) -> list[list[str]]:
    """Titles up the based_on chain: a page's lineage may show more than its neighbours."""
    out, frontier = [], [doc_id]
    for _ in range(depth):
        frontier = [e.target for d in frontier for e in corpus.graph.outgoing(d)
                    if e.kind in ("based_on", "interprets")]
        out.append(sorted(f"{t}:{corpus.documents[t].meta.title}" for t in frontier
                          if t in corpus.documents))
    return out


def _home(corpus: Corpus, root: str | None = None) -> dict[str, Any]:
    def latest(kind: str, n: int) -> list[dict[str, Any]]:
        return [doc_link(e, root) for e in corpus.of_kind(kind)[:n]]

    return {
        "policies": latest("policy", 8), "services": latest("service", 12),
        "interpretations": latest("interpretation", 6), "faqs": latest("faq", 6),
        "topics": latest("topic", 12), "scenarios": latest("scenario", 6),
        "counts": {k: len(corpus.of_kind(k)) for k in KIND_LABELS},
    }


def _strict_warnings() -> int:
    """Warnings MkDocs has counted so far in a strict build (its ``CountHandler``)."""
    from mkdocs.utils import CountHandler

    return sum(count for handler in logging.getLogger("mkdocs").handlers
               if isinstance(handler, CountHandler) for _, count in handler.get_counts())
