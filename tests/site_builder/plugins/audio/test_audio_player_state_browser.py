"""The player's accessible state after playback ends, and after it is stopped.

``test_audio_player_browser`` checks the state while reading; a screen-reader user also
hears what the controls say afterwards: 连续朗读 no longer pressed, the state line back
to its idle text, no block left highlighted.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.site_builder.plugins.audio.test_audio_player_browser import (  # noqa: F401 - fixtures
    driver,
    page,
    site,
    wait_for,
)

pytestmark = pytest.mark.browser
CONTINUOUS = "document.querySelector('[data-td-player=continuous]')"
AUDIO = "document.querySelector('.td-player audio')"
STATE = "document.querySelector('.td-player__state')"


@pytest.fixture
def player(page: Any) -> Any:  # noqa: F811 - the fixture imported above
    """The browser on the audio fixture's page, its cue and state events recorded."""
    return page


def _click(player: Any, which: str) -> None:
    """A real click (a user gesture: the browser lets only those start playback)."""
    player.find_element("css selector", f"[data-td-player={which}]").click()


def _start(player: Any) -> str:
    idle = player.execute_script(f"return {STATE}.textContent")
    _click(player, "continuous")
    wait_for(player, f"{CONTINUOUS}.getAttribute('aria-pressed') === 'true'")
    wait_for(player, "document.querySelector('.td-player__reading') !== null")
    return str(idle)


def _assert_at_rest(player: Any, idle: str) -> None:
    assert player.execute_script(f"return {CONTINUOUS}.getAttribute('aria-pressed')") == "false"
    assert player.execute_script(f"return [{STATE}.getAttribute('data-td-state'),"
                               f" {STATE}.textContent]") == ["stopped", idle]
    assert player.execute_script("return document.querySelectorAll('.td-player__reading').length") == 0
    assert player.execute_script("return window.tdCues[window.tdCues.length - 1].id") is None
    assert player.execute_script("return window.tdStates[window.tdStates.length - 1]") is False


def test_when_playback_ends_the_controls_say_so(player: Any) -> None:
    idle = _start(player)
    # Seek near the end once the length is known (on a busy machine it may not be yet).
    wait_for(player, f"isFinite({AUDIO}.duration) && {AUDIO}.duration > 1")
    player.execute_script(f"window.tdEnded = false; {AUDIO}.addEventListener('ended',"
                        " function () { window.tdEnded = true; });"
                        f" {AUDIO}.currentTime = {AUDIO}.duration - 0.4")
    wait_for(player, "window.tdEnded", timeout=5)
    wait_for(player, f"{STATE}.getAttribute('data-td-state') === 'stopped'", timeout=3)
    _assert_at_rest(player, idle)


def test_after_pause_and_stop_the_button_is_no_longer_pressed(player: Any) -> None:
    idle = _start(player)
    _click(player, "continuous")  # pressed again: pause
    wait_for(player, f"{AUDIO}.paused")
    assert player.execute_script(f"return [{CONTINUOUS}.getAttribute('aria-pressed'),"
                               f" {STATE}.getAttribute('data-td-state')]") == ["false", "paused"]
    _click(player, "stop")
    wait_for(player, f"{STATE}.getAttribute('data-td-state') === 'stopped'", timeout=3)
    _assert_at_rest(player, idle)
