"""Shared helpers of the theme's tests: component examples, macros, the built fixture site."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import yaml
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[2]
THEME = ROOT / "themes" / "tongda"
COMPONENTS = THEME / "components"
FIXTURE = ROOT / "tests" / "fixtures" / "theme-site"
#: The theme's own components (calculator and player belong to other plugins and test themselves).
OWN_COMPONENTS = ("toolbar", "combobox")
MACRO_FILES = {"toolbar": "components/toolbar/toolbar.html",
               "combobox": "components/combobox/combobox.html"}


def examples(component: str) -> list[dict[str, Any]]:
    """The examples of a component's ``examples.yml``."""
    data = yaml.safe_load((COMPONENTS / component / "examples.yml").read_text("utf-8"))
    return data["examples"]


def spec(component: str) -> dict[str, Any]:
    return yaml.safe_load((COMPONENTS / component / "examples.yml").read_text("utf-8"))


def render_example(component: str, example: dict[str, Any]) -> str:
    """Render one example's macro call to HTML."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(THEME)), autoescape=False,  # noqa: S701 - as MkDocs renders themes
                             undefined=jinja2.StrictUndefined)
    module = env.get_template(MACRO_FILES[component]).make_module({})
    return str(getattr(module, example["macro"])(**example["params"]))


def fragment(markup: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(markup, create_parent="div")


def js_shortcuts() -> list[tuple[str, str, str, bool]]:
    """The KEYS table of toolbar.js as (label, code, command, single key allowed)."""
    source = (COMPONENTS / "toolbar" / "toolbar.js").read_text("utf-8")
    table = source[source.index("var KEYS = ["):source.index("];", source.index("var KEYS = ["))]
    return [(m[0], m[1], m[2], m[3] == "1")
            for m in re.findall(r'\["([^"]+)", "(\w+)", "([\w:-]+)", ([01])\]', table)]


def js_settings() -> dict[str, list[str]]:
    """restore.js's SETTINGS: each data-td-* attribute and its allowed values."""
    source = (COMPONENTS / "toolbar" / "restore.js").read_text("utf-8")
    block = source[source.index("var SETTINGS = {"):source.index("};", source.index("var SETTINGS = {"))]
    return {name: re.findall(r'"([^"]+)"', values)
            for name, values in re.findall(r"(\w+): \[([^\]]*)\]", block)}


def modes() -> list[dict[str, Any]]:
    return json.loads((THEME / "assets" / "modes.json").read_text("utf-8"))


def build_fixture(dest: Path) -> Path:
    """Build the theme fixture site into ``dest`` with the real command line."""
    done = subprocess.run([sys.executable, "-m", "site_builder.cli", "build", "-f",
                           str(FIXTURE / "mkdocs.yml"), "-d", str(dest)],
                          check=False, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return dest
