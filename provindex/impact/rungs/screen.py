"""Rung F (IMPACT-METHOD §2.F): ridge / lasso screening of many action types — a ranking, never p-values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from provindex.catalog import Catalog
from provindex.i18n import localized, t
from provindex.impact import estimators as est
from provindex.impact import exposure
from provindex.impact.result import ImpactResult, Message, ScreeningDetails
from provindex.impact.rungs.base import Context, Headline, Rung, Table, binary_dose_note
from provindex.impact.wording import Words
from provindex.text import format_number

MIN_ADOPTERS = 3  # action types with fewer adopting units in the window are not screened


class Screening(Rung):
    """Rung F: co-movement of the outcome with every reform type's adoption, shrunk (ridge) and selected (lasso)."""

    letter = "F"
    estimand = "ranking"
    details_type = ScreeningDetails
    chart_key = "rank"

    def name(self, ctx: Context) -> str:
        return "ridge_lasso_screen"

    def fit(self, ctx: Context) -> ImpactResult:
        d = ctx.design
        designs = _adoption_designs(ctx)
        binary_dose_note(ctx)
        if len(designs) < 2:
            return self.not_assessable(ctx, Message("impact.reason.few_types"))
        details = ScreeningDetails(ranking=est.screen(d.Y, designs), n_types=len(designs))
        return self.result(ctx, details=details)

    def sentence(self, result: ImpactResult, words: Words) -> list[str]:
        return [words.say("f_main", n=result.details.n_types, subindex=words.subindex, y0=words.y0,
                          y1=words.y1)] + words.closing(caveat=False)

    def headline(self, result: ImpactResult, lang: str, unit_name: str = "") -> Headline:
        return Headline(t("impact.ui.screening_badge", lang), t("impact.ui.no_headline", lang))

    def figure(self, result: ImpactResult, catalog: Catalog, unit_name: str, lang: str):
        from provindex.impact import charts

        if result.details.ranking is None:
            return None
        types = catalog.action_types
        labels = {row["code"]: localized(row, "name", lang) for row in types.to_dict("records")}
        return charts.ranking_figure(result.details.ranking, labels, lang)

    def diagnostics(self, result: ImpactResult, lang: str) -> list[str]:
        return []

    def tables(self, result: ImpactResult, catalog: Catalog, lang: str) -> list[Table]:
        ranking = result.details.ranking
        if ranking is None:
            return []
        return [Table(t("impact.ui.ranking_title", lang), pd.DataFrame({
            t("impact.ui.col_action", lang): ranking["action_type"],
            t("impact.ui.col_ridge", lang): [format_number(v, lang, 3) for v in ranking["ridge"]],
            t("impact.ui.col_lasso", lang): [format_number(v, lang, 3) for v in ranking["lasso"]]}))]


def _adoption_designs(ctx: Context) -> dict[str, np.ndarray]:
    """Status matrix of every reform type adopted by at least MIN_ADOPTERS units inside the window."""
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
        if (G > 0).sum() >= MIN_ADOPTERS:
            designs[action_type] = est.status_matrix(G, times)
    return designs
