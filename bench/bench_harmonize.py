"""Issue 11: time to harmonise the whole demo database onto the 34 units (every index, component and year).

The pages compute it once per (data version, units, weights) and cache it; this is the cache-miss cost.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path


def run(repeats: int = 7) -> dict:
    from etl.demo import build_demo
    from provindex import db as dbmod
    from provindex import harmonize, queries
    from provindex.catalog import get_catalog

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.duckdb"
        build_demo(path)
        con = dbmod.connect(path, read_only=True)
        try:
            scores = queries.current_scores(con)
        finally:
            con.close()
    catalog = get_catalog()
    harmonize.on_units(scores, catalog, "vn34")  # catalogue and crosswalk read once, as in a running server
    timings = {}
    for weights in harmonize.WEIGHT_CHOICES:
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            frame = harmonize.on_units(scores, catalog, "vn34", weights)
            runs.append(time.perf_counter() - start)
        timings[weights] = round(1000 * statistics.median(runs), 1)
    return {"command": "python -m bench --only harmonize", "score_rows": len(scores), "harmonised_rows": len(frame),
            "median_ms_pop": timings["pop"], "median_ms_equal": timings["equal"], "repeats": repeats}
