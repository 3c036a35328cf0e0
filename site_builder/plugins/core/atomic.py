"""Replace the output folder only when a build has succeeded."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import cancel


def _remove_later(path: Path) -> None:
    """Delete the replaced site without making the build wait for thousands of unlinks.

    The new site is already in place; if the deletion is interrupted, the next build's
    ``start`` removes what is left.
    """
    if not path.exists():
        return
    if sys.platform.startswith("linux") and shutil.which("rm"):
        subprocess.Popen(["rm", "-rf", "--", str(path)], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:  # pragma: no cover - other systems delete in the foreground
        shutil.rmtree(path, ignore_errors=True)


class AtomicOutput:
    """Build into ``<site>.tongda-tmp-<pid>`` beside the site, then swap it in.

    The swap is two renames on one file system; should a crash fall between them, the
    previous site is still there as ``<site>.tongda-old-<pid>`` and the next build puts
    it back before starting.
    """

    def __init__(self, final: Path) -> None:
        self.final = final.resolve()
        self.tmp = self.final.with_name(f"{self.final.name}.tongda-tmp-{os.getpid()}")
        self.old = self.final.with_name(f"{self.final.name}.tongda-old-{os.getpid()}")

    def start(self) -> Path:
        """Recover from an interrupted swap, clear stale temporaries, return the build folder."""
        parent = self.final.parent
        parent.mkdir(parents=True, exist_ok=True)
        for stale in parent.glob(f"{self.final.name}.tongda-old-*"):
            if not self.final.exists():
                stale.rename(self.final)
            else:
                self._discard(stale)
        for stale in parent.glob(f"{self.final.name}.tongda-tmp-*"):
            self._discard(stale)
        for stale in parent.glob(f"{self.final.name}.tongda-trash-*"):
            _remove_later(stale)  # a deletion that was interrupted
        self.tmp.mkdir()
        return self.tmp

    def _discard(self, path: Path) -> None:
        """Delete ``path``. In ``tongda serve``, move it out of the way at once and delete it
        in the background (a stopped build leaves thousands of files; the next build need not
        wait); elsewhere at once, so a build that failed leaves nothing beside the site."""
        if not cancel.in_serve():
            shutil.rmtree(path, ignore_errors=True)
            return
        trash = self.final.with_name(f"{self.final.name}.tongda-trash-{os.getpid()}-{time.time_ns()}")
        try:
            path.rename(trash)
        except OSError:
            shutil.rmtree(path, ignore_errors=True)
            return
        _remove_later(trash)

    def commit(self) -> None:
        """Put the new site in place of the old one."""
        if not self.tmp.exists():
            return
        if self.final.exists():
            self.final.rename(self.old)
        self.tmp.rename(self.final)
        _remove_later(self.old)

    def abort(self) -> None:
        """Throw the half-written build away; the previous site stays as it was."""
        if self.tmp.exists():
            self._discard(self.tmp)
