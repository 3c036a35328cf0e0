"""The theme's components render from their examples.yml to markup people can operate."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from theme_testlib import (
    COMPONENTS,
    OWN_COMPONENTS,
    THEME,
    examples,
    fragment,
    js_settings,
    js_shortcuts,
    modes,
    render_example,
    spec,
)

pytestmark = pytest.mark.unit

ALL = [(c, e) for c in OWN_COMPONENTS for e in examples(c)]


@pytest.mark.parametrize(("component", "example"), ALL, ids=lambda v: v if isinstance(v, str) else v["name"])
def test_every_example_renders_with_declared_params(component: str, example: dict) -> None:
    declared = spec(component)["macros"][example["macro"]]["params"]
    assert set(example["params"]) <= set(declared)
    for name, param in declared.items():
        if param.get("required"):
            assert name in example["params"], f"{example['name']} lacks required {name}"
    root = fragment(render_example(component, example))
    ids = list(root.xpath("//@id"))
    assert not [i for i, n in Counter(ids).items() if n > 1], "duplicate ids"
    for button in root.xpath("//button"):
        assert button.get("type") in ("button", "submit")
        assert button.text_content().strip(), "every button has a visible name"
    # The entries control the toolbar panel, which another macro of the component renders.
    known = set(ids) | {i for e in examples(component)
                        for i in fragment(render_example(component, e)).xpath("//@id")}
    for ref in root.xpath("//@aria-controls|//@aria-labelledby|//@aria-describedby"):
        for target in ref.split():
            assert target in known, f"{ref} points nowhere"
    assert not root.xpath("//script|//@style|//@*[starts-with(name(), 'on')]")


def test_component_folders_are_complete() -> None:
    for name in OWN_COMPONENTS:
        folder = COMPONENTS / name
        for suffix in (".html", ".css", ".js"):
            assert (folder / f"{name}{suffix}").is_file(), f"{name}{suffix}"
        assert (folder / "examples.yml").is_file()
        assert any(e.get("script") is False for e in examples(name)), f"{name} has no no-JS example"


def _example(component: str, name: str) -> dict:
    return next(e for e in examples(component) if e["name"] == name)


def test_toggles_are_pressed_buttons_and_actions_are_not() -> None:
    root = fragment(render_example("toolbar", _example("toolbar", "toolbar")))
    toggles = root.xpath("//button[@data-td-set]")
    assert len(toggles) >= 10
    assert {b.get("aria-pressed") for b in toggles} == {"false"}  # off by default
    for action in root.xpath("//button[@data-td-action]"):
        assert action.get("aria-pressed") is None
    settings = js_settings()
    for b in toggles:
        assert b.get("data-td-value") in settings[b.get("data-td-set")]
    schemes = {b.get("data-td-value") for b in root.xpath("//button[@data-td-set='scheme']")}
    assert schemes == {"yellow-black", "white-black", "black-white", "blue-yellow"}
    speech = [b.get("data-td-value") for b in root.xpath("//button[@data-td-action='speech']")]
    assert speech == ["play", "pause", "stop"]
    panel = root.xpath("//section[@id='td-toolbar']")[0]
    assert panel.get("hidden") is not None and panel.get("aria-labelledby") == "td-toolbar-title"
    assert root.xpath("//a[@class='td-toolbar__help']/@href") == ["accessibility.html"]


def test_entries_offer_elder_mode_and_the_toolbar() -> None:
    root = fragment(render_example("toolbar", _example("toolbar", "entries")))
    assert root.xpath("//a[@class='td-entries__link']/@href") == ["text/policies/a/"]
    elder = root.xpath("//button[@data-td-set='mode']")[0]
    assert elder.text_content() == "长者模式" and elder.get("aria-pressed") == "false"
    opener = root.xpath("//button[@aria-controls='td-toolbar']")[0]
    assert opener.get("aria-expanded") == "false" and opener.text_content() == "无障碍"
    bare = fragment(render_example("toolbar", _example("toolbar", "entries-without-text-version")))
    assert not bare.xpath("//a")


def test_overlays_repeat_visible_text_so_are_hidden_from_the_tree() -> None:
    root = fragment(render_example("toolbar", _example("toolbar", "overlays")))
    for cls in ("td-guide", "td-caption"):
        el = root.xpath(f"//div[@class='{cls}']")[0]
        assert el.get("aria-hidden") == "true" and el.get("hidden") is not None
    assert root.xpath("//div[@id='td-announce']/@role") == ["status"]


def test_help_table_lists_exactly_the_shortcuts_the_script_knows() -> None:
    root = fragment(render_example("toolbar", _example("toolbar", "shortcuts")))
    rows = [[c.text_content().strip() for c in tr.xpath("td")] for tr in root.xpath("//tbody/tr")]
    combos = {r[0]: r[1] for r in rows}
    keys = js_shortcuts()
    assert len(keys) >= 15
    for label, _code, command, single in keys:
        assert f"Alt+Shift+{label}" in combos, f"Alt+Shift+{label} ({command}) not documented"
        assert combos[f"Alt+Shift+{label}"] == (label if single else "—"), label
    documented = {c.removeprefix("Alt+Shift+") for c in combos if c.startswith("Alt+")}
    assert documented == {k[0] for k in keys}
    assert "Esc" in combos
    assert root.xpath("string(//caption)") == f"键盘快捷键（共{len(rows)}项）"


def test_no_single_key_shortcut_without_modifier_counterpart_or_off_switch() -> None:
    keys = js_shortcuts()
    assert ("K", "KeyK", "set:keys:on", False) in keys  # the off switch is not itself a single key
    assert ("X", "KeyX", "reset", False) in keys


def test_modes_json_describes_every_mode_the_css_styles() -> None:
    listed = modes()
    names = [m["name"] for m in listed]
    assert len(names) == len(set(names)) and "elder" in names
    css = (THEME / "assets" / "css" / "tongda.css").read_text("utf-8")
    settings = js_settings()
    for scheme in settings["scheme"]:
        assert scheme in names, f"scheme {scheme} missing from modes.json"
    for mode in listed:
        assert mode["label"]
        for attr, value in mode["attrs"].items():
            name = attr.removeprefix("data-td-")
            assert value in settings[name], f"{mode['name']}: {attr}={value} unknown to the script"
            assert f'html[{attr}="{value}"]' in css, f"{mode['name']}: no CSS for {attr}={value}"
    elder = next(m for m in listed if m["name"] == "elder")
    # Elder mode tells the checker its own target minimum (design: 44×44 CSS px).
    assert elder == {"name": "elder", "label": "长者模式", "attrs": {"data-td-mode": "elder"},
                     "min_target": 44}


def test_combobox_follows_the_aria_pattern() -> None:
    root = fragment(render_example("combobox", _example("combobox", "default")))
    field = root.xpath("//input")[0]
    assert field.get("role") == "combobox" and field.get("aria-expanded") == "false"
    assert field.get("aria-autocomplete") == "list" and field.get("data-module") == "td-search-input"
    assert root.xpath(f"//label[@for='{field.get('id')}']")
    listbox = root.xpath(f"//*[@id='{field.get('aria-controls')}']")[0]
    assert listbox.get("role") == "listbox" and listbox.get("hidden") is not None
    assert root.xpath("//*[@role='status']")
    form = root.xpath("//form")[0]
    assert form.get("role") == "search" and form.get("action") == "search/" and form.get("method") == "get"
    assert "A–Z 索引" in root.xpath("string(//noscript)")
    second = fragment(render_example("combobox", _example("combobox", "second-box")))
    assert second.xpath("//input/@id") == ["td-search-page-input"]
    assert second.xpath("//input/@placeholder") == ["例如：护照"]


def test_css_has_no_third_party_hosts_or_web_fonts() -> None:
    for css in THEME.rglob("*.css"):
        text = css.read_text("utf-8")
        assert "@font-face" not in text and "@import" not in text, css
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), css
