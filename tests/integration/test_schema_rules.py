"""One declaration per fact: allowed values and ranges from ``schema`` drive the importers, the DDL
(CHECK constraints) and the CLI; a database from a newer schema is refused, not touched."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import duckdb
import pandas as pd
import pytest

from helpers import ROOT, cli, content_fingerprint, run_page, write
from etl.cli import build_parser
from etl.demo import DEFAULT_SEED, DemoGenerator
from etl.demo_actions import register_rows
from etl.load import write_register
from etl.register import import_register
from provindex import config, db, schema
from provindex.catalog import Catalog, get_catalog
from provindex.errors import SchemaTooNew

HEADER = "action_id,unit_code,year,date,date_precision,action_type,title_vi,evidence_grade,persistence,end_date\n"


# -- allowed values: one declaration, used by the register import and the DDL --------------------
def test_register_rejects_values_outside_the_schema_naming_the_allowed_ones(db_file, tmp_path, capsys):
    bad = write(tmp_path / "bad.csv", HEADER + "A1,48,2018,2018-05-01,roughly,OSS_CENTRE,T,E,forever,\n")
    code, out, _ = cli(capsys, "actions", bad, "--db", db_file, "--json", "--lang", "en")
    assert code == 1
    choices = {p["column"]: p for p in json.loads(out)["problems"] if p["rule"] == "register_choice"}
    for column in ("date_precision", "evidence_grade", "persistence"):
        allowed = schema.column("action", column).allowed
        assert all(value in choices[column]["message"] for value in allowed), choices[column]["message"]
    assert "approximate" in choices["date_precision"]["message"]  # placeholder dates are a declared precision


def test_score_rules_come_from_the_schema():
    from etl.values import parse_rank, parse_year

    year = schema.column("score", "year")
    assert parse_year(str(year.min)) == year.min and parse_year(str(year.min - 1)) is None
    assert parse_year(str(year.max)) == year.max and parse_year(str(year.max + 1)) is None
    assert parse_rank("1") == 1 and parse_rank("0") is None
    assert schema.column("score", "unit_set").allowed == schema.UNIT_SETS


def test_check_constraints_are_generated_and_enforced(db_file):
    assert "CHECK" in schema.create_table_sql(schema.TABLE_BY_NAME["action"])
    con = db.connect(db_file)
    try:
        row = {"action_id": "X1", "version": 1, "unit_set": "vn63", "unit_code": "48", "year": 2020,
               "action_type": "OSS_CENTRE", "is_synthetic": False}
        for column, value in (("date_precision", "roughly"), ("evidence_grade", "E"), ("unit_set", "vn99"),
                              ("year", 1800)):
            with pytest.raises(duckdb.ConstraintException):
                db.insert_rows(con, "action", [{**row, column: value}])
        db.insert_rows(con, "action", [{**row, "date_precision": "approximate"}])
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO score VALUES (1, 'PCI', 2020, 'vn63', '48', 'PCI:TOTAL', 60.0, 0, NULL, NULL)")
        assert con.execute("SELECT count(*) FROM action").fetchone()[0] == 1
    finally:
        con.close()


def test_insert_rows_refuses_a_column_the_schema_lacks(db_file):
    con = db.connect(db_file)
    try:
        with pytest.raises(KeyError, match="titel_vi"):
            db.insert_rows(con, "action", [{"action_id": "X1", "titel_vi": "typo"}])
    finally:
        con.close()


# -- the one writer of the register --------------------------------------------------------------
def test_demo_and_register_import_write_identical_rows(tmp_path):
    """The demo's register, written as a register file and imported, gives the very same rows."""
    catalog = get_catalog()
    actions = DemoGenerator(catalog, DEFAULT_SEED).actions()
    now = dt.datetime(2025, 1, 1)
    action_rows, target_rows = register_rows(actions, catalog, now)
    demo_db, imported_db = db.connect(tmp_path / "demo.duckdb"), db.connect(tmp_path / "imported.duckdb")
    try:
        with db.transaction(demo_db):
            write_register(demo_db, action_rows, target_rows)
        sheet = pd.DataFrame(action_rows).drop(columns=["version", "created_by", "created_at"])
        sheet["is_synthetic"] = sheet["is_synthetic"].map({True: "true", False: ""})
        sheet.to_csv(tmp_path / "register.csv", index=False)
        outcome = import_register(imported_db, tmp_path / "register.csv", user="demo", now=now)
        assert outcome.status == "loaded", [p.to_json() for p in outcome.problems][:3]
        for table, key in (("action", "action_id"), ("action_target", "action_id, component")):
            expected = demo_db.execute(f"SELECT * FROM {table} ORDER BY {key}").df()
            got = imported_db.execute(f"SELECT * FROM {table} ORDER BY {key}").df()
            pd.testing.assert_frame_equal(got, expected)
    finally:
        demo_db.close()
        imported_db.close()


# -- index choices follow indices.csv ------------------------------------------------------------
def test_cli_index_choices_follow_indices_csv(tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(config.REFERENCE_DIR, reference)
    with open(reference / "indices.csv", "a", encoding="utf-8") as handle:
        handle.write("DDCI,Chỉ số DDCI,DDCI,DDCI,DDCI,VCCI,VCCI,DDCI:TOTAL,2015,points,true,5\n")
    extended = Catalog(reference)
    assert build_parser("en", extended).parse_args(["load", "x.csv", "--index", "ddci"]).index == "DDCI"
    with pytest.raises(SystemExit):
        build_parser("en").parse_args(["load", "x.csv", "--index", "DDCI"])
    assert build_parser("en").parse_args(["export", "o.csv", "--index", "sipas"]).index == "SIPAS"


def test_only_the_reference_module_reads_the_reference_folder():
    for folder in ("provindex", "etl"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "reference.py":
                continue
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"REFERENCE_DIR\s*/|reference_dir\s*/", text), path


# -- a database from a newer schema ---------------------------------------------------------------
@pytest.fixture
def newer_db(db_file):
    con = db.connect(db_file)
    with db.transaction(con):
        db.set_meta(con, "schema_version", str(schema.SCHEMA_VERSION + 1))
    con.close()
    return db_file


@pytest.mark.parametrize("read_only", [False, True])
def test_newer_schema_is_refused_and_the_database_unchanged(newer_db, read_only):
    before = content_fingerprint(newer_db)
    with pytest.raises(SchemaTooNew) as refused:
        db.connect(newer_db, read_only=read_only)
    assert content_fingerprint(newer_db) == before
    newer, ours = str(schema.SCHEMA_VERSION + 1), str(schema.SCHEMA_VERSION)
    for lang in ("vi", "en"):
        message = refused.value.message(lang)
        assert newer in message and ours in message and str(newer_db) in message
    assert refused.value.message("vi") != refused.value.message("en")


def test_cli_shows_the_newer_schema_message(newer_db, capsys, tmp_path):
    before = content_fingerprint(newer_db)
    code, out, err = cli(capsys, "history", "--db", newer_db, "--lang", "en")
    assert code == 1 and "newer provindex" in err and "Traceback" not in err + out
    load = write(tmp_path / "PCI_2020.csv", "unit,PCI\nĐà Nẵng,70\n")
    code, _, err = cli(capsys, "load", load, "--db", newer_db)
    assert code == 1 and "phiên bản provindex mới hơn" in err
    assert content_fingerprint(newer_db) == before


def test_dashboard_shows_the_newer_schema_message(newer_db, monkeypatch):
    app = run_page(ROOT / "app_pages" / "overview.py", newer_db, monkeypatch, lang="en")
    assert any("newer provindex" in e.value for e in app.error)
