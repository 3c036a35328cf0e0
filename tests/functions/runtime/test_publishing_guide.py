"""The publishing guide's ready-made headers are the server's, value for value.

``docs/publishing.md`` gives Nginx and ``_headers`` snippets to paste; the values live in
``functions/runtime/http.py`` only. These tests fail when one changes without the other.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from functions.runtime import http
from search_index.store import FileWriter

pytestmark = pytest.mark.unit
GUIDE = Path(__file__).resolve().parents[3] / "docs" / "publishing.md"


def _guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def test_the_guide_holds_the_snippets_the_code_writes() -> None:
    guide = _guide()
    assert http.nginx_headers() in guide
    assert http.nginx_hashed_location() + " {" in guide
    assert http.headers_file() in guide


def test_every_header_value_in_the_guide_is_the_servers() -> None:
    served = {**http.SECURITY_HEADERS, **http.HTTPS_HEADERS}
    cache = {http.CACHE_IMMUTABLE, http.CACHE_REVALIDATE}
    nginx = re.findall(r'^\s*add_header ([\w-]+) "([^"]*)" always;$', _guide(), re.M)
    assert len(nginx) == len(served) + 2
    for name, value in nginx:
        assert value in cache if name == "Cache-Control" else value == served[name], name
    static_host = re.findall(r"^  ([A-Z][\w-]+): (.+)$", _guide(), re.M)
    assert dict(static_host) == served


def test_the_guides_immutable_location_matches_exactly_the_hashed_files(tmp_path: Path) -> None:
    found = re.search(r'location ~ "([^"]+)" \{\n\s*include snippets/tongda-headers.conf;\n'
                      r'\s*add_header Cache-Control "([^"]+)" always;', _guide())
    assert found is not None and found.group(2) == http.CACHE_IMMUTABLE
    nginx = re.compile(found.group(1))
    writer = FileWriter(tmp_path)
    hashed = [f"/search/{writer.put({'k': n}, prefix)}" for n, prefix in
              enumerate(["t-", "Pt-", "chr-", "dn-", "x-", "dates-"])]
    named = ["/search/manifest.tdz", "/search/tongda-search.js", "/search/", "/index.html",
             "/audio/policies/rd-subsidy.mp3", "/search/t-0123456789ab.tdz.bak",
             "/search/t-0123456789abc.tdz", "/search/t-0123456789AB.tdz"]
    for path in hashed + named:
        assert bool(nginx.search(path)) == http.is_content_hashed(path) == (path in hashed), path
