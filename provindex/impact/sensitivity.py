"""How much a violation of parallel trends the conclusion survives: Rambachan & Roth (2023), relative magnitudes.

The restriction Δ^RM(M̄): after the reference edition, the gap between the two groups' trends may move
from one edition to the next by at most M̄ times the largest such move seen *before* the action. For the
headline θ = Σ_e l_e β_e (the simple aggregate: post event times e with weights l_e ≥ 0, Σ l_e = 1) the
bias δ_e = η_0 + … + η_{e+a} (a = anticipation editions, |η_k| ≤ M̄·M_pre) reaches at most
M̄·M_pre·S with S = Σ_k |Σ_{e ≥ k} l_e| = Σ_e l_e (e + 1 + a). The identified set is θ̂ ± M̄·M_pre·S; with
the estimate's own 95 % band it excludes zero while M̄·M_pre·S < margin, the distance from zero to the
nearer end of the confidence interval. The breakdown value is therefore margin / (M_pre·S).

Deviation from the paper (docs/IMPACT.md): M_pre is plugged in from the estimated pre-period moves
instead of being inverted in a conditional test; with CS's varying base period the pre-period
event-study estimates *are* those moves (each compares an edition with the one before it).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def bias_factor(post_weights: dict[int, float], anticipation: int = 0) -> float:
    """S = Σ_e l_e (e + 1 + a): the largest bias per unit of M̄·M_pre for the weighted post-period average."""
    total = sum(post_weights.values())
    if total <= 0:
        return float("nan")
    return float(sum(w / total * (e + 1 + anticipation) for e, w in post_weights.items()))


def largest_pre_move(event: pd.DataFrame, anticipation: int = 0) -> float | None:
    """M_pre: the largest |edition-to-edition move| of the gap before the action (None without leads)."""
    leads = event[event["e"] < -anticipation]
    if leads.empty:
        return None
    return float(np.abs(leads["est"].to_numpy()).max())


def breakdown_value(ci: tuple[float, float] | None, m_pre: float | None, factor: float) -> float | None:
    """The largest M̄ for which the conclusion (the sign of the interval) still holds.

    None when the interval already includes zero (there is no conclusion to break) or when there is
    nothing before the action to measure moves against; ``inf`` when the pre-period moves are all zero.
    """
    if ci is None or m_pre is None or not math.isfinite(factor) or factor <= 0:
        return None
    lo, hi = ci
    if lo <= 0 <= hi:
        return None
    margin = min(abs(lo), abs(hi))
    return float("inf") if m_pre == 0 else float(margin / (m_pre * factor))


def post_weights(cells: pd.DataFrame, pg: dict) -> dict[int, float]:
    """l_e of the simple aggregate: each post group-time cell weighs its cohort's share (as cs_aggregate)."""
    post = cells[cells["post"]]
    out: dict[int, float] = {}
    for g, e in zip(post["g"], post["e"]):
        out[int(e)] = out.get(int(e), 0.0) + pg[int(g)]
    return out


def rm_breakdown(event: pd.DataFrame, cells: pd.DataFrame, pg: dict, ci: tuple[float, float] | None,
                 anticipation: int = 0) -> dict | None:
    """The breakdown value with its parts (M_pre, S), or None when it cannot be stated."""
    m_pre = largest_pre_move(event, anticipation)
    factor = bias_factor(post_weights(cells, pg), anticipation)
    value = breakdown_value(ci, m_pre, factor)
    if value is None:
        return None
    return {"breakdown": value, "m_pre": m_pre, "factor": factor}
