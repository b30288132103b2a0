"""Issue 9, columns: later editions' workbooks with columns that are not scores, "full" workbooks with
indicator-level columns, and headers whose wording or numbering changed. Every workbook is generated
here, mimicking a layout class (not one file); none of them may be rejected for those columns.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from corpus import PROVINCES, csv_text, write_bytes, xlsx
from etl.headers import is_indicator_header, split_position
from etl.pipeline import LoadOptions, process_file
from helpers import cli

NAMES = [name for name, _ in PROVINCES]
CODES = [code for _, code in PROVINCES]


def _papi_rows(extra):
    """Rows of a PAPI 2023-like table: name, D1, D7, total, then ``extra(i, total)`` cells."""
    rows = []
    for i, name in enumerate(NAMES):
        d1, d7 = round(5.1 + 0.11 * i, 4), round(4.2 + 0.09 * i, 4)
        total = round(40 + 0.7 * i, 4)
        rows.append([name, d1, d7, total, *extra(i, total)])
    return rows


def _ok(path, **options):
    result = process_file(path, LoadOptions(**options))
    assert result.ok, [p.render("en") for p in result.problems]
    return result


def _notes(result):
    from provindex.i18n import t
    return [t(key, "en", **params) for key, params in result.notes]


def _warnings(result):
    return [p.rule for p in result.problems if p.severity == "warning"]


# -- item 1: columns that are not scores ---------------------------------------------------------
def test_identifiers_bounds_ranks_and_counts_by_header(tmp_path):
    header = ["Tỉnh/Thành phố", "Tham gia của người dân ở cấp cơ sở", "Quản trị môi trường", "PAPI 2023",
              "PAPI 2023 (95% CI lower)", "PAPI 2023 (95% CI upper)", "Xếp hạng Quản trị môi trường",
              "Số người trả lời", "Province ID", "Mã tỉnh mới", "STT"]
    rows = _papi_rows(lambda i, total: [round(total - 1.5, 4), round(total + 1.25, 4), len(NAMES) - i,
                                        1200 + 7 * i, 100 + i, CODES[i], i + 1])
    path = xlsx(tmp_path / "PAPI_2023.xlsx", {"Tổng hợp": [header, *rows]})
    result = _ok(path)
    frame = result.load.frame
    total = frame[frame["component"] == "PAPI:TOTAL"].set_index("unit_code")
    assert total.loc["48", "ci_low"] == pytest.approx(38.5) and total.loc["48", "ci_high"] == pytest.approx(41.25)
    others = frame[frame["component"] != "PAPI:TOTAL"]
    assert others["ci_low"].isna().all() and set(others["component"]) == {"PAPI:D1", "PAPI:D7"}
    assert frame["rank"].isna().all()  # the rank of a dimension is not the composite's rank
    notes = " | ".join(_notes(result))
    assert "E (PAPI 2023 (95% CI lower)) → ci_low D" in notes and "ci_high D" in notes
    assert "respondent counts, set aside: H (Số người trả lời)" in notes
    assert "identifier columns (IDs, old/new codes), set aside: I (Province ID), J (Mã tỉnh mới)" in notes
    assert "G (Xếp hạng Quản trị môi trường)" in notes


def test_columns_recognised_by_content(tmp_path):
    """Unknown headers over numbers: bounds bracketing a score, a rank permutation, counts over 100."""
    header = ["Tỉnh", "Tham gia của người dân ở cấp cơ sở", "Quản trị môi trường", "Tổng điểm PAPI",
              "[a]", "[b]", "Vị trí", "Quy mô"]
    rows = _papi_rows(lambda i, total: [round(total - 0.8, 3), round(total + 0.9, 3), (i * 3) % len(NAMES) + 1,
                                        350 + 11 * i])
    path = write_bytes(tmp_path / "papi_2024.csv", csv_text(header, rows).encode("utf-8"))
    result = _ok(path)
    total = result.load.frame.query("component == 'PAPI:TOTAL'").set_index("unit_code")
    assert total.loc["79", "ci_low"] == pytest.approx(40.7 - 0.8) and total.loc["79", "ci_high"] == pytest.approx(41.6)
    notes = " | ".join(_notes(result))
    assert "E ([a]) → ci_low D" in notes and "F ([b]) → ci_high D" in notes
    assert "G (Vị trí)" in notes and "respondent counts, set aside: H (Quy mô)" in notes


def test_bounds_stored_in_the_database(tmp_path, capsys):
    header = ["Province", "Participation at Local Levels", "PAPI 2022", "Lower bound", "Upper bound"]
    rows = [[n, round(5 + 0.1 * i, 3), round(42 + 0.5 * i, 3), round(41 + 0.5 * i, 3), round(43 + 0.5 * i, 3)]
            for i, n in enumerate(NAMES)]
    path = write_bytes(tmp_path / "papi_2022.csv", csv_text(header, rows).encode("utf-8"))
    db = tmp_path / "db.duckdb"
    code, out, _ = cli(capsys, "load", path, "--db", db, "--json", "--lang", "en")
    assert code == 0, out
    assert any("confidence bounds stored" in n for f in json.loads(out)["files"] for n in f["notes"])
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute("SELECT ci_low, ci_high FROM score_current WHERE component = 'PAPI:TOTAL'"
                            " AND unit_code = '48'").fetchone()
    finally:
        con.close()
    assert found == (pytest.approx(41.0), pytest.approx(43.0))


def test_bound_that_does_not_hold_its_score_is_warned_not_stored(tmp_path):
    header = ["Tỉnh", "Tổng điểm PAPI", "Cận dưới", "Cận trên"]
    rows = [[n, 40 + i, 39 + i, 41 + i] for i, n in enumerate(NAMES)]
    rows[2][2] = 45  # one lower bound above its score
    path = write_bytes(tmp_path / "papi_2021.csv", csv_text(header, rows).encode("utf-8"))
    result = _ok(path)
    assert "bound_outside" in _warnings(result)
    frame = result.load.frame.set_index("unit_code")
    assert frame["ci_low"].isna().sum() == 1 and frame["ci_high"].notna().all()


# -- item 2: full workbooks ----------------------------------------------------------------------
def test_full_workbook_sets_indicators_aside_in_one_note(tmp_path):
    numbered = [f"d{d}.{s}.{k} Chỉ báo {d}{s}{k}" for d in (1, 7) for s in (1, 2) for k in (1, 2, 3, 4)]
    unnumbered = [f"Tỷ lệ người dân biết {k}" for k in range(12)]
    header = ["Tỉnh", "Tham gia của người dân ở cấp cơ sở", "Quản trị môi trường", "Tổng điểm PAPI",
              "Tri thức công dân", *numbered, *unnumbered]
    rows = _papi_rows(lambda i, total: [round(1.2 + 0.01 * i, 3)]
                      + [round(0.3 + 0.01 * (i + k), 3) for k in range(len(numbered) + len(unnumbered))])
    path = xlsx(tmp_path / "PAPI 2023 full.xlsx", {"Data": [header, *rows]})
    result = _ok(path)
    assert set(result.load.frame["component"]) == {"PAPI:D1", "PAPI:D7", "PAPI:TOTAL", "PAPI:D1.1"}
    notes = [n for n in _notes(result) if "indicator-level" in n]
    assert len(notes) == 1 and notes[0].startswith(f"{len(numbered) + len(unnumbered)} indicator-level columns")
    assert not [p for p in result.problems if p.rule in ("unknown_component", "column_ignored")]


def test_a_lone_misspelt_component_is_still_refused(tmp_path):
    header = ["Tỉnh", "Tham gia của người dân ở cấp cơ sở", "Quản trị môi trườg", "Tổng điểm PAPI"]
    path = write_bytes(tmp_path / "papi_2023.csv", csv_text(header, _papi_rows(lambda i, t: [])).encode("utf-8"))
    result = process_file(path, LoadOptions())
    assert [p.rule for p in result.problems if p.severity == "error"] == ["unknown_component"]


def test_indicator_numbers_are_not_sub_dimension_numbers():
    assert is_indicator_header("1.1.1 Biết tên trưởng thôn") and is_indicator_header("d2.3.4")
    assert not is_indicator_header("2.1: Access to information") and not is_indicator_header("PAPI 2023")
    assert split_position("1.1.1 Biết tên trưởng thôn").position is None
    assert split_position("Chỉ số nội dung 3: Trách nhiệm giải trình").position == "3"
    assert split_position("Nội dung thành phần 8.2 Tiếp cận Internet").position == "8.2"
    assert split_position("D8.2").position == "8.2"


# -- item 5: wording and numbering that change between editions -----------------------------------
def test_numbered_vietnamese_headers_and_renamed_wording(tmp_path):
    header = ["Tỉnh", "Chỉ số nội dung 1: Tham gia của người dân ở cấp cơ sở",
              "Nội dung thành phần 1.1 Tri thức công dân",
              "Chỉ số nội dung 8: Quản trị điện tử và chính quyền số trong thời kỳ mới",
              "Quản trị môi trường và ứng phó biến đổi khí hậu", "Tổng điểm PAPI"]
    rows = [[n, round(5 + 0.1 * i, 3), round(1.5 + 0.01 * i, 3), round(3 + 0.1 * i, 3), round(4 + 0.1 * i, 3),
             round(40 + i, 3)] for i, n in enumerate(NAMES)]
    path = xlsx(tmp_path / "PAPI_2023_vie.xlsx", {"Sheet1": [header, *rows]})
    result = _ok(path)
    assert set(result.load.frame["component"]) == {"PAPI:D1", "PAPI:D1.1", "PAPI:D8", "PAPI:D7", "PAPI:TOTAL"}
    warned = {p.rule: p for p in result.problems if p.severity == "warning"}
    assert "header_close_match" in warned and "PAPI:D7" in warned["header_close_match"].render("en")
    assert "position_name_unverified" in warned and "PAPI:D8" in warned["position_name_unverified"].render("en")


def test_close_wording_outside_its_period_is_not_taken(tmp_path):
    """Environmental governance exists from 2018: in a 2015 file the lengthened name is refused."""
    header = ["Tỉnh", "Tham gia của người dân ở cấp cơ sở", "Quản trị môi trường và ứng phó biến đổi khí hậu"]
    rows = [[n, round(5 + 0.1 * i, 3), round(4 + 0.1 * i, 3)] for i, n in enumerate(NAMES)]
    path = write_bytes(tmp_path / "papi_2015.csv", csv_text(header, rows).encode("utf-8"))
    result = process_file(path, LoadOptions())
    assert "unknown_component" in [p.rule for p in result.problems if p.severity == "error"]


def test_transposed_sheet_is_read_across(tmp_path):
    """Provinces across the columns, components down the rows: read transposed, with a note."""
    components = [("Tham gia của người dân ở cấp cơ sở", 5.0), ("Quản trị môi trường", 4.0), ("Tổng điểm PAPI", 40.0)]
    sheet = [["Chỉ số PAPI 2023"], [], ["Nội dung", *NAMES]]
    for name, base in components:
        sheet.append([name, *[round(base + 0.1 * i, 3) for i in range(len(NAMES))]])
    path = xlsx(tmp_path / "PAPI_2023_ngang.xlsx", {"Bảng": sheet})
    result = _ok(path)
    frame = result.load.frame.set_index(["unit_code", "component"])
    assert frame.loc[("79", "PAPI:D7"), "value"] == pytest.approx(4.1) and len(frame) == 3 * len(NAMES)
    assert any("read transposed" in n for n in _notes(result))


def test_bounds_are_exported_and_load_back(tmp_path, capsys):
    header = ["Tỉnh", "Tổng điểm PAPI", "Cận dưới", "Cận trên"]
    rows = [[n, 40.5 + i, 39.25 + i, 41.75 + i] for i, n in enumerate(NAMES)]
    db = tmp_path / "db.duckdb"
    code, out, _ = cli(capsys, "load", write_bytes(tmp_path / "papi_2021.csv", csv_text(header, rows).encode()),
                       "--db", db)
    assert code == 0, out
    exported = tmp_path / "export.csv"
    assert cli(capsys, "export", exported, "--db", db)[0] == 0
    lines = exported.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith("rank,ci_low,ci_high") and any(line.endswith(",39.25,41.75") for line in lines)
    code, out, _ = cli(capsys, "load", exported, "--db", db, "--json")
    assert code == 0 and json.loads(out)["unchanged"], out


def test_full_workbook_with_dimension_labels_merged_over_indicators(tmp_path):
    """Row 1 names each dimension over its score and its indicators (merged); row 2 names the columns."""
    group = ["", "Tham gia của người dân ở cấp cơ sở", None, None, None, "Quản trị môi trường", None, None, ""]
    header = ["Tỉnh", "Điểm", "d1.1.1 Biết tên trưởng thôn", "d1.1.2 Biết nhiệm kỳ", "Đi bầu trưởng thôn",
              "Điểm", "d7.1.1 Rác thải", "Nước sạch", "Tổng điểm PAPI"]
    rows = [[n, round(5 + 0.1 * i, 3), 0.5, 0.6, 0.7, round(4 + 0.1 * i, 3), 0.4, 0.3, round(40 + i, 3)]
            for i, n in enumerate(NAMES)]
    path = xlsx(tmp_path / "PAPI_2023_full.xlsx", {"Data": [group, header, *rows]}, {"Data": ["B1:E1", "F1:H1"]})
    result = _ok(path)
    frame = result.load.frame
    assert sorted(set(frame["component"])) == ["PAPI:D1", "PAPI:D7", "PAPI:TOTAL"]
    assert frame.query("component == 'PAPI:D1' and unit_code == '48'")["value"].tolist() == [5.0]
    assert any(n.startswith("5 indicator-level columns set aside (only dimensions and sub-dimensions are loaded): C–E, G–H") for n in _notes(result))


def test_unweighted_total_outside_its_period_is_set_aside(tmp_path):
    from corpus import PCI_HEADER, pci_rows
    rows = [[*row, round(row[-1] - 2.5, 2)] for row in pci_rows()]
    path = write_bytes(tmp_path / "pci_2020.csv", csv_text([*PCI_HEADER, "Unweighted PCI"], rows).encode("utf-8"))
    result = _ok(path)
    assert "alternative_total" in _warnings(result)
    assert "PCI:UNWEIGHTED" not in set(result.load.frame["component"])


def test_bounds_under_a_merged_ci_label_after_a_rank(tmp_path):
    group = ["", "", "", "", "95% Confidence Interval", None]
    header = ["Province", "Participation at Local Levels", "PAPI 2021", "Rank", "Low", "High"]
    rows = [[n, round(5 + 0.1 * i, 3), round(42 + 0.5 * i, 3), len(NAMES) - i, round(41.2 + 0.5 * i, 3),
             round(42.9 + 0.5 * i, 3)] for i, n in enumerate(NAMES)]
    path = xlsx(tmp_path / "PAPI 2021 eng.xlsx", {"PAPI 2021": [group, header, *rows]}, {"PAPI 2021": ["E1:F1"]})
    result = _ok(path)
    total = result.load.frame.query("component == 'PAPI:TOTAL'").set_index("unit_code")
    assert total.loc["48", ["ci_low", "ci_high", "rank"]].tolist() == [pytest.approx(41.2), pytest.approx(42.9), 8]


def test_indicator_repeating_a_sub_dimension_name_is_not_a_duplicate(tmp_path):
    header = ["Tỉnh", "Tiếp cận thông tin", "Tiếp cận thông tin về kế hoạch của xã", "Tổng điểm PAPI"]
    rows = [[n, round(1.5 + 0.01 * i, 3), round(0.4 + 0.01 * i, 3), round(40 + i, 3)] for i, n in enumerate(NAMES)]
    path = write_bytes(tmp_path / "papi_2022.csv", csv_text(header, rows).encode("utf-8"))
    result = _ok(path)
    assert sorted(set(result.load.frame["component"])) == ["PAPI:D2.1", "PAPI:TOTAL"]
    assert any(n.startswith("1 indicator-level columns") for n in _notes(result))
