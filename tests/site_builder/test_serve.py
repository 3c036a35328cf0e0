"""``tongda serve``: serves the built site on loopback and rebuilds when content changes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def wait_for(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def test_serves_pages_and_rebuilds_on_change(project) -> None:
    root: Path = project("portal-small")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "site_builder.cli", "serve", "--port", str(port)],
                              cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(lambda: get(f"{base}/__tongda/version")[0] == 200), "server did not start"
        status, body = get(f"{base}/policies/passport-law/")
        assert status == 200 and "中华人民共和国护照法" in body
        assert "__tongda/livereload.js" in body
        assert get(f"{base}/no/such/page/")[0] == 404
        version = json.loads(get(f"{base}/__tongda/version")[1])["version"]
        source = root / "content/policies/passport-law.md"
        source.write_text(source.read_text(encoding="utf-8").replace(
            "title: 中华人民共和国护照法", "title: 中华人民共和国护照法（修订）"), encoding="utf-8")
        assert wait_for(lambda: json.loads(get(f"{base}/__tongda/version")[1])["version"] > version)
        assert "中华人民共和国护照法（修订）" in get(f"{base}/policies/passport-law/")[1]
        source.write_text(source.read_text(encoding="utf-8").replace("level: national", "level: x"),
                          encoding="utf-8")
        assert wait_for(lambda: json.loads(get(f"{base}/__tongda/version")[1])["error"])
        error = json.loads(get(f"{base}/__tongda/version")[1])["error"]
        assert "policies/passport-law.md" in error and "level" in error
        assert "中华人民共和国护照法（修订）" in get(f"{base}/policies/passport-law/")[1]
    finally:
        server.terminate()
        server.wait(timeout=10)
