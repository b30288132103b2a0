"""Reform actions and sub-index movement: the model ladder of IMPACT-METHOD §2 behind one call.

``estimate(scores, actions, outcome=..., action_type=..., method=...) -> ImpactResult`` chooses the
estimation window, builds cohorts from the register, fits the requested rung, runs the diagnostics
(event study with e = −1, pre-trend test, placebo sub-indices with Holm, randomization inference
when fewer than 10 units acted, TWFE benchmark, did2s cross-check, SCM fit gate), computes the
verdict from fixed rules and writes the sentence in Vietnamese and English. No Streamlit import;
deterministic given ``seed``.

Command line::

    python -m provindex.impact --scores S.csv --actions A.csv --outcome PCI:TRANSPARENCY \\
        --action-type OSS_CENTRE --method cs|did2s|twfe|fd|scm|its|lasso [--unit 48] [--seed N] --json
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import sys
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from provindex import exposure
from provindex import impact_estimators as est
from provindex.catalog import Catalog, get_catalog
from provindex.errors import ProvindexError
from provindex.i18n import t
from provindex.text import format_number, format_signed

METHODS = ("auto", "cs", "did2s", "twfe", "fd", "scm", "its", "lasso")
RUNG = {"cs": "D", "did2s": "D", "twfe": "C", "fd": "B", "scm": "E", "its": "A", "lasso": "F"}
VERDICTS = ("clear", "weak", "insufficient", "not_assessable")
FEW_TREATED = 10          # below: randomization inference is the headline p (§2.G)
MIN_TREATED_CLEAR = 6     # verdict rule for rung D
MIN_PRE = 3               # pre-editions per cohort (verdict "cannot be assessed" below)
MIN_PRE_SCM = 5
COVERAGE_SHARE = 0.8      # editions publishing fewer units (PCI top-30) are left out of the window
ALPHA, ALPHA_WEAK = 0.05, 0.10
RESULT_SCHEMA = 1


class ImpactError(ProvindexError):
    """A request that cannot be run (unknown outcome, unit missing for a one-unit method...)."""

    key = "impact.error.generic"


@dataclass(frozen=True)
class ImpactResult:
    """The result contract of IMPACT-METHOD §4.1 (plus chart data and analyst details)."""

    rung: Literal["A", "B", "C", "D", "E", "F"]
    method: str
    index_code: str
    subindex_code: str
    action_type: str
    estimand: str
    estimate: float | None
    se: float | None
    ci: tuple[float, float] | None
    p: float | None
    p_method: str | None
    p_adj: float | None
    family: str | None
    p_min_achievable: float | None
    n_units: int
    n_treated: int
    n_control: int
    editions: tuple[int, int] | None
    cohorts: dict
    event_study: pd.DataFrame | None
    pretrend_p: float | None
    placebo: pd.DataFrame | None
    mde: float | None
    within_sd: float | None
    verdict: Literal["clear", "weak", "insufficient", "not_assessable"]
    sentence_vi: str
    sentence_en: str
    warnings: tuple[str, ...]
    versions: dict
    seed: int
    spec_hash: str
    unit: str | None = None
    series: pd.DataFrame | None = None
    details: dict = field(default_factory=dict)

    def sentence(self, lang: str = "vi") -> str:
        return self.sentence_en if lang == "en" else self.sentence_vi

    def to_dict(self) -> dict:
        out = {}
        for f in dataclasses.fields(self):
            out[f.name] = _plain(getattr(self, f.name))
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, indent=indent, allow_nan=False)


def _plain(value):
    """JSON-safe copy: DataFrames as records, numpy scalars as Python, NaN/inf as None."""
    if isinstance(value, pd.DataFrame):
        return [_plain(r) for r in value.to_dict("records")]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


def _num(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# -- design: window, panel, cohorts -------------------------------------------------------------------
@dataclass
class Design:
    index: str
    outcome: str
    years: list[int]
    units: list[str]
    Y: np.ndarray
    G: np.ndarray
    cohort_frame: pd.DataFrame
    family: dict[str, np.ndarray]
    registered: set[str]
    reasons: list[tuple[str, dict]]
    notes: list[tuple[str, dict]]
    control: str
    breaks: list[int]


def _component_index(outcome: str, catalog: Catalog) -> str:
    if not catalog.has_component(outcome):
        raise ImpactError("impact.error.unknown_outcome", outcome=outcome)
    return catalog.component(outcome)["index"]


def _wide(scores: pd.DataFrame, component: str) -> pd.DataFrame:
    rows = scores[(scores["component"] == component) & (scores["unit_set"] == "vn63")]
    if rows.empty:
        return pd.DataFrame()
    return rows.pivot_table(index="unit_code", columns="year", values="value", aggfunc="first").sort_index()


def _index_scores(scores: pd.DataFrame, index: str) -> pd.DataFrame:
    """The vn63 rows of one index (the estimation unit for editions ≤ 2024, §3.10)."""
    return scores[(scores["index"] == index) & (scores["unit_set"] == "vn63")]


def _segments(years: list[int], breaks: list[int]) -> list[list[int]]:
    segments: list[list[int]] = []
    for year in sorted(years):
        if segments and year == segments[-1][-1] + 1 and not any(segments[-1][-1] < b <= year for b in breaks):
            segments[-1].append(year)
        else:
            segments.append([year])
    return segments


def registered_targets(actions: pd.DataFrame, action_type: str, targets: pd.DataFrame | None) -> set[str]:
    """Components pre-registered for this action type (action_target, else the register's target list)."""
    ids = set(actions.loc[actions["action_type"] == action_type, "action_id"].dropna()) if "action_id" in actions else set()
    out: set[str] = set()
    if targets is not None and not targets.empty and ids:
        out |= set(targets.loc[targets["action_id"].isin(ids), "component"])
    if "target_components" in actions:
        for value in actions.loc[actions["action_type"] == action_type, "target_components"].dropna():
            out |= {c.strip() for c in str(value).split(",") if c.strip()}
    return out


def build_design(scores: pd.DataFrame, actions: pd.DataFrame, *, outcome: str, action_type: str,
                 catalog: Catalog, window=None, lead_days: int = exposure.DEFAULT_LEAD_DAYS,
                 targets: pd.DataFrame | None = None, min_pre: int = MIN_PRE, control: str = "auto",
                 editions_table: pd.DataFrame | None = None, unit: str | None = None,
                 keep_all_cohorts: bool = False) -> Design:
    index = _component_index(outcome, catalog)
    actions = exposure.normalise_actions(actions)
    scores = _index_scores(scores, index)
    wide = _wide(scores, outcome)
    reasons: list[tuple[str, dict]] = []
    notes: list[tuple[str, dict]] = []
    breaks = catalog.break_years(index, outcome)
    registered = registered_targets(actions, action_type, targets)
    if wide.empty:
        raise ImpactError("impact.error.no_scores", outcome=outcome)
    counts = wide.notna().sum()
    eligible = [int(y) for y, c in counts.items() if c >= COVERAGE_SHARE * counts.max()]
    partial = sorted(set(int(y) for y in counts.index) - set(eligible))
    if partial:
        notes.append(("impact.note.partial_years", {"years": ", ".join(map(str, partial))}))
    if window is not None:
        y0, y1 = int(window[0]), int(window[1])
        years = [y for y in eligible if y0 <= y <= y1]
        crossing = [b for b in breaks if y0 < b <= y1]
        if crossing:
            reasons.append(("impact.reason.break", {"year": crossing[0]}))
    else:
        best, best_key = None, None
        for segment in _segments(eligible, breaks):
            units_here = list(wide.index[wide[segment].notna().all(axis=1)])
            frame = exposure.cohorts(actions, action_type, index, segment, units_here, lead_days=lead_days,
                                     table=editions_table)
            usable = int(((frame["g"] > 0) & (frame["n_pre"] >= min_pre) & ~frame["always_treated"]).sum())
            if unit is not None:
                usable += 1000 * int(bool(((frame["unit_code"] == unit) & (frame["g"] > 0)).any()))
            key = (usable, len(segment), segment[-1])
            if best_key is None or key > best_key:
                best, best_key = segment, key
        years = best or []
    if len(years) < 2:
        raise ImpactError("impact.error.no_window", outcome=outcome)
    panel = wide[years]
    complete = panel.notna().all(axis=1)
    dropped = [str(u) for u in panel.index[~complete]]
    if dropped:
        names = ", ".join(catalog.unit_name("vn63", u) for u in dropped[:6]) + (" …" if len(dropped) > 6 else "")
        notes.append(("impact.note.unbalanced", {"n": len(dropped), "units": names}))
    panel = panel[complete]
    units = [str(u) for u in panel.index]
    frame = exposure.cohorts(actions, action_type, index, years, units, lead_days=lead_days, table=editions_table,
                             targets=targets, component=outcome, breaks=breaks)
    keep = np.ones(len(frame), dtype=bool)
    always = frame["always_treated"].to_numpy()
    if always.any():
        notes.append(("impact.note.always_treated", {"n": int(always.sum()), "year": years[0]}))
        keep &= ~always
    few_pre = ((frame["g"] > 0) & (frame["n_pre"] < min_pre) & ~frame["always_treated"]).to_numpy()
    if few_pre.any() and not keep_all_cohorts:
        notes.append(("impact.note.few_pre", {"n": int(few_pre.sum()), "k": min_pre}))
        keep &= ~few_pre
    temporary = frame["temporary_only"].to_numpy()
    if temporary.any():
        notes.append(("impact.note.temporary", {"n": int(temporary.sum())}))
        keep &= ~temporary
    if frame["contaminated"].any():
        notes.append(("impact.note.contaminated", {"n": int(frame["contaminated"].sum())}))
    frame = frame[keep].reset_index(drop=True)
    panel = panel.loc[frame["unit_code"]]
    G = frame["g"].to_numpy(dtype=int)
    n_treated, n_never = int((G > 0).sum()), int((G == 0).sum())
    if control == "auto":
        control = "nevertreated" if n_never >= 2 else "notyettreated"
    if n_treated == 0:
        reasons.append(("impact.reason.no_treated", {}))
    elif control == "nevertreated" and n_never == 0:
        reasons.append(("impact.reason.no_control", {}))
    elif control == "notyettreated" and n_never == 0 and len(set(G[G > 0])) < 2:
        reasons.append(("impact.reason.same_year", {}))
    family = {}
    skipped = []
    for code in catalog.components_of(index, level=1)["code"]:
        if code == outcome:
            continue
        other = _wide(scores, code)
        if other.empty or not set(years) <= set(int(y) for y in other.columns):
            continue
        if any(years[0] < b <= years[-1] for b in catalog.break_years(index, code)):
            skipped.append(code)
            continue
        values = other.reindex(index=frame["unit_code"], columns=years)
        if values.notna().all().all():
            family[code] = values.to_numpy(dtype=float)
        else:
            skipped.append(code)
    if skipped:
        notes.append(("impact.note.placebo_skipped", {"n": len(skipped)}))
    return Design(index, outcome, years, list(frame["unit_code"]), panel.to_numpy(dtype=float), G, frame, family,
                  registered, reasons, notes, control, breaks)


# -- public API ---------------------------------------------------------------------------------------------
def estimate(scores: pd.DataFrame, actions: pd.DataFrame, *, outcome: str, action_type: str, method: str = "cs",
             unit: str | None = None, seed: int = 0, anticipation: int = 0, control: str = "auto",
             window=None, lead_days: int = exposure.DEFAULT_LEAD_DAYS, targets: pd.DataFrame | None = None,
             ri_reps: int = 999, placebo: bool = True, min_pre: int = MIN_PRE,
             editions_table: pd.DataFrame | None = None, catalog: Catalog | None = None) -> ImpactResult:
    """Fit one rung of the ladder for one outcome × action type (optionally one unit) and judge it."""
    catalog = catalog or get_catalog()
    if method not in METHODS:
        raise ImpactError("impact.error.method", method=method, choices=", ".join(METHODS))
    unit = None if unit in (None, "") else str(unit).zfill(2)
    spec = {"outcome": outcome, "action_type": action_type, "method": method, "unit": unit, "seed": seed,
            "anticipation": anticipation, "control": control, "window": list(window) if window else None,
            "lead_days": lead_days, "ri_reps": ri_reps, "placebo": placebo, "min_pre": min_pre,
            "schema": RESULT_SCHEMA}
    one_unit = method in ("scm", "its")
    if one_unit and unit is None:
        raise ImpactError("impact.error.unit_required", method=method)
    design = build_design(scores, actions, outcome=outcome, action_type=action_type, catalog=catalog, window=window,
                          lead_days=lead_days, targets=targets, min_pre=MIN_PRE_SCM if method == "scm" else min_pre,
                          control=control, editions_table=editions_table, unit=unit if one_unit else None,
                          keep_all_cohorts=one_unit)
    if method == "auto":
        method = "scm" if unit is not None and int((design.G > 0).sum()) == 1 else "cs"
        spec["resolved_method"] = method
    context = _Context(design, catalog, spec, seed, np.random.default_rng(seed), anticipation, ri_reps, placebo,
                       unit, actions, scores)
    runner = {"cs": _rung_d, "did2s": _rung_d, "twfe": _rung_bc, "fd": _rung_bc, "scm": _rung_e, "its": _rung_a,
              "lasso": _rung_f}[method]
    return runner(context, method)


@dataclass
class _Context:
    design: Design
    catalog: Catalog
    spec: dict
    seed: int
    rng: np.random.Generator
    anticipation: int
    ri_reps: int
    placebo: bool
    unit: str | None
    actions: pd.DataFrame
    scores: pd.DataFrame

    @property
    def spec_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.spec, sort_keys=True).encode()).hexdigest()[:16]

    def versions(self) -> dict:
        import importlib.metadata as md

        def version(name):
            try:
                return md.version(name)
            except md.PackageNotFoundError:
                return "-"

        d = self.design
        data = pd.DataFrame(d.Y, index=d.units, columns=d.years).to_csv(float_format="%.10g")
        register = self.actions.loc[self.actions["action_type"] == self.spec["action_type"],
                                    [c for c in ("action_id", "unit_code", "year", "date", "date_precision",
                                                 "persistence", "version") if c in self.actions.columns]]
        register = register.astype(str).sort_values(list(register.columns)).to_csv(index=False)
        return {"provindex": "impact-1", "pyfixest": version("pyfixest"), "numpy": np.__version__,
                "pandas": pd.__version__, "scipy": version("scipy"),
                "data_sha": hashlib.sha256(data.encode()).hexdigest()[:16],
                "register_sha": hashlib.sha256(register.encode()).hexdigest()[:16]}


def _base(ctx: _Context, rung: str, method: str, estimand: str, **values) -> dict:
    d = ctx.design
    G = d.G
    treated = G > 0
    base = dict(rung=rung, method=method, index_code=d.index, subindex_code=d.outcome,
                action_type=ctx.spec["action_type"], estimand=estimand, estimate=None, se=None, ci=None, p=None,
                p_method=None, p_adj=None, family=None, p_min_achievable=None, n_units=len(d.units),
                n_treated=int(treated.sum()), n_control=int((~treated).sum()),
                editions=(d.years[0], d.years[-1]) if d.years else None,
                cohorts={int(g): int((G == g).sum()) for g in sorted(set(G[treated].tolist()))},
                event_study=None, pretrend_p=None, placebo=None, mde=None,
                within_sd=est.within_sd(d.Y) if len(d.units) > 1 else None, verdict="insufficient",
                sentence_vi="", sentence_en="", warnings=(), versions=ctx.versions(), seed=ctx.seed,
                spec_hash=ctx.spec_hash, unit=ctx.unit, series=None, details={})
    base.update(values)
    return base


def _finish(ctx: _Context, fields: dict) -> ImpactResult:
    d = ctx.design
    warnings = [t(k, "en", **p) for k, p in d.notes] + list(fields.get("warnings", ()))
    fields["warnings"] = tuple(warnings)
    fields["details"] = {**fields.get("details", {}),
                         "notes_vi": [t(k, "vi", **p) for k, p in d.notes],
                         "reasons": [k.split(".")[-1] for k, _ in d.reasons],
                         "control_group": d.control, "anticipation": ctx.anticipation,
                         "registered_targets": sorted(d.registered),
                         "mechanical": _mechanical(ctx)}
    fields["sentence_vi"] = _sentence(ctx, fields, "vi")
    fields["sentence_en"] = _sentence(ctx, fields, "en")
    return ImpactResult(**fields)


def _mechanical(ctx: _Context) -> bool:
    from provindex.reference import read_reference_csv
    from provindex import schema, config

    links = read_reference_csv(schema.TABLE_BY_NAME["mechanical_link"], config.REFERENCE_DIR)
    return bool(((links["action_type"] == ctx.spec["action_type"]) & (links["component"] == ctx.design.outcome)).any())


def _not_assessable(ctx: _Context, rung: str, method: str, estimand: str, reason: tuple[str, dict] | None = None,
                    **values) -> ImpactResult:
    if reason is not None:
        ctx.design.reasons.append(reason)
    fields = _base(ctx, rung, method, estimand, verdict="not_assessable", **values)
    return _finish(ctx, fields)


# -- rung D: staggered DiD (CS default, did2s cross-check) ----------------------------------------------------
def _fit_cs(ctx: _Context, Y: np.ndarray) -> tuple[est.CSFit, float, float]:
    d = ctx.design
    fit = est.cs_fit(Y, d.G, np.array(d.years), control=d.control, anticipation=ctx.anticipation)
    value, se, _ = est.cs_aggregate(fit, fit.cells["post"].to_numpy())
    return fit, value, se


def _did2s_on(ctx: _Context, Y: np.ndarray) -> dict:
    d = ctx.design
    return est.did2s(est.long_panel(Y, d.G, d.years, d.units))


def _rung_d(ctx: _Context, method: str) -> ImpactResult:
    d = ctx.design
    estimand = "ATT_simple"
    name = "cs_" + d.control + "_reg" if method == "cs" else "did2s_gardner"
    if d.reasons:
        return _not_assessable(ctx, "D", name, estimand)
    n_treated = int((d.G > 0).sum())
    if n_treated == 1:
        return _not_assessable(ctx, "D", name, estimand, ("impact.reason.single_unit", {}))
    times = np.array(d.years)
    fit, cs_value, cs_se = _fit_cs(ctx, d.Y)
    if fit.cells.empty or not fit.cells["post"].any():
        return _not_assessable(ctx, "D", name, estimand, ("impact.reason.few_pre", {"k": MIN_PRE}))
    event, infs = est.cs_event_study(fit)
    leads = event[event["e"] <= -2]
    pretrend = est.wald_p(leads["est"].to_numpy(), [infs[e] for e in leads["e"]], fit.n) if len(leads) else None
    e1 = event[event["e"] == -1]
    e1_p = float(e1["p"].iloc[0]) if len(e1) else None
    details: dict = {"attgt": fit.cells.assign(se=[float(np.sqrt(np.mean(fit.inf[:, k] ** 2) / fit.n))
                                                   for k in range(fit.inf.shape[1])])}
    did2s_row = _did2s_on(ctx, d.Y)
    details["did2s"] = did2s_row
    details["cs"] = {"estimate": cs_value, "se": cs_se, "p": est.normal_p(cs_value, cs_se)}
    frame = est.long_panel(d.Y, d.G, d.years, d.units)
    details["twfe"] = est.twfe(frame)
    if method == "cs":
        value, se = cs_value, cs_se
        ci = (value - est.Z95 * se, value + est.Z95 * se)
        p_analytic, p_method = est.normal_p(value, se), "analytic"
    else:
        value, se, ci = did2s_row["estimate"], did2s_row["se"], did2s_row["ci"]
        p_analytic, p_method = did2s_row["p"], "CRV1"
    designs = None
    p, p_min = p_analytic, None
    if n_treated < FEW_TREATED:
        designs = est.permuted_designs(d.G, times, ctx.ri_reps, ctx.rng)
        ri = est.randomization_inference(d.Y, d.G, times, designs)
        details["ri"] = ri
        p, p_min, p_method = ri["p"], ri["p_min"], f"RI-{ri['reps']}"
        details["twfe"]["p_hidden"] = True  # CRV1 is not shown with < 10 treated units
    # placebo sub-indices and the family for the adjusted p
    family_p = {d.outcome: p}
    rows = []
    if ctx.placebo:
        for code, Yk in d.family.items():
            # Placebos use CS for both rung-D methods: one did2s fit costs ~0.3 s, ten would break the budget.
            _, v, s = _fit_cs(ctx, Yk)
            pk = est.normal_p(v, s)
            if designs is not None:
                pk = est.randomization_inference(Yk, d.G, times, designs)["p"]
            family_p[code] = pk
            rows.append({"component": code, "est": v, "se": s, "p": pk,
                         "registered": code in d.registered})
    placebo_frame, p_adj, family = _adjust(d, family_p, rows)
    placebo_fail = _placebo_fails(placebo_frame)
    gate_e1 = e1_p if ctx.anticipation == 0 else None
    verdict, failed = verdict_d(p_adj, pretrend, gate_e1, placebo_fail, n_treated)
    details["failed_checks"] = failed
    details["e_minus_1"] = None if not len(e1) else {"est": float(e1["est"].iloc[0]), "p": e1_p}
    k_post = int(fit.cells.loc[fit.cells["post"], "e"].max()) + 1
    details["k_post"] = k_post
    fields = _base(ctx, "D", name, estimand, estimate=value, se=se, ci=ci, p=p, p_method=p_method, p_adj=p_adj,
                   family=family, p_min_achievable=p_min, event_study=event, pretrend_p=pretrend,
                   placebo=placebo_frame, mde=est.MDE_FACTOR * se, verdict=verdict, details=details)
    return _finish(ctx, fields)


def _adjust(d: Design, family_p: dict, rows: list[dict]) -> tuple[pd.DataFrame | None, float | None, str]:
    """Holm: pre-registered targets of the index form the confirmatory family, otherwise all sub-indices."""
    outcome_p = family_p[d.outcome]
    if d.outcome in d.registered:
        members = [c for c in family_p if c in d.registered]
        family = "registered:" + d.index
    else:
        members = list(family_p)
        family = "exploratory:" + d.index
    adjusted = dict(zip(members, est.holm([family_p[c] for c in members])))
    p_adj = _num(adjusted.get(d.outcome, outcome_p))
    if not rows:
        return None, p_adj, family
    frame = pd.DataFrame(rows)
    placebo = frame[~frame["registered"]].copy()
    placebo["p_adj"] = est.holm(placebo["p"].to_numpy())
    registered = frame[frame["registered"]].copy()
    registered["p_adj"] = [adjusted.get(c, np.nan) for c in registered["component"]]
    out = pd.concat([placebo.assign(role="placebo"), registered.assign(role="registered")], ignore_index=True)
    return out.drop(columns="registered"), p_adj, family


def _placebo_fails(frame: pd.DataFrame | None) -> bool:
    """True when a placebo sub-index (not pre-registered) has a Holm-adjusted p below 5%."""
    if frame is None or frame.empty:
        return False
    placebos = frame[frame["role"] == "placebo"]
    return bool((placebos["p_adj"] < ALPHA).any())


def verdict_d(p_adj, pretrend_p, e1_p, placebo_fail: bool, n_treated: int,
              min_treated: int = MIN_TREATED_CLEAR) -> tuple[str, list[str]]:
    """IMPACT-METHOD §4 verdict for rung D (and E via :func:`verdict_e`). Returns (verdict, failed checks)."""
    failed = []
    if pretrend_p is not None and pretrend_p < ALPHA:
        failed.append("pretrend")
    if e1_p is not None and e1_p < ALPHA:
        failed.append("e_minus_1")
    if placebo_fail:
        failed.append("placebo")
    if n_treated < min_treated:
        failed.append("few_treated")
    if p_adj is None or not math.isfinite(p_adj):
        return "insufficient", failed
    if p_adj < ALPHA and not failed:
        return "clear", failed
    if (ALPHA <= p_adj < ALPHA_WEAK and not failed) or (p_adj < ALPHA and len(failed) == 1):
        return "weak", failed
    return "insufficient", failed


# -- rungs B and C: first differences with lags, static TWFE ----------------------------------------------------
def _rung_bc(ctx: _Context, method: str) -> ImpactResult:
    d = ctx.design
    rung = "B" if method == "fd" else "C"
    estimand = "cum_e2" if method == "fd" else "beta_static"
    name = "fd_lags012_yearfe" if method == "fd" else "twfe_static"
    if d.reasons:
        return _not_assessable(ctx, rung, name, estimand)
    frame = est.long_panel(d.Y, d.G, d.years, d.units)
    row = est.first_differences(frame) if method == "fd" else est.twfe(frame)
    n_treated = int((d.G > 0).sum())
    p, p_method, p_min = row["p"], "CRV1", None
    details = {"fit": {k: v for k, v in row.items() if k != "lags"}}
    if method == "fd":
        details["lags"] = row["lags"]
    if n_treated < FEW_TREATED:
        times = np.array(d.years)
        ri = est.randomization_inference(d.Y, d.G, times, est.permuted_designs(d.G, times, ctx.ri_reps, ctx.rng))
        details["ri"] = ri
        p, p_min, p_method = ri["p"], ri["p_min"], f"RI-{ri['reps']}"
    fields = _base(ctx, rung, name, estimand, estimate=row["estimate"], se=row["se"], ci=row["ci"], p=p,
                   p_method=p_method, p_adj=p, family=None, p_min_achievable=p_min, mde=est.MDE_FACTOR * row["se"],
                   verdict="insufficient", details=details)
    return _finish(ctx, fields)


# -- rung E: synthetic control for one unit ------------------------------------------------------------------------
def _unit_position(ctx: _Context) -> int | None:
    d = ctx.design
    return d.units.index(ctx.unit) if ctx.unit in d.units else None


def _rung_e(ctx: _Context, method: str) -> ImpactResult:
    d = ctx.design
    estimand, name = "mean_post_gap", "scm_nnls_simplex"
    position = _unit_position(ctx)
    if position is None or d.G[position] == 0:
        return _not_assessable(ctx, "E", name, estimand, ("impact.reason.unit_not_treated", {}))
    g = int(d.G[position])
    times = np.array(d.years)
    pre = times < g
    donors = np.where(d.G == 0)[0]
    base_values = dict(n_treated=1, n_control=len(donors), n_units=len(donors) + 1, cohorts={g: 1},
                       p_min_achievable=1.0 / (len(donors) + 1) if len(donors) else None)
    if pre.sum() < MIN_PRE_SCM:
        return _not_assessable(ctx, "E", name, estimand, ("impact.reason.few_pre", {"k": MIN_PRE_SCM}), **base_values)
    if len(donors) < 2:
        return _not_assessable(ctx, "E", name, estimand, ("impact.reason.no_control", {}), **base_values)
    Y = d.Y
    within = est.within_sd(Y[np.r_[donors, position]])
    fit = est.synthetic_control(Y, position, donors, pre)
    series = pd.DataFrame({"year": d.years, "actual": Y[position], "synthetic": fit["synthetic"], "gap": fit["gap"]})
    paths = pd.DataFrame([{"unit_code": d.units[j], "year": y, "gap": gap}
                          for j, path in zip(donors, fit["placebo_paths"]) for y, gap in zip(d.years, path)])
    donor_means = Y[donors][:, pre].mean(axis=1)
    treated_mean = Y[position, pre].mean()
    outside = bool(treated_mean > donor_means.max() or treated_mean < donor_means.min())
    gate_ok = fit["pre_rmspe"] <= within and not outside
    weights = pd.DataFrame({"unit_code": [d.units[j] for j in donors], "weight": fit["weights"]})
    weights = weights[weights["weight"] > 1e-4].sort_values("weight", ascending=False).reset_index(drop=True)
    details = {"weights": weights, "placebo_paths": paths, "g": g, "pre_rmspe": fit["pre_rmspe"],
               "p_ratio": fit["p_ratio"], "rank": fit["rank_gap"], "J": fit["J"], "outside_hull": outside,
               "fit_gate": gate_ok, "confounders": _confounders(ctx, g)}
    if not gate_ok:
        return _not_assessable(ctx, "E", name, estimand, ("impact.reason.fit_gate", {}), series=series,
                               details=details, within_sd=within, **base_values)
    family_p = {d.outcome: fit["p_gap"]}
    rows = []
    if ctx.placebo:
        for code, Yk in d.family.items():
            other = est.synthetic_control(Yk, position, donors, pre)
            family_p[code] = other["p_gap"]
            rows.append({"component": code, "est": other["mean_post_gap"], "se": np.nan, "p": other["p_gap"],
                         "registered": code in d.registered})
    placebo_frame, p_adj, family = _adjust(d, family_p, rows)
    placebo_fail = _placebo_fails(placebo_frame)
    q = float(np.quantile(np.abs(fit["placebo_gaps"]), 0.95))
    ci = (fit["mean_post_gap"] - q, fit["mean_post_gap"] + q)
    verdict, failed = verdict_d(p_adj, None, None, placebo_fail, MIN_TREATED_CLEAR)
    details["failed_checks"] = failed
    fields = _base(ctx, "E", name, estimand, estimate=fit["mean_post_gap"], se=None, ci=ci, p=fit["p_gap"],
                   p_method="placebo-rank", p_adj=p_adj, family=family,
                   placebo=placebo_frame, mde=fit["mde"], within_sd=within, verdict=verdict, series=series,
                   details=details, **base_values)
    return _finish(ctx, fields)


def _confounders(ctx: _Context, g: int) -> list[dict]:
    """Recorded confounders (leadership change, central mandates...) of the unit within ±1 edition of g."""
    frame = ctx.actions
    if "unit_code" not in frame or ctx.unit is None:
        return []
    kinds = ctx.catalog.action_types.set_index("code")["kind"].to_dict()
    rows = frame[(frame["unit_code"] == ctx.unit) & (frame["action_type"] != ctx.spec["action_type"])]
    out = []
    for row in rows.itertuples():
        if abs(int(row.year) + 1 - g) <= 1:
            out.append({"action_type": row.action_type, "year": int(row.year),
                        "kind": kinds.get(row.action_type, "reform")})
    return out


# -- rung A: interrupted time series (description only) ----------------------------------------------------------
def _rung_a(ctx: _Context, method: str) -> ImpactResult:
    d = ctx.design
    estimand, name = "description", "its_own_trend"
    position = _unit_position(ctx)
    if position is None or d.G[position] == 0:
        return _not_assessable(ctx, "A", name, estimand, ("impact.reason.unit_not_treated", {}))
    g = int(d.G[position])
    times = np.array(d.years)
    if (times < g).sum() < MIN_PRE:
        return _not_assessable(ctx, "A", name, estimand, ("impact.reason.few_pre", {"k": MIN_PRE}))
    fit = est.its(d.Y[position], times, g)
    series = pd.DataFrame({"year": d.years, "actual": d.Y[position], "trend": fit["trend"],
                           "post": times >= g})
    fields = _base(ctx, "A", name, estimand, n_units=1, n_treated=1, n_control=0, cohorts={g: 1}, series=series,
                   verdict="insufficient", details={"g": g, "confounders": _confounders(ctx, g)})
    return _finish(ctx, fields)


# -- rung F: screening many action types ------------------------------------------------------------------------------
def _rung_f(ctx: _Context, method: str) -> ImpactResult:
    d = ctx.design
    actions = exposure.normalise_actions(ctx.actions)
    kinds = ctx.catalog.action_types.set_index("code")["kind"].to_dict()
    times = np.array(d.years)
    designs = {}
    for action_type in sorted(set(actions["action_type"])):
        if kinds.get(action_type, "reform") != "reform":
            continue
        frame = exposure.cohorts(actions, action_type, d.index, d.years, d.units)
        G = frame["g"].to_numpy(dtype=int).copy()
        G[frame["always_treated"].to_numpy()] = 0
        if (G > 0).sum() >= 3:
            designs[action_type] = est.status_matrix(G, times)
    if len(designs) < 2:
        return _not_assessable(ctx, "F", "ridge_lasso_screen", "ranking", ("impact.reason.few_types", {}))
    ranking = est.screen(d.Y, designs)
    fields = _base(ctx, "F", "ridge_lasso_screen", "ranking", verdict="insufficient",
                   details={"ranking": ranking, "n_types": len(designs)})
    return _finish(ctx, fields)


# -- sentences ----------------------------------------------------------------------------------------------------------
def action_phrase(catalog: Catalog, action_type: str, lang: str) -> str:
    key = f"impact.action.{action_type}"
    text = t(key, lang)
    if text != key:
        return text
    rows = catalog.action_types[catalog.action_types["code"] == action_type]
    if rows.empty:
        return action_type
    name = rows.iloc[0]["name_en" if lang == "en" else "name_vi"]
    return name[:1].lower() + name[1:]


def _sentence(ctx: _Context, f: dict, lang: str) -> str:
    d, catalog = ctx.design, ctx.catalog
    num = lambda x: format_number(x, lang, 2).replace("-", "−")  # noqa: E731
    pval = lambda x: "–" if x is None else (("< " + num(0.001)) if x < 0.001 else format_number(x, lang, 3))  # noqa
    action = action_phrase(catalog, ctx.spec["action_type"], lang)
    sub = catalog.component_label(d.outcome, lang, short=False)
    verdict_text = t(f"impact.verdict.{f['verdict']}", lang)
    unit_name = catalog.unit_name("vn63", ctx.unit, lang) if ctx.unit else ""
    parts: list[str] = []
    y0, y1 = (f["editions"] or (None, None))
    if f["verdict"] == "not_assessable" and f["rung"] not in ("A",):
        reasons = "; ".join(t(k, lang, **p) for k, p in d.reasons) or t("impact.reason.generic", lang)
        parts.append(t("impact.sentence.not_assessable", lang, reason=reasons))
        if f["rung"] == "E" and f.get("series") is not None:
            parts.append(t("impact.sentence.e_chart_only", lang, unit=unit_name))
        return " ".join(parts)
    rung = f["rung"]
    if rung == "D":
        ci = f["ci"]
        parts.append(t("impact.sentence.d_main", lang, action=action, subindex=sub,
                       att=format_signed(f["estimate"], lang, 2), k=f["details"]["k_post"], lo=num(ci[0]),
                       hi=num(ci[1])))
        parts.append(t("impact.sentence.d_basis", lang, n_tr=f["n_treated"], n_ctl=f["n_control"], y0=y0, y1=y1))
        if f["pretrend_p"] is not None:
            key = "impact.sentence.d_parallel" if f["pretrend_p"] >= ALPHA else "impact.sentence.d_not_parallel"
            parts.append(t(key, lang, p_pre=pval(f["pretrend_p"])))
        e1 = f["details"].get("e_minus_1")
        if e1 and e1["p"] is not None and e1["p"] < ALPHA:
            parts.append(t("impact.sentence.dip", lang, e1=format_signed(e1["est"], lang, 2), p=pval(e1["p"])))
        if f["p_method"] and f["p_method"].startswith("RI"):
            parts.append(t("impact.sentence.ri", lang, n_tr=f["n_treated"], p=pval(f["p_adj"]),
                           pmin=pval(f["p_min_achievable"])))
        if f["p_adj"] is None or f["p_adj"] >= ALPHA:
            parts.append(t("impact.sentence.mde", lang, mde=num(f["mde"])))
        parts.append(t("impact.sentence.verdict", lang, verdict=verdict_text))
        parts.append(t("impact.sentence.caveat", lang))
    elif rung == "E":
        det = f["details"]
        parts.append(t("impact.sentence.e_main", lang, province=unit_name, J=det["J"], g=det["g"], subindex=sub,
                       gap=format_signed(f["estimate"], lang, 2), action=action, rank=det["rank"],
                       p=pval(f["p_adj"]), pmin=pval(f["p_min_achievable"])))
        parts.append(t("impact.sentence.e_interval", lang, lo=num(f["ci"][0]), hi=num(f["ci"][1])))
        parts.append(t("impact.sentence.e_mde", lang, mde=num(f["mde"])))
        parts.append(t("impact.sentence.verdict", lang, verdict=verdict_text))
        parts.append(t("impact.sentence.caveat", lang))
    elif rung in ("B", "C"):
        key = "impact.sentence.b_main" if rung == "B" else "impact.sentence.c_main"
        parts.append(t(key, lang, action=action, subindex=sub, att=format_signed(f["estimate"], lang, 2),
                       lo=num(f["ci"][0]), hi=num(f["ci"][1]), n_tr=f["n_treated"], n_ctl=f["n_control"],
                       y0=y0, y1=y1))
        parts.append(t("impact.sentence.bc_benchmark", lang))
        parts.append(t("impact.sentence.verdict", lang, verdict=verdict_text))
    elif rung == "A":
        parts.append(t("impact.sentence.a_fixed", lang, action=action))
    elif rung == "F":
        parts.append(t("impact.sentence.f_main", lang, n=f["details"]["n_types"], subindex=sub, y0=y0, y1=y1))
    if f["details"].get("mechanical"):
        parts.append(t("impact.sentence.mechanical", lang))
    return " ".join(parts)


# -- warm-up and command line --------------------------------------------------------------------------------------------
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


def read_scores_csv(path: str) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"unit_code": str, "unit_set": str}, encoding="utf-8-sig")
    missing = {"index", "year", "unit_code", "component", "value"} - set(frame.columns)
    if missing:
        raise ImpactError("impact.error.columns", file=path, columns=", ".join(sorted(missing)))
    if "unit_set" not in frame:
        frame["unit_set"] = np.where(frame["year"] >= 2025, "vn34", "vn63")
    frame["unit_code"] = frame["unit_code"].str.zfill(2)
    return frame


def read_actions_csv(path: str) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False).replace({"": None})
    missing = {"unit_code", "year", "action_type"} - set(frame.columns)
    if missing:
        raise ImpactError("impact.error.columns", file=path, columns=", ".join(sorted(missing)))
    if "dose" in frame:
        frame["dose"] = pd.to_numeric(frame["dose"])
    return exposure.normalise_actions(frame)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m provindex.impact", description=t("impact.cli.description", "en"))
    parser.add_argument("--scores", required=True, help="scores CSV in the export layout (DESIGN §5)")
    parser.add_argument("--actions", required=True, help="actions CSV: unit_code, year, action_type [, date, ...]")
    parser.add_argument("--targets", help="optional action_target CSV (pre-registered hypotheses)")
    parser.add_argument("--outcome", required=True, help="component code, e.g. PCI:TRANSPARENCY")
    parser.add_argument("--action-type", required=True)
    parser.add_argument("--method", choices=METHODS, default="cs")
    parser.add_argument("--unit", help="GSO code of the unit (required for scm and its)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--anticipation", type=int, choices=(0, 1), default=0,
                        help="1 = exclude the year before the action (Ashenfelter dip)")
    parser.add_argument("--control", choices=("auto", "nevertreated", "notyettreated"), default="auto")
    parser.add_argument("--window", help="editions to use, e.g. 2013-2022")
    parser.add_argument("--ri-reps", type=int, default=999)
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args(argv)
    try:
        scores = read_scores_csv(args.scores)
        actions = read_actions_csv(args.actions)
        targets = pd.read_csv(args.targets, dtype=str, encoding="utf-8-sig") if args.targets else None
        window = tuple(int(x) for x in args.window.split("-")) if args.window else None
        result = estimate(scores, actions, outcome=args.outcome, action_type=args.action_type, method=args.method,
                          unit=args.unit, seed=args.seed, anticipation=args.anticipation, control=args.control,
                          window=window, targets=targets, ri_reps=args.ri_reps)
    except ProvindexError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError) as exc:
        print(t("impact.error.input", args.lang, detail=str(exc)[:300]), file=sys.stderr)
        return 1
    if args.json:
        print(result.to_json())
    else:
        print(result.sentence(args.lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
