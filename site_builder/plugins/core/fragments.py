"""Each document's list item, rendered once per build and reused on every page."""

from __future__ import annotations

from typing import Any

FOUND_MARK = ' <span class="td-tag td-tag--found">正文中的引用</span>'
"""After a panel item whose relation was found in the text (kept in step with the
per-item fallback in ``partials/panels.html``)."""


class LinkFragments:
    """Each document's list item, rendered once per build and reused on every page.

    A basic law appears in the related panels of hundreds of pages and in many listings;
    ``partials/doc_link.html`` renders it once per (document, href) and the lists output
    the result, so a list costs about a tenth of rendering every item again.
    """

    def __init__(self, env: Any) -> None:
        self.template = env.get_template("partials/doc_link.html")
        self.cache: dict[tuple[str, str], Any] = {}
        self._globals: dict[str, Any] | None = None

    def render(self, item: dict[str, Any]) -> str:
        """``template.render(item=item)`` without its per-call cost: ``render`` copies
        the template's globals out of a ChainMap on every call (about half of rendering
        a list item); here they are copied once, at the first item, when every plugin
        has added its own."""
        template = self.template
        if self._globals is None:
            self._globals = dict(template.globals)
        context = template.new_context({**self._globals, "item": item}, shared=True)
        try:
            return template.environment.concat(  # type: ignore[no-any-return]
                template.root_render_func(context))
        except Exception:  # noqa: BLE001 - handle_exception raises it again
            # As Template.render does: the traceback points into the template.
            return template.environment.handle_exception()  # type: ignore[no-any-return]

    def list_items(self, items: list[dict[str, Any]]) -> Any:
        """The ``<li>`` elements of a list of documents as one piece of markup (a list
        written out item by item in Jinja costs ten template steps an item). Items need
        an ``href`` (``doc_link(entry, root)``); they are not changed (the related panels'
        items are shared between pages)."""
        from markupsafe import Markup

        cache = self.cache
        parts = []
        for item in items:
            key = (item["id"], item["href"])
            html = cache.get(key)
            if html is None:
                html = cache[key] = Markup(self.render(item))  # noqa: S704 - autoescaped template output
            # A relation found in the text rather than declared (the graph plugin's
            # citations) says so: the picture draws it dashed, the list names it.
            found = FOUND_MARK if item.get("declared") is False else ""
            parts.append(f"\n      <li>{html}{found}</li>")
        return Markup("".join(parts))  # noqa: S704 - escaped items and a fixed mark
