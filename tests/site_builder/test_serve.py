"""``tongda serve``: serves the built site on loopback and rebuilds when content changes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.portal_server import free_port

pytestmark = pytest.mark.integration


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


class Served:
    """``tongda serve`` running on a copy of a fixture, its output in a file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = (root.parent / "serve.log").open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "site_builder.cli", "serve", "--port", str(self.port)],
            cwd=root, stdout=self.log, stderr=subprocess.STDOUT, text=True)
        assert wait_for(lambda: get(f"{self.base}/__tongda/version")[0] == 200), self.output()

    def state(self) -> dict:
        return json.loads(get(f"{self.base}/__tongda/version")[1])

    def output(self) -> str:
        return (self.root.parent / "serve.log").read_text(encoding="utf-8")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


CRASH_HOOK = '''
def on_page_markdown(markdown, page, config, files):
    if "崩溃" in markdown:
        raise RuntimeError("插件崩溃了")
    return markdown
'''


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_no_failure_stops_the_rebuilds(project) -> None:
    """A NUL byte killed the rebuild thread for good while /__tongda/version said all was
    well; a plugin's crash did too. Each is reported now, and the next save builds again."""
    root: Path = project("portal-small")
    (root / "crash_hook.py").write_text(CRASH_HOOK, encoding="utf-8")
    replace(root / "mkdocs.yml", "plugins:\n", "hooks:\n  - crash_hook.py\nplugins:\n")
    served = Served(root)
    source = root / "content/policies/passport-law.md"
    good = source.read_text(encoding="utf-8")
    try:
        version = served.state()["version"]
        for breakage, expected in (
                (good.replace("issuer: ", "issuer: \0"), {
                    "path": "content/policies/passport-law.md", "line": 5, "field": ""}),
                (good.replace("第一条", "崩溃第一条"), {
                    "path": "content/policies/passport-law.md", "line": None, "field": ""}),
                (good.replace("level: national", "level: planet"), {
                    "path": "content/policies/passport-law.md", "line": 6, "field": "level"})):
            source.write_text(breakage, encoding="utf-8")
            assert wait_for(lambda: served.state()["errors"]), served.output()
            state = served.state()
            assert state["version"] == version and state["error"]
            assert [{k: e[k] for k in ("path", "line", "field")} for e in state["errors"]] == [expected]
            assert "中华人民共和国护照法" in get(f"{served.base}/policies/passport-law/")[1]
            source.write_text(good, encoding="utf-8")
            assert wait_for(lambda v=version: served.state()["version"] > v), served.output()
            version = served.state()["version"]
            assert served.state()["errors"] == [] and served.state()["error"] is None
        assert "生成这个页面时出错（RuntimeError: 插件崩溃了）" in served.output()
        assert "Traceback" not in served.output()
    finally:
        served.stop()


def test_the_preview_trusts_no_proxy_and_names_no_server(project) -> None:
    served = Served(project("portal-small"))
    try:
        request = urllib.request.Request(f"{served.base}/policies", headers={
            "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Host": "evil.example"})

        class Keep(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                return None

        opener = urllib.request.build_opener(Keep)
        with pytest.raises(urllib.error.HTTPError) as info:
            opener.open(request, timeout=5)
        assert info.value.code == 307
        assert info.value.headers["location"] == f"{served.base}/policies/"
        with urllib.request.urlopen(f"{served.base}/", timeout=5) as response:
            assert response.headers.get("server") is None
        with urllib.request.urlopen(f"{served.base}/__tongda/version", timeout=5) as response:
            assert response.headers.get("server") is None
    finally:
        served.stop()


def test_the_error_list_and_a_first_build_that_fails(project) -> None:
    """The first build fails: the preview still starts, shows the error list in place of
    every page, and serves the site once the content is fixed."""
    root: Path = project("portal-small")
    source = root / "content/policies/passport-law.md"
    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace("level: national", "level: <b>planet</b>"), encoding="utf-8")
    served = Served(root)
    try:
        status, body = get(f"{served.base}/policies/passport-law/")
        assert status == 503 and "<h1>内容错误</h1>" in body
        assert '<li id="e1"><code>content/policies/passport-law.md:6</code> <code>level</code>：' in body
        assert "&lt;b&gt;planet&lt;/b&gt;" in body and "<b>planet" not in body
        status, body = get(f"{served.base}/__tongda/errors")
        assert status == 200 and 'lang="zh-CN"' in body and '<script src="/__tongda/livereload.js"' in body
        source.write_text(good, encoding="utf-8")
        assert wait_for(lambda: served.state()["version"] > 0), served.output()
        assert "中华人民共和国护照法" in get(f"{served.base}/policies/passport-law/")[1]
        assert "没有错误" in get(f"{served.base}/__tongda/errors")[1]
    finally:
        served.stop()


def test_the_preview_pages_get_the_portals_headers_and_audit_heads_survive_rebuilds(
        project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview's own pages answer through the portal's hygiene layer (one CSP for the
    whole origin), and the signed audit head the functions publish into ``site/api/audit/``
    is published again into every rebuilt site."""
    monkeypatch.setenv("TONGDA_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'tongda.sqlite3'}")
    root: Path = project("match-site")
    served = Served(root)
    try:
        for path in ("/__tongda/version", "/__tongda/errors", "/__tongda/livereload.js", "/"):
            with urllib.request.urlopen(served.base + path, timeout=5) as response:
                assert "default-src 'self'" in response.headers["content-security-policy"], path
                assert response.headers["x-content-type-options"] == "nosniff", path
        assert get(f"{served.base}/api/match/rulesets/current")[0] == 200  # seeds: audited
        status, body = get(f"{served.base}/api/audit/heads.json")
        assert status == 200, body
        head = json.loads(body)
        version = served.state()["version"]
        replace(root / "content/policies/rd-subsidy.md", "title: 临江市企业研发投入补助办法",
                "title: 临江市企业研发投入补助办法（修订）")
        assert wait_for(lambda: served.state()["version"] > version), served.output()
        status, body = get(f"{served.base}/api/audit/heads.json")
        assert status == 200 and json.loads(body) == head, served.output()
    finally:
        served.stop()


def test_the_open_page_learns_of_a_new_build_at_once(tmp_path: Path) -> None:
    """``/__tongda/version?after=N`` answers as soon as the version (or the errors) differ
    from what the page knows, and at once when they already do; without ``after``, at once.
    The page reloads when a build is done instead of on its next one-second poll."""
    import asyncio
    import threading
    from types import SimpleNamespace

    import httpx

    from site_builder.serving import build_asgi

    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>首页</title>", "utf-8")
    state = SimpleNamespace(version=3, error=None, errors=[])  # a Rebuilder's public state
    app = build_asgi(tmp_path, state)

    async def ask(query: str) -> tuple[float, dict]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://preview") as client:
            started = time.monotonic()
            response = await client.get("/__tongda/version" + query)
            return time.monotonic() - started, response.json()

    waited, answer = asyncio.run(ask(""))
    assert answer["version"] == 3 and waited < 1
    key = answer["errors_key"]
    waited, answer = asyncio.run(ask("?after=2&errors=" + key))
    assert answer["version"] == 3 and waited < 1  # already newer than the page's

    def build_later(seconds: float, **change: object) -> None:
        threading.Timer(seconds, lambda: vars(state).update(change)).start()

    build_later(0.5, version=4)
    waited, answer = asyncio.run(ask("?after=3&errors=" + key))
    assert answer["version"] == 4 and 0.4 < waited < 3
    errors = [{"path": "policies/a.md", "line": 3, "field": "level", "message": "无效"}]
    build_later(0.5, errors=errors, error="内容有 1 处错误")
    waited, answer = asyncio.run(ask("?after=4&errors=" + key))
    assert answer["version"] == 4 and answer["errors"] == errors and 0.4 < waited < 3
    assert answer["errors_key"] != key
