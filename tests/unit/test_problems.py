"""The human load report folds repeated warnings; the JSON report keeps every one."""

from etl.problems import ERROR, WARNING, Problem, condensed
from provindex.text import ranges_text


def _warning(row, rule="composite_mismatch", sheet="S"):
    return Problem(rule, "f.xlsx", sheet, row, None, 1.0, {"component": "PCI:TOTAL", "unit": "Đà Nẵng", "year": 2011,
                                                          "value": "1", "expected": "2"}, WARNING)


def test_the_same_rule_in_one_sheet_is_folded_after_three_lines():
    lines = condensed([_warning(r) for r in (6, 7, 8, 9, 10, 12)] + [_warning(5, sheet="T")], "en")
    assert len(lines) == 5
    assert lines[3] == "… and 3 more of the same kind (rows 9–10, 12); --json lists them all."
    assert lines[4].startswith("WARNING f.xlsx, sheet \"T\", row 5")


def test_three_or_fewer_are_all_shown_in_either_language():
    problems = [_warning(r) for r in (1, 2, 3)] + [Problem("unknown_unit", "f.csv", None, 4, "A", "X", {}, ERROR)]
    assert len(condensed(problems, "vi")) == 4


def test_ranges_text():
    assert ranges_text([70, 66, 67, 68, 68]) == "66–68, 70"
    assert ranges_text([]) == ""
