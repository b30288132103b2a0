"""python -m etl load: accepted layouts, every rejection rule, versioning, dry runs."""

import json
import subprocess
import sys

import duckdb
import pytest

from helpers import ROOT, cli, content_fingerprint, db_rows, file_sha, write

WIDE_VI = """Tỉnh,Tính minh bạch,Chi phí thời gian,Chi phí không chính thức,Điểm PCI,Xếp hạng
Đà Nẵng,"7,10",6.50,6.20,70.50,1
TP.HCM,6.20,5.90,6.00,65.10,2
Tỉnh Thừa Thiên Huế,5.90,6.10,5.10,60.00,3
Hoà Bình,5.10,5.00,4.80,55.25,4
"""


def scores(db, index=None, year=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute('SELECT "index", year, unit_set, unit_code, component, value, rank FROM score_current'
                           ' WHERE (? IS NULL OR "index" = ?) AND (? IS NULL OR year = ?)'
                           " ORDER BY unit_code, component", [index, index, year, year]).fetchall()
    finally:
        con.close()


def loads(db):
    return db_rows(db, 'SELECT load_id, status, active, file_name, sha256, "user", encoding, layout, rows'
                       ' FROM "load" ORDER BY load_id')


def test_wide_vietnamese_csv_loads(tmp_path, db_file, capsys):
    path = write(tmp_path / "pci_2020.csv", WIDE_VI)
    code, out, err = cli(capsys, "load", path, "--db", db_file, "--user", "analyst")
    assert code == 0, err
    assert "PCI 2020" in out and "năm mới" in out
    rows = {(r[3], r[4]): (r[5], r[6]) for r in scores(db_file, "PCI", 2020)}
    assert rows[("48", "PCI:TRANSPARENCY")] == (7.10, None)  # decimal comma
    assert rows[("48", "PCI:TOTAL")] == (70.5, 1)
    assert rows[("79", "PCI:TIME_COSTS")][0] == 5.9
    assert rows[("46", "PCI:INFORMAL_CHARGES")][0] == 5.1
    assert rows[("17", "PCI:TOTAL")] == (55.25, 4)
    assert len(rows) == 16
    (load,) = loads(db_file)
    assert load[1:4] == ("loaded", True, "pci_2020.csv")
    assert load[4] == file_sha(path) and load[5] == "analyst" and load[6] == "utf-8" and load[7] == "wide"


def test_unknown_province_is_rejected_by_name_and_database_unchanged(tmp_path, demo_copy, capsys):
    before = (file_sha(demo_copy), content_fingerprint(demo_copy))
    path = write(tmp_path / "pci_2020.csv", WIDE_VI.replace("Hoà Bình", "Hòa Bìnhh").replace("TP.HCM", "Atlantis"))
    code, out, err = cli(capsys, "load", path, "--db", demo_copy)
    assert code == 1
    assert "Atlantis" in err and "Hòa Bìnhh" in err
    assert "dòng 3" in err and "cột A (Tỉnh)" in err  # row and column the analyst sees
    assert "Gần nhất: Hòa Bình" in err  # the closest known name
    assert "Cơ sở dữ liệu không thay đổi" in err
    assert (file_sha(demo_copy), content_fingerprint(demo_copy)) == before


def test_rejection_in_english_and_json(tmp_path, db_file, capsys):
    path = write(tmp_path / "pci_2020.csv", WIDE_VI.replace("TP.HCM", "Atlantis"))
    code, out, _ = cli(capsys, "load", path, "--db", db_file, "--json", "--lang", "en")
    assert code == 1
    result = json.loads(out)
    assert result["status"] == "rejected" and result["rows"] == 0 and result["load_id"] is None
    (problem,) = result["problems"]
    assert problem["file"] == "pci_2020.csv" and problem["row"] == 3 and problem["value"] == "Atlantis"
    assert problem["column"] == "A (Tỉnh)" and "Unknown province" in problem["message"]
    assert set(problem) >= {"file", "sheet", "row", "column", "value", "message"}
    assert not db_file.exists()  # validation happens before the database is opened


def test_same_file_twice_creates_no_duplicates(tmp_path, db_file, capsys):
    path = write(tmp_path / "pci_2020.csv", WIDE_VI)
    assert cli(capsys, "load", path, "--db", db_file)[0] == 0
    first = scores(db_file)
    code, out, _ = cli(capsys, "load", path, "--db", db_file)
    assert code == 0 and "Không có gì thay đổi" in out
    assert scores(db_file) == first
    assert len(loads(db_file)) == 1


def test_replacing_a_year_keeps_history_and_rollback_restores(tmp_path, db_file, capsys):
    first = write(tmp_path / "pci_2020.csv", WIDE_VI)
    second = write(tmp_path / "pci_2020_v2.csv", WIDE_VI.replace("70.50", "71.00").replace("Hoà Bình,5.10,5.00,4.80,55.25,4\n", ""))
    assert cli(capsys, "load", first, "--db", db_file, "--year", "2020")[0] == 0
    code, out, _ = cli(capsys, "load", second, "--db", db_file, "--year", "2020")
    assert code == 0 and "1 thay đổi" in out and "4 bị bỏ" in out
    now = {(r[3], r[4]): r[5] for r in scores(db_file)}
    assert now[("48", "PCI:TOTAL")] == 71.0 and ("17", "PCI:TOTAL") not in now
    history = loads(db_file)
    assert [h[0] for h in history] == [1, 2]
    code, out, _ = cli(capsys, "history", "--db", db_file)
    assert "đã bị thay thế" in out and "hiện hành" in out
    code, out, _ = cli(capsys, "rollback", "2", "--db", db_file)
    assert code == 0 and "lần nạp #1" in out
    restored = {(r[3], r[4]): r[5] for r in scores(db_file)}
    assert restored[("48", "PCI:TOTAL")] == 70.5 and restored[("17", "PCI:TOTAL")] == 55.25
    assert cli(capsys, "rollback", "2", "--db", db_file)[0] == 1  # twice is refused
    assert cli(capsys, "rollback", "99", "--db", db_file)[0] == 1


def test_dry_run_reports_old_and_new_and_writes_nothing(tmp_path, db_file, capsys):
    assert cli(capsys, "load", write(tmp_path / "pci_2020.csv", WIDE_VI), "--db", db_file)[0] == 0
    before = content_fingerprint(db_file)
    changed = write(tmp_path / "pci_2020_fix.csv", WIDE_VI.replace("70.50", "71.25"))
    code, out, _ = cli(capsys, "load", changed, "--db", db_file, "--dry-run")
    assert code == 0
    assert "Đà Nẵng · PCI:TOTAL: 70,500 → 71,250" in out and "--dry-run" in out
    assert content_fingerprint(db_file) == before
    code, out, _ = cli(capsys, "load", changed, "--db", db_file, "--dry-run", "--json")
    result = json.loads(out)
    assert result["status"] == "dry-run"
    assert result["scopes"][0]["changes"] == [{"unit_set": "vn63", "unit_code": "48", "component": "PCI:TOTAL",
                                               "old": 70.5, "new": 71.25}]


def test_long_layout_with_codes_ranks_and_unit_sets(tmp_path, db_file, capsys):
    text = ("index,year,unit_set,unit_code,component,value,rank\n"
            "PAPI,2025,vn34,48,PAPI:TOTAL,45.5,3\nPAPI,2025,vn34,48,PAPI:D1,5.5,\n"
            "SIPAS,2024,vn63,49,SIPAS:TOTAL,81.25,10\n")
    code, out, err = cli(capsys, "load", write(tmp_path / "long.csv", text), "--db", db_file)
    assert code == 0, err
    got = scores(db_file)
    assert ("PAPI", 2025, "vn34", "48", "PAPI:TOTAL", 45.5, 3) in got
    assert ("SIPAS", 2024, "vn63", "49", "SIPAS:TOTAL", 81.25, 10) in got


def test_english_headers_and_codes_in_a_semicolon_file(tmp_path, db_file, capsys):
    text = "Province;Participation;Transparency;D4;Total\nDa Nang;5,5;6,1;6,6;40\nHCMC;5,1;5,9;6,2;38,5\n"
    code, out, err = cli(capsys, "load", write(tmp_path / "papi_2019.csv", text), "--db", db_file)
    assert code == 0, err
    assert "PAPI" in out
    got = {(r[3], r[4]): r[5] for r in scores(db_file, "PAPI", 2019)}
    assert got == {("48", "PAPI:D1"): 5.5, ("48", "PAPI:D2"): 6.1, ("48", "PAPI:D4"): 6.6, ("48", "PAPI:TOTAL"): 40.0,
                   ("79", "PAPI:D1"): 5.1, ("79", "PAPI:D2"): 5.9, ("79", "PAPI:D4"): 6.2, ("79", "PAPI:TOTAL"): 38.5}


@pytest.mark.parametrize("body,year,rule_text", [
    ("Tỉnh,Minh bạch\nĐà Nẵng,11.5\n", 2020, "ngoài thang 0–10"),
    ("Tỉnh,Minh bạch\nĐà Nẵng,cao\n", 2020, "không phải là số"),
    ("Tỉnh,Minh bạch\nĐà Nẵng,7\nDa Nang,6\n", 2020, "xuất hiện hai lần"),
    ("Tỉnh,Minh bạch\nQuảng Nam,7\n", 2025, "hợp nhất vào Đà Nẵng"),
    ("Tỉnh,Minh bạch\nHà Tây,7\n", 2015, "không còn tồn tại trong năm 2015"),
    ("Tỉnh,Minh bạch,Mystery column\nĐà Nẵng,7,5\n", 2020, "Không nhận ra cột chỉ số \"Mystery column\""),
    ("Tỉnh,Minh bạch\n=HYPERLINK(\"x\"),7\n", 2020, "ký tự công thức"),
    ("Tỉnh,Minh bạch\n", 2020, "không có dòng dữ liệu"),
    ("Tỉnh,Minh bạch\nĐà Nẵng,7,8\n", 2020, "nhiều hơn 2 cột"),
])
def test_each_rule_is_reported_and_nothing_changes(tmp_path, demo_copy, capsys, body, year, rule_text):
    before = content_fingerprint(demo_copy)
    path = write(tmp_path / "pci.csv", body)
    code, _, err = cli(capsys, "load", path, "--db", demo_copy, "--index", "PCI", "--year", str(year))
    assert code == 1
    assert rule_text in err
    assert content_fingerprint(demo_copy) == before


def test_component_outside_its_years_is_refused(tmp_path, db_file, capsys):
    path = write(tmp_path / "papi.csv", "Tỉnh,Quản trị môi trường\nĐà Nẵng,4.1\n")
    code, _, err = cli(capsys, "load", path, "--db", db_file, "--index", "PAPI", "--year", "2015")
    assert code == 1 and "PAPI:D7" in err and "từ 2018" in err


def test_every_problem_is_listed_at_once(tmp_path, db_file, capsys):
    body = "Tỉnh,Minh bạch,Chi phí thời gian\nAtlantis,7,6\nĐà Nẵng,abc,6\nHà Nội,5,99\n"
    code, out, _ = cli(capsys, "load", write(tmp_path / "pci_2020.csv", body), "--db", db_file, "--json")
    rules = sorted(p["rule"] for p in json.loads(out)["problems"])
    assert rules == ["not_a_number", "out_of_scale", "unknown_unit"]


def test_composite_inconsistent_with_weights_is_a_warning(tmp_path, db_file, capsys):
    parts = ["PCI:ENTRY_COSTS", "PCI:LAND_ACCESS", "PCI:TRANSPARENCY", "PCI:TIME_COSTS", "PCI:INFORMAL_CHARGES",
             "PCI:POLICY_BIAS", "PCI:PROACTIVITY", "PCI:BUSINESS_SUPPORT", "PCI:LABOR_TRAINING",
             "PCI:LEGAL_INSTITUTIONS"]
    header = "unit_code," + ",".join(parts) + ",PCI:TOTAL\n"
    body = header + "48," + ",".join(["6"] * 10) + ",60\n" + "01," + ",".join(["6"] * 10) + ",65\n"
    code, out, _ = cli(capsys, "load", write(tmp_path / "pci.csv", body), "--db", db_file, "--year", "2014",
                       "--json")
    result = json.loads(out)
    assert code == 0 and result["status"] == "loaded"
    (warning,) = result["problems"]
    assert warning["severity"] == "warning" and warning["rule"] == "composite_mismatch"
    assert "Hà Nội" in warning["message"] and "60,000" in warning["message"]


def test_national_rows_are_skipped_not_rejected(tmp_path, db_file, capsys):
    body = "Tỉnh,Minh bạch\nĐà Nẵng,7\nTrung vị,6\nCả nước,6.1\n"
    code, out, _ = cli(capsys, "load", write(tmp_path / "pci_2020.csv", body), "--db", db_file)
    assert code == 0 and "Trung vị" in out
    assert len(scores(db_file)) == 1


def test_usage_errors_exit_2(capsys, db_file):
    assert cli(capsys, "load", "--db", str(db_file))[0] == 2
    assert cli(capsys, "frobnicate")[0] == 2
    code, _, err = cli(capsys, "load", "x.csv", "--index", "XYZ")
    assert code == 2 and "Lỗi cú pháp" in err


def test_missing_file_is_a_clean_rejection(tmp_path, db_file, capsys):
    code, _, err = cli(capsys, "load", tmp_path / "nope.csv", "--db", db_file)
    assert code == 1 and "Không tìm thấy tệp" in err and "Traceback" not in err


def test_cli_runs_as_a_module(tmp_path):
    """The real entry point, in a subprocess: exit code and message, no traceback."""
    path = write(tmp_path / "pci_2020.csv", WIDE_VI.replace("TP.HCM", "Atlantis"))
    result = subprocess.run([sys.executable, "-m", "etl", "load", str(path), "--db", str(tmp_path / "x.duckdb"),
                             "--lang", "en"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 1
    assert "Atlantis" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["pci_2024_wide_demo.csv", "scores_long_demo.csv"])
def test_sample_uploads_load_cleanly(name, db_file, capsys):
    code, out, err = cli(capsys, "load", ROOT / "data" / "samples" / name, "--db", db_file, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["status"] == "loaded" and result["rows"] > 0
    assert [p for p in result["problems"] if p["severity"] == "error"] == []


def test_history_compresses_year_ranges():
    from etl.cli import years_label

    assert years_label("2006,2007,2008,2010") == "2006–2008, 2010"
    assert years_label("2024") == "2024"
