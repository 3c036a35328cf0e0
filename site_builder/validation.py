"""The one validation behind ``tongda check``, ``tongda build`` and ``mkdocs build``.

Three stages, each on what the one before passed:

1. **content**: the content folder's files (links out of the project, sizes, NUL bytes,
   encodings), every document's front matter against its schema, the references
   between documents;
2. **rules**: every policy's eligibility rules and amount against the declared facts,
   and its own cases, through the match plugin's ``RulesetBuilder`` (when ``tongda-match``
   is in ``mkdocs.yml``);
3. **quality**: the quality rules against the thresholds of ``tongda-quality`` (when it
   is in ``mkdocs.yml``), on a corpus without errors.

``tongda check`` calls :func:`validate`, which runs the three in a row. A build runs the
same stages at the MkDocs events where their inputs exist: the core plugin runs 1 and 2
in ``on_files`` before any page is read, the quality plugin runs 3 in ``on_nav`` with the
citations the graph plugin has found by then. So ``tongda check`` passes what the build
passes and refuses what it refuses, and both name files the same way: relative to the
project (the folder of ``mkdocs.yml``), ``content/policies/x.md:6: level: …``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .content.corpus import Corpus, load_corpus
from .content.files import FileLimits, check_file, is_text, read_text, scan
from .errors import ContentError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from .quality.engine import QualityResult


def project_dir(config: MkDocsConfig) -> Path:
    """The project: the folder of ``mkdocs.yml``."""
    return Path(config.config_file_path or "mkdocs.yml").resolve().parent


def shown_prefix(config: MkDocsConfig) -> str:
    """How the content folder is named in errors: ``content/``, relative to the project."""
    docs = Path(config.docs_dir).resolve()
    try:
        rel = docs.relative_to(project_dir(config)).as_posix()
    except ValueError:  # a content folder outside the project is named in full
        rel = docs.as_posix()
    return "" if rel == "." else f"{rel}/"


def _plugin_options(config: MkDocsConfig, name: str) -> Any | None:
    """A plugin's options when it is listed and enabled, else ``None``."""
    plugin = config.plugins.get(name)
    options = getattr(plugin, "config", None)
    if options is None or not options.get("enabled", True):
        return None
    return options


def file_limits(config: MkDocsConfig) -> FileLimits:
    """The content folder's limits from the core plugin's options (``files_max_*``)."""
    options = _plugin_options(config, "tongda") or {}
    defaults = FileLimits()
    roots = {Path(os.path.realpath(project_dir(config))),
             Path(os.path.realpath(config.docs_dir))}
    return FileLimits(text_bytes=options.get("files_max_text_size", defaults.text_bytes),
                      asset_bytes=options.get("files_max_asset_size", defaults.asset_bytes),
                      roots=tuple(sorted(roots)))


def build_today(config: MkDocsConfig) -> dt.date | None:
    """The core plugin's ``today`` (reproducible statuses), if set."""
    value = (_plugin_options(config, "tongda") or {}).get("today")
    return dt.date.fromisoformat(value) if value else None


@dataclass
class Validation:
    """The state of one validation: the corpus and every error so far.

    Attributes:
        config: The site's configuration.
        prefix: The content folder as errors name it (``content/``).
        errors: Every content and rules error, paths relative to the project.
        corpus: The loaded corpus (after :meth:`content`).
        quality: The quality result (after :meth:`check_quality`).
    """

    config: MkDocsConfig
    prefix: str = ""
    errors: list[ContentError] = field(default_factory=list)
    corpus: Corpus | None = None
    quality: QualityResult | None = None

    def __post_init__(self) -> None:
        self.prefix = shown_prefix(self.config)

    def content(self) -> Corpus:
        """Stage 1: files, schema and references (stopped part-way when ``tongda serve``
        asks, see :mod:`site_builder.plugins.core.cancel`)."""
        from site_builder.plugins.core import cancel

        docs_dir = Path(self.config.docs_dir)
        limits = file_limits(self.config)
        files = scan(docs_dir, limits, skip=_excluded(self.config))
        self.corpus = load_corpus(docs_dir, today=build_today(self.config), limits=limits,
                                  files=files, between=cancel.check)
        self.errors += [e.under(self.prefix) for e in self.corpus.errors]
        return self.corpus

    def check_collected(self, files: Any) -> None:
        """Check what MkDocs itself collected from the content folder that the walk did not
        see (a hidden file that ``exclude_docs`` brings back): the same tests, so nothing
        reaches the site unchecked."""
        if self.corpus is None:
            return
        docs = os.path.realpath(self.config.docs_dir)
        seen = self.corpus.files.seen
        limits = file_limits(self.config)
        for file in files:
            if file.src_dir is None or file.src_uri in seen or not file.inclusion.is_included() \
                    or os.path.realpath(file.src_dir) != docs:
                continue
            problem = check_file(file.src_uri, Path(file.abs_src_path), limits)
            if problem is None and is_text(file.src_uri):
                try:
                    read_text(file.src_uri, Path(file.abs_src_path), limits)
                except ContentError as exc:
                    problem = exc
            if problem is not None:
                self.errors.append(problem.under(self.prefix))

    def rules(self) -> None:
        """Stage 2: rules and cases against the declared facts, when matching is on."""
        options = _plugin_options(self.config, "tongda-match")
        if options is None or self.corpus is None:
            return
        from site_builder.plugins.match.ruleset import RulesetBuilder, load_facts

        corpus = self.corpus
        facts_path = corpus.docs_dir / options["rules_facts"]
        if not facts_path.exists() and not any(
                getattr(e.meta, "eligibility", None) for e in corpus.documents.values()):
            facts = _no_facts()  # a site without rules needs no facts declaration
        else:
            try:
                facts = load_facts(facts_path, f"{self.prefix}{options['rules_facts']}")
            except ContentError as exc:
                self.errors.append(exc)
                return
        builder = RulesetBuilder(facts, list(options["rules_statuses"]))
        ruleset = builder.build(corpus, verify_cases=options["rules_verify_cases"])
        self.errors += [e.under(self.prefix) for e in builder.errors]
        applying = _plugin_options(self.config, "tongda-apply")
        if applying is not None and not builder.errors:  # the catalog stands on the rules
            from site_builder.plugins.apply.catalog import catalog_errors

            self.errors += [e.under(self.prefix)
                            for e in catalog_errors(ruleset, corpus, applying)]

    def check_quality(self, citations: list[Any] | None = None,
                      *, always: bool = False, memo_dir: Path | None = None
                      ) -> QualityResult | None:
        """Stage 3: the quality rules against the thresholds, on a corpus without errors.

        Args:
            citations: Citations the graph plugin already found (found here otherwise).
            always: Run the rules even when ``tongda-quality`` is not in ``mkdocs.yml``
                (``tongda check`` lists the findings all the same, with the default
                settings, but only the plugin's thresholds can fail the validation).
            memo_dir: Where the rules keep what they compute per body between builds.
        """
        from site_builder.plugins.core import cancel
        from site_builder.plugins.quality.settings import plugin_config, settings_from, slugify_of
        from site_builder.quality.engine import run_rules

        configured = _plugin_options(self.config, "tongda-quality") is not None
        if self.errors or self.corpus is None or not (configured or always):
            return None
        settings = settings_from(plugin_config(self.config))
        if not configured:  # listed for the editor; the build does not judge them
            settings = replace(settings, max_errors=-1, max_warnings=-1, max_notices=-1)
        self.quality = run_rules(self.corpus, settings, citations=citations,
                                 slugify=slugify_of(self.config), between=cancel.check,
                                 memo_dir=memo_dir)
        return self.quality

    def quality_errors(self) -> list[ContentError]:
        """The quality findings of severity error, as content errors (for the preview)."""
        if self.quality is None or self.quality.ok:
            return []
        from site_builder.quality.findings import SEVERITY_LABELS

        label = SEVERITY_LABELS["error"]
        return [ContentError(f"{self.prefix}{f.path}", f.line, f.field,
                             f"[{label} {f.rule}] {f.message}")
                for f in self.quality.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        """Whether the site passes: no content or rules errors, quality within bounds."""
        return not self.errors and (self.quality is None or self.quality.ok)


def _excluded(config: MkDocsConfig) -> Any:
    """MkDocs' test of a file it leaves out of the site (its defaults and ``exclude_docs``)."""
    from mkdocs.structure.files import _default_exclude

    extra = config.exclude_docs
    spec = _default_exclude + extra if extra else _default_exclude
    return spec.match_file


def _no_facts() -> Any:
    """An empty facts declaration, from wherever the rules model lives."""
    try:
        from tongda_rules import FactsFile
    except ImportError:  # before the rules model became its own package
        from site_builder.content.rules import FactsFile  # type: ignore[no-redef]
    return FactsFile(enterprise=[], person=[])


def validate(config: MkDocsConfig, *, quality: bool = True) -> Validation:
    """Run every stage, as ``tongda check`` does; never raises on content errors.

    Args:
        config: The site's loaded ``mkdocs.yml``.
        quality: Run the quality rules too (even when ``tongda-quality`` is not listed,
            to list their findings; only the plugin's thresholds fail the validation).
    """
    validation = Validation(config)
    validation.content()
    validation.rules()
    if quality:
        validation.check_quality(always=True)
    return validation
