"""Servers for tests in this process: a free loopback port, an ASGI app under uvicorn in a
thread, and a built site served by ``build_app`` as ``tongda serve`` serves it.

(A server in a process of its own, one a test can stall or kill, is
``tests/functions/runtime/server_process.py``.)
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal


def free_port() -> int:
    """A TCP port on loopback that nothing listens on (for a server started afterwards)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Serving:
    """``app`` under uvicorn on a free loopback port, in a thread of this process.

    The socket is bound at once, so ``port`` and ``url`` (no trailing slash) are known
    before the server starts; ``with`` starts it, waits until it is up, and stops it.
    """

    def __init__(self, app: Any, *, lifespan: Literal["auto", "on", "off"] = "auto",
                 log_level: str = "warning") -> None:
        import uvicorn

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = int(self.socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, lifespan=lifespan))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]},
                                       daemon=True)

    def __enter__(self) -> Serving:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self.server.started:
            self.__exit__()
            raise RuntimeError("uvicorn did not start within 30 s")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.socket.close()


@contextmanager
def serve_app(app: Any, *, lifespan: Literal["auto", "on", "off"] = "auto",
              log_level: str = "warning") -> Iterator[str]:
    """``app`` served in a thread; yields its origin, ``http://127.0.0.1:<port>``."""
    with Serving(app, lifespan=lifespan, log_level=log_level) as serving:
        yield serving.url


@contextmanager
def serve_portal(site: Path, database_url: str) -> Iterator[str]:
    """The built ``site`` and every function on one origin, as ``tongda serve`` serves them
    (``build_app``: the server's own Content-Security-Policy); yields the base URL, with
    its trailing slash."""
    from functions.runtime.server import build_app

    with serve_app(build_app(site, database_url=database_url), lifespan="on") as origin:
        yield origin + "/"
