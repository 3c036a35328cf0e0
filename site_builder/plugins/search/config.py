"""Options of the ``tongda-search`` plugin."""
from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class SearchConfig(Config):
    """``plugins: - tongda-search: {...}`` in mkdocs.yml."""

    enabled = c.Type(bool, default=True)
    """Build the search index and the results page."""

    index_dir = c.Type(str, default="search")
    """Folder of the site that receives the index, the runtime script and the results page."""

    index_synonyms = c.Type(str, default="_data/synonyms.yml")
    """Editors' colloquial-to-formal dictionary, relative to ``docs_dir``."""

    index_feedback = c.Type(str, default="_data/qa-feedback.json")
    """Readers' 满意/不满意 votes per page (``tongda qa feedback-export``), relative to
    ``docs_dir``: each page moves within bounds by its votes. A missing file: no votes."""

    cache_enabled = c.Type(bool, default=True)
    """Keep index files in a cache so a rebuild writes only the files that changed."""

    cache_dir = c.Type(str, default=".tongda-cache/search")
    """Cache folder, relative to the folder of mkdocs.yml."""

    page_enabled = c.Type(bool, default=True)
    """Add the results page ``<index_dir>/`` (a GET form: ``search/?q=...``)."""

    page_title = c.Type(str, default="搜索")
    """Title of the results page."""
