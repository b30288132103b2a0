"""The Impact page's view model: what the pickers offer and what a card shows, formatted, per language.

Pure functions returning dataclasses (like :func:`provindex.views.ranking_view` for Rankings): the
UI (``provindex.ui.impact``) only lays them out and caches the estimation. The domain defaults of
the page — the default action type, the sub-indices worth offering, the one-unit card — live here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from provindex.catalog import Catalog
from provindex.i18n import lang_column, localized, t
from provindex.impact.ladder import ONE_UNIT_METHODS
from provindex.impact.result import ImpactResult
from provindex.impact.rungs import Headline, Table, rung_of

PAGE_METHODS = ("cs", "did2s", "scm", "its", "fd", "lasso")  # TWFE appears only as a benchmark in the diagnostics
DEFAULT_METHOD = "cs"
#: First edition of the estimation era: PCI's 2013 methodology reset, the earliest window any rung can use.
#: Sub-indices discontinued before it (PCI's SOE bias 2005–08, central policies 2005) have no comparable window.
ESTIMATION_ERA_START = 2013
# Material icons ship with Streamlit (no emoji font needed on office PCs, nothing fetched).
VERDICT_ICON = {"clear": ":material/check_circle:", "weak": ":material/help:", "insufficient": ":material/remove:",
                "not_assessable": ":material/block:"}
PRIMARY_MARK = " ★"


# -- pickers --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ActionChoices:
    """Action-type picker and the unit's registered actions (id "" = none picked)."""

    types: list[str]
    type_labels: dict[str, str]
    default_type: str
    registered: list[str]
    registered_labels: dict[str, str]
    registered_type: dict[str, str]
    registered_caption: dict[str, str]


@dataclass(frozen=True)
class OutcomeChoices:
    """Index and sub-index pickers for one action type; pre-registered targets marked and preferred."""

    indices: list[str]
    index_labels: dict[str, str]
    default_index: str
    primary: list[str]


@dataclass(frozen=True)
class ComponentChoices:
    """The sub-indices of one index still published in the estimation era, plus its composite."""

    codes: list[str]
    labels: dict[str, str]
    default: str


@dataclass(frozen=True)
class MethodChoices:
    """The rungs the page offers, with their labels."""

    methods: list[str]
    labels: dict[str, str]
    default: str = DEFAULT_METHOD


def reform_types(catalog: Catalog, actions: pd.DataFrame) -> list[str]:
    """Reform types present in the register (catalogue order); every reform type when none is."""
    types = catalog.action_types
    reform = list(types.loc[types["kind"] == "reform", "code"])
    present = [c for c in reform if c in set(actions["action_type"])]
    return present or reform


def default_action_type(actions: pd.DataFrame, types: list[str]) -> str:
    """The type with the most units in the register (the best-powered comparison); catalogue order breaks ties."""
    counts = actions.groupby("action_type")["unit_code"].nunique()
    return max(types, key=lambda c: (int(counts.get(c, 0)), -types.index(c)))


def action_choices(catalog: Catalog, actions: pd.DataFrame, unit_code: str, lang: str) -> ActionChoices:
    """The action-type picker and the registered actions of ``unit_code``."""
    types = reform_types(catalog, actions)
    names = {row["code"]: localized(row, "name", lang) for row in catalog.action_types.to_dict("records")}
    mine = actions[(actions["unit_code"] == unit_code) & actions["action_type"].isin(types)]
    titles = mine[lang_column("title", lang)].fillna(mine["action_id"])
    labels = {"": t("impact.ui.none_registered", lang)}
    labels.update({a: f"{title} ({int(year)})" for a, title, year in zip(mine["action_id"], titles, mine["year"])})
    of_type = dict(zip(mine["action_id"], mine["action_type"].astype(str)))
    captions = {a: f"{t('impact.ui.pick_action', lang)}: {names.get(c, c)}" for a, c in of_type.items()}
    return ActionChoices(types, {c: names.get(c, c) for c in types}, default_action_type(actions, types),
                         [""] + list(mine["action_id"]), labels, of_type, captions)


def outcome_choices(catalog: Catalog, actions: pd.DataFrame, targets: pd.DataFrame, action_type: str,
                    lang: str) -> OutcomeChoices:
    """Indices, with the index of the type's first pre-registered target as the default."""
    ids = set(actions.loc[actions["action_type"] == action_type, "action_id"])
    registered = targets[targets["action_id"].isin(ids)].sort_values(["role", "component"])
    primary = registered.drop_duplicates("component")["component"].tolist()
    indices = catalog.index_codes()
    default = catalog.component(primary[0])["index"] if primary else indices[0]
    labels = {i: localized(catalog.index_row(i), "short", lang) for i in indices}
    return OutcomeChoices(indices, labels, default, primary)


def component_choices(catalog: Catalog, index: str, primary: list[str], lang: str) -> ComponentChoices:
    """Sub-indices of ``index`` published in the estimation era and the composite; a target first."""
    comps = catalog.components_of(index, level=1)
    comps = comps[comps["last_year"].isna() | (comps["last_year"] >= ESTIMATION_ERA_START)]
    codes = list(comps["code"]) + [catalog.composite(index)]
    labels = {c: catalog.component_label(c, lang, short=False) + (PRIMARY_MARK if c in primary else "")
              for c in codes}
    return ComponentChoices(codes, labels, next((c for c in primary if c in codes), codes[0]))


def method_choices(lang: str) -> MethodChoices:
    """The page's methods (TWFE only as a benchmark) with their labels."""
    return MethodChoices(list(PAGE_METHODS), {m: t(f"impact.ui.method_{m}", lang) for m in PAGE_METHODS})


# -- requests -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImpactChoice:
    """What the reader picked (all kept in the URL as codes)."""

    action_type: str
    outcome: str
    method: str
    anticipation: int
    action_id: str | None = None

    def request(self, unit_code: str, method: str | None = None) -> dict:
        """The estimate() arguments of one card: one-unit rungs get the unit, the others compare units."""
        method = method or self.method
        return {"action_type": self.action_type, "outcome": self.outcome, "method": method,
                "anticipation": self.anticipation, "unit": unit_code if method in ONE_UNIT_METHODS else None,
                "seed": 0}


def unit_request(choice: ImpactChoice, result: ImpactResult | None, actions: pd.DataFrame,
                 unit_code: str) -> dict | None:
    """The unit's own synthetic-control card, asked for when a cross-unit card's unit took this action type."""
    if result is None or result.rung != "D":
        return None
    took = ((actions["unit_code"] == unit_code) & (actions["action_type"] == choice.action_type)).any()
    return choice.request(unit_code, method="scm") if took else None


# -- the card -------------------------------------------------------------------------------------------------------
@dataclass
class ImpactCard:
    """Everything one result card shows, already formatted in the page's language."""

    heading: str
    verdict: str
    icon: str
    sentence: str
    headline: Headline
    figure: object | None
    chart_key: str
    diagnostics_title: str = ""
    diagnostics: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    warnings_line: str | None = None
    footnote: str = ""
    title: str | None = None


def card_view(result: ImpactResult, catalog: Catalog, unit_name: str, lang: str,
              title: str | None = None) -> ImpactCard:
    """The card of ``result``: verdict, sentence, number row, chart, diagnostics, tables and notes."""
    rung = rung_of(result)
    verdict = t(f"impact.verdict.{result.verdict}", lang)
    icon = VERDICT_ICON[result.verdict]
    notes = result.warning_texts(lang)
    return ImpactCard(
        heading=f"{icon} {verdict}", verdict=verdict, icon=icon, sentence=result.sentence(lang),
        headline=rung.headline(result, lang), figure=rung.figure(result, catalog, unit_name, lang),
        chart_key=f"{rung.chart_key}_{result.spec_hash}", diagnostics_title=t("impact.ui.diagnostics", lang),
        diagnostics=rung.diagnostics(result, lang),
        tables=rung.tables(result, catalog, lang),
        warnings_line=t("impact.ui.warnings", lang) + ": " + " ".join(notes) if notes else None,
        footnote=t("impact.ui.cached", lang), title=title)


def cards(result: ImpactResult | None, unit_result: ImpactResult | None, catalog: Catalog, unit_name: str,
          lang: str) -> list[ImpactCard]:
    """The page's cards: the main result, then the unit's own card titled with its name."""
    out = [card_view(result, catalog, unit_name, lang)] if result is not None else []
    if unit_result is not None:
        out.append(card_view(unit_result, catalog, unit_name, lang, t("impact.ui.unit_card", lang, unit=unit_name)))
    return out
