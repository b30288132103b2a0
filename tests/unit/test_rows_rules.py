"""Pure rules of issue 9's row handling: "no data" markers, highlight blocks, cut-off CSV lines as read."""

from __future__ import annotations

import pytest

from corpus import encoded
from etl.guards import CellBudget
from etl.read import read_source
from etl.repeats import blocks_of, same_as_shown
from etl.values import is_missing, missing_marker


@pytest.mark.parametrize("cell", ["KCDL", "(KCDL)", "không có dữ liệu", "Không có dữ liệu", "-", "–", "—", "n/a",
                                  "N/A", "NA", "n.a.", "..", "…", "x", "X", "no data", "#N/A"])
def test_markers_are_missing_and_named(cell):
    assert is_missing(cell) and missing_marker(cell) == cell.strip()


@pytest.mark.parametrize("cell", [None, "", "  ", 0, 5.5, "5,5", "-5", "Hà Nội", "x1"])
def test_values_and_empty_cells_are_not_markers(cell):
    assert missing_marker(cell) is None


def test_blocks_start_after_blank_rows():
    assert blocks_of([3, 4, 5, 7, 8, 11]) == {3: 0, 4: 0, 5: 0, 7: 1, 8: 1, 11: 2}


@pytest.mark.parametrize("table,repeat,same", [(70.1234, 70.12, True), (70.1234, 70.1, True), (7.04, 7.0, True),
                                               (7.4, 7.0, False), (70.1234, 70.13, False), (5.0, 5.0, True),
                                               (0.1 + 0.2, 0.3, True), (6.123456789, 6.123457, True)])
def test_a_repeat_may_show_the_table_value_rounded(table, repeat, same):
    assert same_as_shown(table, repeat) is same


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1258"])
@pytest.mark.parametrize("final_break", [True, False])
def test_short_lines_and_the_unterminated_last_line_are_recorded(tmp_path, encoding, final_break):
    text = "Tỉnh,A,B,C\r\nĐà Nẵng,1,2,3\r\nHà Nội,1,2\r\nHuế,1,,\r\nNote\r\nHải Phòng,4,5"
    path = tmp_path / "f.csv"
    path.write_bytes(encoded(text + ("\r\n" if final_break else ""), encoding))
    (sheet,) = read_source(path, 10 ** 6, budget=CellBudget()).sheets
    assert sheet.info["short_lines"] == {3, 5, 6}  # not line 4: it ends with its delimiters
    assert sheet.info.get("unterminated_line") == (None if final_break else 6)
