"""Readers and writers in real processes (issue 10): two loads at the same moment through the Data page's
code path (``etl.pipeline.run_load``), SIGKILL inside a load, a reader reading through ten loads."""

import json
import subprocess
import sys
import time

import pytest

from corpus import PCI_HEADER, csv_text, pci_rows, write_bytes
from helpers import ROOT, cli, load_held_then_killed
from provindex import queries, store

#: A child that waits for a common start time, then loads one file the way the Data page will.
LOADER = """
import sys, time
from pathlib import Path
from etl.pipeline import LoadOptions, run_load
time.sleep(max(0.0, float(sys.argv[3]) - time.time()))
outcome = run_load([Path(sys.argv[1])], LoadOptions(db=sys.argv[2], user=sys.argv[4]))
print(outcome.status, *outcome.load_ids)
"""

#: A child that reads the rows per year of the current data in a loop until told to stop.
READER = """
import json, sys, time
from pathlib import Path
from provindex import store
stop, seen, errors, reads = Path(sys.argv[2]), set(), [], 0
while not stop.exists():
    try:
        with store.reading(sys.argv[1]) as con:
            rows = con.execute('SELECT year, count(*) FROM score_current GROUP BY year ORDER BY year').fetchall()
        seen.add(tuple(rows))
        reads += 1
    except Exception as exc:
        errors.append(repr(exc))
print(json.dumps({"seen": sorted(seen), "errors": errors[:5], "error_count": len(errors), "reads": reads}))
"""


def _pci(folder, year, scale=1.0):
    rows = [[name, *(round(v * scale, 2) for v in values)] for name, *values in pci_rows()]
    return write_bytes(folder / f"pci_{year}.csv", csv_text(PCI_HEADER, rows).encode("utf-8"))


def _child(script, *args, **kwargs):
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def _history(path):
    with store.reading(path) as con:
        return queries.load_history(con)


def test_two_loads_started_at_the_same_moment_both_land(tmp_path, capsys):
    path = tmp_path / "store.duckdb"
    assert cli(capsys, "load", _pci(tmp_path, 2018), "--db", path)[0] == 0
    start = time.time() + 4
    children = [_child(LOADER, _pci(tmp_path, year), path, start, user) for year, user in ((2019, "lan"), (2020, "minh"))]
    outputs = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    assert sorted(out.split()[0] for out, _ in outputs) == ["loaded", "loaded"]
    assert sorted(int(out.split()[1]) for out, _ in outputs) == [2, 3]
    assert {"lan", "minh"} <= set(_history(path)["user"])
    with store.reading(path) as con:
        scores = queries.current_scores(con)
    per_year = scores.groupby("year").size().to_dict()
    assert set(per_year) == {2018, 2019, 2020} and len(set(per_year.values())) == 1  # nothing lost or doubled
    assert len(list(store.snapshots_dir(path).glob(".tmp-*"))) == 0


def test_sigkill_inside_a_load_serves_the_previous_data_and_the_next_load_cleans_up(tmp_path, capsys):
    path = tmp_path / "store.duckdb"
    assert cli(capsys, "load", _pci(tmp_path, 2019), "--db", path)[0] == 0
    version = store.current_version(path)
    with store.reading(path) as con:
        before = queries.current_scores(con)
    with load_held_then_killed(_pci(tmp_path, 2019, 1.1), path):
        with store.reading(path) as con:  # the writer is inside its transaction: a reader does not wait
            during = queries.current_scores(con)
    assert during.equals(before)
    assert store.current_version(path) == version
    with store.reading(path) as con:
        assert queries.current_scores(con).equals(before)
    assert len(_history(path)) == 1  # the interrupted load is absent
    assert list(store.snapshots_dir(path).glob(".tmp-*"))  # its copy is left, never current
    assert cli(capsys, "load", _pci(tmp_path, 2020), "--db", path)[0] == 0
    assert not list(store.snapshots_dir(path).glob(".tmp-*"))
    assert list(_history(path)["load_id"]) == [2, 1]


@pytest.mark.slow
def test_a_reader_sees_only_whole_versions_through_ten_loads(tmp_path, capsys):
    path = tmp_path / "store.duckdb"
    assert cli(capsys, "load", _pci(tmp_path, 2010), "--db", path)[0] == 0
    stop = tmp_path / "stop"
    reader = _child(READER, path, stop)
    try:
        time.sleep(3)
        for year in range(2011, 2021):
            assert cli(capsys, "load", _pci(tmp_path, year), "--db", path)[0] == 0
    finally:
        stop.touch()
    out, err = reader.communicate(timeout=120)
    report = json.loads(out)
    assert report["error_count"] == 0, report["errors"]
    with store.reading(path) as con:
        per_year = con.execute("SELECT count(*) FROM score_current WHERE year = 2010").fetchone()[0]
    published = [[[year, per_year] for year in range(2010, last + 1)] for last in range(2010, 2021)]
    assert report["seen"] and all(state in published for state in report["seen"]), report["seen"]
    assert len(report["seen"]) >= 3  # it did read through the loads, not only before or after them
