"""Doubts in view (issue 13): the Rambachan–Roth breakdown value against a worked example and an independent
linear-programming implementation, and the pre-trend cap on a seeded panel with a planted pre-trend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from provindex import impact
from provindex.impact import sensitivity

from .impact_fixture import pci_fixture

pytestmark = pytest.mark.filterwarnings("ignore")


# -- an independent implementation: the identified set by linear programming, M̄ by brute-force grid -----------------
def universal_levels(varying_leads: dict[int, float]) -> dict[int, float]:
    """Pre-period gaps δ_e relative to e = −1 (universal base) from CS's varying-base leads (one-edition moves)."""
    levels = {-1: 0.0}
    for e in sorted(varying_leads, reverse=True):        # −1, −2, ...: δ_{e−1} = δ_e − (δ_e − δ_{e−1})
        levels[e - 1] = levels[e] - varying_leads[e]
    return levels


def bias_range(share: dict[int, float], bound: float) -> tuple[float, float]:
    """min and max of Σ l_e δ_e over post paths with |δ_e − δ_{e−1}| ≤ bound and δ_{−1} = 0 (scipy linprog)."""
    k = max(share) + 1                                    # δ_0 .. δ_{k−1}
    c = np.array([share.get(e, 0.0) for e in range(k)])
    rows, rhs = [], []
    for e in range(k):                                    # ±(δ_e − δ_{e−1}) ≤ bound
        row = np.zeros(k)
        row[e] = 1.0
        if e > 0:
            row[e - 1] = -1.0
        rows += [row, -row]
        rhs += [bound, bound]
    free = [(None, None)] * k
    low = linprog(c, A_ub=np.array(rows), b_ub=rhs, bounds=free).fun
    high = -linprog(-c, A_ub=np.array(rows), b_ub=rhs, bounds=free).fun
    return low, high


def grid_breakdown(ci: tuple[float, float], varying_leads: dict[int, float], mass: dict[int, float],
                   step: float = 0.001, top: float = 6.0) -> float:
    """The largest M̄ on a grid for which the robust set [lo − max bias, hi − min bias] still excludes zero."""
    levels = universal_levels(varying_leads)
    ordered = [levels[e] for e in sorted(levels)]
    m_pre = max(abs(b - a) for a, b in zip(ordered, ordered[1:]))
    total = sum(mass.values())
    weights = {e: w / total for e, w in mass.items()}
    last = 0.0
    for m in np.arange(0.0, top, step):
        low, high = bias_range(weights, m * m_pre)
        lo, hi = ci[0] - high, ci[1] - low
        if lo <= 0 <= hi:
            return last
        last = m
    return last


# -- the worked example ------------------------------------------------------------------------------------------------
EVENT = pd.DataFrame({"e": [-3, -2, -1, 0, 1], "est": [0.05, -0.10, 0.08, 0.5, 0.7]})
CELLS = pd.DataFrame({"g": [2015, 2015, 2016], "e": [0, 1, 0], "post": [True, True, True]})
PG = {2015: 0.2, 2016: 0.1}


def test_breakdown_value_worked_example():
    # M_pre = max |move| = 0.10. Weights: e = 0 carries 0.2 + 0.1, e = 1 carries 0.2 -> l = (0.6, 0.4);
    # S = 0.6·1 + 0.4·2 = 1.4. CI (0.30, 0.90): margin 0.30, so M̄ = 0.30 / (0.10 · 1.4) = 2.142857…
    assert sensitivity.largest_pre_move(EVENT) == pytest.approx(0.10)
    assert sensitivity.post_weights(CELLS, PG) == pytest.approx({0: 0.3, 1: 0.2})
    assert sensitivity.bias_factor({0: 0.3, 1: 0.2}) == pytest.approx(1.4)
    found = sensitivity.rm_breakdown(EVENT, CELLS, PG, (0.30, 0.90))
    assert found["breakdown"] == pytest.approx(0.30 / 0.14)
    # a negative conclusion breaks at the end nearer zero too; an interval across zero has nothing to break
    assert sensitivity.rm_breakdown(EVENT, CELLS, PG, (-0.90, -0.21))["breakdown"] == pytest.approx(0.21 / 0.14)
    assert sensitivity.rm_breakdown(EVENT, CELLS, PG, (-0.1, 0.5)) is None
    assert sensitivity.rm_breakdown(EVENT[EVENT["e"] >= 0], CELLS, PG, (0.3, 0.9)) is None  # no pre-period
    # one edition of anticipation: the reference moves back one edition, every post effect has one more step
    assert sensitivity.bias_factor({0: 0.3, 1: 0.2}, anticipation=1) == pytest.approx(2.4)


def test_breakdown_value_matches_the_linear_programming_grid():
    leads = {-3: 0.05, -2: -0.10, -1: 0.08}
    assert grid_breakdown((0.30, 0.90), leads, {0: 0.3, 1: 0.2}) == pytest.approx(0.30 / 0.14, abs=0.002)


def test_breakdown_value_on_a_fitted_panel_matches_the_independent_implementation(cs_result):
    event = cs_result.event_study
    found = cs_result.details.sensitivity
    cells = cs_result.details.attgt
    pg = {g: n for g, n in cs_result.cohorts.items()}     # cohort sizes ∝ the shares the aggregate weighs by
    post = cells[cells["post"]]
    mass: dict[int, float] = {}
    for g, e in zip(post["g"], post["e"]):
        mass[int(e)] = mass.get(int(e), 0.0) + pg[int(g)]
    leads = {int(e): float(v) for e, v in zip(event["e"], event["est"]) if e < 0}
    expected = grid_breakdown(cs_result.ci, leads, mass, step=0.001, top=3.0)
    assert found["breakdown"] == pytest.approx(expected, abs=0.0015)
    assert 0 < found["breakdown"] < 3


# -- the pre-trend cap on a planted pre-trend ---------------------------------------------------------------------------
def planted_pretrend(slope: float):
    """The §5.1 fixture with the treated units drifting up by ``slope`` a year until they act (then level)."""
    _, scores, actions = pci_fixture()
    first = dict(zip(actions["unit_code"], actions["year"] + 1))  # year-precision actions count from the next edition
    out = scores.copy()
    g = out["unit_code"].map(first)
    mask = g.notna() & (out["component"] == "PCI:TIME_COSTS")
    out.loc[mask, "value"] += slope * np.minimum(out.loc[mask, "year"] - g[mask], 0)
    return out, actions


def test_planted_pre_trend_caps_the_verdict_and_names_the_reason(cs_result):
    assert cs_result.verdict == "clear" and cs_result.details.doubts == ()   # the same panel without the drift
    scores, actions = planted_pretrend(0.06)
    r = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE")
    assert r.p_adj < 0.05 and r.details.failed_checks == ()  # the old rules alone would have said "clear"
    assert 0.05 <= r.pretrend_p < 0.10 and set(r.details.doubts) == {"pretrend", "lead"}
    assert r.verdict == "weak" and r.details.trend_grade == "roughly"
    assert "Bằng chứng yếu, không cao hơn vì trước khi thực hiện, hai nhóm tỉnh đã không biến động" in r.sentence_vi
    assert f"{-r.details.leads_off_zero[0]} kỳ trước khi thực hiện, hai nhóm tỉnh đã chênh nhau rõ" in r.sentence_vi
    assert "Weak evidence, no stronger because before acting" in r.sentence_en
    assert "gần giống nhau nhưng chưa hoàn toàn" in r.sentence_vi and "tương tự nhau, nên" not in r.sentence_vi
    steep = impact.estimate(*planted_pretrend(0.10), outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE")
    assert steep.verdict in ("weak", "insufficient") and steep.details.trend_grade == "different"
    assert "hai nhóm tỉnh đã biến động khác nhau" in steep.sentence_vi
