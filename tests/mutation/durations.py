"""A pytest plugin for `make mutation`'s runs of mutmut 3.8: mends two things mutmut's stats
run records, from which it decides, for each mutant, which tests to run and for how long.

1. How long each test takes. mutmut's own collector adds the time in
   ``pytest_runtest_makereport``, a first-result hook that pytest's runner answers before it,
   so every test is recorded as taking no time and every mutant gets the same 20 s CPU limit
   whatever its tests cost: slow tests are stopped and counted as detected. Here each phase's
   duration (setup, call, teardown: a fixture that builds an index costs again in every
   mutant's process) is added from ``pytest_runtest_logreport``.
2. Which tests run a function. mutmut gives a function to the test during which it ran, so
   what a module- or session-scoped fixture calls belongs to the first test that used the
   fixture only, and a mutant there runs that one test. Here what such a fixture's setup
   calls is given to every test that uses the fixture.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

# fixture name -> where each fixture of that name is defined -> the functions its setup called
_FIXTURE_CALLS: dict[str, dict[str, set[str]]] = {}


def _mutmut_state() -> Any | None:
    if os.environ.get("MUTANT_UNDER_TEST") != "stats":
        return None
    try:
        from mutmut.state import state
    except ImportError:  # not under mutmut
        return None
    return state()


def pytest_runtest_logreport(report: Any) -> None:
    state = _mutmut_state()
    if state is not None and report.nodeid in state.duration_by_test:
        state.duration_by_test[report.nodeid] += report.duration


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: Any) -> Generator[None, None, None]:
    state = _mutmut_state()
    before = set(state._stats) if state is not None else set()
    yield
    if state is not None and fixturedef.scope != "function":
        called = set(state._stats) - before
        by_place = _FIXTURE_CALLS.setdefault(fixturedef.argname, {})
        by_place.setdefault(fixturedef.baseid, set()).update(called)


def pytest_sessionfinish(session: Any) -> None:
    state = _mutmut_state()
    if state is None or not _FIXTURE_CALLS:
        return
    for item in getattr(session, "items", []):
        nodeid = item.nodeid.removeprefix("mutants/")
        for name in getattr(item, "fixturenames", ()):
            for baseid, functions in _FIXTURE_CALLS.get(name, {}).items():
                if item.nodeid.startswith(baseid):
                    for function in functions:
                        state.tests_by_mangled_function_name[function].add(nodeid)
