"""Shared by the Q&A tests: the demo portal built with the plugins the function reads."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from functions.runtime import auth
from tests.conftest import ROOT, tongda
from tests.search_index.node_search import run_node

WORDS = ROOT / "content" / "_data" / "sensitive-words.txt"
QUESTIONS = Path(__file__).parent / "questions.yml"
#: The demo portal's mkdocs.yml: ``plugins`` is the YAML list of plugins it is built with.
CONFIG = """\
site_name: 临江市政策服务门户
{site_url}docs_dir: {docs}
site_dir: {site}
use_directory_urls: true
theme:
  name: tongda
markdown_extensions: [tables, attr_list, def_list, footnotes, {{toc: {{permalink: false}}}}]
exclude_docs: |
  _data/
plugins:
{plugins}"""
#: The plugins the Q&A function reads: the core, search and qa.
QA_PLUGINS = """\
  - tongda
  - tongda-search
  - tongda-qa:
      links_calculator: calculator/
"""


def build_demo(folder: Path, docs: Path = ROOT / "content", *, plugins: str = QA_PLUGINS,
               site_url: str | None = "http://127.0.0.1:8000/") -> Path:
    """Build ``docs`` (the demo content by default) into ``folder / "site"`` with ``plugins``
    (by default the core, search and qa) and the real command line."""
    folder.mkdir(parents=True, exist_ok=True)
    cfg = folder / "mkdocs.yml"
    cfg.write_text(CONFIG.format(site_url=f"site_url: {site_url}\n" if site_url else "",
                                 docs=docs, site=folder / "site", plugins=plugins), "utf-8")
    built = tongda("build", "-f", str(cfg), cwd=folder)
    assert built.returncode == 0, built.stderr[-3000:]
    return folder / "site"



def bearer(engine: Engine, name: str, roles: list[str]) -> dict[str, str]:
    """Headers with a fresh staff token."""
    return {"Authorization": f"Bearer {auth.create_token(engine, name, roles)}"}


def search_page_first_results(site: Path, queries: list[str]) -> list[list[str]]:
    """The first result the search page (``tongda-search.js``, run in Node) gives each query."""
    answers = run_node(site.parent, site / "search", [[q, {"limit": 1}] for q in queries],
                       fields=("ids",))
    return [answer["ids"] for answer in answers]
