"""Repository conventions (DESIGN §6) that a reviewer would otherwise have to remember."""

import ast
import re
from pathlib import Path

from helpers import ROOT, parse_python

SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP)\b\s", re.IGNORECASE)


def _imports(path: Path) -> set[str]:
    tree = parse_python(path)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def _strings(path: Path) -> list[str]:
    tree = parse_python(path)
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_pages_hold_no_sql_and_do_not_import_duckdb():
    pages = sorted((ROOT / "app_pages").glob("*.py")) + [ROOT / "dashboard.py"]
    assert pages
    for page in pages:
        assert "duckdb" not in _imports(page), page
        assert not any(SQL_WORDS.search(s) for s in _strings(page)), page


def test_only_ui_imports_streamlit_in_the_library():
    ui_package = ROOT / "provindex" / "ui"
    for path in (ROOT / "provindex").rglob("*.py"):
        if ui_package not in path.parents:
            assert "streamlit" not in _imports(path), path
    for path in (ROOT / "etl").rglob("*.py"):
        assert "streamlit" not in _imports(path), path


def test_sql_lives_only_in_the_data_layer():
    allowed = {"queries.py", "db.py", "schema.py", "load.py", "demo.py", "register.py", "workspace.py", "audit.py",
               "users.py"}
    for folder in ("provindex", "etl"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name in allowed:
                continue
            offending = [s for s in _strings(path) if SQL_WORDS.search(s) and s.strip().upper().startswith(
                ("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP"))]
            assert not offending, (path, offending[:1])


def test_no_network_assets_or_telemetry():
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert "gatherUsageStats = false" in config
    for path in list((ROOT / "app_pages").glob("*.py")) + list((ROOT / "provindex").rglob("*.py")) + [ROOT / "dashboard.py"]:
        assert not any(re.match(r"https?://", s) for s in _strings(path)), path


def test_nothing_connects_at_import():
    """Importing the library must not open the database (pages are imported by AppTest)."""
    for path in (ROOT / "provindex").rglob("*.py"):
        tree = parse_python(path)
        for node in tree.body:
            if isinstance(node, (ast.Expr, ast.Assign)) and "connect(" in ast.unparse(node):
                raise AssertionError(f"{path}: {ast.unparse(node)}")
