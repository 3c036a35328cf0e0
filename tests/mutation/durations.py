"""A pytest plugin for `make mutation`'s runs of mutmut 3.8: records how long each test
takes during mutmut's stats run.

mutmut's own collector adds the time in ``pytest_runtest_makereport``, a first-result hook
that pytest's runner answers before it, so every test is recorded as taking no time. Each
mutant's CPU limit then comes out as the same 20 s whatever its tests cost: slow tests are
stopped and counted as detected, and a mutant that only makes tests loop runs up to the
limit. Here each phase's duration (setup, call, teardown: a fixture that builds an index costs
again in every mutant's process) is added from ``pytest_runtest_logreport``.
"""

from __future__ import annotations

import os
from typing import Any


def pytest_runtest_logreport(report: Any) -> None:
    if os.environ.get("MUTANT_UNDER_TEST") != "stats":
        return
    try:
        from mutmut.state import state
    except ImportError:  # not under mutmut
        return
    durations = state().duration_by_test
    if report.nodeid in durations:
        durations[report.nodeid] += report.duration
