"""The escape hatch (issue 9): --map / --map-file, mappings remembered in the database, ``etl mappings``.

Round trip: an unknown column is rejected with the --map line that fixes it; that line loads the file and
the mapping is remembered; the next file with the same header loads with a note; ``mappings remove`` stops
it and the next file is rejected again. Every rejection and every dry run leaves the database unchanged.
"""

from __future__ import annotations

import json
import re
import shlex

import duckdb
import pytest

from corpus import PCI_HEADER, csv_text, pci_rows, write_bytes, xlsx
from etl import mappings
from etl.pipeline import LoadOptions, process_file, run_load
from helpers import cli, content_fingerprint, db_rows
from provindex import db as dbmod
from provindex.catalog import get_catalog

ODD = "Tính minh bạc"  # a misspelt sub-index: numbers under a header nobody knows
ODD_HEADER = ["Tỉnh", ODD, *PCI_HEADER[2:]]


def _csv(tmp_path, name, header=ODD_HEADER, rows=None):
    return write_bytes(tmp_path / name, csv_text(header, rows or pci_rows()).encode("utf-8"))


def _remembered(db):
    return db_rows(db, "SELECT header_key, target, version, active, load_id, file_name FROM column_mapping"
                       " ORDER BY header_key, version")


def _fix_line(err: str) -> list[str]:
    """The printed `python -m etl load … --map "…"` line, as arguments after `python -m etl`."""
    found = re.search(r"→ python -m etl (load .*)$", err, re.MULTILINE)
    assert found, err
    return shlex.split(found.group(1))


def test_round_trip_reject_map_remember_reuse_remove(tmp_path, db, capsys):
    first = _csv(tmp_path, "pci_2020.csv")
    before = content_fingerprint(db)
    code, _, err = cli(capsys, "load", first, "--db", db, "--lang", "en")
    assert code == 1 and f'Unknown score column "{ODD}"' in err
    assert content_fingerprint(db) == before
    args = _fix_line(err)
    assert args == ["load", "pci_2020.csv", "--map", f"{ODD}=PCI:TRANSPARENCY"]

    # the printed line, run from the file's folder, loads the file and remembers the mapping
    args[1] = str(first)
    code, out, _ = cli(capsys, *args, "--db", db, "--lang", "en", "--user", "lan")
    assert code == 0, out
    assert f'column B ({ODD}) read as PCI:TRANSPARENCY (--map "{ODD}=PCI:TRANSPARENCY")' in out
    assert f'remembered "{ODD}=PCI:TRANSPARENCY" (version 1)' in out
    ((key, target, version, active, load_id, file_name),) = _remembered(db)
    assert (key, target, version, active, file_name) == ("tinh minh bac", "PCI:TRANSPARENCY", 1, True, "pci_2020.csv")
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT count(*) FROM score WHERE load_id = ? AND component = 'PCI:TRANSPARENCY'",
                         [load_id]).fetchone()[0]
    con.close()
    assert stored == len(pci_rows())

    # the next year's file with the same header loads without --map, with a note naming the mapping
    second = _csv(tmp_path, "pci_2021.csv")
    code, out, _ = cli(capsys, "load", second, "--db", db, "--lang", "en")
    assert code == 0, out
    assert f'read as PCI:TRANSPARENCY by the remembered mapping "{ODD}=PCI:TRANSPARENCY" (version 1, lan,' in out
    assert f'python -m etl mappings remove "{ODD}"' in out
    assert len(_remembered(db)) == 1  # reuse writes nothing

    code, out, _ = cli(capsys, "mappings", "--db", db, "--json")
    assert code == 0
    (listed,) = json.loads(out)
    assert listed["header"] == ODD and listed["target"] == "PCI:TRANSPARENCY" and listed["user"] == "lan"

    # remove: a new inactive version, nothing deleted; the third file is rejected again
    code, out, _ = cli(capsys, "mappings", "remove", "TINH MINH BAC", "--db", db, "--lang", "en", "--user", "minh")
    assert code == 0 and "Removed the remembered mapping" in out
    assert [(r[2], r[3]) for r in _remembered(db)] == [(1, True), (2, False)]
    code, out, _ = cli(capsys, "mappings", "--db", db, "--lang", "en")
    assert code == 0 and "No remembered column mappings." in out
    code, out, _ = cli(capsys, "mappings", "--all", "--db", db, "--lang", "en")
    assert "(removed)" in out
    third = _csv(tmp_path, "pci_2022.csv")
    before = content_fingerprint(db)
    code, _, err = cli(capsys, "load", third, "--db", db, "--lang", "en")
    assert code == 1 and "Unknown score column" in err
    assert content_fingerprint(db) == before
    code, _, err = cli(capsys, "mappings", "remove", ODD, "--db", db, "--lang", "en")
    assert code == 1 and "no remembered mapping" in err


def test_a_new_target_is_a_new_version_and_a_given_mapping_beats_a_remembered_one(tmp_path, db, capsys):
    cli(capsys, "load", _csv(tmp_path, "pci_2020.csv"), "--db", db, "--map", f"{ODD}=PCI:TRANSPARENCY")
    code, out, _ = cli(capsys, "load", _csv(tmp_path, "pci_2021.csv"), "--db", db, "--lang", "en",
                       "--map", f"{ODD.upper()}=pci:time_costs", "--map", "Chi phí thời gian=ignore")
    assert code == 0, out
    assert "(--map" in out and "remembered mapping" not in out
    rows = _remembered(db)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("chi phi thoi gian", "ignore", 1, True), ("tinh minh bac", "PCI:TRANSPARENCY", 1, True),
        ("tinh minh bac", "PCI:TIME_COSTS", 2, True)]
    con = duckdb.connect(str(db), read_only=True)
    components = {r[0] for r in con.execute("SELECT DISTINCT component FROM score_current WHERE year = 2021")
                  .fetchall()}
    con.close()
    assert components == {"PCI:TIME_COSTS", "PCI:INFORMAL_CHARGES", "PCI:TOTAL"}


@pytest.mark.parametrize("given, fragment_en, fragment_vi", [
    ("Tính minh bạc", "is not a mapping", "không phải là một ánh xạ"),
    ("=PCI:TRANSPARENCY", "is not a mapping", "không phải là một ánh xạ"),
    ("Tính minh bạc=", "is not a mapping", "không phải là một ánh xạ"),
    ("Tính minh bạc=PCI:TRANSPARENC", "closest: PCI:TRANSPARENCY", "gần nhất: PCI:TRANSPARENCY"),
    ("Tính minh bạc=ci_low:PCI:NOPE", "is not a known component code", "không phải là mã thành phần"),
    ("Tính minh bạc=rank", "is not a known component code", "không phải là mã thành phần"),
])
def test_bad_map_is_a_usage_error_naming_the_allowed_forms(tmp_path, db, capsys, given, fragment_en, fragment_vi):
    path = _csv(tmp_path, "pci_2020.csv")
    before = content_fingerprint(db)
    for lang, fragment, forms in (("en", fragment_en, "Allowed forms"), ("vi", fragment_vi, "Các dạng hợp lệ")):
        code, out, err = cli(capsys, "load", path, "--db", db, "--map", given, "--lang", lang)
        assert code == 2 and out == ""
        assert fragment in err, err
        if "component code" in fragment or "mã thành phần" in fragment or "không phải là một" in fragment:
            assert forms in err
        assert "HEADER=ci_low:PAPI:TOTAL" in err or "TIÊU ĐỀ=ci_low:PAPI:TOTAL" in err
    assert content_fingerprint(db) == before
    assert not (tmp_path / "new.duckdb").exists()
    code, _, err = cli(capsys, "load", path, "--db", tmp_path / "new.duckdb", "--map", given)
    assert code == 2 and not (tmp_path / "new.duckdb").exists()


def test_one_header_with_two_targets_is_a_usage_error(tmp_path, db, capsys):
    code, _, err = cli(capsys, "load", _csv(tmp_path, "pci_2020.csv"), "--db", db, "--lang", "en",
                       "--map", f"{ODD}=PCI:TRANSPARENCY", "--map", "tinh minh bac=ignore")
    assert code == 2 and "mapped twice" in err


def test_map_file_with_bom_semicolons_and_a_header_row(tmp_path, db, capsys):
    mapfile = write_bytes(tmp_path / "map.csv", f"header;target\n{ODD};PCI:TRANSPARENCY\n\n".encode("utf-8-sig"))
    code, out, _ = cli(capsys, "load", _csv(tmp_path, "pci_2020.csv"), "--db", db, "--map-file", mapfile,
                       "--lang", "en")
    assert code == 0, out
    assert [r[1] for r in _remembered(db)] == ["PCI:TRANSPARENCY"]
    bad = write_bytes(tmp_path / "bad.csv", f"header,target\n{ODD},PCI:TRANSPARENCY\nLo95,ci_low\n".encode())
    code, _, err = cli(capsys, "load", _csv(tmp_path, "pci_2021.csv"), "--db", db, "--map-file", bad, "--lang", "en")
    assert code == 2 and "bad.csv, line 3" in err and "Lo95,ci_low" in err
    code, _, err = cli(capsys, "load", _csv(tmp_path, "pci_2021.csv"), "--db", db, "--map-file",
                       tmp_path / "missing.csv", "--lang", "en")
    assert code == 2 and "Cannot read the mapping file" in err


def test_dry_run_and_rejected_loads_remember_nothing(tmp_path, db, capsys):
    before = content_fingerprint(db)
    path = _csv(tmp_path, "pci_2020.csv")
    code, out, _ = cli(capsys, "load", path, "--db", db, "--dry-run", "--map", f"{ODD}=PCI:TRANSPARENCY",
                       "--lang", "en")
    assert code == 0 and "Dry run" in out and "read as PCI:TRANSPARENCY" in out
    assert content_fingerprint(db) == before
    rows = pci_rows()
    rows[3][2] = 12.5  # out of scale: the file is rejected, the mapping is not remembered
    code, _, err = cli(capsys, "load", _csv(tmp_path, "pci_2021.csv", rows=rows), "--db", db,
                       "--map", f"{ODD}=PCI:TRANSPARENCY", "--lang", "en")
    assert code == 1 and "outside the 0–10 scale" in err
    assert content_fingerprint(db) == before
    code, out, _ = cli(capsys, "load", path, "--db", tmp_path / "none.duckdb", "--dry-run",
                       "--map", f"{ODD}=PCI:TRANSPARENCY")
    assert code == 0 and not (tmp_path / "none.duckdb").exists()


def test_an_unchanged_load_still_remembers_the_mapping(tmp_path, db, capsys):
    same = _csv(tmp_path, "pci_2019.csv")  # the base load's values under the odd header
    code, out, _ = cli(capsys, "load", same, "--db", db, "--map", f"{ODD}=PCI:TRANSPARENCY", "--lang", "en")
    assert code == 0 and "Nothing changed" in out and "remembered" in out
    assert [(r[1], r[4]) for r in _remembered(db)] == [("PCI:TRANSPARENCY", None)]


def test_ignore_sets_a_numeric_column_aside(tmp_path, db, capsys):
    header = [*PCI_HEADER, "Điểm bí ẩn"]  # a lone column of decimals nobody knows: refused until mapped
    path = _csv(tmp_path, "pci_2020.csv", header, [r + [round(3.1 + 0.07 * i, 2)] for i, r in enumerate(pci_rows())])
    code, _, err = cli(capsys, "load", path, "--db", db, "--lang", "en")
    assert code == 1 and '--map "Điểm bí ẩn=' in err
    code, out, _ = cli(capsys, "load", path, "--db", db, "--map", "Điểm bí ẩn=ignore", "--lang", "en", "--json")
    result = json.loads(out)
    assert code == 0 and result["status"] == "loaded"
    assert result["files"][0]["mappings"] == [{"header": "Điểm bí ẩn", "target": "ignore", "source": "given",
                                               "version": None}]
    assert any("read as ignore" in note for note in result["files"][0]["notes"])


def test_confidence_bounds_are_stored_on_their_component(tmp_path, db, capsys):
    header = [*PCI_HEADER, "Lo95", "Hi95"]
    rows = [r + [round(r[4] - 1.5, 2), round(r[4] + 1.5, 2)] for r in pci_rows()]
    path = _csv(tmp_path, "pci_2020.csv", header, rows)
    code, out, _ = cli(capsys, "load", path, "--db", db, "--lang", "en", "--map", "Lo95=ci_low:PCI:TOTAL",
                       "--map", "hi95=CI_HIGH:pci:total")
    assert code == 0, out
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT value, ci_low, ci_high FROM score_current WHERE year = 2020"
                         " AND component = 'PCI:TOTAL' ORDER BY unit_code").fetchall()
    others = con.execute("SELECT count(*) FROM score_current WHERE year = 2020 AND component <> 'PCI:TOTAL'"
                         " AND (ci_low IS NOT NULL OR ci_high IS NOT NULL)").fetchone()[0]
    con.close()
    assert len(stored) == len(rows) and others == 0
    assert all(abs(low - (v - 1.5)) < 1e-9 and abs(high - (v + 1.5)) < 1e-9 for v, low, high in stored)
    assert [r[1] for r in _remembered(db)] == ["ci_high:PCI:TOTAL", "ci_low:PCI:TOTAL"]
    # the same values with the bounds now published: a reload is a change, not "unchanged"
    plain = _csv(tmp_path, "pci_2020.csv", PCI_HEADER)
    code, out, _ = cli(capsys, "load", plain, "--db", db, "--lang", "en")
    assert code == 0 and "changed" in out and "Nothing changed" not in out


def test_bounds_on_the_wrong_side_or_without_their_score_are_rejected(tmp_path, db, capsys):
    header = [*PCI_HEADER, "Lo95", "Hi95"]
    rows = [r + [round(r[4] + 1.5, 2), round(r[4] + 2, 2)] for r in pci_rows()]  # the "lower" bound is above
    before = content_fingerprint(db)
    code, out, _ = cli(capsys, "load", _csv(tmp_path, "pci_2020.csv", header, rows), "--db", db, "--json",
                       "--lang", "en", "--map", "Lo95=ci_low:PCI:TOTAL", "--map", "Hi95=ci_high:PCI:TOTAL")
    result = json.loads(out)
    assert code == 1
    wrong = [p for p in result["problems"] if p["rule"] == "map_ci_low_wrong_side"]
    assert len(wrong) == len(rows) and wrong[0]["row"] == 2 and wrong[0]["column"] == "F (Lo95)"
    assert "is above the score" in wrong[0]["message"]
    code, out, _ = cli(capsys, "load", _csv(tmp_path, "pci_2021.csv", header, rows), "--db", db, "--json",
                       "--lang", "en", "--map", "Lo95=ci_low:PCI:ENTRY_COSTS", "--map", "Hi95=ignore")
    result = json.loads(out)
    assert code == 1 and [p["rule"] for p in result["problems"]] == ["map_bound_without_score"]
    assert content_fingerprint(db) == before and _remembered(db) == []


def test_a_component_mapped_onto_several_columns_or_of_another_index_is_rejected(tmp_path, db, capsys):
    before = content_fingerprint(db)
    header = ["Tỉnh", "Điểm", "Điểm", *PCI_HEADER[3:]]
    rows = [[r[0], r[1], r[2], *r[3:]] for r in pci_rows()]
    code, out, _ = cli(capsys, "load", _csv(tmp_path, "pci_2020.csv", header, rows), "--db", db, "--json",
                       "--lang", "en", "--map", "Điểm=PCI:TRANSPARENCY")
    result = json.loads(out)
    assert code == 1 and [p["rule"] for p in result["problems"]] == ["map_several_columns"]
    assert result["problems"][0]["column"] == "B (Điểm), C (Điểm)"
    code, out, _ = cli(capsys, "load", _csv(tmp_path, "pci_2021.csv"), "--db", db, "--json", "--lang", "en",
                       "--map", f"{ODD}=PAPI:D1")
    result = json.loads(out)
    assert code == 1 and [p["rule"] for p in result["problems"]] == ["map_other_index"]
    assert "not a component of this file's index PCI" in result["problems"][0]["message"]
    assert content_fingerprint(db) == before


def test_an_unused_map_is_noted_and_not_remembered(tmp_path, db, capsys):
    code, out, _ = cli(capsys, "load", _csv(tmp_path, "pci_2020.csv", PCI_HEADER), "--db", db, "--lang", "en",
                       "--map", "Không có cột này=PCI:TRANSPARENCY")
    assert code == 0 and "matched no column: not used, not remembered" in out
    assert _remembered(db) == []


def test_a_header_in_the_row_above_matches_too(tmp_path, db, capsys):
    """An English row over the Vietnamese one: the analyst may map either text."""
    rows = [["Province", "New measure A", "Time cost", "Informal charge", "PCI score"],
            ["Tỉnh", "Chỉ tiêu mới A", "Chi phí thời gian", "Chi phí không chính thức", "Điểm PCI"],
            *pci_rows()]
    path = xlsx(tmp_path / "pci_2020.xlsx", {"PCI": rows})
    code, _, err = cli(capsys, "load", path, "--db", db, "--lang", "en")
    assert code == 1 and "Unknown score column" in err
    code, out, _ = cli(capsys, "load", path, "--db", db, "--lang", "en", "--map", "New measure A=PCI:TRANSPARENCY")
    assert code == 0, out


def test_an_older_database_gains_the_table_and_lists_nothing(tmp_path, db, capsys):
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE column_mapping")
    con.execute("DELETE FROM meta WHERE key = 'schema_sha'")  # written before the table was declared
    con.close()
    code, out, _ = cli(capsys, "mappings", "--db", db, "--lang", "en")
    assert code == 0 and "No remembered column mappings." in out
    code, out, _ = cli(capsys, "load", _csv(tmp_path, "pci_2020.csv"), "--db", db, "--map", f"{ODD}=PCI:TRANSPARENCY")
    assert code == 0 and len(_remembered(db)) == 1
    code, out, _ = cli(capsys, "mappings", "--db", tmp_path / "absent.duckdb", "--json")
    assert code == 0 and json.loads(out) == [] and not (tmp_path / "absent.duckdb").exists()


def test_the_logic_is_callable_without_argparse(tmp_path, db):
    catalog = get_catalog()
    assert mappings.parse("n = 1000=ignore", catalog).header == "n = 1000"
    assert mappings.parse(" Lo95 = ci-low : papi:total ", catalog).target == "ci_low:PAPI:TOTAL"
    assert mappings.parse("X=papi:d8.2", catalog).component == "PAPI:D8.2"
    with pytest.raises(mappings.MappingError):
        mappings.parse("X=PAPI:D99", catalog)
    given = [mappings.parse(f"{ODD}=PCI:TRANSPARENCY", catalog)]
    result = process_file(_csv(tmp_path, "pci_2020.csv"), LoadOptions(mappings=given, remembered=[]), catalog)
    assert result.ok and result.mappings == given
    outcome = run_load([_csv(tmp_path, "pci_2020.csv")], LoadOptions(db=str(db), mappings=given))
    assert outcome.status == "loaded"
    con = dbmod.connect(db, read_only=True)
    try:
        (mapping,) = mappings.remembered(con)
    finally:
        con.close()
    assert mapping.source == "remembered" and mapping.target == "PCI:TRANSPARENCY" and mapping.version == 1
    assert mappings.fix_command("PCI 2024 (bản cuối).xlsx", 'Điểm "mới"', "PCI", catalog).startswith(
        ' → python -m etl load "PCI 2024 (bản cuối).xlsx" --map "Điểm \\"mới\\"=PCI:')


def test_mapped_headers_make_a_header_row_the_rules_did_not_find(tmp_path, db, capsys):
    """A table of codes nobody knows (besides the province column) has no recognisable header until mapped."""
    header = ["Tỉnh", "SC11", "SC12", "SC13"]
    rows = [[r[0], r[1], r[2], r[3]] for r in pci_rows()]
    path = _csv(tmp_path, "pci_2020.csv", header, rows)
    code, _, err = cli(capsys, "load", path, "--db", db, "--lang", "en")
    assert code == 1
    mapfile = write_bytes(tmp_path / "sc.csv", b"header,target\nSC11,PCI:TRANSPARENCY\nSC12,PCI:TIME_COSTS\n"
                                               b"SC13,PCI:INFORMAL_CHARGES\n")
    code, out, _ = cli(capsys, "load", path, "--db", db, "--lang", "en", "--map-file", mapfile)
    assert code == 0, out
    assert len(_remembered(db)) == 3


def test_a_file_no_remembered_mapping_concerns_is_read_once(tmp_path, db, capsys, monkeypatch):
    """Remembered mappings are read with the load's own connection; only a file they concern is read again."""
    from etl import pipeline

    code, _, _ = cli(capsys, "load", _csv(tmp_path, "pci_2019.csv"), "--db", db, "--map", f"{ODD}=PCI:TRANSPARENCY")
    assert code == 0 and len(_remembered(db)) == 1
    calls = []
    real = pipeline.process_file
    monkeypatch.setattr(pipeline, "process_file", lambda *a, **k: calls.append(a[0].name) or real(*a, **k))
    plain = _csv(tmp_path, "pci_2020.csv", header=PCI_HEADER)
    assert pipeline.run_load([plain], pipeline.LoadOptions(db=str(db))).status == "loaded"
    assert calls == ["pci_2020.csv"]
    calls.clear()
    odd = _csv(tmp_path, "pci_2021.csv")
    outcome = pipeline.run_load([odd], pipeline.LoadOptions(db=str(db)))
    assert outcome.status == "loaded" and calls == ["pci_2021.csv", "pci_2021.csv"]
    assert [m.source for m in outcome.files[0].mappings] == ["remembered"]
