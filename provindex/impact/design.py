"""The estimation design (IMPACT-METHOD §2, §3.9–3.11): window, balanced panel, cohorts, placebo family.

``build_design(scores, actions, spec, catalog=...)`` turns the scores and the register into the
balanced unit × edition matrix every rung fits, with the reasons a design cannot be assessed and
the notes shown under the card (both kept as message keys, rendered in either language).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from provindex.catalog import Catalog
from provindex.impact import exposure, units34
from provindex.impact.result import ImpactError, Message

MIN_PRE = 3               # pre-editions per cohort (verdict "cannot be assessed" below)
MIN_PRE_SCM = 5
COVERAGE_SHARE = 0.8      # editions publishing fewer units (PCI top-30) are left out of the window
ESTIMATION_UNIT_SET = "vn63"  # editions ≤ 2024 are estimated on the 63 pre-merger provinces (§3.10)


@dataclass(frozen=True)
class DesignSpec:
    """What to estimate and how to cut the panel (everything build_design needs besides the data)."""

    outcome: str
    action_type: str
    window: tuple[int, int] | None = None
    lead_days: int = exposure.DEFAULT_LEAD_DAYS
    min_pre: int = MIN_PRE
    control: str = "auto"
    unit: str | None = None           # prefer windows in which this unit acted (one-unit rungs)
    keep_all_cohorts: bool = False    # one-unit rungs keep cohorts with few pre-editions
    targets: pd.DataFrame | None = None
    editions_table: pd.DataFrame | None = None
    units: str = ESTIMATION_UNIT_SET  # "vn34": the 34 units with the dose (scores and register already attached)


@dataclass
class Design:
    """The balanced panel one rung fits: Y (units × years), cohorts G, placebo family and notes."""

    index: str
    outcome: str
    years: list[int]
    units: list[str]
    Y: np.ndarray
    G: np.ndarray
    cohort_frame: pd.DataFrame
    family: dict[str, np.ndarray]
    registered: set[str]
    reasons: list[Message]
    notes: list[Message]
    control: str
    breaks: list[int]
    unit_set: str = ESTIMATION_UNIT_SET
    dose: np.ndarray | None = None  # units × years share treated on the 34 units (None on the 63 provinces)

    @property
    def n_treated(self) -> int:
        """Units with an adoption inside the window."""
        return int((self.G > 0).sum())


@dataclass
class _Draft:
    """What build_design has learned so far (the steps fill it in order)."""

    spec: DesignSpec
    catalog: Catalog
    index: str
    actions: pd.DataFrame
    scores: pd.DataFrame
    wide: pd.DataFrame
    breaks: list[int]
    reasons: list[Message] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)

    def note(self, key: str, **params) -> None:
        """Add a note shown under the card (``impact.note.<key>``)."""
        self.notes.append(Message(f"impact.note.{key}", params))

    def reason(self, key: str, **params) -> None:
        """Add a reason the design cannot be assessed (``impact.reason.<key>``)."""
        self.reasons.append(Message(f"impact.reason.{key}", params))


def _component_index(outcome: str, catalog: Catalog) -> str:
    if not catalog.has_component(outcome):
        raise ImpactError("impact.error.unknown_outcome", outcome=outcome)
    return catalog.component(outcome)["index"]


def wide_scores(scores: pd.DataFrame, component: str, unit_set: str = ESTIMATION_UNIT_SET) -> pd.DataFrame:
    """Units × years of one component on the estimation unit set (empty frame without rows)."""
    rows = scores[(scores["component"] == component) & (scores["unit_set"] == unit_set)]
    if rows.empty:
        return pd.DataFrame()
    return rows.pivot_table(index="unit_code", columns="year", values="value", aggfunc="first").sort_index()


def segments(years: list[int], breaks: list[int]) -> list[list[int]]:
    """Runs of consecutive editions not crossing a series break."""
    out: list[list[int]] = []
    for year in sorted(years):
        if out and year == out[-1][-1] + 1 and not any(out[-1][-1] < b <= year for b in breaks):
            out[-1].append(year)
        else:
            out.append([year])
    return out


def registered_targets(actions: pd.DataFrame, action_type: str, targets: pd.DataFrame | None) -> set[str]:
    """Components pre-registered for this action type (action_target, else the register's target list)."""
    of_type = actions["action_type"] == action_type
    ids = set(actions.loc[of_type, "action_id"].dropna()) if "action_id" in actions else set()
    out: set[str] = set()
    if targets is not None and not targets.empty and ids:
        out |= set(targets.loc[targets["action_id"].isin(ids), "component"])
    if "target_components" in actions:
        for value in actions.loc[of_type, "target_components"].dropna():
            out |= {c.strip() for c in str(value).split(",") if c.strip()}
    return out


def build_design(scores: pd.DataFrame, actions: pd.DataFrame, spec: DesignSpec, *, catalog: Catalog) -> Design:
    """The design of ``spec``: window, balanced panel, usable cohorts, control group and placebo family."""
    index = _component_index(spec.outcome, catalog)
    actions = exposure.normalise_actions(actions)
    scores = scores[(scores["index"] == index) & (scores["unit_set"] == spec.units)]
    draft = _Draft(spec, catalog, index, actions, scores, wide_scores(scores, spec.outcome, spec.units),
                   catalog.break_years(index, spec.outcome))
    registered = registered_targets(actions, spec.action_type, spec.targets)
    if draft.wide.empty:
        raise ImpactError("impact.error.no_scores", outcome=spec.outcome)
    years = _window(draft, _eligible_years(draft))
    if len(years) < 2:
        raise ImpactError("impact.error.no_window", outcome=spec.outcome)
    panel = _balanced(draft, years)
    frame = _usable_cohorts(draft, years, [str(u) for u in panel.index])
    panel = panel.loc[frame["unit_code"]]
    G = frame["g"].to_numpy(dtype=int)
    control = _control_group(draft, G)
    family = _placebo_family(draft, years, frame["unit_code"])
    dose = _dose(draft, years, list(frame["unit_code"]), G)
    return Design(index, spec.outcome, years, list(frame["unit_code"]), panel.to_numpy(dtype=float), G, frame, family,
                  registered, draft.reasons, draft.notes, control, draft.breaks, spec.units, dose)


def _dose(draft: _Draft, years: list[int], units: list[str], G: np.ndarray) -> np.ndarray | None:
    """The 34 units' dose over the window (None on the 63 provinces), with the note saying which panel ran."""
    spec = draft.spec
    if spec.units != "vn34":
        return None
    dose = units34.dose_matrix(draft.actions, spec.action_type, draft.index, years, units,
                               lead_days=spec.lead_days, table=spec.editions_table)
    dose[G == 0] = 0.0  # a unit outside the cohorts (acting after the window) is a comparison unit throughout
    draft.note("panel_vn34", n=len(units))
    if 2024 in years and 2025 in years:
        draft.note("crosses_merger")
    return dose


def _eligible_years(draft: _Draft) -> list[int]:
    """Editions publishing at least COVERAGE_SHARE of the best-covered edition's units."""
    counts = draft.wide.notna().sum()
    eligible = [int(y) for y, c in counts.items() if c >= COVERAGE_SHARE * counts.max()]
    partial = sorted(set(int(y) for y in counts.index) - set(eligible))
    if partial:
        draft.note("partial_years", years=", ".join(map(str, partial)))
    return eligible


def _window(draft: _Draft, eligible: list[int]) -> list[int]:
    """The analyst's window (a break inside it is a reason), else the best break-free segment."""
    if draft.spec.window is None:
        return _best_segment(draft, eligible)
    y0, y1 = int(draft.spec.window[0]), int(draft.spec.window[1])
    crossing = [b for b in draft.breaks if y0 < b <= y1]
    if crossing:
        draft.reason("break", year=crossing[0])
    return [y for y in eligible if y0 <= y <= y1]


def _best_segment(draft: _Draft, eligible: list[int]) -> list[int]:
    """The segment with the most usable adopters (the requested unit first), then the longest, then the latest."""
    spec, wide = draft.spec, draft.wide
    best, best_key = None, None
    for segment in segments(eligible, draft.breaks):
        units_here = list(wide.index[wide[segment].notna().all(axis=1)])
        frame = exposure.cohorts(draft.actions, spec.action_type, draft.index, segment, units_here,
                                 lead_days=spec.lead_days, table=spec.editions_table)
        usable = int(((frame["g"] > 0) & (frame["n_pre"] >= spec.min_pre) & ~frame["always_treated"]).sum())
        if spec.unit is not None:
            usable += 1000 * int(bool(((frame["unit_code"] == spec.unit) & (frame["g"] > 0)).any()))
        key = (usable, len(segment), segment[-1])
        if best_key is None or key > best_key:
            best, best_key = segment, key
    return best or []


def _balanced(draft: _Draft, years: list[int]) -> pd.DataFrame:
    """Units with every edition of the window; the others are named in a note (§3.9)."""
    panel = draft.wide[years]
    complete = panel.notna().all(axis=1)
    dropped = [str(u) for u in panel.index[~complete]]
    if dropped:
        names = ", ".join(draft.catalog.unit_name(draft.spec.units, u) for u in dropped[:6])
        draft.note("unbalanced", n=len(dropped), units=names + (" …" if len(dropped) > 6 else ""))
    return panel[complete]


def _usable_cohorts(draft: _Draft, years: list[int], units: list[str]) -> pd.DataFrame:
    """Cohorts of the window without always-treated, too-few-pre and temporary-only units (noted)."""
    spec = draft.spec
    frame = exposure.cohorts(draft.actions, spec.action_type, draft.index, years, units, lead_days=spec.lead_days,
                             table=spec.editions_table, targets=spec.targets, component=spec.outcome,
                             breaks=draft.breaks)
    keep = np.ones(len(frame), dtype=bool)
    always = frame["always_treated"].to_numpy()
    if always.any():
        draft.note("always_treated", n=int(always.sum()), year=years[0])
        keep &= ~always
    few_pre = ((frame["g"] > 0) & (frame["n_pre"] < spec.min_pre) & ~frame["always_treated"]).to_numpy()
    if few_pre.any() and not spec.keep_all_cohorts:
        draft.note("few_pre", n=int(few_pre.sum()), k=spec.min_pre)
        keep &= ~few_pre
    temporary = frame["temporary_only"].to_numpy()
    if temporary.any():
        draft.note("temporary", n=int(temporary.sum()))
        keep &= ~temporary
    if frame["contaminated"].any():
        draft.note("contaminated", n=int(frame["contaminated"].sum()))
    return frame[keep].reset_index(drop=True)


def _control_group(draft: _Draft, G: np.ndarray) -> str:
    """Never-treated when at least two exist, else not-yet-treated; a reason when neither can compare."""
    n_treated, n_never = int((G > 0).sum()), int((G == 0).sum())
    control = draft.spec.control
    if control == "auto":
        control = "nevertreated" if n_never >= 2 else "notyettreated"
    if n_treated == 0:
        draft.reason("no_treated")
    elif control == "nevertreated" and n_never == 0:
        draft.reason("no_control")
    elif control == "notyettreated" and n_never == 0 and len(set(G[G > 0])) < 2:
        draft.reason("same_year")
    return control


def _placebo_family(draft: _Draft, years: list[int], units: pd.Series) -> dict[str, np.ndarray]:
    """The other sub-indices of the index, complete over the window and free of breaks in it."""
    family: dict[str, np.ndarray] = {}
    skipped = []
    for code in draft.catalog.components_of(draft.index, level=1)["code"]:
        if code == draft.spec.outcome:
            continue
        other = wide_scores(draft.scores, code, draft.spec.units)
        if other.empty or not set(years) <= set(int(y) for y in other.columns):
            continue
        if any(years[0] < b <= years[-1] for b in draft.catalog.break_years(draft.index, code)):
            skipped.append(code)
            continue
        values = other.reindex(index=units, columns=years)
        if values.notna().all().all():
            family[code] = values.to_numpy(dtype=float)
        else:
            skipped.append(code)
    if skipped:
        draft.note("placebo_skipped", n=len(skipped))
    return family
