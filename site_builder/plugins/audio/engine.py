"""Speech engines behind one small interface.

The pipeline only needs "text in, 16-bit mono samples out" plus a stable identity for the
cache key, so a better voice can be added later by writing another :class:`SpeechEngine`.

The default engine is pyttsx3 driving eSpeak NG. Which eSpeak NG library pyttsx3 talks to is
decided *before* pyttsx3 is imported: pyttsx3's driver does ``dlopen("libespeak-ng.so.1")``,
and glibc returns an already loaded object whose SONAME matches. Loading the
``espeakng-loader`` wheel's library by absolute path first therefore makes pyttsx3 use
espeak-ng 1.52 (correct Mandarin ``cmn``); ``ESPEAK_DATA_PATH`` points that library at the
wheel's data, because pyttsx3 initialises eSpeak with a NULL data path. Without the wheel we
fall back to Debian's libespeak-ng1 (1.51), whose ``cmn`` voice reads many characters as
English letter names, so the voice becomes ``cmn-latn-pinyin`` there.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: Voice used on Debian's espeak-ng 1.51 instead of its broken ``cmn``.
DEBIAN_FALLBACK_VOICE = "cmn-latn-pinyin"
DEBIAN_LIBRARY = "libespeak-ng.so.1"
_CHARS_UTF8 = 1
_PHONEMES_IPA = 2


class EngineError(RuntimeError):
    """The speech engine could not be loaded or could not synthesise."""


@dataclass(frozen=True)
class EspeakLibrary:
    """Where the eSpeak NG shared library and its data live.

    Attributes:
        library: Absolute path or soname given to ``dlopen``.
        data_path: Directory holding ``espeak-ng-data`` (None: the library's default).
        source: ``espeakng-loader`` or ``debian``.
    """

    library: str
    data_path: str | None
    source: str


def locate_espeak(prefer_loader: bool = True) -> EspeakLibrary:
    """Choose the eSpeak NG library: the ``espeakng-loader`` wheel, else Debian's.

    Args:
        prefer_loader: Try the pip wheel first (False forces the system library).

    Returns:
        The library to load. Deterministic, so every worker process picks the same one.
    """
    if prefer_loader:
        try:
            import espeakng_loader  # type: ignore[import-untyped]
        except ImportError:
            espeakng_loader = None
        if espeakng_loader is not None:
            lib = Path(espeakng_loader.get_library_path())
            real = lib.resolve() if lib.exists() else None
            if real is not None:
                return EspeakLibrary(str(real), espeakng_loader.get_data_path(), "espeakng-loader")
    return EspeakLibrary(DEBIAN_LIBRARY, None, "debian")


_loaded: dict[str, Any] = {}


def _point_at_data(where: EspeakLibrary) -> None:
    """Tell eSpeak NG where its data is: ``ESPEAK_DATA_PATH``, read by
    ``espeak_Initialize(path=NULL)``, which is what pyttsx3 calls for each new driver.

    Set again on every load, not once per process: whoever restored the environment in
    between (a test's ``mock.patch.dict(os.environ)`` around a build) would otherwise leave
    the next driver with the library's built-in path, and eSpeak NG ends the whole
    process when its data is not there. Child processes inherit it, so a stale value
    (1.52 data) must not reach a 1.51 library either.
    """
    if where.data_path:
        os.environ["ESPEAK_DATA_PATH"] = where.data_path
    else:
        os.environ.pop("ESPEAK_DATA_PATH", None)


def load_espeak(where: EspeakLibrary) -> ctypes.CDLL:
    """Load the library once per process, before pyttsx3 can load another one.

    Raises:
        EngineError: If a different eSpeak NG library is already in this process, or none
            can be loaded.
    """
    if "lib" in _loaded:
        if _loaded["where"] != where:
            raise EngineError(
                f"eSpeak NG already loaded from {_loaded['where'].library}; "
                f"cannot switch to {where.library} in the same process"
            )
        _point_at_data(where)  # the environment may have been put back since (see below)
        return _loaded["lib"]
    _point_at_data(where)
    try:
        lib = ctypes.CDLL(where.library)
    except OSError as exc:
        raise EngineError(
            f"无法载入 eSpeak NG（{where.library}）：{exc}。"
            "请用 `pip install espeakng-loader` 或 `apt-get install libespeak-ng1` 安装。"
        ) from exc
    lib.espeak_Info.restype = ctypes.c_char_p
    lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    _loaded.update(lib=lib, where=where)
    return lib


class SpeechEngine(ABC):
    """Text to 16-bit mono PCM. Implementations must be picklable before first use.

    ``identity`` goes into every cache key: change the voice, the rate or the engine version
    and every clip is synthesised again.
    """

    name: str = "engine"

    @property
    @abstractmethod
    def identity(self) -> str:
        """Engine name, version, voice and rate, e.g. ``pyttsx3-2.99/espeak-ng-1.52.0/cmn/175``."""

    @property
    @abstractmethod
    def sample_rate(self) -> int:
        """Samples per second of what :meth:`synthesize` returns."""

    @abstractmethod
    def synthesize(self, text: str) -> np.ndarray:
        """Speak ``text`` and return int16 mono samples."""

    def phonemes(self, text: str) -> str:
        """The engine's phonemes for ``text`` (IPA), for checking the voice; optional."""
        raise NotImplementedError


class Pyttsx3EspeakEngine(SpeechEngine):
    """pyttsx3's eSpeak driver, pointed at eSpeak NG with a Mandarin voice.

    Args:
        voice: eSpeak voice name; ``"auto"`` means ``cmn`` on espeak-ng >= 1.52 and
            ``cmn-latn-pinyin`` on older libraries.
        rate: Words per minute as eSpeak counts them (175 is eSpeak's default).
        prefer_loader: Use the ``espeakng-loader`` wheel when installed.
    """

    name = "pyttsx3-espeak"

    def __init__(self, voice: str = "auto", rate: int = 175, prefer_loader: bool = True) -> None:
        self.where = locate_espeak(prefer_loader)
        self.rate = int(rate)
        self._requested_voice = voice
        self._engine: Any = None
        self._done = threading.Event()
        self._completed = False

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_engine"] = None
        state["_done"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._done = threading.Event()

    @property
    def espeak_version(self) -> str:
        """Version string reported by the loaded library, e.g. ``1.52.0``."""
        lib = load_espeak(self.where)
        return (lib.espeak_Info(None) or b"?").decode()

    @property
    def voice(self) -> str:
        """The eSpeak voice actually used."""
        if self._requested_voice != "auto":
            return self._requested_voice
        major_minor = tuple(int(p) for p in self.espeak_version.split(".")[:2] if p.isdigit())
        return "cmn" if major_minor >= (1, 52) else DEBIAN_FALLBACK_VOICE

    @property
    def identity(self) -> str:
        from importlib.metadata import version

        return (
            f"pyttsx3-{version('pyttsx3')}/espeak-ng-{self.espeak_version}"
            f"/{self.voice}/{self.rate}"
        )

    @property
    def sample_rate(self) -> int:
        # pyttsx3's driver writes its WAV at 22,050 Hz, eSpeak NG's native rate.
        return 22050

    def _driver(self) -> Any:
        if self._engine is None:
            load_espeak(self.where)
            import pyttsx3

            engine = pyttsx3.init("espeak")
            engine.connect("finished-utterance", self._on_finished)
            engine.setProperty("voice", self.voice)
            engine.setProperty("rate", self.rate)
            self._engine = engine
        return self._engine

    def _on_finished(self, name: Any = None, completed: bool = True) -> None:
        self._completed = bool(completed)
        self._done.set()

    def synthesize(self, text: str) -> np.ndarray:
        """Synthesise through pyttsx3 and wait for ``finished-utterance`` (not just runAndWait).

        pyttsx3's eSpeak driver can cancel an utterance that starts while the previous one is
        still draining (it then reports ``completed=False`` and writes an empty file), so an
        incomplete or empty result is tried again.

        Raises:
            EngineError: If the utterance does not complete after three tries.
        """
        completed = False
        for _ in range(3):
            samples, completed = self._once(text)
            if completed and samples.shape[0] > 0:
                return samples
        if completed:
            # Text eSpeak has nothing to say for (only symbols): a short pause keeps offsets.
            return np.zeros(self.sample_rate // 10, dtype=np.int16)
        raise EngineError(f"eSpeak NG 未能读完：{text[:30]!r}")

    def _drain(self) -> None:
        """Wait until eSpeak's synthesis thread is idle: the driver cancels whatever is still
        "playing" when the next utterance starts, and that cancel can hit the new one."""
        lib = load_espeak(self.where)
        for _ in range(200):
            if not lib.espeak_IsPlaying():
                return
            time.sleep(0.005)

    def _once(self, text: str) -> tuple[np.ndarray, bool]:
        import soundfile as sf

        engine = self._driver()
        with tempfile.TemporaryDirectory(prefix="td-audio-") as tmp:
            out = Path(tmp) / "clip.wav"
            self._done.clear()
            self._completed = False
            # The event may come after runAndWait() returns, so wait inside the redirect too
            # (the driver prints "Audio saved to ..." for every file).
            with contextlib.redirect_stdout(io.StringIO()):
                engine.save_to_file(text, str(out))
                engine.runAndWait()
                finished = self._done.wait(timeout=60)
            self._drain()
            if not finished or not out.exists():
                return np.zeros(0, dtype=np.int16), False
            samples, _ = sf.read(str(out), dtype="int16")
        return np.asarray(samples, dtype=np.int16).reshape(-1), self._completed

    def phonemes(self, text: str) -> str:
        """IPA phonemes from the same library and voice pyttsx3 uses.

        A correct Mandarin voice gives e.g. ``s.ə5nfˈə1n ts.ˈə5ŋ`` for 身份证; Debian's 1.51
        ``cmn`` switches to English for unknown characters, marked ``(en)``.
        """
        self._driver()  # initialises eSpeak exactly once, through pyttsx3
        lib = load_espeak(self.where)
        lib.espeak_SetVoiceByName(self.voice.encode())
        buf = ctypes.create_string_buffer(text.encode("utf-8"))
        ptr = ctypes.c_void_p(ctypes.addressof(buf))
        parts: list[str] = []
        while ptr.value:
            out = lib.espeak_TextToPhonemes(ctypes.byref(ptr), _CHARS_UTF8, _PHONEMES_IPA)
            parts.append((out or b"").decode("utf-8"))
        return " ".join(p for p in parts if p)


def create_engine(name: str, voice: str, rate: int) -> SpeechEngine:
    """Build the engine named in ``mkdocs.yml``.

    Raises:
        EngineError: For an unknown engine name.
    """
    if name in ("pyttsx3", "pyttsx3-espeak", "espeak-ng"):
        return Pyttsx3EspeakEngine(voice=voice, rate=rate)
    if name == "pyttsx3-debian":
        return Pyttsx3EspeakEngine(voice=voice, rate=rate, prefer_loader=False)
    raise EngineError(f"未知的语音引擎 {name!r}（可用：pyttsx3、pyttsx3-debian）")
