"""Server time of every dashboard page under AppTest on the demo database (target: warm run <= 300 ms).

Two figures per page, each a median of 5 after one warm-up run in the same process:
- ``rerun``: the same view again (caches warm — what a leader sees when the page refreshes);
- ``switch``: a different province each run (the page's own computations are not cached yet).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"overview": {}, "trends": {"index": "PCI", "component": "PCI:TIME_COSTS"},
         "rankings": {"index": "PCI", "component": "PCI:TOTAL"}, "compare": {"index": "PCI"},
         "map": {"index": "SIPAS", "component": "SIPAS:TOTAL"}}
SWITCH_UNITS = ("22", "31", "92", "56", "66")


def run(repeats: int = 5) -> dict:
    from streamlit.testing.v1 import AppTest

    from etl.demo import build_demo

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        build_demo(db)
        os.environ["PROVINDEX_DB"] = str(db)
        for page, params in PAGES.items():
            app = AppTest.from_file(str(ROOT / "app_pages" / f"{page}.py"), default_timeout=60)
            for key, value in {"year": "2021", "unit": "48", **params}.items():
                app.query_params[key] = value
            app.run()
            rerun = []
            for _ in range(repeats):
                started = time.perf_counter()
                app.run()
                rerun.append(1000 * (time.perf_counter() - started))
            switch = []
            for unit in SWITCH_UNITS[:repeats]:
                app.sidebar.selectbox(key="pv_unit").set_value(unit)
                started = time.perf_counter()
                app.run()
                switch.append(1000 * (time.perf_counter() - started))
            assert not app.exception, page
            results[page] = {"rerun_median_ms": round(statistics.median(rerun), 1),
                             "switch_median_ms": round(statistics.median(switch), 1)}
    return {"command": "python -m bench --only pages", "target_ms": 300, "pages": results}
