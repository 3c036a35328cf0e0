"""What a build does inside one process: the garbage collector is given back as it was, and
the related panels' rendered-once items are the markup the item template gives."""

from __future__ import annotations

import datetime as dt
import gc
import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

pytestmark = pytest.mark.integration


def _build(root: Path) -> None:
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    build(config)


def test_a_build_gives_the_garbage_collector_back(project) -> None:
    """``tongda serve`` builds again and again in one process: a build freezes the corpus
    out of the collector's sight and must thaw it, or every build's corpus would stay."""
    root = project("portal-small")
    thresholds = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    _build(root)
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds
    assert gc.isenabled()  # loading the corpus turns it off for a while

    broken = root / "content" / "policies"
    first = min(broken.glob("*.md"))
    first.write_text(first.read_text(encoding="utf-8").replace("title:", "titel:", 1),
                     encoding="utf-8")
    with pytest.raises((Abort, PluginError, SystemExit)):
        _build(root)
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds
    assert gc.isenabled()


def test_the_corpus_loads_without_collections(project, monkeypatch) -> None:
    """Loading the corpus only makes objects the build keeps: the collector is off while it
    runs (a full collection walked everything loaded so far, four times a load) and on again
    after it, also when loading fails."""
    from site_builder import validation as core  # the core plugin loads through it

    seen: list[bool] = []
    original = core.load_corpus

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(core, "load_corpus", spy)
    root = project("portal-small")
    _build(root)
    assert seen == [False] and gc.isenabled()

    def broken(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(core, "load_corpus", broken)
    with pytest.raises((OSError, Abort, PluginError)):
        _build(root)
    assert gc.isenabled()


def _panels(html: str) -> str:
    found = re.search(r'<aside class="td-related".*?</aside>', html, re.DOTALL)
    assert found, "the page has related panels"
    return found.group(0)


@pytest.mark.parametrize("fixture", ["portal-small", "graph-site"])
def test_rendered_once_items_equal_the_item_template(project, fixture: str) -> None:
    """The panels output each document's item rendered once per build; the markup is what
    ``partials/doc_link.html`` gives for that item on that page, titles escaped, and an
    item whose relation was found in the text (the graph plugin) is marked the same way."""
    from site_builder.content.corpus import load_corpus
    from site_builder.plugins.core.context import cn_date, doc_link, page_context
    from site_builder.plugins.graph.builder import add_citations

    root = project(fixture)
    _build(root)
    config = load_config(str(root / "mkdocs.yml"))
    env = config.theme.get_env()
    env.filters["cn_date"] = cn_date
    corpus = load_corpus(root / "content", today=dt.date(2024, 6, 1))
    if "tongda-graph" in config.plugins:
        from site_builder.plugins.graph.versions import in_force_link

        add_citations(corpus)
        # What the graph plugin gives the theme: a replaced document's version in force.
        env.globals["td_in_force"] = lambda doc_id: in_force_link(doc_id, corpus)
    marked = 0
    template = env.get_template("partials/panels.html")
    checked = replaced = 0
    for entry in corpus.documents.values():
        if entry.kind not in ("policy", "interpretation", "service", "faq"):
            continue
        out = root / "site" / entry.url / "index.html"
        context = page_context(entry, corpus, "../" * entry.url.count("/"))
        if not context["panels"]:
            continue

        class _Page:
            url = entry.url

        # The fallback path: each item through the item template, in Jinja.
        expected = template.render(context | {"page": _Page(), "base_url": ".."})
        assert _panels(out.read_text(encoding="utf-8")) == _panels(expected)
        checked += 1
        marked += _panels(expected).count("td-tag--found")
        replaced += _panels(expected).count("现行版本")
    assert checked >= 3
    assert marked > 0 if "tongda-graph" in config.plugins else marked == 0
    if "tongda-graph" in config.plugins:
        assert replaced > 0, "a replaced version names the version in force"

    link = doc_link(next(iter(corpus.documents.values())), "../../")
    link["title"] = 'A&B<script>"x"</script>'
    item = env.get_template("partials/doc_link.html").render(item=link)
    assert "<script>" not in item and "A&amp;B&lt;script&gt;" in item


def test_link_fragments_render_as_the_template_does() -> None:
    """LinkFragments renders an item without Template.render's per-call globals copy: same
    markup, globals another plugin adds later still seen, errors still raised."""
    from jinja2 import DictLoader, Environment

    from site_builder.plugins.core.plugin import LinkFragments

    env = Environment(loader=DictLoader({  # noqa: S701 - as MkDocs renders themes
        "partials/doc_link.html": '<a href="{{ item["href"] }}">{{ item["title"] | e }}</a>'
                                  '{{ suffix | default("") }}{% for n in range(1) %}.{% endfor %}',
    }))
    links = LinkFragments(env)
    env.globals["suffix"] = "（新）"  # as a plugin's on_env after the core's
    item = {"id": "a", "href": "../a/", "title": "A&B", "declared": False}
    assert links.render(item) == env.get_template("partials/doc_link.html").render(item=item)
    assert links.render(item) == '<a href="../a/">A&amp;B</a>（新）.'
    assert links.list_items([item]) == (
        '\n      <li><a href="../a/">A&amp;B</a>（新）. '
        '<span class="td-tag td-tag--found">正文中的引用</span></li>')
    assert item == {"id": "a", "href": "../a/", "title": "A&B", "declared": False}  # unchanged

    broken = LinkFragments(Environment(loader=DictLoader({  # noqa: S701 - as MkDocs renders themes
        "partials/doc_link.html": "{{ item['n'] // 0 }}"})))
    with pytest.raises(ZeroDivisionError):
        broken.render({"n": 1})


def test_tongda_build_leaves_the_exit_nothing_to_collect(project) -> None:
    """``tongda build`` ends its process after one build: it freezes what the build left so
    the interpreter's last collection does not walk it. A build that does not end the
    process (``run_build``, which ``tongda serve`` uses) leaves the collector as it was."""
    from click.testing import CliRunner

    from site_builder.commands.build import command, run_build

    root = project("portal-small")
    run_build(str(root / "mkdocs.yml"))
    assert gc.get_freeze_count() == 0
    try:
        result = CliRunner().invoke(command, ["-f", str(root / "mkdocs.yml")])
        assert result.exit_code == 0, result.output
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
