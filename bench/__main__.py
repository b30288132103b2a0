"""``python -m bench [--only NAME]``: run every ``bench/bench_*.py`` and print a report.

Each module exposes ``run() -> dict`` (figures plus the command that reproduces them). The
report is also written to ``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def discover() -> dict[str, str]:
    return {p.stem.removeprefix("bench_"): f"bench.{p.stem}" for p in sorted((ROOT / "bench").glob("bench_*.py"))}


def main() -> int:
    benches = discover()
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", choices=sorted(benches), action="append")
    args = parser.parse_args()
    report = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
              "at": time.strftime("%Y-%m-%d %H:%M:%S")}
    for name in args.only or benches:
        report[name] = importlib.import_module(benches[name]).run()
        print(f"== {name}\n{json.dumps(report[name], indent=2, ensure_ascii=False)}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
