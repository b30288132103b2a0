"""Size limits of the code a newcomer reads (DEVELOPERS.md): small named functions, modules that fit
in one read, public functions that say what they are for. Ruff checks style, docstrings and
complexity (`make lint`); these are the limits ruff has no rule for."""

import ast
from pathlib import Path

from helpers import ROOT

MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400
MIN_DOCSTRING_SHARE = 0.8


def _library_files() -> list[Path]:
    return sorted(p for folder in ("provindex", "etl") for p in (ROOT / folder).rglob("*.py"))


def _functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_no_function_over_the_limit():
    long = [f"{p.relative_to(ROOT)}:{f.name} ({f.end_lineno - f.lineno + 1} lines)"
            for p in _library_files() for f in _functions(p) if f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, long


def test_no_module_over_the_limit():
    long = [f"{p.relative_to(ROOT)} ({n} lines)" for p in _library_files()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not long, long


def test_public_functions_mostly_documented():
    public = [f for p in _library_files() for f in _functions(p) if not f.name.startswith("_")]
    documented = sum(ast.get_docstring(f) is not None for f in public)
    assert documented / len(public) >= MIN_DOCSTRING_SHARE, f"{documented}/{len(public)}"
