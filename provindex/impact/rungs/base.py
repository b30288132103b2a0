"""What every rung shares: the run context, the result's common fields, the finishing step and the card parts.

A rung is a :class:`Rung` subclass: ``fit`` estimates, ``sentence`` words an assessable result,
``headline`` / ``figure`` / ``diagnostics`` / ``tables`` give the card its fields. The page and the
CLI only ever go through these methods, so a new rung is one new class registered in ``RUNGS``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from provindex.catalog import Catalog
from provindex.i18n import t
from provindex.impact import estimators as est
from provindex.impact.design import Design
from provindex.impact.result import Details, ImpactResult, Message
from provindex.impact.units34 import partial_units
from provindex.impact.verdict import placebo_fails
from provindex.impact.wording import Words, p_value, points, signed, words_for
from provindex.text import format_number


@dataclass
class Context:
    """One estimate() call: the design, the request and the seeded random generator."""

    design: Design
    catalog: Catalog
    spec: dict
    method: str
    rng: np.random.Generator
    anticipation: int
    ri_reps: int
    placebo: bool
    unit: str | None
    actions: pd.DataFrame
    cross_checks: bool = True  # the did2s / TWFE benchmarks shown in the analyst's view (not the verdict)

    @property
    def seed(self) -> int:
        """The random seed of the request."""
        return self.spec["seed"]

    @property
    def spec_hash(self) -> str:
        """Short hash of the request (identifies a card and its chart)."""
        return hashlib.sha256(json.dumps(self.spec, sort_keys=True).encode()).hexdigest()[:16]

    def versions(self) -> dict:
        """Software versions and hashes of the data and register behind the result (reproducibility)."""
        d = self.design
        data = pd.DataFrame(d.Y, index=d.units, columns=d.years).to_csv(float_format="%.10g")
        register = self.actions.loc[self.actions["action_type"] == self.spec["action_type"],
                                    [c for c in ("action_id", "unit_code", "year", "date", "date_precision",
                                                 "persistence", "version") if c in self.actions.columns]]
        register = register.astype(str).sort_values(list(register.columns)).to_csv(index=False)
        return {"provindex": "impact-1", "pyfixest": _version("pyfixest"), "numpy": np.__version__,
                "pandas": pd.__version__, "scipy": _version("scipy"),
                "data_sha": hashlib.sha256(data.encode()).hexdigest()[:16],
                "register_sha": hashlib.sha256(register.encode()).hexdigest()[:16]}

    def mechanical(self) -> bool:
        """The outcome contains an indicator of the action itself (an implementation check, not an impact)."""
        links = self.catalog.mechanical_links
        return bool(((links["action_type"] == self.spec["action_type"])
                     & (links["component"] == self.design.outcome)).any())

    def units_by_status(self, treated: bool) -> tuple[str, ...]:
        """The units that acted inside the window (or the comparison units): a page says where its unit sits."""
        return tuple(u for u, g in zip(self.design.units, self.design.G) if (g > 0) == treated)

    def unit_cohort(self) -> tuple[int, int] | None:
        """(row, first treated edition) of the requested unit; None when it is not in the panel or never acted.

        The one-unit rungs (A, E) describe a unit that took the action, so both start here.
        """
        if self.unit not in self.design.units:
            return None
        position = self.design.units.index(self.unit)
        g = int(self.design.G[position])
        return (position, g) if g else None


def binary_dose_note(ctx: Context, position: int | None = None) -> None:
    """On the 34 units, say that this rung reads a partial dose as treated (the unit's, or how many units)."""
    dose = ctx.design.dose
    if dose is None:
        return
    if position is None:
        n = partial_units(dose)
        if n:
            ctx.design.notes.append(Message("impact.note.dose_binary", {"n": n}))
    elif 0 < dose[position].max() < 1:
        ctx.design.notes.append(Message("impact.note.dose_binary_unit", {"share": round(100 * dose[position].max())}))


def _version(name: str) -> str:
    import importlib.metadata as md

    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return "-"


@dataclass(frozen=True)
class Headline:
    """The card's number row: metric label and value, interval text and the n line (None = not shown)."""

    metric_label: str | None = None
    metric_value: str | None = None
    interval: str | None = None
    n_line: str | None = None


@dataclass(frozen=True)
class Table:
    """A diagnostics table, already formatted, with its title and an optional caption below it."""

    title: str
    frame: pd.DataFrame
    caption: str | None = None


class Rung:
    """One rung of the ladder; subclasses set the class attributes and override the card methods."""

    letter: ClassVar[str]
    estimand: ClassVar[str]
    details_type: ClassVar[type[Details]] = Details
    chart_key: ClassVar[str] = "chart"

    def name(self, ctx: Context) -> str:
        """The estimator's name in the result (``method``)."""
        raise NotImplementedError

    def fit(self, ctx: Context) -> ImpactResult:
        """Estimate, run the diagnostics and return the finished result."""
        raise NotImplementedError

    def sentence(self, result: ImpactResult, words: Words) -> list[str]:
        """The sentence parts of an assessable result."""
        raise NotImplementedError

    def headline(self, result: ImpactResult, lang: str, unit_name: str = "") -> Headline:
        """The card's number row."""
        return Headline()

    def figure(self, result: ImpactResult, catalog: Catalog, unit_name: str, lang: str):
        """The card's chart (None = no chart)."""
        return None

    def diagnostics(self, result: ImpactResult, lang: str) -> list[str]:
        """The analyst lines of the diagnostics expander."""
        return mde_lines(result, lang)

    def tables(self, result: ImpactResult, catalog: Catalog, lang: str) -> list[Table]:
        """The diagnostics tables."""
        return []

    # -- building the result ----------------------------------------------------------------------------------
    def result(self, ctx: Context, **values) -> ImpactResult:
        """The finished result: shared fields, then ``values``, then details, notes and sentences."""
        fields = _base_fields(ctx, self.letter, self.name(ctx), self.estimand)
        fields.update(values)
        details = fields.pop("details", None) or self.details_type()
        fields["details"] = dataclasses.replace(
            details, reasons=tuple(m.code for m in ctx.design.reasons), control_group=ctx.design.control,
            anticipation=ctx.anticipation, registered_targets=tuple(sorted(ctx.design.registered)),
            mechanical=ctx.mechanical(), treated_units=details.treated_units or ctx.units_by_status(True),
            control_units=details.control_units or ctx.units_by_status(False))
        fields["warnings"] = tuple(ctx.design.notes)
        draft = ImpactResult(**fields, sentence_vi="", sentence_en="")
        return dataclasses.replace(draft, sentence_vi=self._words(ctx, draft, "vi"),
                                   sentence_en=self._words(ctx, draft, "en"))

    def not_assessable(self, ctx: Context, reason: Message | None = None, **values) -> ImpactResult:
        """A "cannot be assessed" result; ``reason`` joins the design's reasons."""
        if reason is not None:
            ctx.design.reasons.append(reason)
        return self.result(ctx, verdict="not_assessable", **values)

    def _words(self, ctx: Context, result: ImpactResult, lang: str) -> str:
        words = words_for(ctx.catalog, action_type=result.action_type, outcome=result.subindex_code, unit=ctx.unit,
                          verdict=result.verdict, editions=result.editions, lang=lang,
                          unit_set=result.unit_set)
        if result.verdict == "not_assessable":
            parts = self.unassessable_sentence(ctx, result, words)
        else:
            parts = self.sentence(result, words)
            if result.details.mechanical:
                parts.append(words.say("mechanical"))
        return " ".join(parts)

    def unassessable_sentence(self, ctx: Context, result: ImpactResult, words: Words) -> list[str]:
        """The "cannot be assessed" sentence with the design's reasons."""
        reasons = "; ".join(m.text(words.lang) for m in ctx.design.reasons) or t("impact.reason.generic", words.lang)
        return [words.say("not_assessable", reason=reasons)]


def _base_fields(ctx: Context, rung: str, method: str, estimand: str) -> dict:
    d = ctx.design
    treated = d.G > 0
    return dict(rung=rung, method=method, index_code=d.index, subindex_code=d.outcome,
                action_type=ctx.spec["action_type"], estimand=estimand, estimate=None, se=None, ci=None, p=None,
                p_method=None, p_adj=None, family=None, p_min_achievable=None, n_units=len(d.units),
                n_treated=int(treated.sum()), n_control=int((~treated).sum()),
                editions=(d.years[0], d.years[-1]) if d.years else None,
                cohorts={int(g): int((d.G == g).sum()) for g in sorted(set(d.G[treated].tolist()))},
                event_study=None, pretrend_p=None, placebo=None, mde=None,
                within_sd=est.within_sd(d.Y) if len(d.units) > 1 else None, verdict="insufficient",
                versions=ctx.versions(), seed=ctx.seed, spec_hash=ctx.spec_hash, unit=ctx.unit, series=None,
                unit_set=d.unit_set)


# -- card parts several rungs share ----------------------------------------------------------------------------
def estimate_headline(result: ImpactResult, lang: str, label_key: str, interval_key: str, **label) -> Headline:
    """Metric = signed estimate in points, interval = the CI in words (only when both exist).

    The label says whose number it is (``n`` = the units that acted, ``unit`` = the one unit).
    """
    if result.estimate is None or result.ci is None:
        return Headline()
    return Headline(t(label_key, lang, n=result.n_treated, **label), points(result.estimate, lang),
                    t(interval_key, lang, lo=signed(result.ci[0], lang), hi=signed(result.ci[1], lang)))


def n_line(result: ImpactResult, lang: str) -> str | None:
    """'n provinces acted · m comparison provinces · y0–y1' (None without a window)."""
    y0, y1 = result.editions or (None, None)
    if not y0:
        return None
    return t("impact.ui.n_line", lang, n_tr=result.n_treated, n_ctl=result.n_control, y0=y0, y1=y1)


def ri_lines(ri: dict | None, lang: str) -> list[str]:
    """The randomization-inference line, when RI was run."""
    if not ri:
        return []
    return [t("impact.ui.ri", lang, reps=ri["reps"], p=p_value(ri["p"], lang), pmin=p_value(ri["p_min"], lang))]


def mde_lines(result: ImpactResult, lang: str) -> list[str]:
    """The minimum detectable effect next to the within-unit noise."""
    if result.mde is None or result.within_sd is None:
        return []
    return [t("impact.ui.mde", lang, mde=format_number(result.mde, lang, 2),
              sd=format_number(result.within_sd, lang, 2))]


def context_lines(details: Details, confounders: tuple[dict, ...], lang: str) -> list[str]:
    """Recorded confounders near the action, then the diagnostics that failed."""
    lines = []
    if confounders:
        lines.append(t("impact.ui.confounders", lang,
                       items=", ".join(f"{c['action_type']} {c['year']}" for c in confounders)))
    if details.failed_checks:
        lines.append(t("impact.ui.checks_failed", lang,
                       items=", ".join(t(f"impact.ui.check_{c}", lang) for c in details.failed_checks)))
    return lines


def placebo_table(result: ImpactResult, catalog: Catalog, lang: str) -> list[Table]:
    """The placebo / pre-registered sub-indices with raw and Holm-adjusted p, and the pass/fail caption."""
    frame = result.placebo
    if frame is None or frame.empty:
        return []
    table = pd.DataFrame({
        t("impact.ui.col_component", lang): [catalog.component_label(c, lang) for c in frame["component"]],
        t("impact.ui.col_est", lang): [signed(v, lang) for v in frame["est"]],
        t("impact.ui.col_p", lang): [p_value(v, lang) for v in frame["p"]],
        t("impact.ui.col_p_adj", lang): [p_value(v, lang) for v in frame["p_adj"]],
        t("impact.ui.col_role", lang): [t(f"impact.ui.role_{r}", lang) for r in frame["role"]]})
    caption = t("impact.ui.placebo_fail" if placebo_fails(frame) else "impact.ui.placebo_pass", lang)
    return [Table(t("impact.ui.placebo_title", lang), table, caption)]


def recorded_confounders(ctx: Context, g: int) -> tuple[dict, ...]:
    """Recorded confounders (leadership change, central mandates...) of the unit within ±1 edition of g."""
    frame = ctx.actions
    if "unit_code" not in frame or ctx.unit is None:
        return ()
    kinds = ctx.catalog.action_types.set_index("code")["kind"].to_dict()
    rows = frame[(frame["unit_code"] == ctx.unit) & (frame["action_type"] != ctx.spec["action_type"])]
    return tuple({"action_type": row.action_type, "year": int(row.year), "kind": kinds.get(row.action_type, "reform")}
                 for row in rows.itertuples() if abs(int(row.year) + 1 - g) <= 1)

