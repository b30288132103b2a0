"""The target planner checked by hand on a five-province PCI 2014 fixture (2013–2016 published weights).

Weights 2013–2016: transparency, business support, labour training 0.20; informal charges 0.10; the six
others 0.05. PCI = 10 x sum(weight x sub-index), so one sub-index point is worth 2, 1 or 0.5 composite
points. The focal unit (48) has 5.0 everywhere (composite 50); A=60, B=55, C=52, D=45. The best scores
(all held by A): transparency 6.0, business support 5.5, labour training 7.0, informal charges 8.0,
the others 9.0.
"""

import pandas as pd
import pytest

from provindex import planner
from provindex.catalog import get_catalog

PARTS = ["PCI:ENTRY_COSTS", "PCI:LAND_ACCESS", "PCI:TRANSPARENCY", "PCI:TIME_COSTS", "PCI:INFORMAL_CHARGES",
         "PCI:POLICY_BIAS", "PCI:PROACTIVITY", "PCI:BUSINESS_SUPPORT", "PCI:LABOR_TRAINING", "PCI:LEGAL_INSTITUTIONS"]
BEST_A = {"PCI:TRANSPARENCY": 6.0, "PCI:BUSINESS_SUPPORT": 5.5, "PCI:LABOR_TRAINING": 7.0, "PCI:INFORMAL_CHARGES": 8.0}
NOW = {"48": 50.0, "01": 60.0, "02": 55.0, "04": 52.0, "06": 45.0}   # 01=A, 02=B, 04=C, 06=D
BEFORE = {"48": 49.0, "01": 57.0, "02": 53.0, "04": 51.0, "06": 46.0}  # A +3, B +2, C +1: median 2


def _rows(year, composites, with_parts):
    rows = []
    for code, total in composites.items():
        rows.append(("PCI", year, "vn63", code, "PCI:TOTAL", total))
        if not with_parts:
            continue
        for part in PARTS:
            value = 5.0 if code == "48" else (BEST_A.get(part, 9.0) if code == "01" else 4.0)
            rows.append(("PCI", year, "vn63", code, part, value))
    return rows


@pytest.fixture(scope="module")
def base():
    rows = _rows(2014, NOW, True) + _rows(2013, BEFORE, False)
    scores = pd.DataFrame(rows, columns=["index", "year", "unit_set", "unit_code", "component", "value"])
    scores["rank"] = pd.NA
    return planner.setup(scores, get_catalog(), "PCI", 2014, "48")


def test_inputs_read_by_hand(base):
    assert base.composite == 50.0 and base.rank == 4
    assert base.coef["PCI:TRANSPARENCY"] == pytest.approx(2.0) and base.coef["PCI:ENTRY_COSTS"] == pytest.approx(0.5)
    assert base.coef["PCI:INFORMAL_CHARGES"] == pytest.approx(1.0)
    assert base.room["PCI:LABOR_TRAINING"] == pytest.approx(2.0) and base.room["PCI:BUSINESS_SUPPORT"] == 0.5
    assert base.weights_year is None  # 2014 has its own published weights
    assert base.movement == pytest.approx(2.0)


def test_rank_two_needs_two_and_a_half_points(base):
    """Rank 2 needs B's 55: 5 composite points; the cheapest are the weight-0.20 sub-indices (2 per point),
    labour training first (most room: 2 points = 4), then half a point of transparency (= 1)."""
    goal, goal_rank = planner.target_score(base, "rank", 2)
    assert (goal, goal_rank) == (55.0, 2)
    plan = planner.plan(base, goal, goal_rank)
    assert plan.feasible and plan.total == pytest.approx(2.5)
    assert plan.gains["PCI:LABOR_TRAINING"] == pytest.approx(2.0)
    assert plan.gains["PCI:TRANSPARENCY"] == pytest.approx(0.5)
    assert sum(plan.gains.values()) - plan.gains["PCI:LABOR_TRAINING"] - plan.gains["PCI:TRANSPARENCY"] == 0
    assert plan.composite == pytest.approx(55.0) and plan.rank == 2  # ties share the better rank
    # every other plan needs at least need / max(coef) = 5 / 2 = 2.5 points: this one is minimal
    assert plan.total == pytest.approx((goal - base.composite) / max(base.coef.values()))


def test_first_place_uses_all_heavy_weights_then_informal_charges(base):
    plan = planner.plan(base, *planner.target_score(base, "rank", 1))
    # 10 points: 2 x (2 + 1 + 0.5) = 7 from the weight-0.20 sub-indices, 3 from informal charges (weight 0.10)
    assert plan.gains["PCI:BUSINESS_SUPPORT"] == pytest.approx(0.5)
    assert plan.gains["PCI:INFORMAL_CHARGES"] == pytest.approx(3.0)
    assert plan.total == pytest.approx(6.5) and plan.rank == 1


def test_an_unreachable_score_says_so_with_the_ceiling(base):
    plan = planner.plan(base, 80.0)
    assert not plan.feasible
    # ceiling: 7 + 3 (informal charges, room 3) + 6 x 0.5 x 4 (room 4 each) = 22 points -> 72
    assert planner.best_reachable(base) == (pytest.approx(72.0), 1)


def test_top10_when_there_are_fewer_units_is_already_reached(base):
    goal, goal_rank = planner.target_score(base, "top10")
    plan = planner.plan(base, goal, goal_rank)
    assert plan.total == 0 and plan.rank == base.rank


def test_others_moving_like_the_units_just_above(base):
    plan = planner.plan(base, *planner.target_score(base, "rank", 2))
    # everyone else +2: A 62 and B 57 stay above 55, C reaches 54 -> rank 3 instead of 2
    assert planner.under_movement(base, plan) == 3


def test_sliders_recompute_composite_and_rank(base):
    values = dict(base.values, **{"PCI:TRANSPARENCY": 6.0, "PCI:LABOR_TRAINING": 6.0})
    score, rank = planner.evaluate_values(base, values)
    assert score == pytest.approx(54.0) and rank == 3  # above C (52), below B (55)
    assert planner.rank_of(52.0, base.others) == 3  # a tie with C shares rank 3


def test_papi_is_a_plain_sum_and_later_pci_borrows_the_last_weights():
    catalog = get_catalog()
    coef, borrowed = planner.coefficients(catalog, "PAPI", 2020, ["PAPI:D1", "PAPI:D8"])
    assert coef == {"PAPI:D1": 1.0, "PAPI:D8": 1.0} and borrowed is None
    coef, borrowed = planner.coefficients(catalog, "PCI", 2021, PARTS)
    assert borrowed == 2016 and coef["PCI:LABOR_TRAINING"] == pytest.approx(2.0)
    with pytest.raises(planner.PlannerUnavailable):
        planner.coefficients(catalog, "SIPAS", 2020, ["SIPAS:ACCESS"])
