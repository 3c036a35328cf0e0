"""Each component example (examples.yml) rendered into a page in its context and checked
with axe-core in Chromium, in the default look, elder mode and every palette."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from theme_testlib import COMPONENTS, OWN_COMPONENTS, ROOT, THEME, examples, modes, render_example

from a11y.axe import AxeRunner, find_axe
from a11y.browser import serve_directory

pytestmark = [pytest.mark.browser]

EXAMPLES = [(c, e) for c in OWN_COMPONENTS for e in examples(c)]
MODES = [m for m in modes() if m["name"] in
         ("default", "elder", "yellow-black", "white-black", "black-white", "blue-yellow")]
HEAD = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>示例：{title}</title>
<link rel="stylesheet" href="../assets/css/tongda.css">
<link rel="stylesheet" href="../components/toolbar/toolbar.css">
<link rel="stylesheet" href="../components/combobox/combobox.css">
<noscript><link rel="stylesheet" href="../assets/css/nojs.css"></noscript>
<script src="../components/toolbar/restore.js"></script></head><body>"""
TAIL = """<script src="../components/toolbar/toolbar.js" defer></script>
<script src="../components/combobox/combobox.js" defer></script></body></html>"""


def page(component: str, example: dict[str, Any]) -> str:
    markup = render_example(component, example)
    context = example.get("context", "main")
    if context == "header":
        body = (f'<header class="td-header" aria-label="网站标题"><div class="td-width td-header__bar">'
                f'<a class="td-header__brand" href="#">示例门户</a>{markup}</div></header>'
                '<main id="main" class="td-main td-width"><h1>示例</h1><p>正文。</p></main>')
    elif context == "body":
        body = f'<main id="main" class="td-main td-width"><h1>示例</h1><p>正文。</p></main>{markup}'
    else:
        body = f'<main id="main" class="td-main td-width"><h1>示例</h1>{markup}</main>'
    head = HEAD.format(title=f"{component} {example['name']}")
    if example.get("script") is False:
        # What a browser without JavaScript gets: the <noscript> stylesheet applies, no script runs.
        head = head.replace('<noscript><link rel="stylesheet" href="../assets/css/nojs.css"></noscript>',
                            '<link rel="stylesheet" href="../assets/css/nojs.css">')
        head = head.replace('<script src="../components/toolbar/restore.js"></script>', "")
        return head + body.replace("<noscript>", "").replace("</noscript>", "") + "</body></html>"
    return head + body + TAIL


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("examples")
    shutil.copytree(THEME / "assets", root / "assets")
    for name in OWN_COMPONENTS:
        shutil.copytree(COMPONENTS / name, root / "components" / name)
    for component, example in EXAMPLES:
        (root / component).mkdir(exist_ok=True)
        (root / component / f"{example['name']}.html").write_text(page(component, example), "utf-8")
    with serve_directory(root) as url:
        yield url


@pytest.fixture(scope="module")
def axe() -> AxeRunner:
    return AxeRunner(find_axe(start=ROOT))


@pytest.mark.parametrize(("component", "example"), EXAMPLES,
                         ids=lambda v: v if isinstance(v, str) else v["name"])
def test_example_passes_axe_in_every_look(driver: Any, base: str, axe: AxeRunner,
                                          component: str, example: dict[str, Any]) -> None:
    for mode in MODES:
        driver.get(f"{base}{component}/{example['name']}.html")
        driver.execute_script(
            "for (const [k, v] of Object.entries(arguments[0])) document.documentElement.setAttribute(k, v);"
            " const panel = document.getElementById('td-toolbar'); if (panel) panel.hidden = false;"
            " const b = document.querySelector('[data-td-set=\"gray\"]'); if (b) b.setAttribute('aria-pressed', 'true');",
            mode["attrs"])
        result = axe.run(driver)
        found = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        assert found == [], (mode["name"], found)
    if example.get("script") is False:
        for button in driver.find_elements("css selector", ".td-entries button"):
            assert not button.is_displayed()  # inert without the script, so not offered
