"""The verdict rules of IMPACT-METHOD §4 and the multiple-testing family of §3.11: the one implementation.

The estimation (rungs), the sentence and the page all read their thresholds from here.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from provindex.impact import estimators as est
from provindex.impact.result import finite

ALPHA, ALPHA_WEAK = 0.05, 0.10
#: A joint pre-trend p below this caps the verdict at "weak" (issue 13): 0.06 is not reassurance.
PRETREND_CAP = 0.10
CAPPED = {"clear": "weak"}  # what a capped verdict becomes; weaker verdicts stay as they are
MIN_TREATED_CLEAR = 6     # fewer treated units fail the "enough adopters" check of rung D
FEW_TREATED = 10          # below: randomization inference is the headline p (§2.G)


def verdict_d(p_adj, pretrend_p, e1_p, placebo_fail: bool, n_treated: int,
              min_treated: int = MIN_TREATED_CLEAR) -> tuple[str, list[str]]:
    """IMPACT-METHOD §4 verdict for rungs D and E. Returns (verdict, failed checks)."""
    failed = _failed_checks(pretrend_p, e1_p, placebo_fail, n_treated < min_treated)
    if p_adj is None or not math.isfinite(p_adj):
        return "insufficient", failed
    if p_adj < ALPHA and not failed:
        return "clear", failed
    if (ALPHA <= p_adj < ALPHA_WEAK and not failed) or (p_adj < ALPHA and len(failed) == 1):
        return "weak", failed
    return "insufficient", failed


def doubts_before(pretrend_p, event: pd.DataFrame | None, anticipation: int = 0) -> list[str]:
    """The pre-period doubts that cap a verdict at "weak".

    "pretrend": the joint pre-trend p is below PRETREND_CAP; "lead": an edition before the action has a
    95 % interval excluding zero. Leads inside the anticipation window are modelled effects, not doubts.
    """
    doubts = []
    if pretrend_p is not None and pretrend_p < PRETREND_CAP:
        doubts.append("pretrend")
    if leads_off_zero(event, anticipation):
        doubts.append("lead")
    return doubts


def leads_off_zero(event: pd.DataFrame | None, anticipation: int = 0) -> list[int]:
    """Event times before the action whose interval excludes zero, nearest the action first."""
    if event is None or event.empty:
        return []
    leads = event[(event["e"] < -anticipation) & ((event["lo"] > 0) | (event["hi"] < 0))]
    return sorted((int(e) for e in leads["e"]), reverse=True)


def cap_verdict(verdict: str, doubts: list[str]) -> str:
    """A verdict no stronger than "weak" when the pre-period gives a doubt."""
    return CAPPED.get(verdict, verdict) if doubts else verdict


def trend_grade(pretrend_p, doubts: list[str]) -> str | None:
    """How alike the groups moved before acting: "alike", "roughly" or "different" (None: nothing to test)."""
    if pretrend_p is not None and pretrend_p < ALPHA:
        return "different"
    if doubts:
        return "roughly"
    return None if pretrend_p is None else "alike"


def _failed_checks(pretrend_p, e1_p, placebo_fail: bool, few_treated: bool) -> list[str]:
    checks = {"pretrend": pretrend_p is not None and pretrend_p < ALPHA,
              "e_minus_1": e1_p is not None and e1_p < ALPHA,
              "placebo": placebo_fail, "few_treated": few_treated}
    return [name for name, failed in checks.items() if failed]


def significant(p) -> bool:
    """True when ``p`` is known and below the 5 % threshold."""
    return p is not None and p < ALPHA


def parallel_before(pretrend_p: float) -> bool:
    """The pre-trend test passes (the groups moved in parallel before acting)."""
    return pretrend_p >= ALPHA


def placebo_fails(frame: pd.DataFrame | None) -> bool:
    """True when a placebo sub-index (not pre-registered) has a Holm-adjusted p below 5 %."""
    if frame is None or frame.empty:
        return False
    placebos = frame[frame["role"] == "placebo"]
    return bool((placebos["p_adj"] < ALPHA).any())


def adjust_family(outcome: str, index: str, registered: set[str], family_p: dict,
                  rows: list[dict]) -> tuple[pd.DataFrame | None, float | None, str]:
    """Holm: pre-registered targets of the index form the confirmatory family, otherwise all sub-indices.

    Returns the placebo/registered table (or None without placebo rows), the outcome's adjusted p and
    the family's name.
    """
    if outcome in registered:
        members = [c for c in family_p if c in registered]
        family = "registered:" + index
    else:
        members = list(family_p)
        family = "exploratory:" + index
    adjusted = dict(zip(members, est.holm([family_p[c] for c in members])))
    p_adj = finite(adjusted.get(outcome, family_p[outcome]))
    if not rows:
        return None, p_adj, family
    frame = pd.DataFrame(rows)
    placebo = frame[~frame["registered"]].copy()
    placebo["p_adj"] = est.holm(placebo["p"].to_numpy())
    targets = frame[frame["registered"]].copy()
    targets["p_adj"] = [adjusted.get(c, np.nan) for c in targets["component"]]
    out = pd.concat([placebo.assign(role="placebo"), targets.assign(role="registered")], ignore_index=True)
    return out.drop(columns="registered"), p_adj, family
