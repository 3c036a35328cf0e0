"""Helpers of the HTTP tests (imported by name: this folder is on sys.path)."""

from __future__ import annotations

from pathlib import Path

from search_index.store import FileWriter


def add_site_files(site: Path) -> dict[str, str]:
    """Files a built portal has: a 404 page, a section, CSS, the search index's shards."""
    (site / "404.html").write_text("<!DOCTYPE html><title>找不到页面</title><h1>找不到页面</h1>",
                                   encoding="utf-8")
    (site / "policies/rd").mkdir(parents=True)
    (site / "policies/rd/index.html").write_text("<!DOCTYPE html><title>研发</title>",
                                                 encoding="utf-8")
    (site / "assets").mkdir()
    (site / "assets/site.css").write_text("body { color: #111; }\n", encoding="utf-8")
    # The search index writes its shards through this writer: the names under test are the
    # names the real index gets.
    writer = FileWriter(site / "search")
    shard = writer.put({"研发": [1, 2]}, "t-")
    page = writer.put([shard[2:-4]], "Pt-")
    (site / "search/manifest.tdz").write_bytes((site / "search" / shard).read_bytes())
    return {"shard": f"/search/{shard}", "page": f"/search/{page}",
            "manifest": "/search/manifest.tdz", "css": "/assets/site.css"}
