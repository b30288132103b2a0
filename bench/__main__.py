"""``python -m bench [--only NAME]``: run the benchmarks and print a report (also bench/results/latest.json)."""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def bench_demo(repeats: int = 3) -> dict:
    """Wall time of `python -m etl demo` in a fresh process, and the database size."""
    times, size = [], 0
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "demo.duckdb"
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(db)], cwd=ROOT, check=True,
                           capture_output=True)
            times.append(time.perf_counter() - started)
            size = db.stat().st_size
    return {"command": "python -m etl demo --db NEW_FILE", "median_s": statistics.median(times),
            "runs_s": times, "db_size_mb": size / 2**20}


def bench_overview(repeats: int = 5) -> dict:
    """Server time of one Overview run under AppTest (warm: after a first run), per unit."""
    import os

    from streamlit.testing.v1 import AppTest

    from etl.demo import build_demo

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        build_demo(db)
        os.environ["PROVINDEX_DB"] = str(db)
        for unit in ("48", "01", "79"):
            app = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=60)
            app.query_params["unit"] = unit
            app.run()  # warm-up: imports, first database read, caches
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                app.run()
                times.append(time.perf_counter() - started)
            assert not app.exception
            results[unit] = {"median_ms": 1000 * statistics.median(times), "runs_ms": [1000 * t for t in times]}
        # A province switch: warm process, but a unit whose cards are not cached yet.
        switch_times = []
        for unit in ("22", "31", "92", "56", "66"):
            app.sidebar.selectbox(key="pv_unit").set_value(unit)
            started = time.perf_counter()
            app.run()
            switch_times.append(time.perf_counter() - started)
            assert not app.exception
    return {"command": "AppTest pages/overview.py after one warm-up run, median of 5", "target_ms": 300,
            "same_view_rerun": results,
            "new_unit_uncached_median_ms": 1000 * statistics.median(switch_times),
            "new_unit_uncached_runs_ms": [1000 * t for t in switch_times]}


BENCHES = {"demo": bench_demo, "overview": bench_overview}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", choices=sorted(BENCHES), action="append")
    args = parser.parse_args()
    report = {"machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
              "at": time.strftime("%Y-%m-%d %H:%M:%S")}
    for name in args.only or BENCHES:
        report[name] = BENCHES[name]()
        print(f"== {name}\n{json.dumps(report[name], indent=2, ensure_ascii=False)}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
