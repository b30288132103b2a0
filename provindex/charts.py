"""Pure chart builders: DataFrames in, plotly Figures out (no Streamlit, no data access).

Conventions (DESIGN §6): integer year axes, the language's number format (Vietnamese
decimal comma via ``separators``), the Okabe–Ito colour-blind-safe palette, the focal unit
drawn thick and on top, fonts large enough for a projector.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from provindex.analysis import segments
from provindex.i18n import localized, t
from provindex.text import format_number

FOCAL_COLOR = "#0072B2"
OTHER_COLORS = ["#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999999"]
BAND_COLOR = "rgba(120,120,120,0.18)"
MEDIAN_COLOR = "#555555"
SEQUENTIAL = "Cividis"
QUARTILE_COLORS = ["#00204D", "#575C6D", "#A69D75", "#FFEA46"]  # cividis samples: Q1 (best) dark -> Q4 light
MISSING_COLOR = "#E6E6E6"
FONT_SIZE = 15


def base_layout(fig: go.Figure, lang: str, height: int = 460, title: str | None = None) -> go.Figure:
    """The shared look: language's number separators, projector-size fonts, white background, legend below."""
    fig.update_layout(
        height=height, separators=",." if lang == "vi" else ".,", font={"size": FONT_SIZE},
        margin={"l": 60, "r": 30, "t": 60 if title else 30, "b": 60}, title={"text": title} if title else None,
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0}, hoverlabel={"font_size": FONT_SIZE},
        plot_bgcolor="white", paper_bgcolor="white")
    fig.update_xaxes(showgrid=False, linecolor="#888")
    fig.update_yaxes(gridcolor="#E5E5E5", linecolor="#888")
    return fig


def year_axis(fig: go.Figure, years: list[int]) -> None:
    """Whole years only (never 2,019.5)."""
    if not years:
        return
    span = max(years) - min(years)
    fig.update_xaxes(tickformat="d", dtick=1 if span <= 12 else 2, tick0=min(years),
                     range=[min(years) - 0.5, max(years) + 0.5])


def chart_config(file_name: str) -> dict:
    """plotly.js config: PNG download from the chart's own toolbar (client-side, offline), no logo."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": file_name, "scale": 2},
            "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


# -- Trends --------------------------------------------------------------------------------
@dataclass
class TrendLabels:
    """Words of a trend chart: its title, the value axis, the region's name and the years lines break at."""

    title: str
    y_title: str
    region_name: str | None = None
    cuts: list[int] = field(default_factory=list)


def _runs(frame: pd.DataFrame, cuts: list[int], by: str | None = None) -> list[pd.DataFrame]:
    """Rows of ``frame`` in runs of consecutive years that no cut (and no change of ``by``) separates."""
    frame = frame.sort_values("year")
    runs: list[pd.DataFrame] = []
    for years in segments(frame["year"].tolist(), cuts):
        part = frame[frame["year"].isin(years)]
        if by is None:
            runs.append(part)
            continue
        label = (part[by] != part[by].shift()).cumsum()
        runs.extend(piece for _, piece in part.groupby(label, sort=True))
    return runs


def _draw_band(fig: go.Figure, band: pd.DataFrame, cuts: list[int], lang: str) -> None:
    """National median (dashed) and middle-50% band; where coverage is partial, the published units' median only.

    Each run between breaks and coverage changes is its own trace, so no line joins values that are not
    comparable, and the legend names what each median is the median of.
    """
    shown: set[str] = set()
    for run in _runs(band, cuts, by="partial"):
        partial = bool(run["partial"].iloc[0])
        if not partial:
            legend = t("chart.iqr", lang)
            fig.add_trace(go.Scatter(x=run["year"], y=run["q3"], mode="lines", line={"width": 0}, hoverinfo="skip",
                                     showlegend=False, legendgroup="iqr"))
            fig.add_trace(go.Scatter(x=run["year"], y=run["q1"], mode="lines", line={"width": 0}, fill="tonexty",
                                     fillcolor=BAND_COLOR, name=legend, hoverinfo="skip", legendgroup="iqr",
                                     showlegend=legend not in shown))
            shown.add(legend)
        name = t("chart.median_published", lang, n=int(run["n"].max())) if partial else t("chart.median", lang)
        fig.add_trace(go.Scatter(x=run["year"], y=run["median"], mode="lines+markers" if len(run) == 1 else "lines",
                                 name=name, legendgroup=name, showlegend=name not in shown,
                                 line={"color": MEDIAN_COLOR, "dash": "dot" if partial else "dash", "width": 2},
                                 marker={"color": MEDIAN_COLOR, "size": 6},
                                 hovertemplate=name + ": %{y:.2f}<extra></extra>"))
        shown.add(name)


def trend_chart(series: pd.DataFrame, band: pd.DataFrame, regional: pd.DataFrame | None, focal: str,
                names: dict[tuple[str, str], str], breaks: pd.DataFrame, actions: pd.DataFrame | None, lang: str,
                labels: TrendLabels) -> go.Figure:
    """Lines per unit (focal thick), national median with IQR band, regional mean, breaks, action markers.

    ``names`` is keyed by (unit_set, code): code 80 is Long An before July 2025 and Tây Ninh after,
    so each segment carries the name of the unit it measured. Lines break at ``labels.cuts``.
    """
    fig = go.Figure()
    years = sorted(set(series["year"]).union(band["year"]))
    if not band.empty:
        _draw_band(fig, band, labels.cuts, lang)
    if regional is not None and not regional.empty:
        name = t("chart.regional", lang, region=labels.region_name or "")
        for position, run in enumerate(_runs(regional, labels.cuts)):
            fig.add_trace(go.Scatter(x=run["year"], y=run["mean"], mode="lines", name=name, legendgroup="regional",
                                     showlegend=position == 0, line={"color": "#D55E00", "dash": "dot", "width": 2},
                                     hovertemplate=name + ": %{y:.2f}<extra></extra>"))
    others = [c for c in dict.fromkeys(series["unit_code"]) if c != focal]
    for position, code in enumerate(others + [focal]):
        color = FOCAL_COLOR if code == focal else OTHER_COLORS[position % len(OTHER_COLORS)]
        _unit_lines(fig, series[series["unit_code"] == code], code, names, color, code == focal, labels.cuts, lang)
    _draw_breaks(fig, breaks, lang)
    if actions is not None and not actions.empty:
        _draw_actions(fig, series[series["unit_code"] == focal], actions, lang)
    base_layout(fig, lang, title=labels.title)
    fig.update_layout(hovermode="x unified", yaxis_title=labels.y_title)
    year_axis(fig, years)
    return fig


def _unit_lines(fig: go.Figure, unit_rows: pd.DataFrame, code: str, names: dict[tuple[str, str], str], color: str,
                focal: bool, cuts: list[int], lang: str) -> None:
    """One unit's line, one trace per unit set and comparable run (a merged unit's vn34 points as diamonds)."""
    shown = False
    for unit_set, by_set in unit_rows.groupby("unit_set", sort=False):
        merged = unit_set == "vn34"
        name = names.get((unit_set, code), code)
        for run in _runs(by_set, cuts):
            legend = not shown and (not merged or len(unit_rows["unit_set"].unique()) == 1)
            shown = shown or legend
            fig.add_trace(go.Scatter(
                x=run["year"], y=run["value"], mode="lines+markers",
                name=name + (" " + t("chart.merged_suffix", lang) if merged else ""),
                legendgroup=code, showlegend=legend, line={"color": color, "width": 4 if focal else 2},
                marker={"size": 10 if merged else (8 if focal else 6), "symbol": "diamond" if merged else "circle",
                        "color": color},
                customdata=np.stack([run["rank_used"], run["n"]], axis=-1),
                hovertemplate=f"{name}: %{{y:.2f}} ({t('chart.rank_short', lang)} "
                              "%{customdata[0]}/%{customdata[1]})<extra></extra>"))


def _draw_breaks(fig: go.Figure, breaks: pd.DataFrame, lang: str) -> None:
    """Dashed lines between the editions a break separates; labels staggered so close breaks stay legible."""
    previous_year, level = None, 0
    for row in breaks.sort_values("year").to_dict("records"):
        x = row["year"] - 0.5
        level = (level + 1) % 2 if previous_year is not None and row["year"] - previous_year <= 3 else 0
        previous_year = row["year"]
        dash = "dot" if row["kind"] == "coverage" else "dash"
        fig.add_vline(x=x, line={"color": "#999", "dash": dash, "width": 1.5})
        fig.add_annotation(x=x, y=1.02 + 0.07 * level, yref="paper", text=t(f"chart.break_{row['kind']}", lang),
                           showarrow=False, font={"size": 12, "color": "#555"}, xanchor="left",
                           hovertext=localized(row, "note", lang))
    if not breaks.empty:
        fig.update_layout(margin={"t": 70})


def _draw_actions(fig: go.Figure, focal_series: pd.DataFrame, actions: pd.DataFrame, lang: str) -> None:
    """Triangles on the focal line at the first edition after each action (when it can first show)."""
    by_year = focal_series.set_index("year")["value"]
    rows = []
    for action in actions.to_dict("records"):
        year = int(action["year"]) + 1
        if year in by_year.index:
            title = localized(action, "title", lang) or action["action_type"]
            rows.append((year, float(by_year[year]), title))
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=["year", "value", "title"]).groupby(["year", "value"])["title"].apply(
        lambda titles: "<br>".join(titles)).reset_index()
    fig.add_trace(go.Scatter(x=frame["year"], y=frame["value"], mode="markers", name=t("chart.actions", lang),
                             marker={"symbol": "triangle-up", "size": 16, "color": "#000000",
                                     "line": {"color": "white", "width": 1}},
                             text=frame["title"], hovertemplate="%{text}<extra></extra>"))


# -- Rankings --------------------------------------------------------------------------------
def bump_chart(ranks: pd.DataFrame, focal: str, names: dict[str, str], lang: str) -> go.Figure:
    """Rank over years (1 at the top) for chosen units."""
    fig = go.Figure()
    codes = [c for c in dict.fromkeys(ranks["unit_code"]) if c != focal] + ([focal] if focal in set(ranks["unit_code"])
                                                                          else [])
    for position, code in enumerate(codes):
        part = ranks[ranks["unit_code"] == code]
        color = FOCAL_COLOR if code == focal else OTHER_COLORS[position % len(OTHER_COLORS)]
        fig.add_trace(go.Scatter(x=part["year"], y=part["rank_used"], mode="lines+markers+text",
                                 name=names.get(code, code), line={"color": color, "width": 4 if code == focal else 2},
                                 marker={"size": 10, "color": color},
                                 text=[names.get(code, code) if y == part["year"].max() else "" for y in part["year"]],
                                 textposition="middle right", customdata=part["value"],
                                 hovertemplate=f"{names.get(code, code)}: {t('chart.rank_short', lang)} %{{y}}"
                                               " (%{customdata:.2f})<extra></extra>"))
    base_layout(fig, lang)
    worst = int(ranks["rank_used"].max()) if not ranks.empty else 1
    fig.update_yaxes(autorange="reversed", title=t("chart.rank", lang),
                     tickvals=[1] + list(range(5, worst + 1, 5)))
    fig.update_layout(margin={"r": 150})
    year_axis(fig, sorted(ranks["year"].unique()))
    return fig


# -- Compare ---------------------------------------------------------------------------------
def radar_chart(profile: pd.DataFrame, labels: dict[str, str], focal_name: str, lang: str) -> go.Figure:
    """National percentile of each sub-index: the focal unit vs the peer median (0–100, outside = better)."""
    theta = [labels[c] for c in profile["component"]]
    peer = profile["peer_median_percentile"].tolist()
    fig = go.Figure()
    fig.add_trace(go.Scatterpolar(r=peer + [peer[0]], theta=theta + [theta[0]], name=t("chart.peer_median", lang),
                                  line={"color": MEDIAN_COLOR, "dash": "dash"}, hovertemplate="%{theta}: %{r:.0f}"))
    fig.add_trace(go.Scatterpolar(r=profile["percentile"].tolist() + [profile["percentile"].iloc[0]],
                                  theta=theta + [theta[0]], name=focal_name, fill="toself",
                                  line={"color": FOCAL_COLOR, "width": 3}, fillcolor="rgba(0,114,178,0.15)",
                                  hovertemplate="%{theta}: %{r:.0f}"))
    base_layout(fig, lang, height=520)
    fig.update_layout(polar={"radialaxis": {"range": [0, 100], "tickvals": [25, 50, 75, 100]},
                             "angularaxis": {"tickfont": {"size": 13}}, "domain": {"x": [0.12, 0.88]}},
                      margin={"l": 40, "r": 40})
    return fig


def profile_bars(profile: pd.DataFrame, labels: dict[str, str], focal_name: str, lang: str) -> go.Figure:
    """Scores by sub-index: the focal unit, the peer median and the peer best."""
    y = [labels[c] for c in profile["component"]]
    fig = go.Figure()
    for column, name, color in (("peer_best", t("chart.peer_best", lang), "#009E73"),
                                ("peer_median", t("chart.peer_median", lang), "#999999"),
                                ("value", focal_name, FOCAL_COLOR)):
        fig.add_trace(go.Bar(y=y, x=profile[column], orientation="h", name=name, marker_color=color,
                             hovertemplate="%{y}: %{x:.2f}<extra>" + name + "</extra>"))
    base_layout(fig, lang, height=max(360, 48 * len(y)))
    fig.update_layout(barmode="group", yaxis={"autorange": "reversed"})
    return fig


def heatmap(matrix: pd.DataFrame, unit_names: dict[str, str], labels: dict[str, str], focal: str,
            lang: str) -> go.Figure:
    """Units x sub-indices coloured by national percentile; the focal unit is marked with a star."""
    rows = [("★ " if c == focal else "") + unit_names.get(c, c) for c in matrix.index]
    fig = go.Figure(go.Heatmap(z=matrix.values, x=[labels[c] for c in matrix.columns], y=rows, zmin=0, zmax=100,
                               colorscale=SEQUENTIAL, colorbar={"title": t("chart.percentile", lang)},
                               texttemplate="%{z:.0f}", hovertemplate="%{y} · %{x}: %{z:.0f}<extra></extra>"))
    base_layout(fig, lang, height=max(320, 34 * len(rows) + 140))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickangle=-30)
    return fig


# -- Map ---------------------------------------------------------------------------------------
def tile_map(tiles: pd.DataFrame, metric: str, lang: str, value_title: str, focal: str | None = None,
             higher_better: bool = True) -> go.Figure:
    """Equal squares placed geographically; colour by value (Cividis, darkest = best) or quartile; grey = no data."""
    z, missing, hover = _tile_grids(tiles, metric, lang)
    fig = go.Figure()
    fig.add_trace(go.Heatmap(z=missing, colorscale=[[0, MISSING_COLOR], [1, MISSING_COLOR]], showscale=False,
                             xgap=3, ygap=3, hoverinfo="skip"))
    if metric == "quartile":
        fig.add_trace(_quartile_trace(z, hover, lang))
    else:
        fig.add_trace(go.Heatmap(z=z, colorscale=SEQUENTIAL, reversescale=higher_better,
                                 colorbar={"title": value_title, "len": 0.5},
                                 xgap=3, ygap=3, customdata=hover, hovertemplate="%{customdata}<extra></extra>"))
    fig.add_trace(go.Scatter(x=tiles["col"], y=tiles["row"], mode="text", text=tiles["label"], hoverinfo="skip",
                             textfont={"size": 11, "color": [_label_color(v, metric, tile_q) for v, tile_q in
                                                             zip(tiles["value"], tiles["quartile"])]},
                             showlegend=False))
    if focal is not None and focal in set(tiles["code"]):
        tile = tiles[tiles["code"] == focal].iloc[0]
        fig.add_shape(type="rect", x0=tile["col"] - 0.5, x1=tile["col"] + 0.5, y0=tile["row"] - 0.5,
                      y1=tile["row"] + 0.5, line={"color": "#D55E00", "width": 4})
    rows, cols = z.shape
    base_layout(fig, lang, height=max(600, 40 * rows + 80))
    fig.update_xaxes(visible=False, range=[-0.5, cols - 0.5], constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", scaleratio=1)
    return fig


def _tile_grids(tiles: pd.DataFrame, metric: str, lang: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(colour values, missing mask, hover texts) on the grid's rows x columns."""
    rows, cols = int(tiles["row"].max()) + 1, int(tiles["col"].max()) + 1
    z = np.full((rows, cols), np.nan)
    missing = np.full((rows, cols), np.nan)
    hover = np.full((rows, cols), "", dtype=object)
    for tile in tiles.to_dict("records"):
        r, c = int(tile["row"]), int(tile["col"])
        if pd.isna(tile["value"]):
            missing[r, c] = 1
            hover[r, c] = f"{tile['unit']}: {t('chart.no_data', lang)}"
        else:
            z[r, c] = tile["quartile"] if metric == "quartile" else tile["value"]
            hover[r, c] = (f"{tile['unit']}: {format_number(tile['value'], lang)} · {t('chart.rank_short', lang)} "
                           f"{int(tile['rank'])}/{int(tile['n'])} · {t('chart.quartile_short', lang)} "
                           f"{int(tile['quartile'])}")
    return z, missing, hover


def _quartile_trace(z: np.ndarray, hover: np.ndarray, lang: str) -> go.Heatmap:
    """Four flat colour steps, Q1 (best) darkest, with a labelled colour bar."""
    scale = [[0, QUARTILE_COLORS[0]], [0.25, QUARTILE_COLORS[0]], [0.25, QUARTILE_COLORS[1]],
             [0.5, QUARTILE_COLORS[1]], [0.5, QUARTILE_COLORS[2]], [0.75, QUARTILE_COLORS[2]],
             [0.75, QUARTILE_COLORS[3]], [1, QUARTILE_COLORS[3]]]
    colorbar = {"title": t("chart.quartile", lang), "tickvals": [1.375, 2.125, 2.875, 3.625], "len": 0.5,
                "ticktext": [t("chart.quartile_n", lang, q=q) for q in range(1, 5)]}
    return go.Heatmap(z=z, zmin=1, zmax=4, colorscale=scale, colorbar=colorbar, xgap=3, ygap=3,
                      customdata=hover, hovertemplate="%{customdata}<extra></extra>")


def _label_color(value, metric: str, quartile) -> str:
    """Tile label ink that stays readable on its tile's colour."""
    if pd.isna(value):
        return "#555555"
    if metric == "quartile":
        return "white" if quartile in (1, 2) else "black"
    return "black"


def geo_map(shapes: list[tuple[str, list[list[tuple[float, float]]]]], values: pd.DataFrame, lang: str,
            value_title: str, higher_better: bool = True) -> go.Figure:
    """A choropleth from the administrator's GeoJSON drawn as filled polygons on plain axes.

    Plotly's geo traces fetch base-map topojson from a CDN; filled scatter polygons need nothing.
    ``values`` has columns code, unit, value (NaN = no data); the best values are darkest.
    """
    data = values.set_index("code")
    finite = data["value"].dropna()
    low, high = (float(finite.min()), float(finite.max())) if not finite.empty else (0.0, 1.0)
    fig = go.Figure()
    for code, rings in shapes:
        value = data["value"].get(code, np.nan)
        unit = data["unit"].get(code, code)
        color = MISSING_COLOR if pd.isna(value) else sample_colorscale(
            SEQUENTIAL, [_colour_position(value, low, high, higher_better)])[0]
        label = f"{unit}: {t('chart.no_data', lang) if pd.isna(value) else format_number(value, lang)}"
        xs, ys = [], []
        for ring in rings:
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
        fig.add_trace(go.Scatter(x=xs, y=ys, fill="toself", mode="lines", line={"color": "white", "width": 0.6},
                                 fillcolor=color, hoveron="fills", text=label, hoverinfo="text", showlegend=False))
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
                             marker={"colorscale": SEQUENTIAL, "reversescale": higher_better, "cmin": low, "cmax": high,
                                     "color": [low], "colorbar": {"title": value_title}}))
    base_layout(fig, lang, height=720)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(16)))
    return fig


def _colour_position(value: float, low: float, high: float, higher_better: bool) -> float:
    """Position on the Cividis scale: 0 (dark) for the best value of the range, 1 for the worst."""
    if high == low:
        return 0.0
    share = (value - low) / (high - low)
    return 1 - share if higher_better else share
