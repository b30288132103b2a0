"""Streamlit layout of the view models: cards, tables, charts with their downloads, notes.

Nothing here computes a number: the views (``provindex.views``, ``provindex.overview``) hand over
finished values and sentences; these functions place them on the page.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from provindex.charts import ExportInfo, chart_config, decorate_for_export
from provindex.i18n import localized, t
from provindex.overview import IndexCard
from provindex.text import format_number, format_signed, neutralise_frame
from provindex.ui.harmonized import story_paragraphs
from provindex.ui.state import url_toggle
from provindex.views import CompareView, RankingView

if TYPE_CHECKING:
    from provindex.ui import PageContext


def render_index_card(card: IndexCard, ctx: PageContext) -> None:
    """One Overview card: score and change, rank and quartile, strongest and weakest sub-index, caveats."""
    lang, catalog = ctx.lang, ctx.catalog
    index_row = catalog.index_row(card.index)
    title = localized(index_row, "short", lang)
    with st.container(border=True):
        st.subheader(f"{title} {card.year or ''}".strip())
        st.caption(localized(index_row, "name", lang))
        if card.status != "ok":
            st.write(_status_sentence(card, ctx))
            return
        decimals = 2
        delta = None
        if card.change is not None:
            # st.metric reads the direction (arrow, colour) from a leading ASCII hyphen
            delta = format_signed(card.change, lang, decimals).replace("−", "-")
            delta += " " + t("ui.vs_year", lang, year=card.prev_year)
        label = t("ui.score_points" if index_row["unit"] == "points" else "ui.score_percent", lang)
        st.metric(label, format_number(card.value, lang, decimals), delta)
        rank_key = "merger.rank_of_converted" if card.backcast else "ui.rank_of"
        rank_text = t(rank_key, lang, rank=card.rank, n=card.n_ranked)
        if card.partial_coverage:  # quartiles of the published units only, and said so
            rank_text += " · " + t("ui.group_published", lang, q=card.quartile, n=card.n_ranked)
        else:
            rank_text += " · " + t("ui.quartile", lang, q=card.quartile)
        if card.rank_change:
            key = "ui.rank_up" if card.rank_change > 0 else "ui.rank_down"
            rank_text += " · " + t(key, lang, n=abs(card.rank_change))
        st.write(rank_text)
        for label_key, standing in (("ui.strongest", card.best), ("ui.weakest", card.worst)):
            if standing is not None:
                st.write(t(label_key, lang, name=catalog.component_label(standing.code, lang),
                           value=format_number(standing.value, lang, 2), rank=standing.rank, n=standing.n))
        if card.change is None and card.prev_year and not card.break_note:
            st.caption(t("ui.no_change", lang, year=card.prev_year))
        if card.change_basis == "harmonized":
            st.caption(t("ui.harmonized_note", lang, year=card.prev_year))
        if card.backcast or card.change_basis == "harmonized":
            honesty = t("merger.honesty" if ctx.weights == "pop" else "merger.honesty_equal", lang)
            st.caption(honesty[:1].upper() + honesty[1:] + ".")
        if card.break_note:
            st.caption(t("ui.break_note", lang, year=card.break_note["year"],
                         note=localized(card.break_note, "note", lang)))


def _status_sentence(card: IndexCard, ctx: PageContext) -> str:
    lang = ctx.lang
    first_year = ctx.catalog.index_row(card.index)["first_year"]
    if card.status == "no_year":
        return t("ui.no_data_year", lang, year=ctx.year, first=first_year, n=len(ctx.catalog.units_of(card.unit_set)),
                 period=t(f"ui.period_{card.unit_set}", lang))
    if card.status == "not_published":
        return t("ui.not_published", lang, unit=ctx.unit_name, year=card.year, n=card.n_ranked)
    return t("ui.no_unit_data", lang, unit=ctx.unit_name, year=card.year)



def download_csv(frame: pd.DataFrame, file_name: str, lang: str, key: str) -> None:
    """A CSV (UTF-8 with BOM, opens in Excel) of exactly what the chart or table shows, formulas neutralised."""
    data = neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")
    st.download_button(t("ui.download_csv", lang), data, file_name=f"{file_name}.csv", mime="text/csv",
                       key=key, on_click="ignore", icon=":material/download:")


def show_chart(figure, file_name: str, lang: str, data: pd.DataFrame | None = None, key: str = "",
               info: ExportInfo | None = None, simulated: bool = False) -> None:
    """The chart with its own PNG download (toolbar camera, 16:9) and, below it, its data as CSV.

    With ``info`` the chart carries its title, unit, year, source line and (``simulated``) the simulated-data
    stamp on screen and in the PNG (:func:`provindex.charts.decorate_for_export`).
    """
    if info is not None:
        figure = decorate_for_export(figure, replace(info, simulated=simulated), lang)
    st.plotly_chart(figure, config=chart_config(file_name, lang), key=f"chart_{key or file_name}")
    if data is not None and not data.empty:
        download_csv(data, file_name, lang, key=f"csv_{key or file_name}")


def render_fallback(view) -> None:
    """Say when the page shows an index's latest edition instead of the chosen year."""
    if view.fallback_note:
        st.info(view.fallback_note, icon=":material/history:")


def render_notes(notes: list[str]) -> None:
    """The view's notes (coverage, breaks, estimates) as captions under its chart."""
    for note in notes:
        st.caption(note)


def render_story(cards: list[IndexCard], ctx: PageContext) -> None:
    """'What changed this year': one short paragraph per index (cached per data version, unit, year, language)."""
    st.subheader(t("story.title", ctx.lang))
    for text in story_paragraphs(cards, ctx):
        st.markdown(text)


def render_league(view: RankingView, ctx: PageContext, file_name: str) -> None:
    """The league table: rank and score stay numeric (sortable), changes read as words; CSV without decoration."""
    lang = ctx.lang
    table = view.table.copy()
    table["unit"] = [("★ " if c == ctx.unit_code else "") + u for c, u in zip(table["unit_code"], table["unit"])]
    shown = table[["rank", "unit", "value", "rank_change_text", "value_change_text", "quartile", "trend"]]
    styled = shown.style.format({"value": lambda v: format_number(v, lang)})
    st.dataframe(styled, hide_index=True, key="league", height=460, column_config={
        "rank": st.column_config.NumberColumn(view.rank_label or t("chart.rank", lang), format="%d"),
        "unit": st.column_config.TextColumn(t("ui.unit", lang)),
        "value": t("rank.col_value", lang),
        "rank_change_text": t("rank.col_rank_change", lang),
        "value_change_text": t("rank.col_value_change", lang),
        "quartile": st.column_config.NumberColumn(view.quartile_label, format="%d"),
        "trend": st.column_config.LineChartColumn(t("rank.col_trend", lang)),
    })
    download_csv(view.download, file_name, lang, key="csv_league")


def render_movers(view: RankingView, ctx: PageContext) -> None:
    """Biggest rank gains and losses since the previous edition, in one line each."""
    lang = ctx.lang
    st.subheader(t("rank.movers_title", lang))
    for frame, key in ((view.up, "rank.movers_up"), (view.down, "rank.movers_down")):
        if frame.empty:
            continue
        items = [t("rank.mover_item", lang, unit=r["unit"], change=r["rank_change_text"], rank=int(r["rank"]))
                 for r in frame.to_dict("records")]
        st.markdown(f"**{t(key, lang)}** " + "; ".join(items))


def render_tiers(view: RankingView, ctx: PageContext) -> None:
    """Units by quartile, folded away (the table already shows each unit's quartile)."""
    with st.expander(t("rank.tiers_title", ctx.lang)):
        for quartile, units in view.tiers.items():
            label = t("rank.group_n_published" if view.partial else "chart.quartile_n", ctx.lang, q=quartile)
            st.markdown(f"**{label}** ({len(units)}): " + ", ".join(units))


def render_target_gap(view: CompareView, ctx: PageContext, index: str) -> None:
    """Rank now, points to the next rank and to the top 10, and where the room to gain is."""
    lang, gap = ctx.lang, view.gap
    if gap is None:
        st.info(t("compare.not_ranked", lang, unit=ctx.unit_name))
        return
    first, second, third = st.columns(3)
    first.metric(t("compare.rank_now", lang), f"{gap['rank']}/{gap['n']}")
    second.metric(t("compare.to_next", lang), format_number(gap["to_next_rank"], lang) if gap["rank"] > 1
                  else t("compare.already_first", lang))
    third.metric(t("compare.to_top10", lang), t("compare.in_top10", lang) if gap["in_top10"]
                 else format_number(gap["to_top10"], lang))
    if view.room:
        st.markdown(f"**{t('compare.room_title', lang)}** " + " ".join(view.room))


def render_strengths(view: CompareView, ctx: PageContext) -> None:
    """Strengths and weaknesses against the peer group, side by side."""
    strong, weak = st.columns(2)
    with strong:
        st.markdown(f"**{t('compare.strengths', ctx.lang)}**")
        for line in view.strengths:
            st.markdown(f"- {line}")
    with weak:
        st.markdown(f"**{t('compare.weaknesses', ctx.lang)}**")
        for line in view.weaknesses:
            st.markdown(f"- {line}")
    st.caption(t("compare.percentile_note", ctx.lang, n=len(view.peers)))


def render_peer_scores(view: CompareView, ctx: PageContext, file_name: str) -> None:
    """The peers' actual scores side by side: grouped bars and the table (numbers in the page's format)."""
    if view.peer_scores.empty:
        return
    st.subheader(t("compare.peer_scores_title", ctx.lang))
    show_chart(view.peer_figure, file_name, ctx.lang, None, "peer_bars", view.exports.get("peers"), ctx.is_demo)
    unit_column = view.peer_scores.columns[0]
    numbers = {c: (lambda v, lang=ctx.lang: format_number(v, lang)) for c in view.peer_scores.columns[1:]}
    st.dataframe(view.peer_scores.style.format(numbers, na_rep="–"), hide_index=True, key="peer_scores",
                 column_config={unit_column: st.column_config.TextColumn(unit_column, pinned=True)})
    download_csv(view.peer_scores, file_name, ctx.lang, key="csv_peer_scores")


def render_tile_key(key: list[str], lang: str) -> None:
    """The abbreviations on the tiles and the provinces they stand for, folded away."""
    if key:
        with st.expander(t("map.tile_key", lang)):
            st.markdown(" · ".join(key))


def boundary_shapes(ctx: PageContext) -> list | None:
    """The administrator's boundaries when supplied and chosen; otherwise None (tile grid)."""
    from provindex.geo import load_shapes

    shapes, unmatched = load_shapes(ctx.unit_set, ctx.catalog)
    if not shapes:
        st.caption(t("map.tile_note", ctx.lang))
        return None
    use = url_toggle(t("map.use_boundaries", ctx.lang), "boundaries", False)
    if unmatched:
        st.caption(t("map.unmatched", ctx.lang, names=", ".join(unmatched[:10])))
    return shapes if use else None
