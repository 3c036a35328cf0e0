"""The packages stay apart: the build and the functions share only ``tongda_rules``.

A function deploys without the site builder (no MkDocs, Selenium, numpy or speech), and
the accessibility checks run on any built site, so neither may import the other's code.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[1]
# package folder → top-level packages it must never import
FORBIDDEN = {
    "site_builder": {"functions"},
    "functions": {"site_builder", "a11y", "mkdocs", "selenium", "numpy", "pyttsx3", "themes"},
    "functions/rules/tongda_rules": {"site_builder", "functions", "fastapi", "sqlalchemy",
                                     "mkdocs"},
    "a11y": {"site_builder", "functions"},
    "search_index": {"site_builder", "functions", "mkdocs"},
}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    """Top-level names of every absolute import in a file, with their lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return found


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_no_package_imports_what_it_must_not(folder: str) -> None:
    offences = [f"{path.relative_to(ROOT)}:{line}: imports {name}"
                for path in sorted((ROOT / folder).rglob("*.py"))
                for name, line in imported_packages(path) if name in FORBIDDEN[folder]]
    assert not offences, "\n".join(offences)


def test_the_scan_sees_imports_inside_functions_too(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from site_builder.errors import X\n", encoding="utf-8")
    assert ("site_builder", 2) in imported_packages(probe)


def test_importing_a_function_loads_no_site_builder_and_the_build_loads_no_function() -> None:
    code = """
import sys
import functions.match.app, functions.runtime.server
assert not {m for m in sys.modules if m.split('.')[0] in ('site_builder', 'mkdocs', 'a11y')}, \\
    sorted(m for m in sys.modules if m.startswith(('site_builder', 'mkdocs', 'a11y')))
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120)
    code = """
import sys
import site_builder.plugins.match.plugin, site_builder.plugins.core.plugin, a11y.site
assert not [m for m in sys.modules if m.split('.')[0] == 'functions'], \\
    sorted(m for m in sys.modules if m.startswith('functions'))
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120)
