"""Options of the ``tongda-graph`` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class GraphConfig(Config):
    """Citation finding, the graph file, the neighbourhood pictures and the explorer page."""

    enabled = c.Type(bool, default=True)
    """Find citations, write ``graph/graph.json`` and draw the pictures."""

    citations_enabled = c.Type(bool, default=True)
    """Add edges for citations found in titles and bodies (《…》 titles and 文号)."""
    citations_basis = c.Type(bool, default=True)
    """Also add a found ``based_on`` edge when the text says it is made under the cited
    document (根据《…》…制定本条例, 实施《…》办法, …实施条例), so lineage chains work."""

    picture_enabled = c.Type(bool, default=True)
    """Pre-render each document's neighbourhood as an SVG picture on its page."""
    picture_max_nodes = c.Type(int, default=16)
    """How many neighbours the picture draws (the first items of the page's related panels,
    which are its text alternative and list every neighbour up to the core's panel limit)."""

    explorer_enabled = c.Type(bool, default=True)
    """Generate the explorer page."""
    explorer_path = c.Type(str, default="graph/")
    """Site path of the explorer page; ``graph.json`` is written in the same folder."""
    explorer_title = c.Type(str, default="政策图谱")
    """Title of the explorer page."""
