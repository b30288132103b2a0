"""`python -m etl demo`: wall time in a fresh process and database size."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(repeats: int = 3) -> dict:
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
