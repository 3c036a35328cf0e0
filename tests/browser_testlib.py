"""Helpers of the browser tests (Selenium on headless Chromium, ``a11y.browser.start_chrome``)."""

from __future__ import annotations

import time
from typing import Any


def wait_js(driver: Any, script: str, timeout: float = 20.0) -> Any:
    """Poll the JavaScript expression ``script`` until it is truthy and return its value
    (wait on the browser's state, not on the clock); fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script("return " + script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {script}")
        time.sleep(0.1)
