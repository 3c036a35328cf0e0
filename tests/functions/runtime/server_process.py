"""A function app under uvicorn in a process of its own, for tests that need a real server
(a socket the test can stall, a process the test can kill)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from tests.portal_server import free_port

ROOT = Path(__file__).resolve().parents[3]
# Started the way `tongda serve` must start uvicorn: without uvicorn's own proxy-header
# handling, which would rewrite the client address before the runtime sees the request.
_SCRIPT = """
import importlib, sys, uvicorn
module, _, name = sys.argv[1].partition(":")
app = getattr(importlib.import_module(module), name)(*sys.argv[3:])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning",
            proxy_headers=False)
"""


class ServerProcess:
    """``factory(*args)`` (``"module:function"``) served by uvicorn on a free port.

    Args:
        factory: Importable from the repository root; returns the ASGI app.
        args: Strings passed to the factory.
        ready: A path that answers (any status below 500) once the app is up.
        env: Extra environment variables for the server process.
    """

    def __init__(self, factory: str, *args: str, ready: str = "/openapi.json",
                 env: dict[str, str] | None = None) -> None:
        self.factory = factory
        self.args = args
        self.ready = ready
        self.env = {**os.environ, **(env or {})}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SCRIPT, self.factory, str(self.port), *self.args],
            cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                if httpx.get(self.url + self.ready, timeout=2).status_code < 500:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start within 60 s")

    def wait_killed(self) -> int:
        """Wait for the process to end on its own (a test that kills it from inside)."""
        assert self.process is not None
        return self.process.wait(timeout=60)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
