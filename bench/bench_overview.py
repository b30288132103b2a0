"""Overview page server time under AppTest (warm rerun, and a province switch)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(repeats: int = 5) -> dict:
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
            app = AppTest.from_file(str(ROOT / "app_pages" / "overview.py"), default_timeout=60)
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
    return {"command": "AppTest app_pages/overview.py after one warm-up run, median of 5", "target_ms": 300,
            "same_view_rerun": results,
            "new_unit_uncached_median_ms": 1000 * statistics.median(switch_times),
            "new_unit_uncached_runs_ms": [1000 * t for t in switch_times]}
