"""Rows that are not provinces, "no data" markers and cut-off CSV lines (issue 9, items 3, 4 and 6).

Every file is generated here, mimicking the layouts of later editions: national, regional and
summary rows in both languages above, inside and below the table; a province repeated as a
highlight under a blank row; the "no data" markers of Vietnamese and English publications; CSV
lines shorter than their header. Each case is run through the CLI on a real DuckDB file; every
rejection leaves the database unchanged.
"""

from __future__ import annotations

import json

import pytest

from helpers import cli, content_fingerprint
from corpus import PCI_HEADER, PROVINCES, csv_text, pci_rows, write_bytes, xlsx
from etl.aggregates import is_aggregate_label
from provindex.catalog import get_catalog

CAT = get_catalog()
SUMMARY_LABELS = ["Cả nước", "Toàn quốc", "Trung vị cả nước", "Trung bình 63 tỉnh/thành phố", "Trung bình",
                  "Bình quân chung", "Cao nhất", "Thấp nhất", "Điểm cao nhất", "Giá trị nhỏ nhất", "Độ lệch chuẩn",
                  "Median", "Average", "Mean", "Min", "Max", "MAX", "Highest", "Lowest score", "National average",
                  "Regional average", "Average of all provinces", "Vietnam average", "Region 3", "Vùng 2",
                  "Vùng Tây Nguyên", "Trung bình vùng Đồng bằng sông Hồng", "Red River Delta", "Mekong River Delta",
                  "Region: Central Highlands", "Đông Nam Bộ", "Tây Bắc", "PCI median", "Trung vị PAPI 2024",
                  "TB cả nước", "Mức trung bình", "25th percentile", "Trung vị (Median)", "Tỉnh có điểm cao nhất",
                  "Trọng số (%)", "Thang điểm", "Điểm tối đa", "Observations (N)", "Số tỉnh"]


def load(capsys, path, db, *args):
    code, out, err = cli(capsys, "load", path, "--db", db, "--json", *args)
    return code, json.loads(out)


def loaded(capsys, path, db, *args):
    code, result = load(capsys, path, db, *args)
    assert code == 0, [p["message"] for p in result["problems"]]
    return result


def rejected(capsys, path, db, *args):
    before = content_fingerprint(db)
    code, result = load(capsys, path, db, *args)
    assert code == 1 and result["status"] == "rejected"
    assert content_fingerprint(db) == before  # the database is unchanged
    return [p for p in result["problems"] if p["severity"] == "error"]


def notes(result) -> str:
    return " ".join(n for f in result["files"] for n in f["notes"])


def units_loaded(db, year):
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT unit_code, component, value, rank FROM score_current WHERE year = ?"
                           " ORDER BY unit_code, component", [year]).fetchall()
    finally:
        con.close()


def csv_file(tmp_path, name, text):
    return write_bytes(tmp_path / name, text.encode("utf-8"))


# -- item 3: summary rows are recognised by a rule, not a list ------------------------------------
@pytest.mark.parametrize("label", SUMMARY_LABELS)
def test_summary_labels_in_both_languages(label):
    assert is_aggregate_label(label), label


def test_no_province_spelling_is_a_summary_label():
    """Every name of every unit (both unit sets, every language and alias) stays a province."""
    spellings = set(CAT.aliases[CAT.aliases["kind"] == "unit"]["alias"])
    for row in CAT.units.to_dict("records"):
        spellings |= {row[c] for c in ("name_vi", "full_name_vi", "name_ascii", "name_en") if row[c]}
    assert not [s for s in spellings if is_aggregate_label(s)]
    for text in ("Tỉnh", "Nhóm 1", "Quảng Namm", "Ghi chú", "PCI", "", None, 7.5):
        assert not is_aggregate_label(text), text


def summary_sheet(year: int, above: list[str], inside: list[str], below: list[str]) -> list[list]:
    rows = [[f"CHỈ SỐ PCI NĂM {year}"], ["STT", *PCI_HEADER]]
    rows += [[None, label, 5.5, 5.9, 5.1, 61.2] for label in above]
    for i, row in enumerate(pci_rows(), start=1):
        rows.append([i, *row])
        if i == 4:
            rows += [[None, label, 5.4, 5.8, 5.0, 60.9] for label in inside]
    rows += [[None, label, 5.6, 5.8, 5.0, 62.1] for label in below]
    return rows


def test_summary_rows_above_inside_and_below_the_table_are_skipped(tmp_path, db, capsys):
    above, inside, below = SUMMARY_LABELS[:4], SUMMARY_LABELS[4:20], SUMMARY_LABELS[20:]
    path = xlsx(tmp_path / "pci_2021.xlsx", {"Tổng hợp": summary_sheet(2021, above, inside, below)})
    result = loaded(capsys, path, db)
    text = notes(result)
    assert all(label in text for label in SUMMARY_LABELS)  # each one named in the note, with its row
    scores = units_loaded(db, 2021)
    assert len(scores) == 4 * len(PROVINCES) and {s[0] for s in scores} == {code for _, code in PROVINCES}


def test_regional_rows_between_provinces_in_english(tmp_path, db, capsys):
    header = ["Province", *PCI_HEADER[1:]]
    rows = [["Red River Delta", 5.1, 5.2, 5.3, 60.0], *pci_rows()[:4], ["Regional average", 5.2, 5.3, 5.4, 61.0],
            ["South Central Coast", 5.0, 5.0, 5.0, 59.0], *pci_rows()[4:], ["Region: Mekong River Delta", 5, 5, 5, 60],
            ["National median", 5.3, 5.5, 5.1, 61.5]]
    result = loaded(capsys, csv_file(tmp_path, "pci_2022.csv", csv_text(header, rows)), db, "--lang", "en")
    assert "skipped rows that are not provinces (national, regional" in notes(result) and "Regional average" in notes(result)
    assert len(units_loaded(db, 2022)) == 4 * len(PROVINCES)


def test_an_unknown_label_with_scores_is_still_refused(tmp_path, db, capsys):
    """The rule never swallows a row that could be a misspelt province: it must be fixed."""
    rows = pci_rows() + [["Trung bình Quảng Namm", 5, 5, 5, 60]]
    (problem,) = rejected(capsys, csv_file(tmp_path, "pci_2020.csv", csv_text(PCI_HEADER, rows)), db)
    assert problem["rule"] == "unknown_unit" and problem["row"] == len(rows) + 1


def test_a_caption_row_without_scores_is_a_note(tmp_path, db, capsys):
    rows = pci_rows()[:4] + [["Nhóm tỉnh phía Nam"]] + pci_rows()[4:]
    result = loaded(capsys, csv_file(tmp_path, "pci_2020.csv", csv_text(PCI_HEADER, rows)), db, "--lang", "en")
    assert "skipped text rows inside the table with no scores and no province: 6." in notes(result)
    assert len(units_loaded(db, 2020)) == 4 * len(PROVINCES)


# -- item 3: a province repeated under a blank row (a highlight) ------------------------------------
def with_highlight(repeat: list, caption: str | None = "Tỉnh nổi bật") -> list[list]:
    rows = [PCI_HEADER, *pci_rows(), []]
    if caption:
        rows.append([caption])
    rows += [PCI_HEADER, repeat, ["Cả nước", 5.5, 5.9, 5.1, 61.2]]
    return rows


def test_identical_highlight_is_set_aside_with_a_note(tmp_path, db, capsys):
    name, *scores = pci_rows()[0]
    repeat = [name, *[round(s, 1) for s in scores[:-1]], scores[-1]]  # shown rounded, as printed
    path = xlsx(tmp_path / "pci_2021.xlsx", {"PCI": with_highlight(repeat)})
    result = loaded(capsys, path, db)
    text = notes(result)
    assert "để riêng 1 dòng dưới một dòng trống" in text and "13 = 2 (Đà Nẵng)" in text
    scores_2021 = units_loaded(db, 2021)
    assert len(scores_2021) == 4 * len(PROVINCES)
    assert ("48", "PCI:TRANSPARENCY", 5.0, None) in scores_2021  # the table's value, once
    _, result_en = load(capsys, path, db, "--lang", "en", "--dry-run")
    assert "set aside 1 rows under a blank row that repeat a province" in notes(result_en)


def test_conflicting_highlight_is_refused_naming_both_rows(tmp_path, db, capsys):
    name, *scores = pci_rows()[2]
    path = xlsx(tmp_path / "pci_2021.xlsx", {"PCI": with_highlight([name, scores[0], scores[1] + 0.5, *scores[2:]])})
    (problem,) = rejected(capsys, path, db, "--lang", "en")
    assert problem["rule"] == "repeat_conflict" and problem["row"] == 13 and problem["column"].startswith("C")
    assert "row 13" in problem["message"] and "row 4 of the table" in problem["message"]
    assert "Thừa Thiên Huế" in problem["message"] and "PCI:TIME_COSTS" in problem["message"]
    (problem_vi,) = rejected(capsys, path, db)
    assert "khác dòng 4 của bảng" in problem_vi["message"]


def test_highlight_with_a_different_rank_is_refused(tmp_path, db, capsys):
    header = [*PCI_HEADER, "Xếp hạng"]
    rows = [header] + [[*r, i] for i, r in enumerate(pci_rows(), start=1)] + [[], [*pci_rows()[1], 5]]
    (problem,) = rejected(capsys, xlsx(tmp_path / "pci_2021.xlsx", {"PCI": rows}), db, "--lang", "en")
    assert problem["rule"] == "repeat_rank_conflict" and problem["value"] == "5" and "rank 2 in row 3" in problem["message"]


def test_repeat_inside_the_table_stays_a_duplicate(tmp_path, db, capsys):
    """No blank row between them, or a block that also holds new provinces: a duplicate, as before."""
    rows = [PCI_HEADER, *pci_rows()[:5], pci_rows()[0], *pci_rows()[5:]]
    problems = rejected(capsys, xlsx(tmp_path / "pci_2021.xlsx", {"PCI": rows}), db)
    assert {p["rule"] for p in problems} == {"duplicate_unit"}
    rows = [PCI_HEADER, *pci_rows()[:5], [], pci_rows()[0], *pci_rows()[5:]]
    problems = rejected(capsys, xlsx(tmp_path / "pci_2021.xlsx", {"PCI": rows}), db)
    assert {p["rule"] for p in problems} == {"duplicate_unit"}


def test_highlight_in_a_csv(tmp_path, db, capsys):
    text = csv_text(PCI_HEADER, pci_rows()) + "\n" + csv_text(PCI_HEADER, [pci_rows()[5]])
    result = loaded(capsys, csv_file(tmp_path, "pci_2021.csv", text), db)
    assert "12 = 7 (Đắk Lắk)" in notes(result)


# -- item 4: "no data" markers are missing values, counted ---------------------------------------------
MARKERS = ["KCDL", "không có dữ liệu", "-", "–", "n/a", "NA", "..", "x", "N/A", "Không có dữ liệu"]


def test_no_data_markers_are_stored_as_missing_and_counted(tmp_path, db, capsys):
    rows = [[name, 7.0 - i * 0.1, 6.0, 5.0, 40 + i * 0.5] for i, name in enumerate(u["name_vi"] for u in
                                                                           CAT.units_of("vn63").to_dict("records"))]
    for i, marker in enumerate(MARKERS):
        rows[i][1 + i % 3] = marker
    path = csv_file(tmp_path, "pci_2023.csv", csv_text(PCI_HEADER, rows))
    result = loaded(capsys, path, db)
    assert f"{len(MARKERS)} ô ghi \"không có dữ liệu\" (" in notes(result)
    assert "KCDL" in notes(result) and ", …)" in notes(result)  # the first markers, then an ellipsis
    assert result["rows"] == 63 * 4 - len(MARKERS)
    scores = units_loaded(db, 2023)
    assert len(scores) == 63 * 4 - len(MARKERS) and all(s[2] != 0 for s in scores)
    _, english = load(capsys, path, db, "--lang", "en", "--dry-run")
    assert f"{len(MARKERS)} cells marked as no data (" in notes(english) and "stored as missing" in notes(english)


def test_markers_in_a_workbook_and_in_ranks(tmp_path, db, capsys):
    header = [*PCI_HEADER, "Xếp hạng"]
    rows = [header] + [[*r, i] for i, r in enumerate(pci_rows(), start=1)]
    rows[2][1], rows[3][4], rows[3][5] = "KCDL", "Không có dữ liệu", "KCDL"
    result = loaded(capsys, xlsx(tmp_path / "pci_2021.xlsx", {"PCI": rows}), db, "--lang", "en")
    assert "3 cells marked as no data (KCDL, Không có dữ liệu): stored as missing." in notes(result)


def test_empty_cells_are_not_counted_as_markers(tmp_path, db, capsys):
    rows = pci_rows()
    rows[0][1] = ""
    result = loaded(capsys, csv_file(tmp_path, "pci_2021.csv", csv_text(PCI_HEADER, rows)), db)
    assert "không có dữ liệu" not in notes(result)


def test_markers_in_the_long_layout(tmp_path, db, capsys):
    header = ["index", "year", "unit_set", "unit_code", "unit_name", "component", "value", "rank"]
    rows = [["PCI", 2021, "vn63", "48", "Đà Nẵng", "PCI:TOTAL", 70.1, "KCDL"],
            ["PCI", 2021, "vn63", "01", "Hà Nội", "PCI:TOTAL", "n/a", ""],
            ["PCI", 2021, "vn63", "79", "TP.HCM", "PCI:TOTAL", 68.2, 2]]
    result = loaded(capsys, csv_file(tmp_path, "export.csv", csv_text(header, rows)), db, "--lang", "en")
    assert "2 cells marked as no data" in notes(result) and result["rows"] == 2


# -- item 6: a CSV line shorter than its header --------------------------------------------------------
def test_a_cut_off_line_is_refused_naming_the_line(tmp_path, db, capsys):
    text = csv_text(PCI_HEADER, pci_rows()).replace("Hoà Bình,6.11,5.47,4.79,65.1", "Hoà Bình,6.11,5.4")
    (problem,) = rejected(capsys, csv_file(tmp_path, "pci_2020.csv", text), db, "--lang", "en")
    assert problem["rule"] == "cut_off_line" and problem["row"] == 5 and problem["value"] == "5.4"
    assert "3 fields, fewer than the header's 5 columns" in problem["message"]
    assert problem["column"].startswith("C")
    (problem_vi,) = rejected(capsys, csv_file(tmp_path, "pci_2020.csv", text), db)
    assert "dòng bị cắt ngang" in problem_vi["message"]


def test_a_download_cut_short_is_refused(tmp_path, db, capsys):
    """The last line, without its line break, lacking only the rank: its last score may be cut."""
    header = [*PCI_HEADER, "Xếp hạng"]
    text = csv_text(header, [[*r, i] for i, r in enumerate(pci_rows(), start=1)])
    (problem,) = rejected(capsys, csv_file(tmp_path, "pci_2020.csv", text[:text.rindex(",")]), db)
    assert problem["rule"] == "cut_off_line" and problem["row"] == len(PROVINCES) + 1


@pytest.mark.parametrize("case", ["trailing empty cells", "rank not written", "rank not written, last line",
                                  "short note line", "header with an empty last column"])
def test_lines_that_are_not_cut_off_load(tmp_path, db, capsys, case):
    header = [*PCI_HEADER, "Xếp hạng"]
    rows = [[*r, i] for i, r in enumerate(pci_rows(), start=1)]
    text = csv_text(header, rows)
    if case == "trailing empty cells":  # the writer keeps delimiters: missing values, not a cut
        text = text.replace("Hoà Bình,6.11,5.47,4.79,65.1,4", "Hoà Bình,6.11,,,")
    elif case == "rank not written":  # optional cells dropped by the writer, line terminated
        text = text.replace("Hoà Bình,6.11,5.47,4.79,65.1,4", "Hoà Bình,6.11,5.47,4.79,65.1")
    elif case == "rank not written, last line":
        text = text.rstrip("\n")[:text.rstrip("\n").rindex(",")] + "\n"
    elif case == "short note line":
        text += "Nguồn: VCCI 2020\n"
    else:
        text = text.replace("Xếp hạng", "Xếp hạng,", 1)
    result = loaded(capsys, csv_file(tmp_path, "pci_2020.csv", text), db)
    assert result["status"] == "loaded"


def test_a_cut_off_line_in_the_long_layout(tmp_path, db, capsys):
    header = ["index", "year", "unit_set", "unit_code", "unit_name", "component", "value", "rank"]
    rows = [["PCI", 2021, "vn63", "48", "Đà Nẵng", "PCI:TOTAL", 70.1, 1], ["PCI", 2021, "vn63", "01", "Hà Nội"]]
    text = csv_text(header, rows).replace("Hà Nội\n", "Hà Nội,PCI:TOTAL\n")
    (problem,) = rejected(capsys, csv_file(tmp_path, "export.csv", text), db)
    assert problem["rule"] == "cut_off_line" and problem["row"] == 3
    ok = csv_text(header, rows[:1]) + "PCI,2021,vn63,01,Hà Nội,PCI:TOTAL,66.5\n"  # only the rank is absent
    assert loaded(capsys, csv_file(tmp_path, "export.csv", ok), db)["rows"] == 2


def test_sample_csvs_still_load(tmp_path, db, capsys):
    from helpers import ROOT

    for path in sorted((ROOT / "data" / "samples").glob("*.csv")):
        assert loaded(capsys, path, db, "--dry-run")["status"] == "dry-run", path.name


@pytest.mark.realdata
def test_no_shared_csv_has_a_cut_off_line(realdata):
    from etl.pipeline import LoadOptions, process_file

    for path in sorted(realdata.rglob("*.csv")):
        result = process_file(path, LoadOptions(dry_run=True))
        assert not [p for p in result.problems if p.rule == "cut_off_line"], path.name


def test_short_note_lines_are_not_cut_off(tmp_path, db, capsys):
    """Notes under the table are short and end in a value, but name no unit: not cut-off lines."""
    text = csv_text(PCI_HEADER, pci_rows()) + "Ghi chú: thang điểm 0–10\nNguồn: VCCI"  # no final line break
    result = loaded(capsys, csv_file(tmp_path, "pci_2020.csv", text), db)
    assert "bỏ qua các dòng ghi chú dưới bảng: 10–11" in notes(result)


def test_a_source_line_split_by_an_unquoted_comma_is_a_note(tmp_path, db, capsys):
    """ "Nguồn: VCCI, 2020" written without quotes puts 2020 in a score column: still a source line."""
    text = csv_text(PCI_HEADER, pci_rows()) + "\nNguồn: VCCI, 2020\nGhi chú: điểm từ 1 đến 10\n"
    result = loaded(capsys, csv_file(tmp_path, "pci_2020.csv", text), db, "--lang", "en")
    assert "skipped note rows below the table: 11–12" in notes(result)
    assert len(units_loaded(db, 2020)) == 4 * len(PROVINCES)


@pytest.mark.parametrize("label", ["Source: UNDP, CECODES, VFF-CRT, RTA", "Notes: 95% CI", "Chú thích: (*) ước tính",
                                   "Lưu ý", "NGUỒN: VCCI"])
def test_source_and_note_rows_with_numbers_in_a_workbook(tmp_path, db, capsys, label):
    rows = [["Chỉ số PCI 2021"], PCI_HEADER, *pci_rows(), [label, 2021, None, None, 100]]
    result = loaded(capsys, xlsx(tmp_path / "pci_2021.xlsx", {"PCI": rows}), db, "--lang", "en")
    assert "skipped note rows below the table" in notes(result)
    assert len(units_loaded(db, 2021)) == 4 * len(PROVINCES)


def test_no_province_name_opens_like_a_note():
    from etl.aggregates import is_note_label

    spellings = set(CAT.aliases[CAT.aliases["kind"] == "unit"]["alias"])
    for row in CAT.units.to_dict("records"):
        spellings |= {row[c] for c in ("name_vi", "full_name_vi", "name_ascii", "name_en") if row[c]}
    assert not [s for s in spellings if is_note_label(s)]
    assert is_note_label("Nguồn: VCCI") and not is_note_label("Nguyễn") and not is_note_label(2020)


def test_a_source_line_under_a_long_table(tmp_path, db, capsys):
    text = ("index,year,unit_code,component,value\nPCI,2020,48,PCI:TRANSPARENCY,7.1\nPCI,2020,01,PCI:TRANSPARENCY,6.5\n"
            "Nguồn: VCCI, 2020\n")
    result = loaded(capsys, csv_file(tmp_path, "long.csv", text), db, "--lang", "en")
    assert "skipped note rows below the table: 4" in notes(result)
