"""How charts show the 2025 merger: back-cast values visibly distinct, members' own lines, the boundary year.

Back-cast (converted) points are hollow on a dashed line, the merged unit's former provinces' min–max is a
band, and a vertical line marks the first 34-unit edition on every time axis (issue 11).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from provindex.i18n import t

#: The first edition on the 34 units (Resolution 202/2025/QH15, in force 1 July 2025).
FIRST_34_YEAR = 2025
MEMBER_DASH = "dot"


def draw_boundary(fig: go.Figure, years, lang: str) -> None:
    """A vertical line between 2024 and 2025 when the axis spans the merger."""
    years = [int(y) for y in years]
    if not years or not (min(years) < FIRST_34_YEAR <= max(years)):
        return
    x = FIRST_34_YEAR - 0.5
    fig.add_vline(x=x, line={"color": "#333333", "dash": "solid", "width": 1})
    fig.add_annotation(x=x, y=0.02, yref="paper", text=t("merger.boundary", lang), showarrow=False, xanchor="right",
                       yanchor="bottom", font={"size": 11, "color": "#333333"}, bgcolor="rgba(255,255,255,0.8)")


def _is_backcast(rows: pd.DataFrame) -> pd.Series:
    """Which rows are back-cast (a frame without the column has none)."""
    if "backcast" not in rows.columns:
        return pd.Series(False, index=rows.index)
    return rows["backcast"].fillna(False).astype(bool)


def unit_lines(fig: go.Figure, unit_rows: pd.DataFrame, code: str, names: dict[tuple[str, str], str], color: str,
               focal: bool, runs, lang: str) -> None:
    """One unit's line: one trace per unit set, kind (published or back-cast) and comparable run.

    ``runs(frame)`` splits rows at the chart's breaks. A back-cast run is dashed with hollow markers and
    reaches on to the first published point after it, so the series reads as one line across the merger.
    """
    unit_rows = unit_rows.sort_values("year").assign(_back=_is_backcast(unit_rows))
    last_back = unit_rows.loc[unit_rows["_back"], "year"].max()
    shown: set[bool] = set()
    sets = unit_rows["unit_set"].unique()
    for (unit_set, back), part in unit_rows.groupby(["unit_set", "_back"], sort=False):
        merged = unit_set == "vn34" and not back and len(sets) > 1
        name = names.get((unit_set, code), code)
        suffix = t("merger.backcast_suffix", lang) if back else (t("chart.merged_suffix", lang) if merged else "")
        for run in runs(part):
            if back and run["year"].max() == last_back:  # the last back-cast run reaches the first published point
                run = pd.concat([run, unit_rows[~unit_rows["_back"] & (unit_rows["year"] > last_back)].head(1)])
            legend = bool(back) not in shown and not merged
            if legend:
                shown.add(bool(back))
            fig.add_trace(go.Scatter(
                x=run["year"], y=run["value"], mode="lines+markers", name=f"{name} {suffix}".strip(),
                legendgroup=code, showlegend=legend,
                line={"color": color, "width": 4 if focal else 2, "dash": "dash" if back else "solid"},
                marker={"size": 10 if merged else (8 if focal else 6),
                        "symbol": ["circle-open" if b else ("diamond" if merged else "circle") for b in run["_back"]],
                        "color": color, "line": {"width": 2, "color": color}},
                customdata=np.stack([run["rank_used"], run["n"]], axis=-1),
                hovertemplate=f"{name}: %{{y:.2f}} ({t('chart.rank_short', lang)} "
                              "%{customdata[0]}/%{customdata[1]})<extra></extra>"))


def range_band(fig: go.Figure, focal_rows: pd.DataFrame, name: str, color: str, lang: str) -> None:
    """The lowest–highest of a merged unit's former provinces in each back-cast year, shaded around its line."""
    if "lo" not in focal_rows.columns:
        return
    rows = focal_rows[_is_backcast(focal_rows) & (focal_rows["n_members"] > 1)].dropna(subset=["lo", "hi"])
    if rows.empty:
        return
    rows = rows.sort_values("year")
    label = t("merger.band", lang, unit=name)
    fig.add_trace(go.Scatter(x=rows["year"], y=rows["hi"], mode="lines", line={"width": 0}, hoverinfo="skip",
                             showlegend=False, legendgroup="member_band"))
    fig.add_trace(go.Scatter(x=rows["year"], y=rows["lo"], mode="lines", line={"width": 0}, fill="tonexty",
                             fillcolor=_transparent(color), name=label, legendgroup="member_band",
                             hovertemplate=label + "<extra></extra>"))


def member_lines(fig: go.Figure, members: pd.DataFrame, names: dict[str, str], colors: list[str], lang: str) -> None:
    """Thin dotted lines of a merged unit's former provinces (their own published values)."""
    suffix = t("merger.member_suffix", lang)
    for position, (code, rows) in enumerate(members.sort_values("year").groupby("unit_code", sort=True)):
        name = f"{names.get(code, code)} {suffix}"
        color = colors[position % len(colors)]
        fig.add_trace(go.Scatter(x=rows["year"], y=rows["value"], mode="lines+markers", name=name,
                                 legendgroup=f"member_{code}",
                                 line={"color": color, "width": 1.5, "dash": MEMBER_DASH},
                                 marker={"size": 5, "color": color}, hovertemplate=name + ": %{y:.2f}<extra></extra>"))


def bump_parts(rows: pd.DataFrame) -> list[tuple[pd.DataFrame, bool]]:
    """A bump-chart line in pieces: the back-cast ranks (dashed, reaching the first published one) and the rest."""
    back = _is_backcast(rows)
    if not back.any():
        return [(rows, False)]
    official = rows[~back]
    pieces = [(pd.concat([rows[back], official.head(1)]), True)]
    return pieces + ([(official, False)] if len(official) else [])


def bump_markers(part: pd.DataFrame) -> list[str]:
    """Hollow markers for the back-cast ranks of a bump-chart line, filled for published or computed ones."""
    return ["circle-open" if b else "circle" for b in _is_backcast(part)]


def _transparent(color: str, alpha: float = 0.18) -> str:
    """``#RRGGBB`` as an ``rgba`` fill."""
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"
