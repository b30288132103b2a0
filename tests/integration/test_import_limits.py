"""Limits, crashes and the audit trail of a load (issue 3).

- peak memory (VmHWM of a child process) stays under 500 MB on hostile inputs;
- kill -9 in the middle of a large load leaves the database opening cleanly with the previous data;
- --dry-run reports new years, replaced values (old -> new) and unchanged years, writing nothing;
- every load records file name, size, sha256, detected encoding and layout, sheet, user and time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from bench.bench_import import cell_budget_csv, tiny_cells_csv
from helpers import ROOT, cli, content_fingerprint, file_sha, load_held_then_killed
from corpus import PCI_HEADER, csv_text, encoded, pci_rows, write_bytes, xlsx, zip_bomb
from provindex import db as dbmod

MEMORY_BUDGET_MB = 500
_MEASURED = ("import sys\nfrom etl.guards import peak_rss_kb\n"
             "from etl.cli import main\n"
             "code = main(sys.argv[1:])\n"
             "print('MAXRSS_KB', peak_rss_kb(), file=sys.stderr)\n"
             "sys.exit(code)\n")


def run_measured(*args: str, env: dict | None = None) -> tuple[int, str, float]:
    """``python -m etl ARGS`` in a child process; (exit code, stdout + stderr, peak resident memory in MB)."""
    result = subprocess.run([sys.executable, "-c", _MEASURED, *map(str, args)], capture_output=True, text=True,
                            cwd=ROOT, timeout=300, env={**os.environ, **(env or {})})
    line = [text for text in result.stderr.splitlines() if text.startswith("MAXRSS_KB")][-1]
    return result.returncode, result.stdout + result.stderr, int(line.split()[1]) / 1024


@pytest.mark.parametrize("kind", ["tiny_cells", "zip_bomb", "one_giant_line"])
def test_peak_memory_stays_bounded_on_hostile_input(tmp_path, kind):
    if kind == "tiny_cells":
        path, rule = tiny_cells_csv(tmp_path / "pci_2020.csv"), "too_many_cells"
    elif kind == "zip_bomb":
        path, rule = zip_bomb(tmp_path / "pci_2020.xlsx", megabytes=300), "zip_bomb"
    else:
        path, rule = tmp_path / "pci_2020.csv", "not_tabular"
        with open(path, "wb") as handle:
            handle.write("Tỉnh,Minh bạch\n".encode() + b"x" * (45 * 1024 * 1024))
    code, err, peak = run_measured("load", path, "--db", tmp_path / "x.duckdb", "--lang", "en", "--json")
    assert code == 1, err
    assert rule in err, err[-2000:]  # refused for the right reason, not merely refused
    assert peak < MEMORY_BUDGET_MB, f"{kind}: {peak:.0f} MB"
    assert not (tmp_path / "x.duckdb").exists()


def test_peak_memory_of_a_large_valid_load(tmp_path, demo_db):
    """The whole demo database exported (every index, every year, ~31k rows) loads under budget."""
    export = tmp_path / "all.csv"
    assert subprocess.run([sys.executable, "-m", "etl", "export", str(export), "--db", str(demo_db)],
                          cwd=ROOT, capture_output=True, timeout=120).returncode == 0
    code, err, peak = run_measured("load", export, "--db", tmp_path / "new.duckdb")
    assert code == 0, err[-500:]
    assert peak < MEMORY_BUDGET_MB, f"{peak:.0f} MB"


@pytest.mark.slow
def test_peak_memory_at_the_cell_budget(tmp_path):
    """A long-layout file just under the 2 million cell budget: every row is read, validated and
    (here) rejected for its duplicates — the most memory any accepted-size input can take."""
    path = cell_budget_csv(tmp_path / "long.csv")
    code, err, peak = run_measured("load", path, "--db", tmp_path / "x.duckdb", "--json")
    assert code == 1
    assert peak < MEMORY_BUDGET_MB, f"{peak:.0f} MB"


def _long_file(frame: pd.DataFrame, path):
    frame.to_csv(path, index=False)
    return path


def test_kill_9_mid_load_leaves_the_previous_data(tmp_path, demo_copy):
    """A large replacing load is killed inside its transaction; the database opens cleanly and
    still serves the previous version."""
    con = duckdb.connect(str(demo_copy), read_only=True)
    current = con.execute('SELECT "index", year, unit_set, unit_code, component, value, rank FROM score_current'
                          ' WHERE "index" IN (\'PCI\', \'PAPI\') ORDER BY ALL').df()
    loads_before = con.execute('SELECT count(*) FROM "load"').fetchone()[0]
    con.close()
    before = content_fingerprint(demo_copy)
    changed = current.assign(value=(current["value"] * 0.97).round(6))
    path = _long_file(changed, tmp_path / "scores_all.csv")
    assert len(changed) > 10_000
    with load_held_then_killed(path, demo_copy):
        pass
    con = dbmod.connect(demo_copy)  # opens read-write: replays or discards the interrupted work
    try:
        after = con.execute('SELECT "index", year, unit_set, unit_code, component, value, rank FROM score_current'
                            ' WHERE "index" IN (\'PCI\', \'PAPI\') ORDER BY ALL').df()
        assert con.execute('SELECT count(*) FROM "load"').fetchone()[0] == loads_before
    finally:
        con.close()
    pd.testing.assert_frame_equal(after, current)
    assert content_fingerprint(demo_copy) == before


def test_dry_run_lists_new_replaced_and_unchanged_years(tmp_path, capsys):
    db = tmp_path / "db.duckdb"
    rows = [PCI_HEADER] + pci_rows()
    assert cli(capsys, "load", xlsx(tmp_path / "first.xlsx", {"2019": rows, "2020": rows}), "--db", db)[0] == 0
    before = (file_sha(db), content_fingerprint(db))
    changed = [list(r) for r in rows]
    changed[1][1] = 9.5  # Đà Nẵng's transparency in 2020
    path = xlsx(tmp_path / "second.xlsx", {"2019": rows, "2020": changed, "2021": rows})
    code, out, _ = cli(capsys, "load", path, "--db", db, "--dry-run")
    assert code == 0
    assert "PCI 2019: không thay đổi" in out and "PCI 2021: năm mới" in out
    assert "PCI 2020: thay thế bản hiện hành" in out and "Đà Nẵng · PCI:TRANSPARENCY: 5,000 → 9,500" in out
    code, out, _ = cli(capsys, "load", path, "--db", db, "--dry-run", "--json", "--lang", "en")
    scopes = {s["year"]: s for s in json.loads(out)["scopes"]}
    assert [scopes[y]["status"] for y in (2019, 2020, 2021)] == ["unchanged", "replace", "new"]
    assert scopes[2020]["changes"] == [{"unit_set": "vn63", "unit_code": "48", "component": "PCI:TRANSPARENCY",
                                        "old": 5.0, "new": 9.5}]
    assert (file_sha(db), content_fingerprint(db)) == before


def test_every_load_records_its_file_and_how_it_was_read(tmp_path, capsys):
    db = tmp_path / "db.duckdb"
    text = csv_text(PCI_HEADER, pci_rows(), delimiter=";", decimal=",")
    csv_path = write_bytes(tmp_path / "pci_2020.csv", encoded(text, "cp1258"))
    book = xlsx(tmp_path / "PCI 2021.xlsx", {"Notes": [["x"]], "Tổng hợp": [PCI_HEADER] + pci_rows()})
    started = pd.Timestamp.now(tz="UTC").tz_localize(None).floor("s")
    assert cli(capsys, "load", csv_path, "--db", db, "--user", "chuyen.vien")[0] == 0
    assert cli(capsys, "load", book, "--db", db, "--user", "chuyen.vien")[0] == 0
    con = duckdb.connect(str(db), read_only=True)
    records = con.execute('SELECT file_name, file_size, sha256, encoding, layout, sheet, "user", "at", years, rows'
                          ' FROM "load" ORDER BY load_id').fetchall()
    con.close()
    first, second = records
    assert first[:3] == ("pci_2020.csv", csv_path.stat().st_size, file_sha(csv_path))
    assert first[3] == "windows-1258; sep=;" and first[4] == "wide" and first[5] is None
    assert second[:3] == ("PCI 2021.xlsx", book.stat().st_size, file_sha(book))
    assert second[3] is None and second[4] == "wide" and second[5] == "Tổng hợp"
    assert {first[6], second[6]} == {"chuyen.vien"}
    assert all(r[7] >= started for r in records) and [r[8] for r in records] == ["2020", "2021"]
