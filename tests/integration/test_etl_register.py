"""python -m etl actions FILE: validated, one transaction, versioned (an edit adds a version)."""

from __future__ import annotations

import json

import duckdb

from helpers import cli, content_fingerprint, write

HEADER = ("action_id,unit_code,year,date,date_precision,action_type,title_vi,title_en,evidence_grade,persistence,"
          "end_date,target_components,expected_sign,expected_lag,doc_number,issuing_body\n")


def rows(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()


def test_import_then_edit_adds_a_version(db_file, tmp_path, capsys):
    first = write(tmp_path / "a.csv", HEADER +
                  "QNI-2017-DDCI,Quảng Ninh,2017,2017-03-15,day,DDCI_LAUNCH,Công bố DDCI,First DDCI,A,,,"
                  "PCI:PROACTIVITY,1,1,12-KH/UBND,UBND\n"
                  "DNG-2020-TT,48,2020,,year,TRAINING,Tập huấn,Training,C,temporary,31/12/2020,,,,,\n")
    code, out, err = cli(capsys, "actions", first, "--db", db_file, "--user", "analyst", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["added"] == ["QNI-2017-DDCI", "DNG-2020-TT"] and payload["hypotheses"] == 1
    edited = write(tmp_path / "b.csv", HEADER +
                   "QNI-2017-DDCI,22,2017,2017-04-01,day,DDCI_LAUNCH,Công bố DDCI,First DDCI,A,,,"
                   "PCI:PROACTIVITY,-1,1,12-KH/UBND,UBND\n"
                   "DNG-2020-TT,48,2020,,year,TRAINING,Tập huấn,Training,C,temporary,31/12/2020,,,,,\n")
    code, out, _ = cli(capsys, "actions", edited, "--db", db_file, "--json")
    payload = json.loads(out)
    assert code == 0 and payload["new_versions"] == ["QNI-2017-DDCI"] and payload["unchanged"] == ["DNG-2020-TT"]
    assert any(p["rule"] == "register_hypothesis_kept" for p in payload["problems"])
    con = duckdb.connect(str(db_file), read_only=True)
    try:
        versions = rows(con, "SELECT version, supersedes, date::VARCHAR, unit_code FROM action "
                             "WHERE action_id = 'QNI-2017-DDCI' ORDER BY version")
        assert versions == [(1, None, "2017-03-15", "22"), (2, 1, "2017-04-01", "22")]
        assert rows(con, "SELECT date::VARCHAR FROM action_current WHERE action_id = 'QNI-2017-DDCI'") == [("2017-04-01",)]
        assert rows(con, "SELECT role, expected_sign FROM action_target") == [("primary", 1)]  # original kept
        assert rows(con, "SELECT persistence, end_date::VARCHAR FROM action_current WHERE action_id = 'DNG-2020-TT'") \
            == [("temporary", "2020-12-31")]
    finally:
        con.close()
    code, out, _ = cli(capsys, "actions", edited, "--db", db_file)
    assert code == 0 and "không đổi" in out


def test_every_problem_is_reported_and_nothing_changes(db_file, tmp_path, capsys):
    cli(capsys, "actions", write(tmp_path / "ok.csv", HEADER +
                                 "A1,01,2018,,year,OSS_CENTRE,T,T,B,,,,,,,\n"), "--db", db_file)
    before = content_fingerprint(db_file)
    bad = write(tmp_path / "bad.csv", HEADER +
                "A2,Atlantis,2018,2019-01-01,day,OSS_CENTRE,T,T,B,,,,,,,\n"
                "A2,01,20x8,,,NOT_A_TYPE,,T,E,temporary,,PCI:NOPE,2,,,\n")
    code, out, _ = cli(capsys, "actions", bad, "--db", db_file, "--json", "--lang", "en")
    assert code == 1
    problems = json.loads(out)["problems"]
    rules = {(p["row"], p["rule"], p["column"]) for p in problems}
    assert (2, "register_unit", "unit_code") in rules and (2, "register_date_year", "date") in rules
    assert (3, "register_duplicate", "action_id") in rules and (3, "register_year", "year") in rules
    assert (3, "register_choice", "action_type") in rules and (3, "register_required", "title_vi") in rules
    assert (3, "register_choice", "evidence_grade") in rules and (3, "register_end_date", "end_date") in rules
    assert (3, "register_component", "target_components") in rules and (3, "register_choice", "expected_sign") in rules
    assert content_fingerprint(db_file) == before


def test_dry_run_writes_nothing(db_file, tmp_path, capsys):
    cli(capsys, "demo", "--db", db_file)
    before = content_fingerprint(db_file)
    code, out, _ = cli(capsys, "actions", write(tmp_path / "a.csv", HEADER + "Z1,48,2021,,year,OSS_CENTRE,T,T,B,,,,,,,\n"),
                       "--db", db_file, "--dry-run")
    assert code == 0 and "Chạy thử" in out
    assert content_fingerprint(db_file) == before


def test_old_database_gains_the_new_register_columns(db_file):
    con = duckdb.connect(str(db_file))
    con.execute("CREATE TABLE action (action_id VARCHAR, version INTEGER, unit_set VARCHAR, unit_code VARCHAR,"
                " year INTEGER, action_type VARCHAR, is_synthetic BOOLEAN)")
    con.close()
    from provindex import db

    con = db.connect(db_file)
    try:
        columns = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns"
                                             " WHERE table_name = 'action'").fetchall()}
        assert {"supersedes", "signed_date", "evidence_grade", "reason"} <= columns
        assert con.execute("SELECT count(*) FROM index_edition WHERE \"index\" = 'PCI'").fetchone()[0] == 21
    finally:
        con.close()
