"""The target slide (what would it take) and the reform-actions slide of the deck.

The target slide is the planner's answer (``provindex.planner``) for the deck's headline index; the
reform slide lists the unit's actions of the period with the impact ladder's verdict on each action type.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from provindex import planner
from provindex.analysis import TOP_N
from provindex.catalog import Catalog
from provindex.deck.data import DeckData, impact_verdict
from provindex.deck.model import ChartSpec, Slide, TableSpec
from provindex.deck.sections import Frame
from provindex.i18n import localized, t
from provindex.text import format_number, format_signed

PLAN_INDICES = ("PCI", "PAPI")  # indices whose composite the planner can rebuild (weighted sum, plain sum)
REFORM_YEARS = 4  # the period of the reform slide: this edition and the three before
MAX_ACTIONS = 8


def default_target(rank: int) -> tuple[str, int | None]:
    """The conference's question for a unit at ``rank``: the top 10, else the top 3, else to stay first."""
    if rank > TOP_N:
        return "top10", None
    return ("rank", 3) if rank > 3 else ("rank", 1)


def plan_sentences(base: planner.Setup, result: planner.Plan, lang: str) -> list[str]:
    """The plan in words: target, composite and rank before and after, the others-move-too check, caveats."""
    def num(value):
        return format_number(value, lang)

    lines = [t("planner.goal", lang, rank=result.target_rank, score=num(result.target_score))
             if result.target_rank else t("planner.goal_score", lang, score=num(result.target_score))]
    if not result.feasible:
        ceiling, best_rank = planner.best_reachable(base)
        lines.append(t("planner.infeasible", lang, score=num(ceiling), rank=best_rank))
    elif result.total <= 0:
        lines.append(t("planner.already", lang, rank=base.rank))
    else:
        lines.append(t("planner.total", lang, total=num(result.total), n=len(result.order)))
    lines.append(t("planner.outcome", lang, before=num(base.composite), after=num(result.composite),
                   rank_before=base.rank, rank_after=result.rank))
    moved = planner.under_movement(base, result)
    lines.append(t("planner.others_move", lang, move=format_signed(base.movement, lang), rank=moved)
                 if moved is not None else t("planner.others_unknown", lang))
    if base.weights_year:
        lines.append(t("planner.borrowed_weights", lang, year=base.year, weights_year=base.weights_year))
    return lines


def plan_table(base: planner.Setup, result: planner.Plan, catalog: Catalog, lang: str,
               parts: list[str] | None = None) -> TableSpec:
    """Per sub-index (all, or ``parts``): now, the plan, the gain, the composite points it brings, the best."""
    def num(value):
        return format_number(value, lang)

    rows = [[catalog.component_label(p, lang), num(base.values[p]), num(base.values[p] + result.gains[p]),
             num(result.gains[p]), num(base.coef[p] * result.gains[p]), num(base.best[p])]
            for p in (base.parts if parts is None else parts)]
    columns = [t(f"planner.col_{c}", lang) for c in ("component", "now", "plan", "gain", "points", "best")]
    return TableSpec(columns, rows)


@dataclass
class PlannerView:
    """The planner page and slide: inputs, the plan, its sentences, table and chart (or why there is none)."""

    base: planner.Setup | None = None
    plan: planner.Plan | None = None
    sentences: list[str] = field(default_factory=list)
    table: TableSpec | None = None
    chart: ChartSpec | None = None
    message: str | None = None


def planner_view(scores: pd.DataFrame, catalog: Catalog, index: str, year: int, unit_code: str, kind: str,
                 value: float | None, lang: str) -> PlannerView:
    """The plan for one unit, index, edition and target (``kind`` in ``planner.TARGET_KINDS``)."""
    try:
        base = planner.setup(scores, catalog, index, year, unit_code)
    except planner.PlannerUnavailable as exc:
        return PlannerView(message=t(exc.key, lang))
    goal, goal_rank = planner.target_score(base, kind, value)
    result = planner.plan(base, goal, goal_rank)
    name = localized(catalog.index_row(index), "short", lang)
    labels = [catalog.component_label(p, lang) for p in base.parts]
    chart = ChartSpec("bar", t("planner.chart", lang, index=name), labels,
                      [(t("planner.col_gain", lang), [round(result.gains[p], 4) for p in base.parts])],
                      t("chart.unit_points", lang), key=f"plan_{index}", index=index)
    return PlannerView(base, result, plan_sentences(base, result, lang), plan_table(base, result, catalog, lang),
                       chart)


def target_slide(frame: Frame) -> Slide | None:
    """What it would take to reach the next target in the first index the planner can rebuild."""
    for index in PLAN_INDICES:
        try:
            rank = planner.setup(frame.scores, frame.catalog, index, frame.year, frame.unit_code).rank
        except planner.PlannerUnavailable:
            continue
        view = planner_view(frame.scores, frame.catalog, index, frame.year, frame.unit_code, *default_target(rank),
                            frame.lang)
        notes = view.sentences + [t("planner.method_note", frame.lang), frame.source(index, str(frame.year))]
        notes += [" · ".join(row) for row in view.table.rows]  # every sub-index in the notes, moved ones on the slide
        moved = plan_table(view.base, view.plan, frame.catalog, frame.lang, view.plan.order) if view.plan.order \
            else None
        return Slide(f"plan_{index}", t("planner.slide_title", frame.lang, index=frame.index_name(index),
                                        year=frame.year),
                     bullets=view.sentences, charts=[view.chart], table=moved, notes=notes)
    return None


def _outcome(data: DeckData, action_id: str) -> str:
    """The sub-index an action was pre-registered to move (primary first), else the PCI composite."""
    hypotheses = data.targets[data.targets["action_id"] == action_id]
    if not hypotheses.empty:
        primary = hypotheses[hypotheses["role"] == "primary"]
        return str((primary if not primary.empty else hypotheses)["component"].iloc[0])
    return "PCI:TOTAL"


def reform_slide(frame: Frame, data: DeckData) -> Slide:
    """The unit's reform actions of the period, each with the impact verdict on its action type and a caveat."""
    lang, catalog = frame.lang, frame.catalog
    actions = data.actions[(data.actions["unit_code"] == frame.unit_code)
                           & (data.actions["year"] > frame.year - REFORM_YEARS) & (data.actions["year"] <= frame.year)]
    actions = actions.sort_values(["year", "action_id"]).tail(MAX_ACTIONS)
    types = catalog.action_types.set_index("code") if "code" in catalog.action_types else None
    verdicts: dict[tuple[str, str], object] = {}
    rows, notes = [], [t("deck.note_reforms", lang, first=frame.year - REFORM_YEARS + 1, last=frame.year)]
    for row in actions.to_dict("records"):
        outcome = _outcome(data, row["action_id"])
        key = (row["action_type"], outcome)
        if key not in verdicts:
            verdicts[key] = impact_verdict(data, row["action_type"], outcome, lang)
        verdict = verdicts[key]
        title = localized(row, "title", lang) or row["title_vi"]
        type_name = localized(types.loc[row["action_type"]], "name", lang) \
            if types is not None and row["action_type"] in types.index else row["action_type"]
        word = t(f"impact.verdict.{verdict.verdict}", lang) if verdict else t("deck.verdict_none", lang)
        rows.append([str(int(row["year"])), title, type_name, catalog.component_label(outcome, lang), word])
        if verdict:
            notes.append(f"{title}: {verdict.sentence}" + (f" ({verdict.caveat})" if verdict.caveat else ""))
    bullets = [t("deck.reform_caveat", lang)] if rows else [t("deck.no_reforms", lang, unit=frame.unit_name)]
    notes.append(t("deck.reform_caveat", lang))
    columns = [t("ui.year", lang), t("deck.col_action", lang), t("deck.col_type", lang), t("deck.col_outcome", lang),
               t("deck.col_verdict", lang)]
    return Slide("reforms", t("deck.reforms_title", lang, first=frame.year - REFORM_YEARS + 1, last=frame.year),
                 bullets=bullets, table=TableSpec(columns, rows) if rows else None, notes=notes)
