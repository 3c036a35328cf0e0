"""Pages a plugin adds to the site (a listing, the 智能问答 page, a feed index…): one way
to make them and to put them where they are published."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File


def move(file: File, dest_uri: str) -> None:
    """Publish ``file`` at ``dest_uri`` (``File`` caches ``url`` and ``abs_dest_path``
    from the old one: both are dropped)."""
    file.dest_uri = dest_uri
    for cached in ("url", "abs_dest_path"):
        file.__dict__.pop(cached, None)


def directory_index(path: str) -> str:
    """``"voucher/"`` → ``"voucher/index.html"``: the file of the page at a directory URL."""
    return path.strip("/") + "/index.html"


def generated_page(config: MkDocsConfig, src: str, dest_uri: str, *,
                   title: str | None = None, body: str = "") -> File:
    """A page with source ``src`` (not on disk) published at ``dest_uri``.

    Args:
        config: The build's configuration.
        src: The page's source path (``_tongda/…``), by which plugins recognise it.
        dest_uri: Where it is written (see :func:`directory_index`).
        title: Its title, as front matter (none without).
        body: Its Markdown after the front matter.
    """
    front = f"---\ntitle: {title}\n---\n" if title is not None else ""
    page = File.generated(config, src, content=front + body)
    move(page, dest_uri)
    return page
