"""Rung E (IMPACT-METHOD §2.E): synthetic control for one unit, placebo-in-space p with its floor, fit gate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from provindex.catalog import Catalog
from provindex.i18n import t
from provindex.impact import estimators as est
from provindex.impact.design import MIN_PRE_SCM
from provindex.impact.result import ImpactResult, Message, SyntheticDetails
from provindex.impact.rungs.base import (Context, Headline, Rung, Table, binary_dose_note, context_lines,
                                         estimate_headline, mde_lines, placebo_table, recorded_confounders)
from provindex.impact.verdict import MIN_TREATED_CLEAR, adjust_family, placebo_fails, significant, verdict_d
from provindex.impact.wording import Words, number, p_value, signed
from provindex.text import format_number

WEIGHT_SHOWN = 1e-4  # donors below this weight are numerical zeros of the NNLS fit


class SyntheticControl(Rung):
    """Rung E: the unit against a weighted mix of never-treated donors (the "synthetic" unit)."""

    letter = "E"
    estimand = "mean_post_gap"
    details_type = SyntheticDetails
    chart_key = "scm"

    def name(self, ctx: Context) -> str:
        return "scm_nnls_simplex"

    def fit(self, ctx: Context) -> ImpactResult:
        d, found = ctx.design, ctx.unit_cohort()
        if found is None:
            return self.not_assessable(ctx, Message("impact.reason.unit_not_treated"))
        position, g = found
        binary_dose_note(ctx, position)
        pre = np.array(d.years) < g
        donors = np.where(d.G == 0)[0]
        counts = dict(n_treated=1, n_control=len(donors), n_units=len(donors) + 1, cohorts={g: 1},
                      p_min_achievable=1.0 / (len(donors) + 1) if len(donors) else None)
        if pre.sum() < MIN_PRE_SCM:
            return self.not_assessable(ctx, Message("impact.reason.few_pre", {"k": MIN_PRE_SCM}), **counts)
        if len(donors) < 2:
            return self.not_assessable(ctx, Message("impact.reason.no_control"), **counts)
        within = est.within_sd(d.Y[np.r_[donors, position]])
        fit = est.synthetic_control(d.Y, position, donors, pre)
        series = pd.DataFrame({"year": d.years, "actual": d.Y[position], "synthetic": fit["synthetic"],
                               "gap": fit["gap"]})
        details = _details(ctx, fit, position, donors, pre, within, g)
        if not details.fit_gate:
            return self.not_assessable(ctx, Message("impact.reason.fit_gate"), series=series, details=details,
                                       within_sd=within, **counts)
        placebo, p_adj, family = _placebo_family(ctx, fit, position, donors, pre)
        q = float(np.quantile(np.abs(fit["placebo_gaps"]), 0.95))
        verdict, failed = verdict_d(p_adj, None, None, placebo_fails(placebo), MIN_TREATED_CLEAR)
        details.failed_checks = tuple(failed)
        return self.result(ctx, estimate=fit["mean_post_gap"], ci=(fit["mean_post_gap"] - q, fit["mean_post_gap"] + q),
                           p=fit["p_gap"], p_method="placebo-rank", p_adj=p_adj, family=family, placebo=placebo,
                           mde=fit["mde"], within_sd=within, verdict=verdict, series=series, details=details, **counts)

    def sentence(self, result: ImpactResult, words: Words) -> list[str]:
        lang, details = words.lang, result.details
        parts = [words.say("e_main", province=words.unit, J=details.J, g=details.g, subindex=words.subindex,
                           gap=signed(result.estimate, lang), action=words.action),
                 words.say("e_fit", province=words.unit, g=details.g, v=number(details.pre_rmspe, lang),
                           sd=number(result.within_sd, lang)),
                 words.say("e_rank_top" if details.rank == 0 else "e_rank", rank=details.rank, J=details.J),
                 words.say("e_interval", lo=signed(result.ci[0], lang), hi=signed(result.ci[1], lang))]
        if not significant(result.p_adj):
            parts.append(words.say("e_mde", mde=number(result.mde, lang)))
        return parts + words.closing(because=list(details.failed_checks))

    def unassessable_sentence(self, ctx: Context, result: ImpactResult, words: Words) -> list[str]:
        parts = super().unassessable_sentence(ctx, result, words)
        if result.series is not None:
            parts.append(words.say("e_chart_only", unit=words.unit))
        return parts

    def headline(self, result: ImpactResult, lang: str, unit_name: str = "") -> Headline:
        numbers = estimate_headline(result, lang, "impact.ui.gap", "impact.ui.interval", unit=unit_name)
        details: SyntheticDetails = result.details
        line = None
        if details.J is not None:
            y0 = (result.editions or (None, None))[0]
            pre = sum(1 for _ in range(y0, details.g)) if y0 else "–"
            line = t("impact.ui.n_line_scm", lang, J=details.J, g=details.g, pre=pre)
        return Headline(numbers.metric_label, numbers.metric_value, numbers.interval, line)

    def figure(self, result: ImpactResult, catalog: Catalog, unit_name: str, lang: str):
        from provindex.impact import charts

        if result.series is None:
            return None
        return charts.synthetic_figure(result.series, result.details.placebo_paths, unit_name, result.details.g, lang)

    def diagnostics(self, result: ImpactResult, lang: str) -> list[str]:
        details: SyntheticDetails = result.details
        lines = mde_lines(result, lang)
        if result.p is not None:
            lines.append(t("impact.ui.scm_p", lang, p=p_value(result.p, lang), p_adj=p_value(result.p_adj, lang),
                           pmin=p_value(result.p_min_achievable, lang), rank=details.rank, J=details.J))
        if details.pre_rmspe is not None:
            lines.append(t("impact.ui.pre_rmspe", lang, v=format_number(details.pre_rmspe, lang, 2),
                           sd=format_number(result.within_sd, lang, 2)))
            lines.append(t("impact.ui.ratio", lang, p=p_value(details.p_ratio, lang)))
        return lines + context_lines(details, details.confounders, lang)

    def tables(self, result: ImpactResult, catalog: Catalog, lang: str) -> list[Table]:
        tables = placebo_table(result, catalog, lang)
        weights = result.details.weights
        if weights is not None and not weights.empty:
            tables.append(Table(t("impact.ui.weights_title", lang), pd.DataFrame({
                t("impact.ui.col_unit", lang): [catalog.unit_name(result.unit_set, u, lang)
                                               for u in weights["unit_code"]],
                t("impact.ui.col_weight", lang): [format_number(w, lang, 3) for w in weights["weight"]]})))
        return tables


def _details(ctx: Context, fit: dict, position: int, donors: np.ndarray, pre: np.ndarray, within: float,
             g: int) -> SyntheticDetails:
    """Weights, placebo paths and the fit gate: pre-period error within the noise and inside the donors' range."""
    d = ctx.design
    paths = pd.DataFrame([{"unit_code": d.units[j], "year": y, "gap": gap}
                          for j, path in zip(donors, fit["placebo_paths"]) for y, gap in zip(d.years, path)])
    donor_means = d.Y[donors][:, pre].mean(axis=1)
    treated_mean = d.Y[position, pre].mean()
    outside = bool(treated_mean > donor_means.max() or treated_mean < donor_means.min())
    weights = pd.DataFrame({"unit_code": [d.units[j] for j in donors], "weight": fit["weights"]})
    weights = weights[weights["weight"] > WEIGHT_SHOWN].sort_values("weight", ascending=False).reset_index(drop=True)
    return SyntheticDetails(g=g, weights=weights, placebo_paths=paths, pre_rmspe=fit["pre_rmspe"],
                            p_ratio=fit["p_ratio"], rank=fit["rank_gap"], J=fit["J"], outside_hull=outside,
                            fit_gate=bool(fit["pre_rmspe"] <= within and not outside), treated_units=(ctx.unit,),
                            control_units=tuple(d.units[j] for j in donors),
                            confounders=recorded_confounders(ctx, g))


def _placebo_family(ctx: Context, fit: dict, position: int, donors: np.ndarray, pre: np.ndarray) -> tuple:
    """Each placebo sub-index gets its own synthetic control; then the Holm family."""
    d = ctx.design
    family_p, rows = {d.outcome: fit["p_gap"]}, []
    if ctx.placebo:
        for code, Yk in d.family.items():
            other = est.synthetic_control(Yk, position, donors, pre)
            family_p[code] = other["p_gap"]
            rows.append({"component": code, "est": other["mean_post_gap"], "se": np.nan, "p": other["p_gap"],
                         "registered": code in d.registered})
    return adjust_family(d.outcome, d.index, d.registered, family_p, rows)
