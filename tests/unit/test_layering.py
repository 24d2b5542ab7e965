"""Pages and components reach the database only through services: they import nothing of the DB layer."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("sqlmodel", "sqlalchemy", "app.db", "app.models", "app.views", "psycopg", "sqlite3")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_pages_and_components_import_nothing_from_the_database_layer():
    offenders = []
    for folder in ("pages", "components"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for module in imported_modules(path):
                if any(module == name or module.startswith(name + ".") for name in FORBIDDEN):
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_services_import_no_web_framework():
    offenders = []
    for path in sorted((ROOT / "services").rglob("*.py")):
        for module in imported_modules(path):
            if module.split(".")[0] in {"nicegui", "fastapi", "starlette", "pages", "components"}:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_every_page_is_declared_with_the_page_route():
    """`components.page_route.page` gives pages time to build on a busy server; bare ui.page gives 3 s."""
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("pages", "components")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "@ui.page(" in path.read_text()
    ]
    assert offenders == []
