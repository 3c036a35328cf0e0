"""The page at ``feeds/``: every subscription the site offers, grouped, for people.

Feed readers find a listing's feed through its ``<link rel="alternate">``; a person looking
for "订阅" needs a page. It lists each feed with its Atom and JSON Feed addresses, grouped
by what it follows (全部, 专题, 服务对象, 发文机关, 层级), and is rendered by the theme's
``feeds.html``.
"""

from __future__ import annotations

from typing import Any

from .feeds import Feed

PAGE_SRC = "_tongda/feeds.md"
TEMPLATE = "feeds.html"
GROUPS = {"all": "全部文件", "topic": "按专题", "audience": "按服务对象", "issuer": "按发文机关",
          "level": "按层级"}


def context(feeds: list[Feed]) -> list[dict[str, Any]]:
    """The template's ``feed_groups``: ``[{label, feeds: [{title, atom, json, count}]}]``."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for feed in feeds:
        facet = feed.key.split(":", 1)[0]
        title = feed.title.split("：", 1)[-1] if facet != "all" else feed.title
        groups.setdefault(facet, []).append({"title": title, "atom": feed.atom_path,
                                             "json": feed.json_path, "count": len(feed.entries),
                                             "listing": feed.listing_url or None})
    order = [*GROUPS, *sorted(set(groups) - set(GROUPS))]
    return [{"facet": f, "label": GROUPS.get(f, f), "feeds": groups[f]} for f in order if f in groups]
