"""Weights of an edition derived from its own workbook, when the catalogue does not know them.

A workbook that publishes a composite and its sub-indices for every province states the weights
implicitly: composite = scale × Σ wₖ · subₖ. Least squares over the provinces recovers them; rounded to
the grid publishers use (shares in steps of 0.005), they reproduce the composite to the publication's
rounding — or the residual says by how much they do not. This lets the composite of an edition whose
weights are not in ``weights.csv`` (PCI after 2016) be checked too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Publishers state weights as shares in steps of 0.5 percentage point (PCI: 5%, 10%, 15%, 20%).
WEIGHT_STEP = 0.005
SOURCE = "derived from the published workbook"
#: More provinces than weights are needed for a determined fit; this many more make it trustworthy.
MIN_SPARE_UNITS = 5
#: Fewer provinces than this are a sample, not an edition (PCI's smallest published table is its top 30).
MIN_UNITS = 12


@dataclass(frozen=True)
class DerivedWeights:
    """The weights one workbook implies for the children of ``parent`` in ``year``.

    ``weights`` are shares summing to 1 (snapped to :data:`WEIGHT_STEP` when that still fits);
    ``scale`` maps the weighted sum to the composite (PCI: 10, sub-indices on 0–10, composite on 0–100);
    ``exact`` is True when every province's composite is reproduced within ``tolerance`` (the rounding
    of the printed numbers); otherwise ``max_residual`` says by how much the best fit misses.
    """

    parent: str
    year: int
    weights: dict[str, float]
    scale: float
    max_residual: float
    tolerance: float
    exact: bool
    n_units: int
    worst_unit: str = ""

    def rows(self, load_id: int, index: str) -> list[dict]:
        """``derived_weight`` rows of this derivation, with its provenance."""
        return [{"load_id": load_id, "index": index, "year": self.year, "parent": self.parent, "component": code,
                 "weight": share, "scale": self.scale, "max_residual": self.max_residual,
                 "tolerance": self.tolerance, "exact": self.exact, "n_units": self.n_units, "source": SOURCE}
                for code, share in self.weights.items()]


def decimals_of(values: pd.Series) -> int:
    """How many decimals the published numbers carry (the most any value needs, up to 6)."""
    for places in range(7):
        if np.allclose(values, values.round(places), atol=1e-9, rtol=0):
            return places
    return 6


def derive_weights(frame: pd.DataFrame, parent: str, children: list[str], year: int) -> DerivedWeights | None:
    """Weights of ``children`` in ``parent`` implied by one edition's tidy rows (unit_code, component, value).

    None when too few provinces publish the composite and every child (the fit would be underdetermined)
    or when a fitted weight is not positive (the children do not make the composite).
    """
    wide = frame[frame["component"].isin([parent, *children])].pivot_table(
        index="unit_code", columns="component", values="value", aggfunc="first")
    present = [c for c in children if c in wide.columns]
    if parent not in wide.columns or len(present) < 2:
        return None
    wide = wide[[parent, *present]].dropna()
    if len(wide) < max(MIN_UNITS, len(present) + MIN_SPARE_UNITS):
        return None
    X, y = wide[present].to_numpy(dtype=float), wide[parent].to_numpy(dtype=float)
    if np.linalg.matrix_rank(X) < len(present):
        return None  # components that move together admit many weightings: none of them is "the" weights
    coefficients, *_ = np.linalg.lstsq(X, y, rcond=None)
    if (coefficients <= 0).any():
        return None
    scale = float(coefficients.sum())
    tolerance = _rounding_tolerance(wide[parent], wide[present], scale)
    shares = _snapped(coefficients / scale, X, y, scale, tolerance)
    scale = _snapped_scale(X @ shares, y, tolerance)
    misses = np.abs(X @ (shares * scale) - y)
    residual = float(misses.max())
    return DerivedWeights(parent, year, dict(zip(present, shares.round(6).tolist())), round(scale, 6), residual,
                          tolerance, residual <= tolerance, len(wide), str(wide.index[int(misses.argmax())]))


def derive_for_frame(frame: pd.DataFrame, catalog) -> list[tuple[str, DerivedWeights]]:
    """(index, weights) for every parent of every edition in a file whose weights the catalogue lacks.

    A parent is any component with children published that year (a composite and its sub-indices, a
    dimension and its sub-dimensions); editions with known weights are checked by the validator instead.
    """
    found = []
    for (index, year), edition in frame.groupby(["index", "year"]):
        year = int(year)
        published = set(edition["component"])
        components = catalog.components_of(index, year=year)
        for parent in sorted(published & set(components["parent"].dropna())):
            children = [c for c in components.loc[components["parent"] == parent, "code"] if c in published]
            if catalog.weights_for(parent, year) or len(children) < 2:
                continue
            derived = derive_weights(edition, parent, children, year)
            if derived is not None:
                found.append((index, derived))
    return found


def _rounding_tolerance(composite: pd.Series, children: pd.DataFrame, scale: float) -> float:
    """Largest miss that rounding alone explains.

    Half a unit of the composite's last printed digit, plus the children's rounding carried through the
    weighted sum (shares sum to 1, so it is scaled once).
    """
    child_places = min(decimals_of(children[c]) for c in children.columns)
    return 0.5 * 10.0 ** -decimals_of(composite) + scale * 0.5 * 10.0 ** -child_places + 1e-9


def _snapped_scale(weighted: np.ndarray, y: np.ndarray, tolerance: float) -> float:
    """The factor from weighted sum to composite, refitted for the final shares.

    A whole number when one fits (PCI: 10, a 0–10 sub-index scale to a 0–100 composite).
    """
    scale = float(weighted @ y / (weighted @ weighted))
    whole = float(round(scale))
    return whole if whole and np.abs(weighted * whole - y).max() <= tolerance else scale


def _snapped(shares: np.ndarray, X: np.ndarray, y: np.ndarray, scale: float, tolerance: float) -> np.ndarray:
    """Shares rounded to the publishers' grid when the rounded set still reproduces every composite."""
    snapped = np.round(shares / WEIGHT_STEP) * WEIGHT_STEP
    fits = abs(snapped.sum() - 1.0) < 1e-9 and np.abs(X @ (snapped * scale) - y).max() <= tolerance
    return snapped if fits else shares
