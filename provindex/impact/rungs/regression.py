"""Rungs B and C (IMPACT-METHOD §2.B–C): first differences with lags, static TWFE — "associated", never an effect."""

from __future__ import annotations

import numpy as np

from provindex.impact import estimators as est
from provindex.impact.result import ImpactResult, Message, RegressionDetails
from provindex.impact.rungs.base import Context, Headline, Rung, estimate_headline, mde_lines, n_line, ri_lines
from provindex.impact.units34 import partial_units
from provindex.impact.verdict import FEW_TREATED
from provindex.i18n import t
from provindex.impact.wording import Words, p_value, signed


class Regression(Rung):
    """Rung B (``fd``: cumulative a0+a1+a2) or C (``twfe``: static β), CRV1 or RI with few adopters."""

    estimand = ""
    details_type = RegressionDetails

    def __init__(self, method: str):
        self.method = method
        self.letter = "B" if method == "fd" else "C"
        self.estimand = "cum_e2" if method == "fd" else "beta_static"

    def name(self, ctx: Context) -> str:
        return "fd_lags012_yearfe" if self.method == "fd" else "twfe_static"

    def fit(self, ctx: Context) -> ImpactResult:
        d = ctx.design
        if d.reasons:
            return self.not_assessable(ctx)
        if d.dose is not None:  # the 34 units: the share of the unit whose former province had acted
            d.notes.append(Message("impact.note.dose_share", {"n": partial_units(d.dose)}))
        frame = est.long_panel(d.Y, d.G, d.years, d.units, dose=d.dose)
        row = est.first_differences(frame) if self.method == "fd" else est.twfe(frame)
        p, p_method, p_min = row["p"], "CRV1", None
        details = RegressionDetails(fit={k: v for k, v in row.items() if k != "lags"}, lags=row.get("lags"))
        if d.n_treated < FEW_TREATED:
            times = np.array(d.years)
            designs = est.permuted_designs(d.G, times, ctx.ri_reps, ctx.rng) if d.dose is None else \
                est.permuted_doses(d.dose, ctx.ri_reps, ctx.rng)
            details.ri = est.randomization_inference(d.Y, d.G, times, designs, dose=d.dose)
            p, p_min, p_method = details.ri["p"], details.ri["p_min"], f"RI-{details.ri['reps']}"
        return self.result(ctx, estimate=row["estimate"], se=row["se"], ci=row["ci"], p=p, p_method=p_method,
                           p_adj=p, p_min_achievable=p_min, mde=est.MDE_FACTOR * row["se"], details=details)

    def sentence(self, result: ImpactResult, words: Words) -> list[str]:
        lang = words.lang
        key = "b_main" if self.letter == "B" else "c_main"
        return [words.say(key, action=words.action, subindex=words.subindex, att=signed(result.estimate, lang),
                          lo=signed(result.ci[0], lang), hi=signed(result.ci[1], lang), n_tr=result.n_treated,
                          n_ctl=result.n_control, y0=words.y0, y1=words.y1),
                words.say("bc_benchmark")] + words.closing(caveat=False)

    def headline(self, result: ImpactResult, lang: str, unit_name: str = "") -> Headline:
        if self.letter == "C":  # the TWFE benchmark is never a headline number on the page
            return Headline()
        numbers = estimate_headline(result, lang, "impact.ui.estimate_assoc", "impact.ui.interval")
        return Headline(numbers.metric_label, numbers.metric_value, numbers.interval, n_line(result, lang))

    def diagnostics(self, result: ImpactResult, lang: str) -> list[str]:
        p_line = [t("impact.ui.headline_p", lang, p=p_value(result.p, lang), p_adj=p_value(result.p_adj, lang))]
        return p_line + ri_lines(result.details.ri, lang) + mde_lines(result, lang)
