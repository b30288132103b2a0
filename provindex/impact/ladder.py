"""``estimate(...)``: one call from scores and register to a judged, worded ImpactResult (IMPACT-METHOD §2, §4).

Chooses the window and cohorts (design), routes to the requested rung (rungs) and lets it run its
diagnostics, verdict and sentences. No Streamlit import; deterministic given ``seed``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from provindex.catalog import Catalog, get_catalog
from provindex.impact import estimators as est
from provindex.impact import exposure, units34
from provindex.impact.design import ESTIMATION_UNIT_SET, MIN_PRE, MIN_PRE_SCM, DesignSpec, build_design
from provindex.impact.result import RESULT_SCHEMA, ImpactError, ImpactResult
from provindex.impact.rungs import RUNGS, Context

METHODS = ("auto",) + tuple(RUNGS)
ONE_UNIT_METHODS = ("scm", "its")  # rungs about one unit; the others compare units


def estimate(scores: pd.DataFrame, actions: pd.DataFrame, *, outcome: str, action_type: str, method: str = "cs",
             unit: str | None = None, seed: int = 0, anticipation: int = 0, control: str = "auto",
             window=None, lead_days: int = exposure.DEFAULT_LEAD_DAYS, targets: pd.DataFrame | None = None,
             ri_reps: int = 999, placebo: bool = True, min_pre: int = MIN_PRE,
             editions_table: pd.DataFrame | None = None, catalog: Catalog | None = None,
             cross_checks: bool = True, units: str = ESTIMATION_UNIT_SET) -> ImpactResult:
    """Fit one rung of the ladder for one outcome × action type (optionally one unit) and judge it.

    ``cross_checks=False`` skips the benchmarks that only the analyst's diagnostics show (did2s beside a CS
    headline, TWFE): the verdict, number and sentence are the same, and pyfixest is not imported (the deck).
    ``units="vn34"`` runs on the 34 units: harmonised scores and the register attached with the member's weight as
    dose (:mod:`provindex.impact.units34`); the 63 former provinces up to 2024 are the default.
    """
    catalog = catalog or get_catalog()
    if method not in METHODS:
        raise ImpactError("impact.error.method", method=method, choices=", ".join(METHODS))
    if units not in units34.UNIT_SETS:
        raise ImpactError("impact.error.units", units=units, choices=", ".join(units34.UNIT_SETS))
    unit = None if unit in (None, "") else str(unit).zfill(2)
    spec = {"outcome": outcome, "action_type": action_type, "method": method, "unit": unit, "seed": seed,
            "anticipation": anticipation, "control": control, "window": list(window) if window else None,
            "lead_days": lead_days, "ri_reps": ri_reps, "placebo": placebo, "min_pre": min_pre,
            "schema": RESULT_SCHEMA}
    if units != ESTIMATION_UNIT_SET:  # the 63-province requests keep their hash (cached cards, saved results)
        spec["units"] = units
        scores, actions = units34.panel_inputs(scores, actions, catalog)
        unit = spec["unit"] = units34.new_unit(unit, catalog)
    one_unit = method in ONE_UNIT_METHODS
    if one_unit and unit is None:
        raise ImpactError("impact.error.unit_required", method=method)
    design_spec = DesignSpec(outcome, action_type, window=window, lead_days=lead_days,
                             min_pre=MIN_PRE_SCM if method == "scm" else min_pre, control=control,
                             unit=unit if one_unit else None, keep_all_cohorts=one_unit, targets=targets,
                             editions_table=editions_table, units=units)
    design = build_design(scores, actions, design_spec, catalog=catalog)
    if method == "auto":
        method = "scm" if unit is not None and design.n_treated == 1 else "cs"
        spec["resolved_method"] = method
    ctx = Context(design, catalog, spec, method, np.random.default_rng(seed), anticipation, ri_reps, placebo, unit,
                  actions, cross_checks)
    return RUNGS[method].fit(ctx)


def warm_up() -> float:
    """First pyfixest calls (formula parsing, compiled kernels) so the first card is not slow. Returns seconds."""
    import time

    started = time.perf_counter()
    rng = np.random.default_rng(0)
    G = np.repeat([0, 2003, 2004], 4)
    Y = rng.normal(size=(12, 5))
    frame = est.long_panel(Y, G, np.arange(2000, 2005), [f"{i:02d}" for i in range(12)])
    est.twfe(frame)
    est.did2s(frame)
    return time.perf_counter() - started
