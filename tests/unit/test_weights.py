"""Weights derived from a workbook's own composite and sub-indices (least squares, snapped to the grid)."""

import numpy as np
import pandas as pd
import pytest

from etl.weights import decimals_of, derive_weights

CHILDREN = ["X:A", "X:B", "X:C", "X:D"]
TRUE = np.array([0.15, 0.35, 0.2, 0.3])


def _edition(n=20, seed=0, decimals=2, scale=10.0, shares=TRUE, noise=0.0):
    rng = np.random.default_rng(seed)
    subs = np.round(rng.uniform(3, 9, size=(n, len(CHILDREN))), decimals)
    composite = np.round(scale * subs @ shares + noise * rng.normal(size=n), decimals)
    rows = [(f"{u:02d}", code, subs[u, k]) for u in range(n) for k, code in enumerate(CHILDREN)]
    rows += [(f"{u:02d}", "X:TOTAL", composite[u]) for u in range(n)]
    return pd.DataFrame(rows, columns=["unit_code", "component", "value"])


def test_rounded_publication_gives_the_exact_grid_weights():
    derived = derive_weights(_edition(), "X:TOTAL", CHILDREN, 2020)
    assert derived.exact and derived.scale == pytest.approx(10.0, abs=1e-3)
    assert derived.weights == dict(zip(CHILDREN, TRUE.tolist()))
    assert derived.max_residual <= derived.tolerance and derived.n_units == 20


def test_a_composite_that_is_not_the_weighted_sum_reports_its_residual():
    derived = derive_weights(_edition(noise=0.5), "X:TOTAL", CHILDREN, 2020)
    assert not derived.exact and derived.max_residual > derived.tolerance
    assert sum(derived.weights.values()) == pytest.approx(1.0)


def test_too_few_provinces_or_no_composite_derive_nothing():
    assert derive_weights(_edition(n=11), "X:TOTAL", CHILDREN, 2020) is None
    frame = _edition()
    assert derive_weights(frame[frame["component"] != "X:TOTAL"], "X:TOTAL", CHILDREN, 2020) is None


def test_a_missing_child_value_drops_that_province_only():
    frame = _edition(n=25)
    frame.loc[(frame["unit_code"] == "03") & (frame["component"] == "X:B"), "value"] = np.nan
    derived = derive_weights(frame, "X:TOTAL", CHILDREN, 2020)
    assert derived.exact and derived.n_units == 24


def test_components_that_move_together_derive_nothing():
    """Collinear sub-indices fit the composite with many weightings: reporting one would be invented."""
    frame = _edition(n=30)
    twin = frame[frame["component"] == "X:A"].assign(component="X:B")
    frame = pd.concat([frame[frame["component"] != "X:B"], twin])
    assert derive_weights(frame, "X:TOTAL", CHILDREN, 2020) is None


def test_decimals_of_published_numbers():
    assert decimals_of(pd.Series([1.5, 2.25, 3.0])) == 2
    assert decimals_of(pd.Series([60.0, 61.0])) == 0
