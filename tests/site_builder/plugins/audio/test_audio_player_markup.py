"""The player component's examples (themes/tongda/components/player/examples.yml) render to
markup a user can operate: labelled native controls, no autoplay, rate within 0.75–1.5."""

from __future__ import annotations

import pytest
import yaml
from lxml import html as lxml_html

from site_builder.plugins.audio.page import COMPONENT_DIR, _macros

pytestmark = pytest.mark.unit

EXAMPLES = yaml.safe_load((COMPONENT_DIR / "examples.yml").read_text("utf-8"))["examples"]


def render(example: dict) -> lxml_html.HtmlElement:
    macro = getattr(_macros(), example["macro"])
    return lxml_html.fragment_fromstring(str(macro(**example["params"])), create_parent="div")


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e["macro"] == "player"],
                         ids=lambda e: e["name"])
def test_player_example(example: dict) -> None:
    root = render(example)
    player = root.xpath("//section[@data-module='td-player']")[0]
    title_id = player.get("aria-labelledby")
    assert root.xpath(f"string(//*[@id='{title_id}'])") == "朗读本页"
    assert "机器朗读本页文字" in root.xpath("string(//p[@id='td-player-note'])")
    audio = root.xpath("//audio")[0]
    assert audio.get("controls") is not None and audio.get("autoplay") is None
    assert audio.get("preload") == "none"  # nothing downloads until asked
    assert audio.get("aria-label")
    # Extra controls need the script: hidden until it runs (the no-JS example is the same markup).
    controls = root.xpath("//*[contains(@class,'td-player__controls')]")[0]
    assert controls.get("hidden") is not None
    rates = [float(v) for v in root.xpath("//select[@data-td-control='rate']/option/@value")]
    assert min(rates) == 0.75 and max(rates) == 1.5
    for control in root.xpath("//select|//input"):
        assert control.getparent().tag == "label"  # every control has a visible label
    assert root.xpath("//button[@type='button']")  # real buttons
    assert root.xpath("//a[@download]/@href") == [example["params"]["audio_src"]]
    if example["params"].get("duration"):
        assert "约2分钟" in root.xpath("string(//p[@id='td-player-note'])")


def test_read_button_example() -> None:
    example = next(e for e in EXAMPLES if e["macro"] == "read_button")
    button = render(example).xpath("//button")[0]
    assert button.text == "朗读此段" and button.get("type") == "button"
    assert button.get("aria-label") == "朗读此段：" + example["params"]["snippet"]
    assert button.get("hidden") is not None
