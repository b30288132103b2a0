"""export -> load into an empty database -> export gives the identical file."""

import csv

import duckdb
import pandas as pd
import pytest

from helpers import cli
from etl.export import EXPORT_COLUMNS, safe_text
from provindex.catalog import get_catalog


def test_export_round_trips_byte_for_byte(demo_db, tmp_path, capsys):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    empty = tmp_path / "empty.duckdb"
    assert cli(capsys, "export", first, "--db", demo_db)[0] == 0
    code, out, err = cli(capsys, "load", first, "--db", empty)
    assert code == 0, err
    assert cli(capsys, "export", second, "--db", empty)[0] == 0
    assert first.read_bytes() == second.read_bytes()
    frame = pd.read_csv(first, dtype=str, encoding="utf-8-sig")
    assert list(frame.columns) == EXPORT_COLUMNS
    assert len(frame) > 25000
    assert first.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel shows Vietnamese correctly


def test_export_filters_by_index_and_unit_set(demo_db, tmp_path, capsys):
    out = tmp_path / "papi34.csv"
    assert cli(capsys, "export", out, "--db", demo_db, "--index", "PAPI", "--units", "vn34")[0] == 0
    frame = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert set(frame["index"]) == {"PAPI"} and set(frame["unit_set"]) == {"vn34"} and set(frame["year"]) == {"2025"}
    assert frame["unit_code"].nunique() == 34


def test_harmonized_export_is_the_population_weighted_mean(demo_db, tmp_path, capsys):
    out = tmp_path / "h.csv"
    assert cli(capsys, "export", out, "--db", demo_db, "--index", "SIPAS", "--units", "harmonized")[0] == 0
    frame = pd.read_csv(out, dtype={"unit_code": str}, encoding="utf-8-sig")
    assert set(frame["unit_set"]) == {"vn34"}
    assert frame.loc[frame["year"] < 2025, "rank"].isna().all()  # converted values are not ranked
    assert frame.loc[(frame["year"] == 2025) & (frame["component"] == "SIPAS:TOTAL"), "rank"].notna().all()
    con = duckdb.connect(str(demo_db), read_only=True)
    raw = dict(con.execute("SELECT unit_code, value FROM score_current WHERE year = 2020 AND"
                           " component = 'SIPAS:TOTAL'").fetchall())
    con.close()
    weights = get_catalog().members("48").set_index("from_code")["weight"]
    expected = sum(raw[c] * w for c, w in weights.items()) / weights.sum()
    got = frame[(frame["year"] == 2020) & (frame["unit_code"] == "48") & (frame["component"] == "SIPAS:TOTAL")]
    assert got["value"].iloc[0] == pytest.approx(expected, rel=1e-12)
    assert got["unit_name"].iloc[0] == "Đà Nẵng"


def test_harmonized_value_with_a_missing_member_is_flagged(demo_db, tmp_path, capsys):
    """PCI from 2023 covers the top 30 only: a merged unit missing a member is re-normalised over the others and
    flagged (``members_present`` < ``members``); one with no member published gets no row."""
    out = tmp_path / "h.csv"
    assert cli(capsys, "export", out, "--db", demo_db, "--index", "PCI", "--units", "harmonized")[0] == 0
    frame = pd.read_csv(out, dtype={"unit_code": str}, encoding="utf-8-sig")
    con = duckdb.connect(str(demo_db), read_only=True)
    present = {r[0] for r in con.execute("SELECT unit_code FROM score_current WHERE year = 2024 AND"
                                         " component = 'PCI:TOTAL'").fetchall()}
    con.close()
    cross = get_catalog().crosswalk
    for code, group in cross.groupby("to_code"):
        found = len(set(group["from_code"]) & present)
        rows = frame[(frame["year"] == 2024) & (frame["unit_code"] == code) & (frame["component"] == "PCI:TOTAL")]
        assert len(rows) == (1 if found else 0), code
        if found:
            assert rows[["backcast", "members", "members_present"]].iloc[0].tolist() == [1, len(group), found]
    assert (frame.loc[frame["year"] == 2025, "backcast"] == 0).all()


def test_formula_like_text_is_defused():
    assert safe_text("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_text("@SUM") == "'@SUM"
    assert safe_text("Đà Nẵng") == "Đà Nẵng"


def test_export_on_an_empty_database_writes_only_the_header(tmp_path, capsys):
    out = tmp_path / "e.csv"
    assert cli(capsys, "export", out, "--db", tmp_path / "new.duckdb")[0] == 0
    assert list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines())) == [EXPORT_COLUMNS]
