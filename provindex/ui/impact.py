"""Tác động / Impact page: widgets, cached estimation and the result card.

The statistics live in ``provindex.impact``; this module only lays out what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from provindex import db as dbmod
from provindex.i18n import t
from provindex.text import format_number, format_signed
from provindex.ui.state import url_select, url_toggle

if TYPE_CHECKING:
    from provindex.ui import PageContext

IMPACT_METHODS = ("cs", "did2s", "scm", "its", "fd", "lasso")  # TWFE appears only as a benchmark
# Material icons ship with Streamlit (no emoji font needed on office PCs, nothing fetched).
_VERDICT_ICON = {"clear": ":material/check_circle:", "weak": ":material/help:", "insufficient": ":material/remove:",
                 "not_assessable": ":material/block:"}


@st.cache_resource(show_spinner=False)
def warm_impact() -> bool:
    """First pyfixest call once per process, in a background thread (off every page run's path)."""
    import threading

    from provindex import impact

    threading.Thread(target=impact.warm_up, name="impact-warm-up", daemon=True).start()
    return True


@dataclass
class ImpactChoice:
    action_type: str
    outcome: str
    method: str
    anticipation: int
    action_id: str | None

    def spec(self, unit: str | None) -> dict:
        return {"action_type": self.action_type, "outcome": self.outcome, "method": self.method,
                "anticipation": self.anticipation, "unit": unit, "seed": 0}


def impact_controls(ctx: PageContext, actions: pd.DataFrame, targets: pd.DataFrame) -> ImpactChoice:
    """Pickers (kept in the URL): action type or registered action, index, sub-index; analyst options."""
    lang, catalog = ctx.lang, ctx.catalog
    types = catalog.action_types
    reform = [c for c in types.loc[types["kind"] == "reform", "code"] if c in set(actions["action_type"])]
    if not reform:
        reform = list(types.loc[types["kind"] == "reform", "code"])
    type_name = dict(zip(types["code"], types["name_en" if lang == "en" else "name_vi"]))
    mine = actions[(actions["unit_code"] == ctx.unit_code) & actions["action_type"].isin(reform)]
    titles = dict(zip(mine["action_id"], mine["title_en" if lang == "en" else "title_vi"].fillna(mine["action_id"])))
    years = dict(zip(mine["action_id"], mine["year"]))
    col1, col2 = st.columns(2)
    with col1:
        picked = url_select(t("impact.ui.pick_registered", lang, unit=ctx.unit_name), [""] + list(mine["action_id"]),
                            "imp_action", "", lambda a: t("impact.ui.none_registered", lang) if not a
                            else f"{titles.get(a, a)} ({int(years[a])})") or None
        if picked is not None:
            action_type = str(mine.loc[mine["action_id"] == picked, "action_type"].iloc[0])
            st.caption(f"{t('impact.ui.pick_action', lang)}: {type_name.get(action_type, action_type)}")
        else:
            action_type = url_select(t("impact.ui.pick_action", lang), reform, "imp_type",
                                     "OSS_CENTRE" if "OSS_CENTRE" in reform else reform[0],
                                     lambda c: type_name.get(c, c))
    if st.session_state.get("_imp_last_type") not in (None, action_type):
        for key in ("imp_index", "imp_component"):  # a new action type starts on its registered target
            st.session_state.pop(key, None)
    st.session_state["_imp_last_type"] = action_type
    ids = set(actions.loc[actions["action_type"] == action_type, "action_id"])
    registered = targets[targets["action_id"].isin(ids)].sort_values(["role", "component"])
    primary = registered.drop_duplicates("component")["component"].tolist()
    indices = catalog.index_codes()
    default_index = catalog.component(primary[0])["index"] if primary else indices[0]
    with col2:
        index = url_select(t("impact.ui.pick_index", lang), indices, "imp_index", default_index,
                           lambda i: catalog.index_row(i)["short_en" if lang == "en" else "short_vi"])
        comps = catalog.components_of(index, level=1)
        comps = comps[comps["last_year"].isna() | (comps["last_year"] >= 2013)]
        codes = list(comps["code"]) + [catalog.composite(index)]
        wanted = next((c for c in primary if c in codes), codes[0])
        outcome = url_select(t("impact.ui.pick_component", lang), codes, "imp_component", wanted,
                             lambda c: catalog.component_label(c, lang, short=False) + (" ★" if c in primary else ""))
    with st.expander(t("impact.ui.pick_method", lang)):
        method = url_select(t("impact.ui.pick_method", lang), list(IMPACT_METHODS), "imp_method", "cs",
                            lambda m: t(f"impact.ui.method_{m}", lang), control="radio")
        anticipation = int(url_toggle(t("impact.ui.anticipation", lang), "imp_anticipation", False))
    return ImpactChoice(action_type, outcome, method, anticipation, picked)


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_impact(data_version: str, register_version: str, spec_json: str, _scores: pd.DataFrame,
                   _actions: pd.DataFrame, _targets: pd.DataFrame):
    import json

    from provindex import impact

    spec = json.loads(spec_json)
    return impact.estimate(_scores, _actions, outcome=spec["outcome"], action_type=spec["action_type"],
                           method=spec["method"], unit=spec["unit"], seed=spec["seed"],
                           anticipation=spec["anticipation"], targets=_targets)


def impact_result(ctx: PageContext, choice: ImpactChoice, actions: pd.DataFrame, targets: pd.DataFrame,
                  register_version: str, *, method: str | None = None):
    """The ImpactResult for this choice, cached per (data version, register version, specification)."""
    import json

    from provindex.errors import ProvindexError as _Err

    method = method or choice.method
    unit = ctx.unit_code if method in ("scm", "its") else None  # one-unit rungs; the others compare provinces
    spec = {**choice.spec(unit), "method": method}
    try:
        return _cached_impact(dbmod.data_version(), register_version, json.dumps(spec, sort_keys=True), ctx.scores,
                              actions, targets)
    except _Err as exc:
        st.error(t("impact.ui.run_failed", ctx.lang, detail=exc.message(ctx.lang)))
        return None


def impact_results(ctx: PageContext, choice: ImpactChoice, actions: pd.DataFrame, targets: pd.DataFrame,
                   register_version: str):
    """The card's result and, when the unit itself took this action type, its synthetic-control card."""
    result = impact_result(ctx, choice, actions, targets, register_version)
    unit_result = None
    if result is not None and result.rung == "D":
        mine = actions[(actions["unit_code"] == ctx.unit_code) & (actions["action_type"] == choice.action_type)]
        if not mine.empty:
            unit_result = impact_result(ctx, choice, actions, targets, register_version, method="scm")
    return result, unit_result


def _fmt_p(value, lang: str) -> str:
    if value is None or value != value:
        return "–"
    return ("< " + format_number(0.001, lang, 3)) if value < 0.001 else format_number(value, lang, 3)


def render_impact_card(ctx: PageContext, result, *, title: str | None = None) -> None:
    """One card: verdict, sentence, estimate with CI and n, chart; diagnostics in an expander."""
    from provindex import impact_charts as charts

    lang, catalog = ctx.lang, ctx.catalog
    if result is None:
        return
    with st.container(border=True):
        if title:
            st.caption(title)
        verdict = t(f"impact.verdict.{result.verdict}", lang)
        st.subheader(f"{_VERDICT_ICON[result.verdict]} {verdict}")
        st.markdown(result.sentence(lang))
        cols = st.columns(3)
        editions = result.editions or (None, None)
        if result.rung in ("D", "E", "B") and result.estimate is not None and result.ci is not None:
            label = {"D": "impact.ui.estimate", "E": "impact.ui.gap", "B": "impact.ui.estimate_assoc"}[result.rung]
            cols[0].metric(t(label, lang), format_signed(result.estimate, lang, 2) + " " + t("impact.ui.points", lang))
            key = "impact.ui.interval_scm" if result.rung == "E" else "impact.ui.interval"
            cols[1].write(t(key, lang, lo=format_number(result.ci[0], lang, 2), hi=format_number(result.ci[1], lang, 2)))
        elif result.rung == "A":
            cols[0].metric(t("impact.ui.descriptive_badge", lang), t("impact.ui.no_headline", lang))
        elif result.rung == "F":
            cols[0].metric(t("impact.ui.screening_badge", lang), t("impact.ui.no_headline", lang))
        if result.rung == "E" and "J" in result.details:
            cols[2].write(t("impact.ui.n_line_scm", lang, J=result.details["J"], g=result.details["g"],
                            pre=sum(1 for y in range(editions[0], result.details["g"])) if editions[0] else "–"))
        elif result.rung in ("D", "B") and editions[0]:
            cols[2].write(t("impact.ui.n_line", lang, n_tr=result.n_treated, n_ctl=result.n_control,
                            y0=editions[0], y1=editions[1]))
        unit_name = ctx.unit_name
        if result.rung == "D" and result.event_study is not None:
            st.plotly_chart(charts.event_study_figure(result.event_study, lang), key=f"es_{result.spec_hash}")
        elif result.rung == "E" and result.series is not None:
            st.plotly_chart(charts.synthetic_figure(result.series, result.details.get("placebo_paths"), unit_name,
                                                    result.details["g"], lang), key=f"scm_{result.spec_hash}")
        elif result.rung == "A" and result.series is not None:
            st.plotly_chart(charts.its_figure(result.series, unit_name, result.details["g"], lang),
                            key=f"its_{result.spec_hash}")
        elif result.rung == "F":
            types = catalog.action_types
            labels = dict(zip(types["code"], types["name_en" if lang == "en" else "name_vi"]))
            st.plotly_chart(charts.ranking_figure(result.details["ranking"], labels, lang),
                            key=f"rank_{result.spec_hash}")
        _render_diagnostics(ctx, result)


def _render_diagnostics(ctx: PageContext, result) -> None:
    lang, catalog = ctx.lang, ctx.catalog
    d = result.details
    with st.expander(t("impact.ui.diagnostics", lang)):
        lines = []
        if result.rung == "D":
            if result.pretrend_p is not None:
                lines.append(t("impact.ui.pretrend", lang, p=_fmt_p(result.pretrend_p, lang)))
            if d.get("e_minus_1"):
                lines.append(t("impact.ui.e_minus_1", lang, est=format_signed(d["e_minus_1"]["est"], lang, 2),
                               p=_fmt_p(d["e_minus_1"]["p"], lang)))
            if "cs" in d:
                lines.append(t("impact.ui.cs", lang, est=format_signed(d["cs"]["estimate"], lang, 3),
                               se=format_number(d["cs"]["se"], lang, 3)))
            if "did2s" in d:
                lines.append(t("impact.ui.did2s", lang, est=format_signed(d["did2s"]["estimate"], lang, 3),
                               se=format_number(d["did2s"]["se"], lang, 3)))
            if "twfe" in d:
                text = t("impact.ui.twfe_benchmark", lang, est=format_signed(d["twfe"]["estimate"], lang, 3),
                         se=format_number(d["twfe"]["se"], lang, 3))
                text += " · " + (t("impact.ui.twfe_p_hidden", lang) if d["twfe"].get("p_hidden")
                                 else t("impact.ui.twfe_p", lang, p=_fmt_p(d["twfe"]["p"], lang)))
                lines.append(text)
        if "ri" in d:
            lines.append(t("impact.ui.ri", lang, reps=d["ri"]["reps"], p=_fmt_p(d["ri"]["p"], lang),
                           pmin=_fmt_p(d["ri"]["p_min"], lang)))
        if result.mde is not None and result.within_sd is not None:
            lines.append(t("impact.ui.mde", lang, mde=format_number(result.mde, lang, 2),
                           sd=format_number(result.within_sd, lang, 2)))
        if result.rung == "E" and "pre_rmspe" in d:
            lines.append(t("impact.ui.pre_rmspe", lang, v=format_number(d["pre_rmspe"], lang, 2),
                           sd=format_number(result.within_sd, lang, 2)))
            lines.append(t("impact.ui.ratio", lang, p=_fmt_p(d.get("p_ratio"), lang)))
        if d.get("confounders"):
            items = ", ".join(f"{c['action_type']} {c['year']}" for c in d["confounders"])
            lines.append(t("impact.ui.confounders", lang, items=items))
        if d.get("failed_checks"):
            items = ", ".join(t(f"impact.ui.check_{c}", lang) for c in d["failed_checks"])
            lines.append(t("impact.ui.checks_failed", lang, items=items))
        for line in lines:
            st.write(line)
        if result.placebo is not None and not result.placebo.empty:
            st.write(t("impact.ui.placebo_title", lang))
            frame = result.placebo.copy()
            table = pd.DataFrame({
                t("impact.ui.col_component", lang): [catalog.component_label(c, lang) for c in frame["component"]],
                t("impact.ui.col_est", lang): [format_signed(v, lang, 2) for v in frame["est"]],
                t("impact.ui.col_p", lang): [_fmt_p(v, lang) for v in frame["p"]],
                t("impact.ui.col_p_adj", lang): [_fmt_p(v, lang) for v in frame["p_adj"]],
                t("impact.ui.col_role", lang): [t(f"impact.ui.role_{r}", lang) for r in frame["role"]]})
            st.dataframe(table, hide_index=True)
            placebos = frame[frame["role"] == "placebo"]
            st.caption(t("impact.ui.placebo_fail" if (placebos["p_adj"] < 0.05).any() else "impact.ui.placebo_pass",
                         lang))
        if result.rung == "E" and isinstance(d.get("weights"), pd.DataFrame) and not d["weights"].empty:
            st.write(t("impact.ui.weights_title", lang))
            weights = d["weights"]
            st.dataframe(pd.DataFrame({
                t("impact.ui.col_unit", lang): [catalog.unit_name("vn63", u, lang) for u in weights["unit_code"]],
                t("impact.ui.col_weight", lang): [format_number(w, lang, 3) for w in weights["weight"]]}),
                hide_index=True)
        if result.rung == "F":
            ranking = d["ranking"]
            st.write(t("impact.ui.ranking_title", lang))
            st.dataframe(pd.DataFrame({
                t("impact.ui.col_action", lang): ranking["action_type"],
                t("impact.ui.col_ridge", lang): [format_number(v, lang, 3) for v in ranking["ridge"]],
                t("impact.ui.col_lasso", lang): [format_number(v, lang, 3) for v in ranking["lasso"]]}),
                hide_index=True)
        notes = d.get("notes_vi") if lang == "vi" else [w for w in result.warnings]
        if notes:
            st.caption(t("impact.ui.warnings", lang) + ": " + " ".join(notes))
        st.caption(t("impact.ui.cached", lang))
