"""Stopping a build part-way because its input changed again (``tongda serve``).

``tongda serve`` starts a whole rebuild after it has shown the saved page; when the editor
saves again meanwhile, that rebuild is already out of date. :func:`request` asks the build
running in this process to stop; the core plugin calls :func:`check` between pages and
the long plugins between their steps, which raises :class:`BuildCancelled`. The build
then fails like any other: its half-written folder is thrown away and the previous site
stays (see :mod:`.atomic`). Only ``tongda serve`` ever requests it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

_requested = threading.Event()
_serving = threading.Event()


class BuildCancelled(Exception):
    """The build was stopped because its sources changed again."""


def request() -> None:
    """Ask the running build to stop at its next check."""
    _requested.set()


def clear() -> None:
    """A new build starts: earlier requests are done with."""
    _requested.clear()


def check() -> None:
    """Raise :class:`BuildCancelled` when a stop was requested."""
    if _requested.is_set():
        raise BuildCancelled("源文件又有改动，这次重新生成已停止")


@contextlib.contextmanager
def serving(on: bool) -> Iterator[None]:
    """Say, for the build inside, whether it is ``tongda serve``'s (:func:`build_site`
    does, from its command): its builds may be stopped, and what they throw away is deleted
    in the background (see :mod:`.atomic`). The flag ends with the build, so nothing run
    after a serve build in the same process (a test, a tool) reads it."""
    if on:
        _serving.set()
    else:
        _serving.clear()
    try:
        yield
    finally:
        _serving.clear()


def in_serve() -> bool:
    return _serving.is_set()
