"""Seeded fixture (IMPACT-METHOD §5.1) and the Monte Carlo behind the §5.2 acceptance thresholds.

Used by ``tests/integration/test_impact_mc.py`` (fast subset in ``make test``, full suite under ``-m slow``) and by
``bench/bench_impact.py``. Each ``run_*`` returns plain numbers so a test can compare them with the
thresholds and the bench can print them.

DGP per sub-index k: y = 6 + 0.7·α_i + a_ik + λ_kt + γ_ik·(t − t̄) + u_ikt (+ τ_it for k = 0), clipped to
[0, 10]; α ~ N(0, 0.7²), a ~ N(0, 0.35²), λ_kt = 0.06·(t − 2010) + N(0, 0.15²), γ ~ N(0, 0.02²), u AR(1)
with ρ = 0.4 and innovation SD 0.45. Adoption: 45 units in 9 cohorts 2013–2021 (5 each), 18 never.
τ = δ·min(1, (e+1)/ramp)·h_g with h_g from 1.5 (2013) down to 0.5 (2021) when heterogeneous.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from provindex.impact import estimators as est

YEARS = np.arange(2010, 2025)


@dataclass
class Fixture:
    Y: np.ndarray        # K × n × T
    G: np.ndarray        # n
    tau: np.ndarray      # n × T planted effect on sub-index 0
    times: np.ndarray

    @property
    def truth_att(self) -> float:
        D = est.status_matrix(self.G, self.times) > 0
        return float(self.tau[D].mean())

    def truth_e(self, e: int) -> float:
        rel = self.times[None, :] - self.G[:, None]
        mask = (self.G[:, None] > 0) & (rel == e)
        return float(self.tau[mask].mean())


def make(seed: int, *, n: int = 63, K: int = 10, delta: float = 0.5, hetero: bool = True, ramp: int = 3,
         dip: float = 0.0, cohorts: list[tuple[int, int]] | None = None, scale: float = 1.0) -> Fixture:
    """One seeded panel. ``cohorts`` = [(count, g), ...] overrides the 9 × 5 staggered design."""
    rng = np.random.default_rng(seed)
    times = YEARS
    T = len(times)
    alpha = rng.normal(0, 0.7, n)
    order = rng.permutation(n)
    G = np.zeros(n, dtype=int)
    design = cohorts if cohorts is not None else [(5, g) for g in range(2013, 2022)]
    start = 0
    for count, g in design:
        G[order[start:start + count]] = g
        start += count
    Y = np.empty((K, n, T))
    sd_u = 0.45 * scale
    for k in range(K):
        a = rng.normal(0, 0.35 * scale, n)
        lam = 0.06 * (times - 2010) + rng.normal(0, 0.15 * scale, T)
        gamma = rng.normal(0, 0.02 * scale, n)
        u = np.empty((n, T))
        u[:, 0] = rng.normal(0, sd_u / np.sqrt(1 - 0.16), n)
        for j in range(1, T):
            u[:, j] = 0.4 * u[:, j - 1] + rng.normal(0, sd_u, n)
        trend = gamma[:, None] * (times - times.mean())
        Y[k] = 6.0 + 0.7 * scale * alpha[:, None] + a[:, None] + lam[None, :] + trend + u
    tau = np.zeros((n, T))
    treated_cohorts = sorted(set(G[G > 0]))
    for g in treated_cohorts:
        if hetero and len(treated_cohorts) > 1:
            h = 1.5 - (g - treated_cohorts[0]) / (treated_cohorts[-1] - treated_cohorts[0])
        else:
            h = 1.0
        e = times - g
        path = np.where(e >= 0, delta * np.minimum(1.0, (e + 1) / ramp) * h, 0.0)
        tau[G == g] = path
        if dip:
            Y[0][np.ix_(G == g, times == g - 1)] -= dip
    Y[0] += tau
    return Fixture(np.clip(Y, 0, 10), G, tau, times)


def long_scores(fx: Fixture, components: list[str], index: str, years=None) -> pd.DataFrame:
    """The fixture in the export layout (for estimate()), sub-index k named components[k]."""
    years = fx.times if years is None else np.asarray(years)
    cols = np.isin(fx.times, years)
    units = [f"{i + 1:02d}" for i in range(fx.Y.shape[1])]
    rows = []
    for k, code in enumerate(components):
        frame = pd.DataFrame(fx.Y[k][:, cols], index=units, columns=fx.times[cols])
        long = frame.reset_index(names="unit_code").melt(id_vars="unit_code", var_name="year", value_name="value")
        long["component"] = code
        rows.append(long)
    out = pd.concat(rows, ignore_index=True)
    out["index"], out["unit_set"] = index, "vn63"
    out["year"] = out["year"].astype(int)
    return out[["index", "year", "unit_set", "unit_code", "component", "value"]]


def fixture_actions(fx: Fixture, action_type: str = "OSS_CENTRE") -> pd.DataFrame:
    """Register rows whose exposure edition equals the fixture's cohort (year = g − 1, date unknown)."""
    units = [f"{i + 1:02d}" for i in range(len(fx.G))]
    rows = [{"unit_code": u, "year": int(g) - 1, "action_type": action_type} for u, g in zip(units, fx.G) if g > 0]
    return pd.DataFrame(rows, columns=["unit_code", "year", "action_type"])


# -- Monte Carlo runners ---------------------------------------------------------------------------------
def _cover(lo, hi, truth) -> bool:
    return bool(lo <= truth <= hi)


def run_s1(seeds, *, did2s: bool = True, twfe: bool = True, placebos: int = 9, hetero: bool = True, ramp: int = 3,
           delta: float = 0.5, events: bool = True) -> dict:
    """S1 (and its homogeneous variant): CS, did2s, TWFE on si0; CS on the placebo sub-indices."""
    rec = {k: [] for k in ("cs", "cs_se", "cs_cov", "d2", "d2_cov", "tw", "tw_cov", "truth", "pl_rej", "fwer",
                           "fwer_raw", "e1_flag", "leads", "lead_rej", "e_bias", "e_cov")}
    for seed in seeds:
        fx = make(seed, hetero=hetero, ramp=ramp, delta=delta)
        truth = fx.truth_att
        fit = est.cs_fit(fx.Y[0], fx.G, fx.times)
        att, se, _ = est.cs_aggregate(fit, fit.cells["post"].to_numpy())
        rec["truth"].append(truth)
        rec["cs"].append(att)
        rec["cs_se"].append(se)
        rec["cs_cov"].append(_cover(att - est.Z95 * se, att + est.Z95 * se, truth))
        if events:
            table, _ = est.cs_event_study(fit)
            table = table.set_index("e")
            rec["e1_flag"].append(bool(table.loc[-1, "p"] < 0.05))
            rec["leads"].append([float(table.loc[e, "est"]) for e in (-4, -3, -2)])
            rec["lead_rej"].append([bool(table.loc[e, "p"] < 0.05) for e in (-4, -3, -2)])
            rec["e_bias"].append([float(table.loc[e, "est"]) - fx.truth_e(e) for e in range(4)])
            rec["e_cov"].append([_cover(table.loc[e, "lo"], table.loc[e, "hi"], fx.truth_e(e)) for e in range(4)])
        frame = est.long_panel(fx.Y[0], fx.G, fx.times, [f"{i:02d}" for i in range(len(fx.G))])
        if did2s:
            row = est.did2s(frame)
            rec["d2"].append(row["estimate"])
            rec["d2_cov"].append(_cover(*row["ci"], truth))
        if twfe:
            row = est.twfe(frame)
            rec["tw"].append(row["estimate"])
            rec["tw_cov"].append(_cover(*row["ci"], truth))
        ps = []
        for k in range(1, placebos + 1):
            pf_ = est.cs_fit(fx.Y[k], fx.G, fx.times)
            v, s, _ = est.cs_aggregate(pf_, pf_.cells["post"].to_numpy())
            ps.append(est.normal_p(v, s))
        ps = np.array(ps)
        rec["pl_rej"].append((ps < 0.05).tolist())
        rec["fwer_raw"].append(bool((ps < 0.05).any()))
        rec["fwer"].append(bool((est.holm(ps) < 0.05).any()))
    out = {"seeds": len(rec["cs"]), "truth_mean": float(np.mean(rec["truth"]))}
    err = np.array(rec["cs"]) - np.array(rec["truth"])
    out.update({"cs_bias": float(err.mean()), "cs_rmse": float(np.sqrt(np.mean(err ** 2))),
                "cs_coverage": float(np.mean(rec["cs_cov"])),
                "cs_power": float(np.mean([abs(a / s) > est.Z95 for a, s in zip(rec["cs"], rec["cs_se"])]))})
    if rec["d2"]:
        err = np.array(rec["d2"]) - np.array(rec["truth"])
        out.update({"did2s_bias": float(err.mean()), "did2s_rmse": float(np.sqrt(np.mean(err ** 2))),
                    "did2s_coverage": float(np.mean(rec["d2_cov"]))})
    if rec["tw"]:
        err = np.array(rec["tw"]) - np.array(rec["truth"])
        out.update({"twfe_bias": float(err.mean()), "twfe_coverage": float(np.mean(rec["tw_cov"]))})
    if events:
        out.update({"e1_flag_rate": float(np.mean(rec["e1_flag"])),
                    "lead_mean_max_abs": float(np.max(np.abs(np.mean(rec["leads"], axis=0)))),
                    "lead_rejection_max": float(np.max(np.mean(rec["lead_rej"], axis=0))),
                    "e_bias_max_abs": float(np.max(np.abs(np.mean(rec["e_bias"], axis=0)))),
                    "e_coverage_min": float(np.min(np.mean(rec["e_cov"], axis=0))),
                    "e_coverage_max": float(np.max(np.mean(rec["e_cov"], axis=0)))})
    if placebos:
        out.update({"placebo_rejection_max": float(np.max(np.mean(rec["pl_rej"], axis=0))),
                    "placebo_fwer_holm": float(np.mean(rec["fwer"])),
                    "placebo_fwer_raw": float(np.mean(rec["fwer_raw"]))})
    return out


def run_s2(seeds, dip: float = 0.6) -> dict:
    """Ashenfelter dip: e = −1 flagged; anticipation = 1 restores the ATT."""
    flags, errs, cov = [], [], []
    for seed in seeds:
        fx = make(seed, dip=dip)
        fit = est.cs_fit(fx.Y[0], fx.G, fx.times)
        table, _ = est.cs_event_study(fit)
        flags.append(bool(table.set_index("e").loc[-1, "p"] < 0.05))
        fit1 = est.cs_fit(fx.Y[0], fx.G, fx.times, anticipation=1)
        att, se, _ = est.cs_aggregate(fit1, fit1.cells["post"].to_numpy())
        errs.append(att - fx.truth_att)
        cov.append(_cover(att - est.Z95 * se, att + est.Z95 * se, fx.truth_att))
    return {"seeds": len(flags), "e1_flag_rate": float(np.mean(flags)), "anticipation1_bias": float(np.mean(errs)),
            "anticipation1_coverage": float(np.mean(cov))}


def run_s3(seeds, delta: float) -> dict:
    """One treated unit (g = 2017), SCM with placebo-in-space over 62 donors."""
    gaps, truths, rej10, rej5 = [], [], [], []
    for seed in seeds:
        fx = make(seed, cohorts=[(1, 2017)], hetero=False, delta=delta)
        treated = int(np.where(fx.G > 0)[0][0])
        donors = np.where(fx.G == 0)[0]
        pre = fx.times < 2017
        fit = est.synthetic_control(fx.Y[0], treated, donors, pre)
        gaps.append(fit["mean_post_gap"])
        truths.append(float(fx.tau[treated, ~pre].mean()))
        rej10.append(fit["p_gap"] <= 0.10)
        rej5.append(fit["p_gap"] <= 0.05)
    return {"seeds": len(gaps), "delta": delta, "truth": float(np.mean(truths)), "mean_gap": float(np.mean(gaps)),
            "gap_bias": float(np.mean(np.array(gaps) - np.array(truths))), "rejection_10": float(np.mean(rej10)),
            "rejection_5": float(np.mean(rej5)), "p_min": 1 / 63}


def run_s4(seeds, n_types: int = 12, effect: float = 0.4) -> dict:
    """Many actions: TWFE with all dummies + Holm vs Lasso screening (which never reports p-values)."""
    import pyfixest as pf

    any_false, found, lasso_cols = [], [], None
    for seed in seeds:
        fx = make(seed, delta=0.0)
        rng = np.random.default_rng(10_000 + seed)
        n, T = fx.Y.shape[1:]
        designs = {}
        for k in range(n_types):
            adopt = rng.random(n) < 0.4
            g = np.where(adopt, rng.integers(2012, 2023, n), 0)
            designs[f"A{k:02d}"] = est.status_matrix(g, fx.times)
        y = fx.Y[0] + effect * designs["A00"]
        frame = pd.DataFrame({"unit": np.repeat(np.arange(n), T), "year": np.tile(fx.times, n), "y": y.ravel()})
        for name, D in designs.items():
            frame[name] = D.ravel()
        model = pf.feols("y ~ " + " + ".join(designs) + " | unit + year", data=frame, vcov={"CRV1": "unit"})
        p = model.pvalue()[list(designs)].to_numpy()
        adj = est.holm(p)
        found.append(bool(adj[0] < 0.05))
        any_false.append(bool((adj[1:] < 0.05).any()))
        if lasso_cols is None:
            lasso_cols = list(est.screen(y, designs).columns)
    return {"seeds": len(found), "holm_true_found": float(np.mean(found)), "holm_any_false": float(np.mean(any_false)),
            "screen_columns": lasso_cols}


def run_s5(seeds, m: int, reps: int = 999) -> dict:
    """Few treated, no effect: CRV1 over-rejects, randomization inference keeps its size."""
    import pyfixest as pf

    ri_rej, crv_rej = [], []
    for seed in seeds:
        fx = make(seed, delta=0.0, cohorts=[(m, 2017)] if m < 45 else None)
        frame = est.long_panel(fx.Y[0], fx.G, fx.times, [f"{i:02d}" for i in range(len(fx.G))])
        model = pf.feols("y ~ D | unit + year", data=frame, vcov={"CRV1": "unit"})
        crv_rej.append(bool(model.pvalue()["D"] < 0.05))
        rng = np.random.default_rng(seed)
        designs = est.permuted_designs(fx.G, fx.times, reps, rng)
        ri = est.randomization_inference(fx.Y[0], fx.G, fx.times, designs)
        ri_rej.append(bool(ri["p"] < 0.05))
    return {"seeds": len(ri_rej), "m": m, "ri_size": float(np.mean(ri_rej)), "crv1_size": float(np.mean(crv_rej))}


def run_doubts(seeds, slope: float = 0.0, delta: float = 0.5) -> dict:
    """Issue 13's pre-period doubts on S1, optionally with the treated units drifting up by ``slope`` a year
    until they act: how often the verdict is capped, and the Rambachan–Roth breakdown value."""
    from provindex.impact import sensitivity
    from provindex.impact.verdict import doubts_before

    capped, pretrend_low, lead_off, clear, breakdowns = [], [], [], [], []
    for seed in seeds:
        fx = make(seed, delta=delta)
        rel = fx.times[None, :] - fx.G[:, None]
        fx.Y[0] += np.where((fx.G[:, None] > 0) & (rel < 0), slope * rel, 0.0)
        fit = est.cs_fit(fx.Y[0], fx.G, fx.times)
        att, se, _ = est.cs_aggregate(fit, fit.cells["post"].to_numpy())
        event, infs = est.cs_event_study(fit)
        leads = event[event["e"] <= -2]
        pretrend = est.wald_p(leads["est"].to_numpy(), [infs[e] for e in leads["e"]], fit.n)
        doubts = doubts_before(pretrend, event)
        capped.append(bool(doubts))
        pretrend_low.append("pretrend" in doubts)
        lead_off.append("lead" in doubts)
        clear.append(bool(abs(att / se) > est.Z95 and not doubts))
        found = sensitivity.rm_breakdown(event, fit.cells, fit.pg, (att - est.Z95 * se, att + est.Z95 * se))
        breakdowns.append(found["breakdown"] if found else 0.0)
    return {"seeds": len(capped), "slope": slope, "capped": float(np.mean(capped)),
            "pretrend_below_010": float(np.mean(pretrend_low)), "lead_off_zero": float(np.mean(lead_off)),
            "significant_and_uncapped": float(np.mean(clear)), "breakdown_median": float(np.median(breakdowns))}


def full_report(quick: bool = False) -> dict:
    """All scenarios with the §5.2 seed counts (``quick``: a tenth of them) — figures for the team note."""
    import time
    import warnings

    warnings.filterwarnings("ignore")
    k = 10 if quick else 1
    started = time.perf_counter()
    report = {"S1": run_s1(range(200 // k), placebos=9),
              "S1_homogeneous_immediate": run_s1(range(200 // k), did2s=False, placebos=0, hetero=False, ramp=1,
                                                 events=False),
              "S2": run_s2(range(100 // k)),
              "S3_null": run_s3(range(100 // k), 0.0), "S3_planted": run_s3(range(100, 100 + 100 // k), 0.8),
              "S4": run_s4(range(200 // k)),
              "S5": {m: run_s5(range(200 // k), m) for m in (1, 3, 6, 12, 45)},
              "doubts_S1": run_doubts(range(200 // k)), "doubts_planted": run_doubts(range(100 // k), slope=0.06)}
    report["seconds"] = time.perf_counter() - started
    return report


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(full_report(quick="--quick" in sys.argv), indent=2))
