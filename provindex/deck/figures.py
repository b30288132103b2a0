"""The story's charts as plotly figures, for the presentation mode and the server-side PNG export.

Same numbers as the PowerPoint charts (both read the :class:`~provindex.deck.model.ChartSpec`); the look
is the dashboard's (``charts.base_layout``: the language's separators, Okabe–Ito, projector-size fonts).
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from provindex import charts
from provindex.deck.model import ChartSpec

COLORS = (charts.FOCAL_COLOR, charts.MEDIAN_COLOR, *charts.OTHER_COLORS)
PRESENT_FONT = 20


def _trace(spec: ChartSpec, name: str, values: list, k: int):
    """One series as a plotly trace of the chart's kind (the first series = the unit, drawn heavier)."""
    color = COLORS[k % len(COLORS)]
    name = html.escape(name)
    if spec.kind == "bar":
        return go.Bar(x=[str(c) for c in spec.categories], y=values, name=name, marker_color=color)
    if spec.kind == "radar":
        closed = list(spec.categories) + list(spec.categories[:1])
        return go.Scatterpolar(r=list(values) + list(values[:1]), theta=[str(c) for c in closed], name=name,
                               line={"color": color, "width": 4 if k == 0 else 2})
    return go.Scatter(x=list(spec.categories), y=values, name=name, mode="lines+markers",
                      line={"color": color, "width": 5 if k == 0 else 2.5}, connectgaps=False)


def figure(spec: ChartSpec, lang: str, height: int = 560, font_size: int = PRESENT_FONT) -> go.Figure:
    """A plotly figure of ``spec`` with large type (a 1280×720 projector is the target)."""
    fig = go.Figure([_trace(spec, name, values, k) for k, (name, values) in enumerate(spec.series)])
    charts.base_layout(fig, lang, height, html.escape(spec.title))
    fig.update_layout(font={"size": font_size}, legend={"font": {"size": font_size - 2}})
    if spec.kind == "line":
        charts.year_axis(fig, [int(c) for c in spec.categories])
    if spec.kind == "radar":
        fig.update_layout(polar={"radialaxis": {"range": [0, 100]}})
    else:
        fig.update_yaxes(title_text=html.escape(spec.y_title), tickformat=f",.{min(spec.decimals, 1)}f",
                         title_standoff=12)
        fig.update_layout(margin={"l": 100})
    return fig


def export_figure(spec: ChartSpec, catalog, unit_name: str, year: int, lang: str, simulated: bool) -> go.Figure:
    """The chart as a stand-alone 16:9 picture: title, unit · year · source, and the simulated-data stamp."""
    source = catalog.source_line(spec.index, lang) if spec.index else ""
    info = charts.ExportInfo(spec.title, f"{unit_name} · {spec.y_title}" if spec.y_title else unit_name, str(year),
                             source, simulated)
    picture = charts.decorate_for_export(figure(spec, lang), info, lang, fixed_size=True)
    # the slide-sized picture keeps its title block in its own band above the plot
    picture.update_layout(title={"yref": "container", "y": 0.98, "yanchor": "top"}, margin={"t": 190})
    return picture
