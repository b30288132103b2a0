"""Pure chart builders: DataFrames in, plotly Figures out (no Streamlit, no data access).

Conventions (DESIGN §6): integer year axes, the language's number format (Vietnamese
decimal comma via ``separators``), the Okabe–Ito colour-blind-safe palette, the focal unit
drawn thick and on top, fonts large enough for a projector.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from provindex import merger_charts
from provindex.analysis import segments
from provindex.i18n import localized, t

FOCAL_COLOR = "#0072B2"
OTHER_COLORS = ["#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#999999"]
BAND_COLOR = "rgba(120,120,120,0.18)"
MEDIAN_COLOR = "#555555"
SEQUENTIAL = "Cividis"
FONT_SIZE = 15
TITLE_WIDTH = 36  # characters per title line: fits a 390-px phone at the title's font size
EXPORT_SIZE = (1600, 900)  # 16:9 presentation size of exported charts


def wrap(text: str, width: int = TITLE_WIDTH) -> str:
    """``text`` broken into lines of at most ``width`` characters (plotly does not wrap titles or labels)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def base_layout(fig: go.Figure, lang: str, height: int = 460, title: str | None = None) -> go.Figure:
    """The shared look: language's number separators, projector-size fonts, white background, legend below.

    The title is wrapped to a phone's width and sits above the plot; the legend sits under the x axis, so
    neither covers the other at any width.
    """
    fig.update_layout(
        height=height, separators=",." if lang == "vi" else ".,", font={"size": FONT_SIZE},
        margin={"l": 60, "r": 30, "t": 16 if title else 30, "b": 60},
        title={"text": wrap(title), "x": 0, "xanchor": "left", "xref": "container", "yref": "paper",
               "automargin": True, "pad": {"b": 12, "l": 4}, "font": {"size": FONT_SIZE + 1}} if title else None,
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0}, hoverlabel={"font_size": FONT_SIZE},
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


#: plotly.js's own words (toolbar, hints) in Vietnamese, handed to the chart as a config locale (no CDN).
VI_PLOTLY = {"Download plot as a png": "Tải ảnh PNG", "Download plot as a PNG": "Tải ảnh PNG",
             "Download plot": "Tải ảnh", "Zoom": "Phóng to vùng chọn",
             "Pan": "Kéo", "Zoom in": "Phóng to", "Zoom out": "Thu nhỏ", "Autoscale": "Tự co giãn",
             "Reset axes": "Đặt lại trục", "Reset view": "Đặt lại khung nhìn",
             "Toggle Spike Lines": "Bật/tắt đường gióng", "Show closest data on hover": "Hiện điểm gần nhất",
             "Compare data on hover": "So sánh các đường", "Double-click to zoom back out": "Bấm đúp để thu lại",
             "Box Select": "Chọn theo khung", "Lasso Select": "Chọn tự do", "Toggle show closest data on hover":
             "Bật/tắt hiện điểm gần nhất", "Reset camera to default": "Đặt lại góc nhìn",
             "Click to enter Colorscale title": "Tiêu đề thang màu", "Click to enter Plot title": "Tiêu đề"}


def chart_config(file_name: str, lang: str = "vi") -> dict:
    """plotly.js config: PNG download from the chart's own toolbar (client-side, offline), no logo.

    The PNG is drawn at the 16:9 presentation size (:data:`EXPORT_SIZE`), not at the size of the screen;
    in Vietnamese the toolbar speaks Vietnamese and numbers use the decimal comma.
    """
    width, height = EXPORT_SIZE
    config = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"],
              "toImageButtonOptions": {"format": "png", "filename": file_name, "width": width, "height": height,
                                       "scale": 1}}
    if lang == "vi":
        config |= {"locale": "vi", "locales": {"vi": {"dictionary": VI_PLOTLY,
                                                      "format": {"decimal": ",", "thousands": "."}}}}
    return config


@dataclass(frozen=True)
class ExportInfo:
    """What an exported chart carries besides its marks: title, unit, year(s), source line, simulated-data stamp."""

    title: str
    unit: str
    year: str
    source: str
    simulated: bool = False


def decorate_for_export(fig: go.Figure, info: ExportInfo, lang: str, fixed_size: bool = False) -> go.Figure:
    """A copy of ``fig`` that stands alone on a slide (the deck's server-side PNG uses it too).

    Title, a subtitle with unit · year · source, and a red simulated-data stamp when the numbers are
    synthetic. Everything sits above the plot (nothing competes with the legend below it), wrapped to a
    phone's width. ``fixed_size`` sets the 16:9 presentation size
    (:data:`EXPORT_SIZE`) for a server-side PNG; the in-chart download gets that size from :func:`chart_config`.
    """
    out = go.Figure(fig)
    lines = [f"<b>{line}</b>" for line in wrap(info.title).split("<br>")]
    small = "<span style='font-size:12px;color:#444'>{}</span>"
    lines += [small.format(line) for line in wrap(f"{info.unit} · {info.year} · {info.source}",
                                                   TITLE_WIDTH + 12).split("<br>")]
    if info.simulated:
        stamp = "<span style='font-size:12px;color:#B00020'><b>{}</b></span>"
        lines += [stamp.format(line) for line in wrap(t("chart.simulated_stamp", lang), TITLE_WIDTH + 12).split("<br>")]
    out.update_layout(title={"text": "<br>".join(lines), "x": 0, "xanchor": "left", "xref": "container",
                             "yref": "paper", "automargin": True, "pad": {"b": 12, "l": 4},
                             "font": {"size": FONT_SIZE + 1}},
                      margin={"t": 16})
    if fixed_size:
        out.update_layout(width=EXPORT_SIZE[0], height=EXPORT_SIZE[1])
    return out


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
                labels: TrendLabels, members: pd.DataFrame | None = None,
                member_names: dict[str, str] | None = None) -> go.Figure:
    """Lines per unit (focal thick), national median with IQR band, regional mean, breaks, action markers.

    ``names`` is keyed by (unit_set, code): code 80 is Long An before July 2025 and Tây Ninh after,
    so each segment carries the name of the unit it measured. Lines break at ``labels.cuts``. Back-cast
    values are dashed and hollow with the former provinces' range shaded, ``members`` (a merged focal unit's
    former provinces) are thin dotted lines, and the merger is marked on the axis (``merger_charts``).
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
    focal_rows = series[series["unit_code"] == focal]
    merger_charts.range_band(fig, focal_rows, names.get(("vn34", focal), focal), FOCAL_COLOR, lang)
    if members is not None and not members.empty:
        merger_charts.member_lines(fig, members, member_names or {}, OTHER_COLORS[::-1], lang)
    for position, code in enumerate(others + [focal]):
        color = FOCAL_COLOR if code == focal else OTHER_COLORS[position % len(OTHER_COLORS)]
        merger_charts.unit_lines(fig, series[series["unit_code"] == code], code, names, color, code == focal,
                                 lambda rows: _runs(rows, labels.cuts), lang)
    _draw_breaks(fig, breaks, lang)
    merger_charts.draw_boundary(fig, years, lang)
    if actions is not None and not actions.empty:
        _draw_actions(fig, series[series["unit_code"] == focal], actions, lang)
    base_layout(fig, lang, title=labels.title)
    fig.update_layout(hovermode="x unified", yaxis_title=labels.y_title)
    year_axis(fig, years)
    return fig


def _draw_breaks(fig: go.Figure, breaks: pd.DataFrame, lang: str) -> None:
    """Dashed lines between the editions a break separates; labels staggered so close breaks stay legible."""
    previous_year, level = None, 0
    for row in breaks.sort_values("year").to_dict("records"):
        x = row["year"] - 0.5
        level = (level + 1) % 2 if previous_year is not None and row["year"] - previous_year <= 3 else 0
        previous_year = row["year"]
        dash = "dot" if row["kind"] == "coverage" else "dash"
        fig.add_vline(x=x, line={"color": "#999", "dash": dash, "width": 1.5})
        fig.add_annotation(x=x, y=0.99 - 0.07 * level, yref="paper", text=f"{row['year']}",
                           showarrow=False, font={"size": 12, "color": "#555"}, xanchor="center", yanchor="top",
                           bgcolor="rgba(255,255,255,0.8)",
                           hovertext=t(f"chart.break_{row['kind']}", lang) + ": " + localized(row, "note", lang))


def _draw_actions(fig: go.Figure, focal_series: pd.DataFrame, actions: pd.DataFrame, lang: str) -> None:
    """Triangles on the focal line at the first edition after each action (when it can first show)."""
    by_year = focal_series.set_index("year")["value"]
    rows = []
    for action in actions.to_dict("records"):
        year = int(action["year"]) + 1
        if year in by_year.index:
            title = localized(action, "title", lang) or action["action_type"]
            rows.append((year, float(by_year[year]), html.escape(title)))  # titles are plain text, never markup
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=["year", "value", "title"]).groupby(["year", "value"])["title"].apply(
        lambda titles: "<br>".join(titles)).reset_index()
    fig.add_trace(go.Scatter(x=frame["year"], y=frame["value"], mode="markers", name=t("chart.actions", lang),
                             marker={"symbol": "triangle-up", "size": 16, "color": "#000000",
                                     "line": {"color": "white", "width": 1}},
                             text=frame["title"], hovertemplate="%{text}<extra></extra>"))


# -- Rankings --------------------------------------------------------------------------------
def bump_chart(ranks: pd.DataFrame, focal: str, names: dict[str, str], lang: str, title: str = "") -> go.Figure:
    """Rank over years (1 at the top) for chosen units.

    Each line is named at its end in its colour; names of close ranks are spread apart so none overlaps,
    and the right margin fits the longest name, so none is cut.
    """
    fig = go.Figure()
    codes = [c for c in dict.fromkeys(ranks["unit_code"]) if c != focal]
    codes += [focal] if focal in set(ranks["unit_code"]) else []
    colors = {code: FOCAL_COLOR if code == focal else OTHER_COLORS[i % len(OTHER_COLORS)]
              for i, code in enumerate(codes)}
    for code in codes:
        for part, dashed in merger_charts.bump_parts(ranks[ranks["unit_code"] == code]):
            fig.add_trace(go.Scatter(
                x=part["year"], y=part["rank_used"], mode="lines+markers", name=names.get(code, code),
                line={"color": colors[code], "width": 4 if code == focal else 2, "dash": "dash" if dashed else "solid"},
                marker={"size": 10, "color": colors[code], "symbol": merger_charts.bump_markers(part),
                        "line": {"width": 2, "color": colors[code]}}, customdata=part["value"],
                hovertemplate=f"{names.get(code, code)}: {t('chart.rank_short', lang)} %{{y}}"
                              " (%{customdata:.2f})<extra></extra>"))
    worst = int(ranks["rank_used"].max()) if not ranks.empty else 1
    _end_labels(fig, ranks, codes, names, colors, gap=max(1.0, worst / 14))
    base_layout(fig, lang, title=title or None)
    fig.update_yaxes(autorange="reversed", title=t("chart.rank", lang), tickvals=[1] + list(range(5, worst + 1, 5)))
    longest = max((len(names.get(c, c)) for c in codes), default=6)
    fig.update_layout(margin={"r": 20 + 8 * longest, "l": 50}, showlegend=False)
    year_axis(fig, sorted(ranks["year"].unique()))
    merger_charts.draw_boundary(fig, ranks["year"].unique(), lang)
    return fig


def _end_labels(fig: go.Figure, ranks: pd.DataFrame, codes: list[str], names: dict[str, str],
                colors: dict[str, str], gap: float) -> None:
    """Each unit's name right of its last point, pushed down by at least ``gap`` ranks from the one above."""
    last = ranks.sort_values("year").groupby("unit_code").tail(1).set_index("unit_code")
    placed = -np.inf
    for code in sorted((c for c in codes if c in last.index), key=lambda c: last.loc[c, "rank_used"]):
        row = last.loc[code]
        placed = max(float(row["rank_used"]), placed + gap)
        fig.add_annotation(x=row["year"], y=placed, text=names.get(code, code), showarrow=False, xanchor="left",
                           xshift=10, font={"color": colors[code], "size": 13})


# -- Compare ---------------------------------------------------------------------------------
def radar_chart(profile: pd.DataFrame, labels: dict[str, str], focal_name: str, lang: str,
                title: str = "") -> go.Figure:
    """National percentile of each sub-index: the focal unit vs the peer median (0–100, outside = better).

    Spoke labels are wrapped short lines and the polar area leaves room around it, so no label is cut.
    """
    theta = [wrap(labels[c], 14) for c in profile["component"]]
    peer = profile["peer_median_percentile"].tolist()
    fig = go.Figure()
    fig.add_trace(go.Scatterpolar(r=peer + [peer[0]], theta=theta + [theta[0]], name=t("chart.peer_median", lang),
                                  line={"color": MEDIAN_COLOR, "dash": "dash"}, hovertemplate="%{theta}: %{r:.0f}"))
    fig.add_trace(go.Scatterpolar(r=profile["percentile"].tolist() + [profile["percentile"].iloc[0]],
                                  theta=theta + [theta[0]], name=focal_name, fill="toself",
                                  line={"color": FOCAL_COLOR, "width": 3}, fillcolor="rgba(0,114,178,0.15)",
                                  hovertemplate="%{theta}: %{r:.0f}"))
    base_layout(fig, lang, height=560, title=title or None)
    fig.update_layout(polar={"radialaxis": {"range": [0, 100], "tickvals": [25, 50, 75, 100],
                                            "tickfont": {"size": 11}},
                             "angularaxis": {"tickfont": {"size": 12}}, "domain": {"x": [0.22, 0.78]}},
                      margin={"l": 20, "r": 20})
    return fig


def profile_bars(profile: pd.DataFrame, labels: dict[str, str], focal_name: str, lang: str,
                 title: str = "") -> go.Figure:
    """Scores by sub-index: the focal unit, the peer median and the peer best."""
    y = [wrap(labels[c], 18) for c in profile["component"]]
    fig = go.Figure()
    for column, name, color in (("peer_best", t("chart.peer_best", lang), "#009E73"),
                                ("peer_median", t("chart.peer_median", lang), "#999999"),
                                ("value", focal_name, FOCAL_COLOR)):
        fig.add_trace(go.Bar(y=y, x=profile[column], orientation="h", name=name, marker_color=color,
                             hovertemplate="%{y}: %{x:.2f}<extra>" + name + "</extra>"))
    base_layout(fig, lang, height=max(400, 56 * len(y)), title=title or None)
    fig.update_layout(barmode="group", yaxis={"autorange": "reversed", "automargin": True})
    return fig


def peer_bars(matrix: pd.DataFrame, unit_names: dict[str, str], labels: dict[str, str], focal: str, lang: str,
              title: str = "") -> go.Figure:
    """The peers' actual scores side by side: one group of bars per sub-index, one bar per unit (focal in blue)."""
    fig = go.Figure()
    x = [labels[c] for c in matrix.columns]
    others = [c for c in matrix.index if c != focal]
    for position, code in enumerate(others + ([focal] if focal in matrix.index else [])):
        color = FOCAL_COLOR if code == focal else OTHER_COLORS[position % len(OTHER_COLORS)]
        name = unit_names.get(code, code)
        fig.add_trace(go.Bar(x=x, y=matrix.loc[code].tolist(), name=name, marker_color=color,
                             opacity=1 if code == focal else 0.75,
                             hovertemplate=name + " · %{x}: %{y:.2f}<extra></extra>"))
    base_layout(fig, lang, height=520, title=title or None)
    fig.update_layout(barmode="group", bargap=0.15)
    fig.update_xaxes(tickfont={"size": 12}, tickangle=-90, automargin=True)
    return fig


def heatmap(matrix: pd.DataFrame, unit_names: dict[str, str], labels: dict[str, str], focal: str,
            lang: str, title: str = "") -> go.Figure:
    """Units x sub-indices coloured by national percentile; the focal unit is marked with a star."""
    rows = [("★ " if c == focal else "") + unit_names.get(c, c) for c in matrix.index]
    fig = go.Figure(go.Heatmap(z=matrix.values, x=[labels[c] for c in matrix.columns], y=rows, zmin=0,
                               zmax=100, colorscale=SEQUENTIAL, textfont={"size": 11},
                               colorbar={"title": {"text": wrap(t("chart.percentile", lang), 10)}, "len": 0.8,
                                         "thickness": 12},
                               texttemplate="%{z:.0f}", hovertemplate="%{y} · %{x}: %{z:.0f}<extra></extra>"))
    base_layout(fig, lang, height=max(380, 30 * len(rows) + 260), title=title or None)
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": 12})
    fig.update_xaxes(tickangle=-90, tickfont={"size": 12}, automargin=True)  # upright labels never overlap
    fig.update_layout(margin={"l": 10, "r": 10, "b": 20})
    return fig
