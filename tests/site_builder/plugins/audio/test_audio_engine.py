"""The voice is really Mandarin: checked by the phonemes eSpeak NG reports, not by ear."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from site_builder.plugins.audio.engine import DEBIAN_FALLBACK_VOICE, create_engine
from tests.components import missing

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def engine():
    try:
        import espeakng_loader  # noqa: F401
    except ImportError:
        missing("pip package espeakng-loader")
    return create_engine("pyttsx3", "auto", 165)


def test_default_voice_is_espeak_152_cmn(engine) -> None:
    assert engine.voice == "cmn"
    assert engine.identity.startswith("pyttsx3-")
    assert "/espeak-ng-1.52" in engine.identity


def test_shenfenzheng_is_read_as_mandarin(engine) -> None:
    phonemes = engine.phonemes("身份证")
    # English letter names would show up as a language switch "(en)"; Mandarin syllables
    # carry tone numbers: shēn fèn zhèng.
    assert "(en)" not in phonemes
    assert phonemes.count("5") + phonemes.count("1") >= 3
    assert "ts." in phonemes  # zh, a retroflex affricate


def test_synthesis_returns_speech(engine) -> None:
    samples = engine.synthesize("办理居民身份证。")
    assert samples.dtype == np.int16
    seconds = samples.shape[0] / engine.sample_rate
    assert 0.5 < seconds < 10
    assert np.abs(samples).max() > 1000  # not silence


def _debian(voice: str) -> tuple[str, str]:
    """Voice and phonemes of 身份证 from Debian's library, in a fresh process (one process
    can hold only one libespeak-ng.so.1, and eSpeak initialises once per process)."""
    code = textwrap.dedent(
        f"""
        from site_builder.plugins.audio.engine import create_engine
        e = create_engine("pyttsx3-debian", {voice!r}, 165)
        print(e.voice)
        print(e.phonemes("身份证"))
        """
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         check=False)
    if run.returncode != 0 and "无法载入 eSpeak NG" in run.stderr:
        missing("Debian libespeak-ng1")
    assert run.returncode == 0, run.stderr
    name, phonemes = run.stdout.strip().splitlines()[-2:]
    return name, phonemes


def test_debian_fallback_uses_pinyin_voice() -> None:
    voice, phonemes = _debian("auto")
    assert voice == DEBIAN_FALLBACK_VOICE
    assert "(en)" not in phonemes
    assert "ts." in phonemes and phonemes.count("5") >= 3  # shēn fèn zhèng, tones


def test_phoneme_check_catches_debian_cmn() -> None:
    # The check can fail: Debian 1.51's own "cmn" switches to English for 身份.
    _, phonemes = _debian("cmn")
    assert "(en)" in phonemes


def test_a_cancelled_utterance_is_spoken_again(engine) -> None:
    # pyttsx3's driver can cancel an utterance that starts while the previous one drains; it
    # then reports an empty result. The engine must retry, never return (and cache) silence.
    real = engine._once
    calls: list[str] = []

    def flaky(text: str):
        calls.append(text)
        if len(calls) == 1:
            return np.zeros(0, dtype=np.int16), True
        return real(text)

    engine._once = flaky
    try:
        samples = engine.synthesize("办理须知")
    finally:
        del engine._once
    # At least one retry after the simulated cancel; the real driver may cancel again under
    # load, and the engine then retries once more: what matters is that speech comes back.
    assert len(calls) >= 2 and set(calls) == {"办理须知"}
    assert samples.shape[0] > engine.sample_rate // 2


def test_cache_refuses_an_empty_clip(tmp_path) -> None:
    from site_builder.plugins.audio.cache import Clip, ClipCache

    cache = ClipCache(tmp_path, 22050)
    with pytest.raises(ValueError):
        cache.put("k" * 64, Clip(np.zeros(0, dtype=np.int16), [0]), ["办理须知"])
    assert not cache.has("k" * 64)


def test_the_driver_finds_the_data_after_the_environment_was_put_back() -> None:
    """A build in a test (``mock.patch.dict(os.environ)`` around it) loaded eSpeak NG in this
    process and synthesised in its worker processes; the patch then put the environment
    back without ESPEAK_DATA_PATH. The first driver this process started afterwards got
    the library's built-in data path, and eSpeak NG ended the whole process (the pytest
    worker, and with it the run). Each load points eSpeak NG at its data again. In a
    process of its own, since the failure is the process' end."""
    code = textwrap.dedent(
        """
        import os
        from unittest import mock
        from site_builder.plugins.audio.engine import create_engine
        os.environ.pop("ESPEAK_DATA_PATH", None)  # not inherited from this test's process
        with mock.patch.dict(os.environ):
            print(create_engine("pyttsx3", "auto", 165).identity)  # loads the library
        assert "ESPEAK_DATA_PATH" not in os.environ  # the patch took it away
        engine = create_engine("pyttsx3", "auto", 165)
        print(engine.phonemes("身份证"))
        print(engine.synthesize("身份证。").shape[0] > 0)
        """
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, (run.stdout + run.stderr)[-2000:]
    phonemes, spoken = run.stdout.strip().splitlines()[-2:]
    assert "ts." in phonemes and spoken == "True"
