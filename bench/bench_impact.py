"""Impact timings against the issue-5 budgets: CS fit ≤ 0.5 s, one full result card ≤ 10 s, cached card instant.

The Monte Carlo figures behind the §5.2 thresholds come from ``python -m bench.impact_mc`` (full) or
``--quick``; they are not part of this timing report.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _median(fn, repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def run(repeats: int = 15) -> dict:
    warnings.filterwarnings("ignore")
    import duckdb

    from bench import impact_mc as mc
    from etl.demo import build_demo
    from provindex import impact, queries
    from provindex.impact import estimators as est

    report: dict = {"command": "python -m bench --only impact", "budgets_s": {"cs_fit": 0.5, "card": 10.0}}
    started = time.perf_counter()
    report["warm_up_first_pyfixest_s"] = impact.warm_up()
    report["warm_up_wall_s"] = time.perf_counter() - started
    fx = mc.make(1)
    frame = est.long_panel(fx.Y[0], fx.G, fx.times, [f"{i:02d}" for i in range(len(fx.G))])

    def cs():
        fit = est.cs_fit(fx.Y[0], fx.G, fx.times)
        est.cs_aggregate(fit, fit.cells["post"].to_numpy())

    for name, fn in (("cs_fit_simple", cs), ("did2s", lambda: est.did2s(frame)), ("twfe", lambda: est.twfe(frame)),
                     ("ri_999", lambda: est.randomization_inference(
                         fx.Y[0], fx.G, fx.times, est.permuted_designs(fx.G, fx.times, 999, __import__("numpy").random
                                                                       .default_rng(0)))),
                     ("scm_with_62_placebos", lambda: est.synthetic_control(
                         fx.Y[0], int((fx.G > 0).argmax()), __import__("numpy").where(fx.G == 0)[0], fx.times < 2016))):
        median, times = _median(fn, repeats)
        report[name] = {"median_s": median, "p95_s": sorted(times)[int(0.95 * (len(times) - 1))]}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        build_demo(db)
        con = duckdb.connect(str(db), read_only=True)
        scores, actions, targets = queries.current_scores(con), queries.actions(con), queries.action_targets(con)
        effects = queries.demo_effects(con)
        con.close()
        cards = {}
        for action_type, component in zip(effects["action_type"], effects["component"]):
            started = time.perf_counter()
            result = impact.estimate(scores, actions, outcome=component, action_type=action_type, targets=targets)
            cards[f"{action_type}->{component}"] = {"seconds": time.perf_counter() - started,
                                                   "verdict": result.verdict,
                                                   "placebos": 0 if result.placebo is None else len(result.placebo)}
        started = time.perf_counter()
        scm = impact.estimate(scores, actions, outcome="PCI:PROACTIVITY", action_type="DDCI_LAUNCH", method="scm",
                              unit="48", targets=targets)
        cards["SCM 48 DDCI_LAUNCH->PCI:PROACTIVITY"] = {"seconds": time.perf_counter() - started,
                                                        "verdict": scm.verdict}
        report["cards"] = cards
        report["card_max_s"] = max(c["seconds"] for c in cards.values())
        # the page: first run (imports + estimation), then a repeated card (cache hit)
        from streamlit.testing.v1 import AppTest

        os.environ["PROVINDEX_DB"] = str(db)
        app = AppTest.from_file(str(ROOT / "app_pages" / "impact.py"), default_timeout=120)
        app.query_params["unit"] = "48"
        started = time.perf_counter()
        app.run()
        report["page_first_run_s"] = time.perf_counter() - started
        median, _ = _median(app.run, 3)
        report["page_cached_rerun_s"] = median
        app.selectbox(key="imp_type").set_value("DDCI_LAUNCH")
        started = time.perf_counter()
        app.run()
        report["page_new_card_s"] = time.perf_counter() - started
        assert not app.exception
    return report
