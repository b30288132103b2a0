"""Schema from one declaration, transactions, current view and rollback semantics."""

import duckdb
import pandas as pd
import pytest

from etl import load as loader
from helpers import content_fingerprint
from provindex import db, queries, schema


def test_schema_is_generated_from_the_declaration(db_file):
    con = db.connect(db_file)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables"
                                            " WHERE table_type = 'BASE TABLE'").fetchall()}
        assert tables == {t.name for t in schema.TABLES}
        for table in schema.TABLES:
            columns = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table.name]).fetchall()]
            assert columns == table.column_names(), table.name
            assert table.description and all(c.description for c in table.columns)
        assert con.execute("SELECT count(*) FROM unit").fetchone()[0] == 98
    finally:
        con.close()


def test_reference_sync_runs_once_and_connect_is_idempotent(db_file):
    con = db.connect(db_file)
    digest = db.get_meta(con, "reference_sha")
    assert db.sync_reference(con) is False  # nothing changed since the first sync
    con.close()
    con = db.connect(db_file)
    assert db.get_meta(con, "reference_sha") == digest
    assert con.execute("SELECT count(*) FROM component").fetchone()[0] > 60
    con.close()


def test_transaction_rolls_back_everything_on_error(db_file):
    con = db.connect(db_file)
    with pytest.raises(RuntimeError):
        with db.transaction(con):
            con.execute("INSERT INTO meta VALUES ('a', '1')")
            raise RuntimeError("boom")
    assert con.execute("SELECT count(*) FROM meta WHERE key = 'a'").fetchone()[0] == 0
    con.close()


def _file(values: dict[str, float], name: str, year: int = 2020) -> loader.FileLoad:
    frame = pd.DataFrame([{"index": "PCI", "year": year, "unit_set": "vn63", "unit_code": code,
                           "component": "PCI:TOTAL", "value": v, "rank": None, "ci_low": None, "ci_high": None}
                          for code, v in values.items()])
    frame["rank"] = frame["rank"].astype("Int64")
    return loader.FileLoad(frame, name, 1, name, "utf-8", "wide", None)


def test_newest_active_load_is_current_and_rollback_reverts(db_file):
    con = db.connect(db_file)
    try:
        (first,) = loader.apply_loads(con, [_file({"48": 60.0, "01": 61.0}, "a")], "t")
        (second,) = loader.apply_loads(con, [_file({"48": 62.0}, "b")], "t")
        current = queries.current_scores(con)
        assert current[["unit_code", "value", "load_id"]].values.tolist() == [["48", 62.0, second]]
        assert len(con.execute("SELECT * FROM score").fetchall()) == 3  # the old version is kept
        after = loader.rollback(con, second, "t")
        assert after == [{"index": "PCI", "year": 2020, "current_load": first}]
        assert sorted(queries.current_scores(con)["value"]) == [60.0, 61.0]
        other_year = loader.apply_loads(con, [_file({"48": 50.0}, "c", year=2019)], "t")
        assert len(queries.current_scores(con)) == 3 and other_year == [second + 1]
    finally:
        con.close()


def test_failed_load_leaves_no_partial_rows(db_file, monkeypatch):
    con = db.connect(db_file)
    good, bad = _file({"48": 60.0}, "a"), _file({"01": 61.0}, "b")
    bad.frame["value"] = None  # NOT NULL violation in the middle of the transaction
    with pytest.raises(duckdb.Error):
        loader.apply_loads(con, [good, bad], "t")
    assert con.execute('SELECT count(*) FROM "load"').fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM score").fetchone()[0] == 0
    con.close()


def test_read_only_connection_needs_an_existing_file(tmp_path):
    from provindex.errors import DatabaseMissing

    with pytest.raises(DatabaseMissing):
        db.connect(tmp_path / "none.duckdb", read_only=True)


def test_identifiers_are_whitelisted():
    with pytest.raises(AssertionError):
        schema.quote("score; DROP TABLE score")


def test_opening_a_current_database_writes_nothing(db_file):
    db.connect(db_file).close()
    before = db.data_version(db_file)
    for _ in range(2):
        db.connect(db_file).close()
    assert db.data_version(db_file) == before


def test_an_older_database_is_migrated_once(db_file):
    con = db.connect(db_file)
    con.execute("ALTER TABLE action DROP COLUMN date_precision")  # a file written before the column existed
    db.set_meta(con, "schema_sha", "older")
    con.close()
    con = db.connect(db_file)
    try:
        columns = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                             "WHERE table_name = 'action' ORDER BY ordinal_position").fetchall()]
        assert "date_precision" in columns
        assert db.get_meta(con, "schema_sha") == db.schema_fingerprint()
    finally:
        con.close()
    before = db.data_version(db_file)
    db.connect(db_file).close()
    assert db.data_version(db_file) == before


def test_a_new_database_is_a_copy_of_the_cached_template(tmp_path, monkeypatch):
    monkeypatch.setenv("PROVINDEX_CACHE_DIR", str(tmp_path / "cache"))
    template = db.template_path()
    assert not template.exists()
    db.connect(tmp_path / "first.duckdb").close()
    assert template.exists()
    stamp = template.stat().st_mtime_ns
    db.connect(tmp_path / "second.duckdb").close()
    assert template.stat().st_mtime_ns == stamp  # copied, not rebuilt
    (tmp_path / "blocked").write_text("a file where the cache folder should be")
    monkeypatch.setenv("PROVINDEX_CACHE_DIR", str(tmp_path / "blocked" / "cache"))
    db.connect(tmp_path / "in_place.duckdb").close()  # no usable cache: built in place
    fingerprints = {content_fingerprint(tmp_path / f"{n}.duckdb") for n in ("first", "second", "in_place")}
    assert len(fingerprints) == 1
    con = db.connect(tmp_path / "second.duckdb")
    try:
        assert db.get_meta(con, "schema_sha") == db.schema_fingerprint()
        assert con.execute("SELECT count(*) FROM unit").fetchone()[0] == 98
    finally:
        con.close()


def test_a_damaged_template_is_dropped_and_the_database_built_in_place(tmp_path, monkeypatch):
    monkeypatch.setenv("PROVINDEX_CACHE_DIR", str(tmp_path / "cache"))
    template = db.template_path()
    template.parent.mkdir(parents=True)
    template.write_bytes(b"not a database" * 100)
    con = db.connect(tmp_path / "new.duckdb")
    try:
        assert con.execute("SELECT count(*) FROM component").fetchone()[0] > 60
    finally:
        con.close()
    assert not template.exists()


def test_an_existing_file_is_never_replaced_by_the_template(db_file):
    con = db.connect(db_file)
    db.set_meta(con, "dataset", "mine")
    con.close()
    assert db.seed_from_template(db_file) is True  # the link finds the file there and keeps it
    con = db.connect(db_file)
    try:
        assert db.get_meta(con, "dataset") == "mine"
    finally:
        con.close()
