"""The snapshot store (issue 10): load time on the demo-sized database and reader latency during loads
(``python -m bench --only store``).

A reader process runs the dashboard's main read (current scores, through ``store.reading``) in a loop, first
alone, then while ten loads of a whole index (every PCI year, values changed) run one after the other in
fresh ``python -m etl load`` processes. Also the cost of a write that changes nothing but still copies and
publishes (the price of the snapshot copy itself).
"""

from __future__ import annotations

import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READER = """
import json, sys, time
from pathlib import Path
from provindex import queries, store
stop, latencies, errors = Path(sys.argv[2]), [], 0
while not stop.exists():
    started = time.perf_counter()
    try:
        with store.reading(sys.argv[1]) as con:
            queries.current_scores(con)
        latencies.append(time.perf_counter() - started)
    except Exception:
        errors += 1
print(json.dumps({"latencies": latencies, "errors": errors}))
"""


def _summary(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    return {"reads": len(ordered), "median_ms": round(1000 * statistics.median(ordered), 1),
            "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1), "max_ms": round(1000 * ordered[-1], 1)}


def _reader(db: Path, folder: Path, work) -> dict:
    """Reader latencies while ``work()`` runs (after one second of warm-up)."""
    stop = folder / "stop"
    stop.unlink(missing_ok=True)
    child = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True)
    time.sleep(2)
    extra = work()
    stop.touch()
    report = json.loads(child.communicate(timeout=120)[0].strip().splitlines()[-1])
    return {**_summary(report["latencies"]), "errors": report["errors"], **(extra or {})}


def _scaled_export(db: Path, folder: Path, round_number: int) -> Path:
    """Every PCI value of the database, changed: a load that replaces a whole index."""
    exported = folder / "pci_all.csv"
    subprocess.run([sys.executable, "-m", "etl", "export", str(exported), "--db", str(db), "--index", "PCI"],
                   cwd=ROOT, check=True, capture_output=True)
    target = folder / f"pci_round_{round_number}.csv"
    with open(exported, encoding="utf-8-sig") as source:
        reader = csv.DictReader(source)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row["value"]:
            row["value"] = repr(round(float(row["value"]) * (1 - 0.001 * round_number), 6))
        row["rank"] = ""  # ranks would no longer match the changed values
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return target


def _loads(db: Path, folder: Path, rounds: int) -> dict:
    seconds = []
    for number in range(1, rounds + 1):
        source = _scaled_export(db, folder, number)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "etl", "load", str(source), "--db", str(db)], cwd=ROOT, check=True,
                       capture_output=True)
        seconds.append(time.perf_counter() - started)
    return {"loads": rounds, "load_median_s": round(statistics.median(seconds), 2),
            "load_max_s": round(max(seconds), 2)}


def _empty_writes(db: Path, repeats: int = 5) -> float:
    """Median seconds of a write that publishes an unchanged copy: copy, checkpoint, fsync, rename, switch."""
    sys.path.insert(0, str(ROOT))
    from provindex import store

    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        with store.writing(db):
            pass
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def run(rounds: int = 10) -> dict:
    """Figures of the store on a copy of the demo database."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "demo.duckdb"
        subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(db)], cwd=ROOT, check=True,
                       capture_output=True)
        size_mb = round(db.stat().st_size / 2**20, 1)
        idle = _reader(db, folder, lambda: time.sleep(5))
        during = _reader(db, folder, lambda: _loads(db, folder, rounds))
        return {"command": "python -m bench --only store", "db_size_mb": size_mb,
                "publish_unchanged_copy_s": _empty_writes(db), "reader_idle": idle, "reader_during_loads": during,
                "snapshots_left": len(list((folder / "demo.duckdb.snapshots").iterdir()))}
