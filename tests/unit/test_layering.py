"""Pages and components reach the database only through services: they import nothing of the DB layer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("sqlmodel", "sqlalchemy", "core.db", "core.models", "core.views", "core.schema", "psycopg", "sqlite3")


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


# The floors, bottom up: each may import the ones below it and never one above.
FLOORS = ("core", "services", "web", "components", "pages", "app")
MIGRATIONS_MAY_IMPORT = {"core"}


def _top_level_imports(path: Path) -> set[str]:
    """Every module named in an import, including those inside functions (a lazy import still counts)."""
    return {module.split(".")[0] for module in imported_modules(path)} & {*FLOORS, "migrations"}


def test_no_floor_imports_a_floor_above_it():
    offenders = []
    for rank, floor in enumerate(FLOORS):
        above = set(FLOORS[rank + 1 :])
        for path in sorted((ROOT / floor).rglob("*.py")):
            for module in sorted(_top_level_imports(path) & above):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}, a floor above {floor}")
    for path in sorted((ROOT / "migrations").rglob("*.py")):
        for module in sorted(_top_level_imports(path) - MIGRATIONS_MAY_IMPORT - {"migrations"}):
            offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_core_stands_on_libraries_alone():
    """Tables, database, settings and security know nothing of a web framework."""
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / "core").rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in {"nicegui", "fastapi", "starlette", "uvicorn"}
    ]
    assert offenders == []


def test_no_page_checks_the_sign_in_itself():
    """`components.page_route.signed_in_page` is the one gate; only the sign-in page asks who is here."""
    checks = ("signed_in()", "browser_actor()", "event_actor()")
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "pages").rglob("*.py"))
        if path.name != "auth.py" and any(check in path.read_text() for check in checks)
    ]
    assert offenders == []


def test_every_type_ignore_names_its_error_and_says_why():
    """`# type: ignore[code]  # why`: a silenced checker must say what it silences and why."""
    pattern = re.compile(r"# type: ignore(?!\[[a-z-]+(?:, *[a-z-]+)*\]  # \S)")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in FLOORS
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []
