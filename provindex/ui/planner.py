"""Streamlit side of the target planner ("Mục tiêu / What would it take").

The reader picks an index and a target; the minimal plan (``provindex.deck.plans.planner_view``) seeds one
slider per sub-index, and the composite and rank follow the sliders live, with other provinces held at
their scores and, beside it, moving as the provinces just above moved last year.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from provindex import planner
from provindex.deck import figures
from provindex.deck.plans import PLAN_INDICES, PlannerView, planner_view
from provindex.i18n import localized, t
from provindex.text import format_number
from provindex.ui.state import url_select

if TYPE_CHECKING:
    from provindex.ui import PageContext


def planner_inputs(ctx: PageContext) -> tuple[str, str, float | None]:
    """Index, target kind and target value, kept in the URL (``?pindex=PCI&target=rank&value=5``)."""
    lang, catalog = ctx.lang, ctx.catalog
    indices = [i for i in PLAN_INDICES if i in catalog.index_codes()]
    left, middle, right = st.columns([1, 2, 1])
    with left:
        index = url_select(t("ui.index", lang), indices, "pindex", indices[0],
                           format_func=lambda i: localized(catalog.index_row(i), "short", lang))
    with middle:
        kind = url_select(t("planner.ui.target", lang), list(planner.TARGET_KINDS), "target", "top10",
                          format_func=lambda k: t(f"planner.ui.kind_{k}", lang), control="segmented")
    value = None
    with right:
        if kind == "rank":
            value = st.number_input(t("planner.ui.rank", lang), min_value=1, max_value=63, value=5, step=1,
                                    key="planner_rank")
        elif kind == "score":
            value = st.number_input(t("planner.ui.score", lang), min_value=0.0, max_value=100.0, value=70.0,
                                    step=0.5, key="planner_score")
    return index, kind, value


def planner_page_view(ctx: PageContext, index: str, kind: str, value: float | None) -> PlannerView:
    """The plan for the page's unit and year."""
    return planner_view(ctx.scores, ctx.catalog, index, ctx.year, ctx.unit_code, kind, value, ctx.lang)


def render_planner(view: PlannerView, ctx: PageContext) -> None:
    """The plan's sentences, table and chart, then the sliders with the live composite and rank."""
    lang = ctx.lang
    if view.message:
        st.info(view.message)
        return
    for line in view.sentences:
        st.markdown(f"- {line}")
    st.dataframe(pd.DataFrame(view.table.rows, columns=view.table.columns), hide_index=True)
    st.plotly_chart(figures.figure(view.chart, lang, height=420, font_size=15), key="planner_chart",
                    config={"displaylogo": False})
    _sliders(view, ctx)
    st.caption(t("planner.method_note", lang))


def _sliders(view: PlannerView, ctx: PageContext) -> None:
    """One slider per sub-index (current value up to the best in the country), the composite and rank live.

    Sliders move in hundredths; the plan's value is rounded up so the sliders as first shown reach the target.
    """
    base, plan, lang = view.base, view.plan, ctx.lang
    st.subheader(t("planner.ui.try", lang))
    stamp = f"{base.index}_{base.year}_{base.unit_code}_{plan.target_score:.4f}"
    values = {}
    columns = st.columns(2)
    for k, part in enumerate(base.parts):
        label = ctx.catalog.component_label(part, lang)
        low, top = round(base.values[part], 2), round(base.best[part], 2)
        with columns[k % 2]:
            if top <= low:
                values[part] = base.values[part]
                st.caption(t("planner.ui.at_best", lang, component=label, value=format_number(base.values[part], lang)))
                continue
            planned = math.ceil((base.values[part] + plan.gains[part]) * 100 - 1e-6) / 100
            chosen = st.slider(label, min_value=low, max_value=top, value=min(top, planned), step=0.01,
                               key=f"slider_{stamp}_{part}")
            values[part] = base.values[part] if chosen <= low else chosen  # the slider's floor is the rounded now
    score, rank = planner.evaluate_values(base, values)
    first, second, third = st.columns(3)
    first.metric(t("planner.ui.composite", lang), format_number(score, lang),
                 format_number(score - base.composite, lang).replace("−", "-"))
    second.metric(t("planner.ui.rank_now", lang), t("ui.rank_of", lang, rank=rank, n=len(base.others) + 1),
                  base.rank - rank if rank != base.rank else None)
    if base.movement is not None:
        moved = planner.rank_of(score, base.others + base.movement)
        third.metric(t("planner.ui.rank_moving", lang), t("ui.rank_of", lang, rank=moved, n=len(base.others) + 1))
    else:
        third.caption(t("planner.others_unknown", lang))
