"""The Impact page starts from the focal unit (issue 13): its actions, their targets, whose number is shown.

Pure functions over the register (no Streamlit): :func:`unit_actions` lists what the unit registered and
the edition each action could first move; :func:`action_options` / :func:`outcome_options` feed the two
pickers (the outcome defaults to the action's pre-registered target, other sub-indices are exploratory);
:func:`focus_cards` frames the unit's own card and the other adopters' average as two different answers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from provindex.catalog import Catalog
from provindex.i18n import lang_column, localized, t
from provindex.impact import exposure
from provindex.impact import units34
from provindex.impact.design import ESTIMATION_UNIT_SET, MIN_PRE_SCM
from provindex.impact.ladder import ONE_UNIT_METHODS
from provindex.impact.result import ImpactResult
from provindex.impact.view import ESTIMATION_ERA_START, ImpactCard, card_view, default_action_type, reform_types

PRIMARY_FIRST = {"primary": 0, "secondary": 1}


@dataclass(frozen=True)
class UnitAction:
    """One action type the unit registered: its entries, the first register year and first edition it can move."""

    action_type: str
    name: str
    titles: tuple[str, ...]
    year: int
    index: str | None
    edition: int | None


@dataclass(frozen=True)
class Options:
    """A picker: codes in display order, their labels and the default code."""

    codes: list[str]
    labels: dict[str, str]
    default: str
    registered: tuple[str, ...] = ()


def index_label(catalog: Catalog, index: str, lang: str) -> str:
    """The index's short name (PCI, PAPI, Chỉ số CCHC ...) in ``lang``."""
    return str(localized(catalog.index_row(index), "short", lang))


def type_name(catalog: Catalog, action_type: str, lang: str) -> str:
    """The action type's catalogue name in ``lang`` (the code itself when unknown)."""
    rows = catalog.action_types[catalog.action_types["code"] == action_type]
    return action_type if rows.empty else str(localized(rows.iloc[0], "name", lang))


def registered_outcomes(actions: pd.DataFrame, targets: pd.DataFrame, action_type: str) -> list[str]:
    """The type's pre-registered targets (IMPACT-METHOD §1.1): primary first, then secondary, then the register's."""
    of_type = actions[actions["action_type"] == action_type]
    rows = targets[targets["action_id"].isin(set(of_type["action_id"]))] if not targets.empty else targets
    ordered = []
    if not rows.empty:
        rows = rows.assign(order=rows["role"].map(PRIMARY_FIRST).fillna(2)).sort_values(["order", "component"])
        ordered = list(dict.fromkeys(rows["component"]))
    if "target_components" in of_type:
        for value in of_type["target_components"].dropna():
            ordered += [c.strip() for c in str(value).split(",") if c.strip() and c.strip() not in ordered]
    return ordered


def unit_actions(catalog: Catalog, actions: pd.DataFrame, targets: pd.DataFrame, unit_code: str,
                 lang: str) -> list[UnitAction]:
    """The unit's registered reform actions, one per type, earliest first, with the edition each can first move."""
    mine = actions[(actions["unit_code"] == unit_code) & actions["action_type"].isin(reform_types(catalog, actions))]
    out = []
    for action_type, rows in mine.groupby("action_type", sort=False):
        titles = rows[lang_column("title", lang)].fillna(rows["action_id"])
        outcomes = [c for c in registered_outcomes(actions, targets, action_type) if catalog.has_component(c)]
        index = catalog.component(outcomes[0])["index"] if outcomes else None
        edition = None
        if index is not None:
            absorbing = rows[rows["persistence"].fillna("absorbing") == "absorbing"] if "persistence" in rows else rows
            if not absorbing.empty:
                edition = int(exposure.action_editions(absorbing, index)["g"].min())
        out.append(UnitAction(str(action_type), type_name(catalog, action_type, lang),
                              tuple(f"{title} ({int(y)})" for title, y in zip(titles, rows["year"])),
                              int(rows["year"].min()), index, edition))
    return sorted(out, key=lambda a: (a.year, a.action_type))


def action_options(catalog: Catalog, actions: pd.DataFrame, mine: list[UnitAction], unit_name: str,
                   lang: str) -> Options:
    """The unit's own action types first (with the year), then the types only other units took."""
    types = reform_types(catalog, actions)
    taken = [a.action_type for a in mine]
    codes = taken + [c for c in types if c not in taken]
    labels = {a.action_type: t("impact.focus.option_taken", lang, name=a.name, unit=unit_name, year=a.year)
              for a in mine}
    labels.update({c: t("impact.focus.option_not_taken", lang, name=type_name(catalog, c, lang), unit=unit_name)
                   for c in codes if c not in labels})
    default = taken[0] if taken else default_action_type(actions, types)
    return Options(codes, labels, default)


def outcome_options(catalog: Catalog, actions: pd.DataFrame, targets: pd.DataFrame, action_type: str,
                    lang: str) -> Options:
    """Registered targets first (the first is the default), then the other sub-indices and composites, exploratory."""
    registered = [c for c in registered_outcomes(actions, targets, action_type) if catalog.has_component(c)]
    others = []
    for index in catalog.index_codes():
        comps = catalog.components_of(index, level=1)
        comps = comps[comps["last_year"].isna() | (comps["last_year"] >= ESTIMATION_ERA_START)]
        others += [c for c in list(comps["code"]) + [catalog.composite(index)] if c not in registered]
    labels = {}
    for code in registered + others:
        index = catalog.component(code)["index"]
        composite = code == catalog.composite(index)  # "PCI: PCI" says nothing: a composite shows its full name
        name = catalog.component_label(code, lang, short=False) if composite else \
            f"{index_label(catalog, index, lang)}: {catalog.component_label(code, lang)}"
        key = "impact.focus.outcome_registered" if code in registered else "impact.focus.outcome_exploratory"
        labels[code] = t(key, lang, name=name)
    # Without a registered target the headline score is the least arbitrary exploratory start.
    default = registered[0] if registered else catalog.composite(catalog.index_codes()[0])
    return Options(registered + others, labels, default, tuple(registered))


@dataclass(frozen=True)
class FocusChoice:
    """What the reader picked (kept in the URL as codes) and the requests it makes."""

    action_type: str
    outcome: str
    method: str
    anticipation: int
    units: str = ESTIMATION_UNIT_SET

    def request(self, method: str, unit: str | None) -> dict:
        """The estimate() arguments of one card."""
        return {"action_type": self.action_type, "outcome": self.outcome, "method": method,
                "anticipation": self.anticipation, "unit": unit, "seed": 0, "units": self.units}

    def own_request(self, unit_code: str, took: bool) -> dict | None:
        """The unit's own card (synthetic control unless the analyst chose another one-unit rung)."""
        if not took:
            return None
        return self.request(self.method if self.method in ONE_UNIT_METHODS else "scm", unit_code)

    def path_request(self, unit_code: str, own: ImpactResult | None) -> dict | None:
        """Too few editions before acting for a synthetic unit: the unit's own path, described only (rung A)."""
        if own is None or own.rung != "E" or own.verdict != "not_assessable" or "few_pre" not in own.details.reasons:
            return None
        return self.request("its", unit_code)

    def context_request(self) -> dict:
        """The cross-unit card: what the same action did in the units that took it (staggered DiD by default)."""
        return self.request(self.method if self.method not in ONE_UNIT_METHODS else "cs", None)


@dataclass(frozen=True)
class FocusUnit:
    """The focal unit on the chosen estimation units: its register, code and name."""

    actions: pd.DataFrame
    unit_code: str
    unit_name: str


def focus_unit(catalog: Catalog, actions: pd.DataFrame, unit_code: str, unit_name: str, units: str,
               lang: str) -> FocusUnit:
    """On the 34 units a former province is read as its new unit, whose register includes its members' actions."""
    if units != "vn34":
        return FocusUnit(actions, unit_code, unit_name)
    code = units34.new_unit(unit_code, catalog)
    attached = units34.attached(actions, catalog)
    other = attached["member_code"].notna() & (attached["member_code"] != attached["unit_code"])
    column = lang_column("title", lang)  # a member's action names the former province that took it
    if column in attached:
        members = attached.loc[other, "member_code"].map(lambda c: catalog.unit_name("vn63", c, lang))
        titles = attached.loc[other, column].fillna(attached.loc[other, "action_id"])
        attached.loc[other, column] = titles + " — " + members
    return FocusUnit(attached, code, catalog.unit_name("vn34", code, lang))


def focus_cards(own: ImpactResult | None, context: ImpactResult | None, *, action: UnitAction | None,
                exploratory: bool, catalog: Catalog, unit_code: str, unit_name: str, lang: str,
                path: ImpactResult | None = None) -> list[ImpactCard]:
    """The unit's own card first (when it took the action), then the other units' average, each saying whose.

    ``path`` (rung A) replaces an own card that could not be fitted for lack of editions before acting, so the
    leader still sees the unit's path before and after, described only.
    """
    notice = t("impact.focus.exploratory", lang) if exploratory else None
    out = []
    described = path is not None and path.verdict != "not_assessable"
    if described:
        own = path
    if own is not None:
        edition = t("impact.focus.edition", lang, index=index_label(catalog, action.index, lang),
                    edition=action.edition) if action and action.edition else ""
        title = t("impact.focus.own_title", lang, unit=unit_name, name=action.name if action else "",
                  edition=edition)
        card = card_view(own, catalog, unit_name, lang, title)
        if described:
            card = replace(card, sentence=t("impact.focus.path_only", lang, unit=unit_name, k=MIN_PRE_SCM) + " "
                           + card.sentence)
        out.append(replace(card, notice=notice))
    if context is not None:
        card = card_view(context, catalog, unit_name, lang, _context_title(context, action, unit_code, unit_name, lang))
        if action is None:  # the unit did not act: what to expect, not a claim about the unit
            card = replace(card, sentence=" ".join(_not_taken(context, unit_code, unit_name, lang, card.sentence)))
        out.append(replace(card, notice=notice))
    return out


def _context_title(result: ImpactResult, action: UnitAction | None, unit_code: str, unit_name: str,
                   lang: str) -> str:
    """Whose average the card shows, and whether the unit is one of them."""
    if result.rung != "D" or result.verdict == "not_assessable":
        return t("impact.focus.context_title_plain", lang)
    member = unit_code in result.details.treated_units
    key = "impact.focus.context_with_unit" if member else (
        "impact.focus.context_without_unit" if action else "impact.focus.context_title")
    return t(key, lang, n=result.n_treated, unit=unit_name)


def _not_taken(result: ImpactResult, unit_code: str, unit_name: str, lang: str, sentence: str) -> list[str]:
    """'Đà Nẵng chưa đăng ký hành động này. Ở N tỉnh đã thực hiện, …' and what the comparison means for the unit."""
    parts = [t("impact.focus.not_taken", lang, unit=unit_name), sentence]
    if result.rung == "D" and result.verdict != "not_assessable":
        key = "impact.focus.expect_in_comparison" if unit_code in result.details.control_units else \
            "impact.focus.expect"
        parts.append(t(key, lang, unit=unit_name))
    return parts
