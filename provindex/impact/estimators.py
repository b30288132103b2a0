"""Numerical estimators of the model ladder (IMPACT-METHOD §2), on balanced wide panels.

No Streamlit, no database. Inputs are numpy arrays: ``Y`` (units × editions), ``G`` (cohort per
unit, 0 = never treated in the window) and ``times`` (edition years). Every function is
deterministic given its inputs (random draws only from a ``numpy.random.Generator`` passed in).

- :func:`cs_fit` / :func:`cs_aggregate`: Callaway & Sant'Anna (2021) group-time ATTs, outcome
  regression without covariates, varying base period, analytic influence functions, the same
  aggregation (including the influence function of the estimated weights) as R ``did`` 2.x.
  Cross-checked against csdid / moderndid / differences to 1e-8 (tests/test_impact_golden.py).
- :func:`did2s`, :func:`twfe`, :func:`first_differences`: pyfixest (Gardner two-stage, static TWFE
  benchmark, distributed-lag first differences), CRV1 by unit.
- :func:`randomization_inference`: re-assign the cohort vector to random units, TWFE statistic by
  two-way demeaning (vectorised); two-sided p = (1 + #{|b_r| ≥ |b|}) / (R + 1).
- :func:`synthetic_control`: simplex-constrained weights on pre-period outcomes (NNLS with a
  sum-to-one row), placebo-in-space over the donors, rank p-values and the smallest achievable p.
- :func:`its`: one unit's level shift with its own trend — description only (no p, no CI).
- :func:`screen`: LassoCV / RidgeCV over many action types on two-way-demeaned data (ranking only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

Z95 = float(stats.norm.ppf(0.975))
#: Minimum detectable effect at 80% power, 5% two-sided: (z_0.975 + z_0.80) × SE.
MDE_FACTOR = float(stats.norm.ppf(0.975) + stats.norm.ppf(0.80))


def normal_p(estimate: float, se: float) -> float:
    """Two-sided normal p-value of estimate/se (NaN without a usable standard error)."""
    if se is None or not np.isfinite(se) or se <= 0:
        return float("nan")
    return float(2 * stats.norm.sf(abs(estimate / se)))


def holm(pvalues) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values (NaN stays NaN)."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.where(np.isfinite(p))[0]
    m = len(ok)
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="mergesort")]
    running = 0.0
    for rank, idx in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[idx]))
        out[idx] = running
    return out


def two_way_demean(Y: np.ndarray) -> np.ndarray:
    """Within transformation of a balanced panel (exact two-way FE residualisation)."""
    return Y - Y.mean(axis=-1, keepdims=True) - Y.mean(axis=-2, keepdims=True) + Y.mean(axis=(-2, -1), keepdims=True)


def within_sd(Y: np.ndarray) -> float:
    """SD of the outcome net of unit and edition effects (noise scale for MDE statements)."""
    n, T = Y.shape
    resid = two_way_demean(Y)
    dof = max(1, (n - 1) * (T - 1))
    return float(np.sqrt((resid ** 2).sum() / dof))


def status_matrix(G: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Treatment status D[i, t] = 1[g_i > 0 and t ≥ g_i] (also for a stack of cohort vectors)."""
    G = np.asarray(G)
    return ((G[..., None] > 0) & (times >= G[..., None])).astype(float)


# -- Callaway & Sant'Anna ------------------------------------------------------------------------
@dataclass
class CSFit:
    """Group-time ATTs of one Callaway–Sant'Anna fit with their influence functions."""

    cells: pd.DataFrame          # g, t, e, base, att, post, n_treated, n_control
    inf: np.ndarray              # n × cells influence functions (R did scaling)
    G: np.ndarray
    n: int
    pg: dict


def cs_fit(Y: np.ndarray, G: np.ndarray, times, *, control: str = "nevertreated", anticipation: int = 0) -> CSFit:
    """ATT(g,t) for every treated cohort and edition, varying base period (R ``did`` defaults)."""
    Y = np.asarray(Y, dtype=float)
    G = np.asarray(G, dtype=float)
    times = np.asarray(times, dtype=float)
    n, T = Y.shape
    groups = sorted(g for g in np.unique(G) if g > 0)
    rows, infs = [], []
    for g in groups:
        treated = G == g
        for k in range(1, T):
            t = times[k]
            post = g <= t
            if post:
                before = np.where(times < g - anticipation)[0]
                if len(before) == 0:
                    continue
                b = before[-1]
            else:
                b = k - 1
            if control == "nevertreated":
                ctrl = G == 0
            else:
                ctrl = (G == 0) | ((G > t + anticipation) & (G != g))
            n1, n0 = int(treated.sum()), int(ctrl.sum())
            if n1 == 0 or n0 == 0:
                continue
            dy = Y[:, k] - Y[:, b]
            m1, m0 = dy[treated].mean(), dy[ctrl].mean()
            n_sub = n1 + n0
            p1, p0 = n1 / n_sub, n0 / n_sub
            inf = np.zeros(n)
            inf[treated] = (dy[treated] - m1) / p1
            inf[ctrl] = -(dy[ctrl] - m0) / p0
            infs.append(inf * (n / n_sub))
            rows.append({"g": int(g), "t": int(t), "e": int(t - g), "base": int(times[b]), "att": float(m1 - m0),
                         "post": bool(post), "n_treated": n1, "n_control": n0})
    cells = pd.DataFrame(rows, columns=["g", "t", "e", "base", "att", "post", "n_treated", "n_control"])
    inf_matrix = np.column_stack(infs) if infs else np.zeros((n, 0))
    pg = {int(g): float(np.mean(G == g)) for g in groups}
    return CSFit(cells, inf_matrix, G, n, pg)


def cs_aggregate(fit: CSFit, keep: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Weighted average of the kept ATT(g,t) (weights ∝ cohort size) with its influence function."""
    keep = np.asarray(keep, dtype=bool)
    if not keep.any():
        return float("nan"), float("nan"), np.zeros(fit.n)
    cells = fit.cells[keep]
    att = cells["att"].to_numpy()
    pg = np.array([fit.pg[g] for g in cells["g"]])
    total = pg.sum()
    weights = pg / total
    estimate = float(att @ weights)
    member = (fit.G[:, None] == cells["g"].to_numpy()[None, :]).astype(float)
    if1 = (member - pg[None, :]) / total
    if2 = (member - pg[None, :]).sum(axis=1, keepdims=True) * (pg / total ** 2)[None, :]
    wif = if1 - if2
    inf = fit.inf[:, keep] @ weights + wif @ att
    se = float(np.sqrt(np.mean(inf ** 2) / fit.n))
    return estimate, se, inf


def cs_event_study(fit: CSFit, bin_at: int = 5) -> tuple[pd.DataFrame, dict]:
    """Dynamic aggregation with the endpoints binned at ±bin_at; returns the table and the IFs."""
    e_binned = fit.cells["e"].clip(-bin_at, bin_at).to_numpy()
    rows, infs = [], {}
    for e in sorted(set(e_binned.tolist())):
        est, se, inf = cs_aggregate(fit, e_binned == e)
        infs[int(e)] = inf
        rows.append({"e": int(e), "est": est, "se": se, "lo": est - Z95 * se, "hi": est + Z95 * se,
                     "p": normal_p(est, se), "cohorts": int(len(set(fit.cells.loc[e_binned == e, "g"])))})
    return pd.DataFrame(rows, columns=["e", "est", "se", "lo", "hi", "p", "cohorts"]), infs


def wald_p(estimates: np.ndarray, infs: list[np.ndarray], n: int) -> float | None:
    """Joint test that several aggregated estimates are zero (covariance from their IFs)."""
    if len(estimates) == 0:
        return None
    matrix = np.column_stack(infs)
    cov = matrix.T @ matrix / n / n
    stat = float(estimates @ np.linalg.pinv(cov) @ estimates)
    rank = int(np.linalg.matrix_rank(cov))
    return float(stats.chi2.sf(stat, max(rank, 1)))


# -- pyfixest rungs ---------------------------------------------------------------------------------
def long_panel(Y: np.ndarray, G: np.ndarray, times, units, dose: np.ndarray | None = None) -> pd.DataFrame:
    """The wide panel as pyfixest's long frame: unit, year, y, g and the status D (the dose when given).

    With ``dose`` (units × editions, 0–1) ``D`` is the dose and the frame has a ``dosed`` column, so
    :func:`first_differences` builds its lags from the dose's changes.
    """
    n, T = Y.shape
    frame = pd.DataFrame({"unit": np.repeat(np.asarray(units, dtype=str), T),
                          "year": np.tile(np.asarray(times, int), n),
                          "y": Y.ravel(), "g": np.repeat(np.asarray(G, int), T)})
    frame["D"] = ((frame["g"] > 0) & (frame["year"] >= frame["g"])).astype(int)
    if dose is not None:
        frame["D"] = np.asarray(dose, dtype=float).ravel()
        frame["dosed"] = True
    return frame


def _dose_lags(data: pd.DataFrame) -> pd.DataFrame:
    """Lags a0..a2 of the dose's change between editions (a binary adoption gives 1[rel = k])."""
    step = data.groupby("unit")["D"].diff().fillna(data["D"])
    for k in range(3):
        data[f"a{k}"] = step.groupby(data["unit"]).shift(k).fillna(0.0)
    return data


def _fixest_row(model, name: str, n_clusters: int) -> dict:
    coef = float(model.coef()[name])
    se = float(model.se()[name])
    ci = model.confint().loc[name]
    return {"estimate": coef, "se": se, "ci": (float(ci.iloc[0]), float(ci.iloc[1])),
            "p": float(model.pvalue()[name]), "n_obs": int(model._N), "clusters": n_clusters}


def twfe(frame: pd.DataFrame) -> dict:
    """Static two-way FE (rung C), CRV1 by unit — the naïve benchmark."""
    import pyfixest as pf

    model = pf.feols("y ~ D | unit + year", data=frame, vcov={"CRV1": "unit"})
    return _fixest_row(model, "D", frame["unit"].nunique())


def did2s(frame: pd.DataFrame) -> dict:
    """Gardner (2022) two-stage DiD (BJS imputation point estimate), CRV1 by unit."""
    import pyfixest as pf

    model = pf.did2s(frame, yname="y", first_stage="~ 0 | unit + year", second_stage="~ D", treatment="D",
                     cluster="unit")
    return _fixest_row(model, "D", frame["unit"].nunique())


def first_differences(frame: pd.DataFrame) -> dict:
    """Rung B: Δy on impact-year lags a0..a2 plus year FE, CRV1 by unit; reports the cumulative a0+a1+a2."""
    import pyfixest as pf

    data = frame.sort_values(["unit", "year"]).copy()
    data["dy"] = data.groupby("unit")["y"].diff()
    if "dosed" in data:
        data = _dose_lags(data)
    else:
        rel = np.where(data["g"] > 0, data["year"] - data["g"], -999)
        for k in range(3):
            data[f"a{k}"] = (rel == k).astype(int)
    data = data.dropna(subset=["dy"])
    model = pf.feols("dy ~ a0 + a1 + a2 | year", data=data, vcov={"CRV1": "unit"})
    names = ["a0", "a1", "a2"]
    coef = model.coef()[names].to_numpy()
    vcov = np.asarray(model._vcov)
    order = [list(model.coef().index).index(n) for n in names]
    vcov = vcov[np.ix_(order, order)]
    total = float(coef.sum())
    se = float(np.sqrt(np.ones(3) @ vcov @ np.ones(3)))
    clusters = data["unit"].nunique()
    dof = max(1, clusters - 1)
    crit = float(stats.t.ppf(0.975, dof))
    p = float(2 * stats.t.sf(abs(total / se), dof)) if se > 0 else float("nan")
    lags = pd.DataFrame({"lag": [0, 1, 2], "est": coef, "se": model.se()[names].to_numpy()})
    return {"estimate": total, "se": se, "ci": (total - crit * se, total + crit * se), "p": p,
            "n_obs": int(model._N), "clusters": clusters, "lags": lags}


# -- randomization inference ---------------------------------------------------------------------
def distinct_assignments(G: np.ndarray) -> float:
    """Number of distinct ways to hand the cohort vector to units (multinomial coefficient)."""
    _, counts = np.unique(G, return_counts=True)
    log = math.lgamma(len(G) + 1) - sum(math.lgamma(c + 1) for c in counts)
    return float(math.exp(min(log, 700)))


def ri_statistic(Ytilde: np.ndarray, Dtilde: np.ndarray) -> np.ndarray:
    """TWFE coefficient(s) from demeaned outcome and status (one design or a stack of them)."""
    num = (Ytilde[None, ...] * Dtilde).sum(axis=(-2, -1)) if Dtilde.ndim == 3 else (Ytilde * Dtilde).sum()
    den = (Dtilde ** 2).sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def permuted_designs(G: np.ndarray, times, reps: int, rng: np.random.Generator) -> np.ndarray:
    """Stack of reps × n × T two-way-demeaned status matrices for randomly re-assigned cohort vectors."""
    G = np.asarray(G)
    order = np.argsort(rng.random((reps, len(G))), axis=1)
    return two_way_demean(status_matrix(G[order], np.asarray(times)))


def permuted_doses(dose: np.ndarray, reps: int, rng: np.random.Generator) -> np.ndarray:
    """Stack of reps × n × T two-way-demeaned dose matrices, the units' dose paths handed to random units."""
    order = np.argsort(rng.random((reps, dose.shape[0])), axis=1)
    return two_way_demean(np.asarray(dose, dtype=float)[order])


def randomization_inference(Y: np.ndarray, G: np.ndarray, times, designs: np.ndarray,
                            dose: np.ndarray | None = None) -> dict:
    """Sharp-null p-value for the TWFE statistic under random re-assignment of the adoption schedule.

    With ``dose`` the statistic is the dose coefficient and ``designs`` come from :func:`permuted_doses`; the
    smallest p counts the distinct dose paths.
    """
    Ytilde = two_way_demean(np.asarray(Y, dtype=float))
    status = status_matrix(G, np.asarray(times)) if dose is None else np.asarray(dose, dtype=float)
    observed = float(ri_statistic(Ytilde, two_way_demean(status)))
    if dose is not None:
        G = np.unique(np.round(status, 9), axis=0, return_inverse=True)[1].ravel()
    draws = ri_statistic(Ytilde, designs)
    draws = draws[np.isfinite(draws)]
    reps = len(draws)
    exceed = int(np.sum(np.abs(draws) >= abs(observed) - 1e-12))
    p_min = max(1.0 / (reps + 1), 1.0 / distinct_assignments(G))
    return {"statistic": observed, "p": (1 + exceed) / (reps + 1), "reps": reps, "p_min": p_min,
            "null_sd": float(np.std(draws, ddof=1)) if reps > 1 else float("nan")}


# -- synthetic control -------------------------------------------------------------------------------
def scm_weights(X0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Weights w ≥ 0, Σw = 1 minimising ‖X0 w − x1‖² (NNLS with a heavily weighted sum-to-one row)."""
    scale = 1e3 * (1.0 + float(np.abs(X0).max()))
    A = np.vstack([X0, np.full((1, X0.shape[1]), scale)])
    b = np.concatenate([x1, [scale]])
    w, _ = optimize.nnls(A, b, maxiter=50 * A.shape[1])
    total = w.sum()
    return w / total if total > 0 else np.full(X0.shape[1], 1.0 / X0.shape[1])


def _scm_one(Y: np.ndarray, treated: int, donors: np.ndarray, pre: np.ndarray) -> dict:
    w = scm_weights(Y[donors][:, pre].T, Y[treated, pre])
    synth = w @ Y[donors]
    gap = Y[treated] - synth
    post = ~pre
    pre_rmspe = float(np.sqrt(np.mean(gap[pre] ** 2)))
    post_rmspe = float(np.sqrt(np.mean(gap[post] ** 2)))
    return {"weights": w, "synthetic": synth, "gap": gap, "mean_post_gap": float(gap[post].mean()),
            "pre_rmspe": pre_rmspe, "ratio": post_rmspe / pre_rmspe if pre_rmspe > 0 else float("inf")}


def synthetic_control(Y: np.ndarray, treated: int, donors, pre: np.ndarray, *, placebos: bool = True) -> dict:
    """Synthetic control for one unit with placebo-in-space over the donor pool (Abadie et al. 2010)."""
    donors = np.asarray(donors)
    main = _scm_one(Y, treated, donors, pre)
    result = {**main, "donors": donors, "J": len(donors), "p_min": 1.0 / (len(donors) + 1)}
    if not placebos:
        return result
    gaps, ratios, paths = [], [], []
    for j in donors:
        others = donors[donors != j]
        one = _scm_one(Y, int(j), others, pre)
        gaps.append(one["mean_post_gap"])
        ratios.append(one["ratio"])
        paths.append(one["gap"])
    gaps, ratios = np.array(gaps), np.array(ratios)
    J = len(donors)
    result.update({
        "placebo_gaps": gaps, "placebo_ratios": ratios, "placebo_paths": np.array(paths),
        "p_gap": (1 + int(np.sum(np.abs(gaps) >= abs(main["mean_post_gap"]) - 1e-12))) / (J + 1),
        "p_ratio": (1 + int(np.sum(ratios >= main["ratio"] - 1e-12))) / (J + 1),
        "rank_gap": int(np.sum(np.abs(gaps) >= abs(main["mean_post_gap"]) - 1e-12)),
        "mde": MDE_FACTOR * float(np.std(gaps, ddof=1)) if J > 1 else float("nan"),
    })
    return result


# -- interrupted time series (description only) ----------------------------------------------------------
def its(y: np.ndarray, times, g: int) -> dict:
    """Own pre-trend extrapolated past g; returns paths only (the product never shows a p-value here)."""
    times = np.asarray(times, dtype=float)
    pre = times < g
    X = np.column_stack([np.ones(pre.sum()), times[pre]])
    beta, *_ = np.linalg.lstsq(X, y[pre], rcond=None)
    trend = beta[0] + beta[1] * times
    return {"trend": trend, "post_gap_mean": float(np.mean((y - trend)[~pre])) if (~pre).any() else float("nan")}


# -- screening over many action types ------------------------------------------------------------------------
def screen(Y: np.ndarray, designs: dict[str, np.ndarray], *, folds: int = 5) -> pd.DataFrame:
    """Lasso and ridge on two-way-demeaned outcome and status dummies; a ranking, never p-values."""
    from sklearn.linear_model import LassoCV, RidgeCV
    from sklearn.model_selection import GroupKFold

    names = sorted(designs)
    n, T = Y.shape
    y = two_way_demean(Y).ravel()
    X = np.column_stack([two_way_demean(designs[k]).ravel() for k in names])
    groups = np.repeat(np.arange(n), T)
    splits = list(GroupKFold(n_splits=min(folds, n)).split(X, y, groups))
    lasso = LassoCV(alphas=50, cv=splits, fit_intercept=False, max_iter=20000).fit(X, y)
    ridge = RidgeCV(alphas=np.logspace(-3, 3, 25), fit_intercept=False).fit(X, y)
    frame = pd.DataFrame({"action_type": names, "lasso": lasso.coef_, "ridge": ridge.coef_,
                          "adopters": [int((designs[k].max(axis=1) > 0).sum()) for k in names]})
    frame["rank"] = frame["ridge"].abs().rank(ascending=False, method="first").astype(int)
    return frame.sort_values("rank").reset_index(drop=True)
