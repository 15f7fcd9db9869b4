"""The Kallglot client is a boundary of its own: it imports nothing of the web project."""

from __future__ import annotations

import ast
from pathlib import Path

import sessions_app.kallglot

PACKAGE = Path(sessions_app.kallglot.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_it_imports_neither_the_web_project_nor_the_rest_of_the_app():
    for path in PACKAGE.glob("*.py"):
        for module in imported_modules(path):
            assert not module.startswith("kallglot_web"), (path.name, module)
            is_own = module.startswith("sessions_app.kallglot")
            assert is_own or not module.startswith("sessions_app"), (path.name, module)
