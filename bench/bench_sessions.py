"""Twenty browser sessions on every page: server memory over three rounds, then the same sessions
browsing while ten yearly files load one after the other (one held 30 s inside its write)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import sessions

SESSIONS = 20


def _history(db: Path) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "etl", "history", "--json", "--db", str(db)], cwd=sessions.ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = sessions.fresh_demo(folder / "run")
        files = sessions.yearly_files(db, folder)
        before = len(_history(db))
        with sessions.server(db) as (url, process):
            memory, browsing = sessions.browse_rounds(url, process, SESSIONS, rounds=3)
            loads, during = sessions.browse_while_loading(url, db, files, SESSIONS)
        landed = len(_history(db)) - before
    return {"command": "python -m bench --only sessions", "sessions": SESSIONS, "pages": len(sessions.page_paths()),
            "memory_mb_after_each_round": memory,
            "memory_growth_last_vs_first_pct": round(100 * (memory[-1] - memory[0]) / memory[0], 1),
            "view_median_ms": round(browsing.median_ms()), "view_p95_ms": round(browsing.p95_ms()),
            "error_boxes_while_browsing": len(browsing.errors),
            "loads": [{k: v for k, v in load.items() if k != "output"} for load in loads], "loads_landed": landed,
            "views_during_loads": during.views, "view_median_ms_during_loads": round(during.median_ms()),
            "view_p95_ms_during_loads": round(during.p95_ms()), "error_boxes_during_loads": len(during.errors),
            "first_errors": (browsing.errors + during.errors)[:5]}
