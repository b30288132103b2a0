"""Plotly figures for the Impact page: pure functions DataFrame -> go.Figure.

Integer year/event axes (never 2,019.5), the Okabe–Ito colour-blind-safe palette, Vietnamese
labels through i18n.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from provindex.i18n import t

BLUE, ORANGE, VERMILLION, GREEN, GREY, BLACK = "#0072B2", "#E69F00", "#D55E00", "#009E73", "#BBBBBB", "#000000"
_LAYOUT = dict(template="plotly_white", height=380, margin=dict(l=40, r=20, t=50, b=40),
               legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))


def _integer_axis(fig: go.Figure, **kwargs) -> None:
    fig.update_xaxes(tickformat="d", dtick=1, **kwargs)


def event_study_figure(event: pd.DataFrame, lang: str = "vi", *, straddling: list[int] | None = None) -> go.Figure:
    """Leads and lags with 95% CIs; the pre-period shaded; e = −1 included; optional hatched break zones."""
    fig = go.Figure()
    if event is None or event.empty:
        return fig
    e = event["e"].astype(int)
    fig.add_vrect(x0=e.min() - 0.5, x1=-0.5, fillcolor=GREY, opacity=0.25, line_width=0,
                  annotation_text=t("impact.chart.pre_period", lang), annotation_position="top left")
    for year in straddling or []:
        fig.add_vrect(x0=year - 0.5, x1=e.max() + 0.5, fillpattern=dict(shape="/"), fillcolor="rgba(0,0,0,0)",
                      opacity=0.4, line_width=0, annotation_text=t("impact.chart.break_zone", lang))
    fig.add_hline(y=0, line_color=BLACK, line_width=1)
    colours = [ORANGE if v < 0 else BLUE for v in e]
    fig.add_trace(go.Scatter(
        x=e, y=event["est"], mode="markers+lines", name=t("impact.chart.estimate", lang),
        marker=dict(color=colours, size=9), line=dict(color=GREY, width=1),
        error_y=dict(type="data", symmetric=False, array=event["hi"] - event["est"],
                     arrayminus=event["est"] - event["lo"], color=GREY, thickness=1.5),
        hovertemplate="e = %{x}: %{y:.2f}<extra></extra>"))
    fig.update_layout(title=t("impact.chart.event_title", lang), xaxis_title=t("impact.chart.event_x", lang),
                      yaxis_title=t("impact.chart.event_y", lang), **_LAYOUT)
    _integer_axis(fig)
    return fig


def synthetic_figure(series: pd.DataFrame, placebo_paths: pd.DataFrame | None, unit_name: str, g: int,
                     lang: str = "vi") -> go.Figure:
    """Actual vs synthetic (top) and the gap with the donors' placebo gaps in grey (bottom)."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, row_heights=[0.55, 0.45],
                        subplot_titles=(t("impact.chart.synthetic_title", lang, unit=unit_name),
                                        t("impact.chart.gap_title", lang)))
    fig.add_trace(go.Scatter(x=series["year"], y=series["actual"], name=t("impact.chart.actual", lang, unit=unit_name),
                             line=dict(color=BLUE, width=3)), row=1, col=1)
    fig.add_trace(go.Scatter(x=series["year"], y=series["synthetic"],
                             name=t("impact.chart.synthetic", lang, unit=unit_name),
                             line=dict(color=ORANGE, width=3, dash="dash")), row=1, col=1)
    if placebo_paths is not None and not placebo_paths.empty:
        first = True
        for _, path in placebo_paths.groupby("unit_code", sort=True):
            fig.add_trace(go.Scatter(x=path["year"], y=path["gap"], line=dict(color=GREY, width=1),
                                     name=t("impact.chart.placebo", lang), showlegend=first, hoverinfo="skip"),
                          row=2, col=1)
            first = False
    fig.add_trace(go.Scatter(x=series["year"], y=series["gap"], line=dict(color=BLUE, width=3), showlegend=False),
                  row=2, col=1)
    for row in (1, 2):
        fig.add_vline(x=g - 0.5, line_dash="dot", line_color=VERMILLION, row=row, col=1)
    fig.add_hline(y=0, line_color=BLACK, line_width=1, row=2, col=1)
    fig.update_layout(**{**_LAYOUT, "height": 520})
    _integer_axis(fig)
    fig.update_xaxes(title_text=t("impact.chart.year", lang), row=2, col=1)
    return fig


def its_figure(series: pd.DataFrame, unit_name: str, g: int, lang: str = "vi") -> go.Figure:
    """One unit's path with its own pre-action trend extended (description only)."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=series["year"], y=series["actual"], name=t("impact.chart.actual", lang, unit=unit_name),
                             mode="lines+markers", line=dict(color=BLUE, width=3)))
    fig.add_trace(go.Scatter(x=series["year"], y=series["trend"], name=t("impact.chart.trend", lang),
                             line=dict(color=GREY, width=2, dash="dash")))
    fig.add_vline(x=g - 0.5, line_dash="dot", line_color=VERMILLION,
                  annotation_text=t("impact.chart.action_line", lang))
    fig.update_layout(xaxis_title=t("impact.chart.year", lang), yaxis_title=t("impact.chart.score", lang), **_LAYOUT)
    _integer_axis(fig)
    return fig


def ranking_figure(ranking: pd.DataFrame, labels: dict[str, str], lang: str = "vi") -> go.Figure:
    """Shrunk ridge coefficients per action type (screening; no intervals, no p-values)."""
    frame = ranking.sort_values("ridge")
    fig = go.Figure(go.Bar(x=frame["ridge"], y=[labels.get(a, a) for a in frame["action_type"]], orientation="h",
                           marker_color=[BLUE if v >= 0 else ORANGE for v in frame["ridge"]]))
    fig.update_layout(xaxis_title=t("impact.chart.ranking_x", lang), **_LAYOUT)
    return fig


