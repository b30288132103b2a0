"""Map builders: the offline tile grid and the administrator's boundary map (no geo traces, no CDN).

Same conventions as :mod:`provindex.charts` (its layout, palette and wrapping): Cividis with the best values
darkest in either direction, grey for units without data, the focal unit outlined.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from provindex.charts import SEQUENTIAL, base_layout, wrap
from provindex.i18n import t
from provindex.text import format_number

QUARTILE_COLORS = ["#00204D", "#575C6D", "#A69D75", "#FFEA46"]  # cividis samples: Q1 (best) dark -> Q4 light
MISSING_COLOR = "#E6E6E6"
#: Colour bars lie under the grid, so the tiles get the chart's whole width (a phone has little of it).
BELOW = {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.02, "yanchor": "top", "len": 1, "thickness": 14}


# -- Map ---------------------------------------------------------------------------------------
def tile_map(tiles: pd.DataFrame, metric: str, lang: str, value_title: str, focal: str | None = None,
             higher_better: bool = True, title: str = "", quartile_label: str | None = None) -> go.Figure:
    """Equal squares placed geographically; colour by value (Cividis, darkest = best) or quartile; grey = no data."""
    z, missing, hover = _tile_grids(tiles, metric, lang)
    fig = go.Figure()
    fig.add_trace(go.Heatmap(z=missing, colorscale=[[0, MISSING_COLOR], [1, MISSING_COLOR]], showscale=False,
                             xgap=3, ygap=3, hoverinfo="skip"))
    if metric == "quartile":
        fig.add_trace(_quartile_trace(z, hover, lang, quartile_label))
    else:
        fig.add_trace(go.Heatmap(z=z, colorscale=SEQUENTIAL, reversescale=higher_better,
                                 colorbar={"title": {"text": value_title, "side": "top"}, **BELOW},
                                 xgap=3, ygap=3, customdata=hover, hovertemplate="%{customdata}<extra></extra>"))
    fig.add_trace(go.Scatter(x=tiles["col"], y=tiles["row"], mode="text", text=tiles["label"], hoverinfo="skip",
                             textfont={"size": 10, "color": [_label_color(v, metric, tile_q) for v, tile_q in
                                                             zip(tiles["value"], tiles["quartile"])]},
                             showlegend=False))
    if focal is not None and focal in set(tiles["code"]):
        tile = tiles[tiles["code"] == focal].iloc[0]
        fig.add_shape(type="rect", x0=tile["col"] - 0.5, x1=tile["col"] + 0.5, y0=tile["row"] - 0.5,
                      y1=tile["row"] + 0.5, line={"color": "#D55E00", "width": 4})
    rows, cols = z.shape
    base_layout(fig, lang, height=max(600, 40 * rows + 80), title=title or None)
    fig.update_layout(margin={"l": 10, "r": 10, "b": 100})
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


def _quartile_trace(z: np.ndarray, hover: np.ndarray, lang: str, label: str | None = None) -> go.Heatmap:
    """Four flat colour steps, Q1 (best) darkest, with a labelled colour bar.

    ``label`` names the steps as groups among the published units when coverage is partial.
    """
    scale = [[0, QUARTILE_COLORS[0]], [0.25, QUARTILE_COLORS[0]], [0.25, QUARTILE_COLORS[1]],
             [0.5, QUARTILE_COLORS[1]], [0.5, QUARTILE_COLORS[2]], [0.75, QUARTILE_COLORS[2]],
             [0.75, QUARTILE_COLORS[3]], [1, QUARTILE_COLORS[3]]]
    colorbar = {"title": {"text": label or t("chart.quartile", lang), "side": "top"}, **BELOW,
                "tickvals": [1.375, 2.125, 2.875, 3.625],
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
            value_title: str, higher_better: bool = True, title: str = "") -> go.Figure:
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
                                     "color": [low], "colorbar": {"title": wrap(value_title, 14)}}))
    base_layout(fig, lang, height=720, title=title or None)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(16)))
    return fig


def _colour_position(value: float, low: float, high: float, higher_better: bool) -> float:
    """Position on the Cividis scale: 0 (dark) for the best value of the range, 1 for the worst."""
    if high == low:
        return 0.0
    share = (value - low) / (high - low)
    return 1 - share if higher_better else share
