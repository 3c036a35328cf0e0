"""The functions deploy without the site builder: a fresh virtual environment with only
``tongda[functions]`` installed serves the portal's ``/api/match/`` from a built site.

This is what a container image does (docs/deploy.md): no MkDocs, Selenium, numpy or
speech in it. pip takes the packages from PyPI (or its cache, which ``make setup`` filled).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.portal_server import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "site_builder", "search_index", "a11y", "functions",
           "themes")
ABSENT = ("mkdocs", "selenium", "numpy", "pyttsx3", "jieba", "lxml")


@pytest.fixture(scope="module")
def functions_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment holding ``tongda[functions]`` installed from this tree."""
    base = tmp_path_factory.mktemp("deploy")
    source = base / "src"
    source.mkdir()
    for name in SOURCES:  # a copy, so that building the wheel leaves the work tree alone
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy2(ROOT / name, source / name)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", f"{source}[functions]"],
                   check=True, timeout=900, capture_output=True)
    return venv


def _env(site_dir: Path, tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "TONGDA_SITE_DIR": str(site_dir), "TONGDA_VAR_DIR": str(tmp_path / "var"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'tongda.sqlite3'}"}
    env.pop("PYTHONPATH", None)
    return env


@pytest.fixture
def portal_process(functions_venv: Path, site_dir: Path, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = _env(site_dir, tmp_path)
    server = subprocess.Popen(
        [str(functions_venv / "bin/python"), "-m", "uvicorn", "--factory",
         "functions.asgi:create_portal", "--no-proxy-headers", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                if server.poll() is not None:
                    raise AssertionError(server.stdout.read().decode()  # type: ignore[union-attr]
                                         ) from None
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_functions_install_without_the_site_builder(functions_venv: Path) -> None:
    python = str(functions_venv / "bin/python")
    probe = ("import importlib.util as u, json; "
             f"print(json.dumps({{m: bool(u.find_spec(m)) for m in {ABSENT!r} + "
             "('fastapi', 'sqlalchemy', 'tongda_rules', 'datalogic_py')}))")
    found = json.loads(subprocess.run([python, "-c", probe], check=True, capture_output=True,
                                      text=True, cwd="/", timeout=120).stdout)
    assert not [m for m in ABSENT if found[m]], found
    assert found["fastapi"] and found["sqlalchemy"] and found["tongda_rules"]


def test_a_fresh_functions_only_environment_serves_api_match(portal_process: str) -> None:
    assert "首页" in httpx.get(portal_process + "/").text
    facts = httpx.get(portal_process + "/api/match/facts")
    assert facts.status_code == 200 and facts.json()["enterprise"]
    current = httpx.get(portal_process + "/api/match/rulesets/current").json()
    assert current["revision"] == 1 and current["policy_count"] >= 1
    profile = {"revenue": 3_000_000_000, "rd_spend": 100_000_000, "tags": ["高新技术企业"],
               "years": 5, "new_hires": 0}
    body = httpx.post(portal_process + "/api/match/match",
                      json={"subject": "enterprise", "profile": profile}).json()
    assert body["results"][0]["policy"]["id"] == "rd-subsidy"
    assert body["results"][0]["amount"] == 10_000_000


def test_staff_tokens_and_the_audit_check_work_in_a_functions_only_environment(
        functions_venv: Path, portal_process: str, site_dir: Path, tmp_path: Path,
        ruleset: dict[str, object]) -> None:
    tongda = str(functions_venv / "bin/tongda")
    env = _env(site_dir, tmp_path)
    made = subprocess.run([tongda, "token", "create", "发布机器人", "--role", "match:publish"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert made.returncode == 0, made.stderr
    token = next(w for w in made.stdout.split() if w.startswith("tdk_"))
    staff = {"Authorization": f"Bearer {token}"}
    published = httpx.post(portal_process + "/api/match/rulesets", json=ruleset, headers=staff)
    assert published.status_code == 201, published.text
    checked = subprocess.run([tongda, "audit", "verify"], capture_output=True, text=True,
                             timeout=120, cwd=tmp_path, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_site_verbs_say_what_to_install_in_a_functions_only_environment(
        functions_venv: Path) -> None:
    done = subprocess.run([str(functions_venv / "bin/tongda"), "build"], capture_output=True,
                          text=True, timeout=120, cwd="/")
    assert done.returncode == 2
    assert "pip install 'tongda[site]'" in done.stderr and "Traceback" not in done.stderr
