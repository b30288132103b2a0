"""The Impact page's view model: what the pickers offer and what a card shows, formatted, per language.

Pure functions returning dataclasses (like :func:`provindex.views.ranking_view` for Rankings): the
UI (``provindex.ui.impact``) only lays them out and caches the estimation. The pickers and the framing
of the unit's own card against the other adopters' average live in :mod:`provindex.impact.focus`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from provindex.catalog import Catalog
from provindex.i18n import t
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


# -- pickers --------------------------------------------------------------------------------------------------------
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


def method_choices(lang: str) -> MethodChoices:
    """The page's methods (TWFE only as a benchmark) with their labels."""
    return MethodChoices(list(PAGE_METHODS), {m: t(f"impact.ui.method_{m}", lang) for m in PAGE_METHODS})


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
    notice: str | None = None
    panel: str = ""  # which units the estimate ran on (63 former provinces, or 34 converted units with the dose)


def card_view(result: ImpactResult, catalog: Catalog, unit_name: str, lang: str,
              title: str | None = None) -> ImpactCard:
    """The card of ``result``: verdict, sentence, number row, chart, diagnostics, tables and notes."""
    rung = rung_of(result)
    verdict = t(f"impact.verdict.{result.verdict}", lang)
    icon = VERDICT_ICON[result.verdict]
    notes = result.warning_texts(lang)
    return ImpactCard(
        heading=f"{icon} {verdict}", verdict=verdict, icon=icon, sentence=result.sentence(lang),
        headline=rung.headline(result, lang, unit_name), figure=rung.figure(result, catalog, unit_name, lang),
        chart_key=f"{rung.chart_key}_{result.spec_hash}", diagnostics_title=t("impact.ui.diagnostics", lang),
        diagnostics=rung.diagnostics(result, lang),
        tables=rung.tables(result, catalog, lang),
        warnings_line=t("impact.ui.warnings", lang) + ": " + " ".join(notes) if notes else None,
        footnote=t("impact.ui.cached", lang), title=title, panel=t(f"impact.ui.panel_{result.unit_set}", lang))
