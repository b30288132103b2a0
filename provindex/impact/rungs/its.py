"""Rung A (IMPACT-METHOD §2.A): one unit before/after with its own trend — a description, never a number."""

from __future__ import annotations

import numpy as np
import pandas as pd

from provindex.catalog import Catalog
from provindex.i18n import t
from provindex.impact import estimators as est
from provindex.impact.design import MIN_PRE
from provindex.impact.result import ImpactResult, Message, TrendDetails
from provindex.impact.rungs.base import Context, Headline, Rung, binary_dose_note, context_lines, recorded_confounders
from provindex.impact.wording import Words


class OwnTrend(Rung):
    """Rung A: the unit's path and its pre-action trend extended; no estimate, no p, no interval."""

    letter = "A"
    estimand = "description"
    details_type = TrendDetails
    chart_key = "its"

    def name(self, ctx: Context) -> str:
        return "its_own_trend"

    def fit(self, ctx: Context) -> ImpactResult:
        d, found = ctx.design, ctx.unit_cohort()
        if found is None:
            return self.not_assessable(ctx, Message("impact.reason.unit_not_treated"))
        position, g = found
        binary_dose_note(ctx, position)
        times = np.array(d.years)
        if (times < g).sum() < MIN_PRE:
            return self.not_assessable(ctx, Message("impact.reason.few_pre", {"k": MIN_PRE}))
        fit = est.its(d.Y[position], times, g)
        series = pd.DataFrame({"year": d.years, "actual": d.Y[position], "trend": fit["trend"], "post": times >= g})
        return self.result(ctx, n_units=1, n_treated=1, n_control=0, cohorts={g: 1}, series=series,
                           details=TrendDetails(g=g, confounders=recorded_confounders(ctx, g)))

    def sentence(self, result: ImpactResult, words: Words) -> list[str]:
        return [words.say("a_fixed", action=words.action)] + words.closing(caveat=False)

    def headline(self, result: ImpactResult, lang: str, unit_name: str = "") -> Headline:
        return Headline(t("impact.ui.descriptive_badge", lang), t("impact.ui.no_headline", lang))

    def figure(self, result: ImpactResult, catalog: Catalog, unit_name: str, lang: str):
        from provindex.impact import charts

        if result.series is None:
            return None
        return charts.its_figure(result.series, unit_name, result.details.g, lang)

    def diagnostics(self, result: ImpactResult, lang: str) -> list[str]:
        return context_lines(result.details, result.details.confounders, lang)
