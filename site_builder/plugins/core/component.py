"""Render a macro of a theme component (``themes/tongda/components/<name>/<name>.html``).

The plugins' pages and boxes (the calculator, 在线申请, 征求意见, 随手拍, 智能问答, 数据凭证)
are macros of their component, called with one ``params`` mapping as its examples.yml
shows. Each component's environment and each macro's calling template are made once per
process: a box rendered on every policy page no longer compiles its template each time.
The environment's loader still notices an edited component file (``tongda serve``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

import themes

COMPONENTS = Path(themes.__file__).parent / "tongda" / "components"


@cache
def _environment(component: str) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(COMPONENTS / component)),
                              autoescape=True)


@cache
def _caller(component: str, macro: str) -> jinja2.Template:
    return _environment(component).from_string(
        '{% from "' + component + '.html" import ' + macro + " %}{{ " + macro + "(params) }}")


def render_macro(component: str, macro: str, params: dict[str, Any]) -> str:
    """The HTML of ``macro`` in ``components/<component>/<component>.html`` with ``params``."""
    return _caller(component, macro).render(params=params)
