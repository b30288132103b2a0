"""Issue 12 item 4: every ``t(key, lang, **fields)`` call in the library and the pages fills every field its
template names, in Vietnamese and in English (an unfilled template printed "năm {prev} không có số liệu")."""

import ast
import re
import string

import pytest

from helpers import ROOT, parse_python
from provindex.i18n import catalogue

SOURCES = sorted([*(ROOT / "provindex").rglob("*.py"), *(ROOT / "app_pages").glob("*.py"), ROOT / "dashboard.py"])


def _fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def _key_pattern(node: ast.expr) -> re.Pattern | None:
    """The catalogue keys a call's first argument can name: a literal, or an f-string with holes as wildcards."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.compile(re.escape(node.value))
    if isinstance(node, ast.JoinedStr):
        parts = [re.escape(v.value) if isinstance(v, ast.Constant) else r"[A-Za-z0-9_]+" for v in node.values]
        return re.compile("".join(parts))
    return None


def _calls():
    """(file:line, key pattern, keyword names, exact) of every t(...) call with a known key and no **kwargs."""
    for path in SOURCES:
        for node in ast.walk(parse_python(path)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"):
                continue
            if not node.args or any(k.arg is None for k in node.keywords):
                continue
            pattern = _key_pattern(node.args[0])
            if pattern is not None:
                exact = isinstance(node.args[0], ast.Constant)
                yield f"{path.relative_to(ROOT)}:{node.lineno}", pattern, {k.arg for k in node.keywords}, exact


CALLS = list(_calls())


def test_the_scan_sees_the_calls():
    assert len(CALLS) > 150


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_call_fills_every_field_of_its_template(lang):
    messages = catalogue(lang)
    problems = []
    for where, pattern, given, exact in CALLS:
        keys = [key for key in messages if pattern.fullmatch(key)]
        if not keys:
            problems.append(f"{where}: no message matches {pattern.pattern}")
        unfilled = {key: sorted(_fields(messages[key]) - given) for key in keys if _fields(messages[key]) - given}
        # a key built from an f-string may match keys the call never names: then at least one must fit
        if unfilled and (exact or len(unfilled) == len(keys)):
            problems.append(f"{where}: {unfilled}")
    assert problems == []
