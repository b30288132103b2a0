"""The review-conference deck against the issue-14 budget: a full deck (story + PowerPoint) <= 5 s.

Measured in-process from the database read to the .pptx bytes, after one warm-up deck (the dashboard's case:
the impact stack is loaded at server start by ``ui.warm_impact``), and once more as a cold command line
(``python -m provindex.deck``) in a fresh process, which also pays for importing and warming the impact models.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = (("48", 2024, "vi"), ("01", 2025, "en"), ("79", 2024, "vi"))


def run(repeats: int = 3) -> dict:
    from etl.demo import build_demo
    from provindex.deck import build_story, read, write_deck

    report: dict = {"command": "python -m bench --only deck", "budget_s": 5.0}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        build_demo(db)
        write_deck(build_story(read(db), "48", 2024))  # warm-up: imports, first impact fit
        for unit, year, lang in CASES:
            times, slides = [], 0
            for _ in range(repeats):
                started = time.perf_counter()
                story = build_story(read(db), unit, year, lang)
                data = write_deck(story)
                times.append(time.perf_counter() - started)
                slides = len(story.slides)
            report[f"deck_{unit}_{year}_{lang}"] = {"median_s": statistics.median(times), "runs_s": times,
                                                    "slides": slides, "bytes": len(data)}
        out = Path(tmp) / "deck.pptx"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "provindex.deck", "--unit", "48", "--year", "2024", "--db", str(db),
                        "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
        report["cold_cli_48_2024_s"] = time.perf_counter() - started
        report["slide_titles_48_2024_vi"] = build_story(read(db), *CASES[0]).titles()
    report["within_budget"] = all(v["median_s"] <= report["budget_s"] for k, v in report.items()
                                  if k.startswith("deck_")) and report["cold_cli_48_2024_s"] <= report["budget_s"]
    return report

