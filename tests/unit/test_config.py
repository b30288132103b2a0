"""Settings: one declared list, read in one place, documented in README in both languages."""

import ast
import re
from pathlib import Path

import pytest

from helpers import ROOT, parse_python
from provindex import config

NAME = re.compile(r"PROVINDEX_[A-Z_]+")


def _readme_table(header: str) -> list[tuple[str, str, str]]:
    """(variable, default, meaning) rows of the README table that starts with ``header``."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(header) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        rows.append((cells[0].strip("`"), cells[1].strip("`"), cells[2].strip()))
    return rows


@pytest.mark.parametrize("header,lang", [("| Biến | Mặc định | Ý nghĩa |", "vi"),
                                         ("| Variable | Default | Meaning |", "en")])
def test_readme_tables_list_every_setting(header, lang):
    expected = [(s.name, s.default_text, getattr(s, f"help_{lang}")) for s in config.SETTINGS]
    assert _readme_table(header) == expected


def _python_files() -> list[Path]:
    folders = ("provindex", "etl", "app_pages", "tests", "bench")
    return [p for f in folders for p in (ROOT / f).rglob("*.py")] + [ROOT / "dashboard.py"]


def test_every_variable_named_in_code_is_declared():
    scanned = [p for p in _python_files() if p.name != "test_config.py"]  # this file names an undeclared one
    named = {m for path in scanned for m in NAME.findall(path.read_text(encoding="utf-8"))}
    assert named - set(config.SETTING_BY_NAME) == set()


def _environment_reads(path: Path) -> list[str]:
    """Source of every ``os.environ`` / ``os.getenv`` use that is a read (not a write or a copy for a child)."""
    tree = parse_python(path)
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = ast.unparse(node.func)
            if target in ("os.environ.get", "os.getenv"):
                reads.append(ast.unparse(node))
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ" \
                and isinstance(node.ctx, ast.Load):
            reads.append(ast.unparse(node))
    return reads


def test_application_code_reads_the_environment_only_through_config():
    files = [p for f in ("provindex", "etl", "app_pages") for p in (ROOT / f).rglob("*.py")] + [ROOT / "dashboard.py"]
    offending = {str(p.relative_to(ROOT)): r for p in files if p.name != "config.py" and (r := _environment_reads(p))}
    assert offending == {}


def test_values_are_typed_and_empty_means_default():
    assert config.read("PROVINDEX_DB", {}) == config.DEFAULT_DB
    assert config.read("PROVINDEX_DB", {"PROVINDEX_DB": " /tmp/x.duckdb "}) == Path("/tmp/x.duckdb")
    assert config.read("PROVINDEX_FOCAL_UNIT", {"PROVINDEX_FOCAL_UNIT": "  "}) == "48"
    assert config.read("PROVINDEX_MAX_FILE_MB", {"PROVINDEX_MAX_FILE_MB": "0.5"}) == 0.5
    assert config.read("PROVINDEX_DEBUG", {"PROVINDEX_DEBUG": "1"}) is True
    assert config.read("PROVINDEX_DEBUG", {"PROVINDEX_DEBUG": "off"}) is False
    assert config.read("PROVINDEX_USER", {}) is None


@pytest.mark.parametrize("name,value", [("PROVINDEX_MAX_FILE_MB", "fifty"), ("PROVINDEX_DEBUG", "maybe")])
def test_a_bad_value_names_the_variable(name, value):
    with pytest.raises(config.SettingError, match=name):
        config.read(name, {name: value})


def test_undeclared_settings_cannot_be_read():
    with pytest.raises(KeyError):
        config.read("PROVINDEX_NOT_A_SETTING", {})


def test_named_accessors_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PROVINDEX_DB", str(tmp_path / "a.duckdb"))
    monkeypatch.setenv("PROVINDEX_FOCAL_UNIT", "01")
    monkeypatch.setenv("PROVINDEX_MAX_FILE_MB", "2")
    monkeypatch.setenv("PROVINDEX_GEO_DIR", str(tmp_path))
    monkeypatch.setenv("PROVINDEX_SHARED", str(tmp_path))
    assert config.db_path() == tmp_path / "a.duckdb" and config.db_path("b.duckdb") == Path("b.duckdb")
    assert config.focal_unit() == "01" and config.max_file_bytes() == 2 * 1024 * 1024
    assert config.geo_dir() == tmp_path and config.shared_realdata() is None
    (tmp_path / "realdata").mkdir()
    assert config.shared_realdata() == tmp_path / "realdata"
    monkeypatch.delenv("PROVINDEX_MAX_FILE_MB")
    assert config.max_file_bytes() == 50 * 1024 * 1024
