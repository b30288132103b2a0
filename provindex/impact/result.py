"""The result contract of IMPACT-METHOD §4.1: ``ImpactResult`` with typed, per-rung details.

Everything here is data: messages keep their key and parameters so a note can be shown in either
language; the details of each rung are a dataclass (shared fields in :class:`Details`), so the page
and the CLI read attributes, never string keys. ``to_json`` is byte-identical for the same seed.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from provindex.errors import ProvindexError
from provindex.i18n import t

VERDICTS = ("clear", "weak", "insufficient", "not_assessable")
RESULT_SCHEMA = 1


class ImpactError(ProvindexError):
    """A request that cannot be run (unknown outcome, unit missing for a one-unit method...)."""

    key = "impact.error.generic"


@dataclass(frozen=True)
class Message:
    """A note kept as message key + parameters, rendered in the reader's language."""

    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        return t(self.key, lang, **self.params)

    @property
    def code(self) -> str:
        """The last part of the key (``impact.reason.break`` → ``break``), stable for tests and JSON."""
        return self.key.split(".")[-1]


@dataclass
class Details:
    """Diagnostics every rung shares: how the design was cut and what the register says."""

    reasons: tuple[str, ...] = ()
    control_group: str = ""
    anticipation: int = 0
    registered_targets: tuple[str, ...] = ()
    mechanical: bool = False
    failed_checks: tuple[str, ...] = ()
    treated_units: tuple[str, ...] = ()
    control_units: tuple[str, ...] = ()


@dataclass
class DiDDetails(Details):
    """Rung D (Callaway–Sant'Anna or did2s): the cross-checks, the e = −1 test and inference."""

    attgt: pd.DataFrame | None = None
    cs: dict | None = None
    did2s: dict | None = None
    twfe: dict | None = None
    twfe_p_hidden: bool = False
    ri: dict | None = None
    e_minus_1: dict | None = None
    k_post: int | None = None
    doubts: tuple[str, ...] = ()
    leads_off_zero: tuple[int, ...] = ()
    trend_grade: str | None = None
    sensitivity: dict | None = None


@dataclass
class RegressionDetails(Details):
    """Rungs B and C (first differences, static TWFE): the fixest row and, for FD, the lags."""

    fit: dict | None = None
    lags: pd.DataFrame | None = None
    ri: dict | None = None


@dataclass
class SyntheticDetails(Details):
    """Rung E (synthetic control for one unit): weights, placebo gaps, fit gate and confounders."""

    g: int | None = None
    weights: pd.DataFrame | None = None
    placebo_paths: pd.DataFrame | None = None
    pre_rmspe: float | None = None
    p_ratio: float | None = None
    rank: int | None = None
    J: int | None = None
    outside_hull: bool | None = None
    fit_gate: bool | None = None
    confounders: tuple[dict, ...] = ()


@dataclass
class TrendDetails(Details):
    """Rung A (one unit before/after): the cohort year and the recorded confounders."""

    g: int | None = None
    confounders: tuple[dict, ...] = ()


@dataclass
class ScreeningDetails(Details):
    """Rung F (ridge/lasso screen): the ranking of action types."""

    ranking: pd.DataFrame | None = None
    n_types: int | None = None


@dataclass(frozen=True)
class ImpactResult:
    """The result contract of IMPACT-METHOD §4.1 (plus chart data and analyst details)."""

    rung: Literal["A", "B", "C", "D", "E", "F"]
    method: str
    index_code: str
    subindex_code: str
    action_type: str
    estimand: str
    estimate: float | None
    se: float | None
    ci: tuple[float, float] | None
    p: float | None
    p_method: str | None
    p_adj: float | None
    family: str | None
    p_min_achievable: float | None
    n_units: int
    n_treated: int
    n_control: int
    editions: tuple[int, int] | None
    cohorts: dict
    event_study: pd.DataFrame | None
    pretrend_p: float | None
    placebo: pd.DataFrame | None
    mde: float | None
    within_sd: float | None
    verdict: Literal["clear", "weak", "insufficient", "not_assessable"]
    sentence_vi: str
    sentence_en: str
    warnings: tuple[Message, ...]
    versions: dict
    seed: int
    spec_hash: str
    unit: str | None = None
    series: pd.DataFrame | None = None
    details: Details = field(default_factory=Details)
    unit_set: str = "vn63"  # the estimation units: the 63 former provinces or the 34 units with the dose

    def sentence(self, lang: str = "vi") -> str:
        """The result's sentence in ``lang``."""
        return self.sentence_en if lang == "en" else self.sentence_vi

    def warning_texts(self, lang: str = "vi") -> list[str]:
        """The notes on the data in ``lang``."""
        return [m.text(lang) for m in self.warnings]

    def to_dict(self) -> dict:
        """Every field as JSON-safe Python values (the CLI's ``--json``)."""
        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def to_json(self, indent: int | None = 2) -> str:
        """The result as JSON, keys sorted: byte-identical for the same inputs and seed."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, indent=indent, allow_nan=False)


def _plain_message(message: Message) -> dict:
    return {"key": message.key, "params": plain(message.params), "vi": message.text("vi"),
            "en": message.text("en")}


def plain(value):
    """JSON-safe copy: dataclasses as dicts, DataFrames as records, numpy as Python, NaN/inf as None."""
    if isinstance(value, Message):
        return _plain_message(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pd.DataFrame):
        return [plain(r) for r in value.to_dict("records")]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


def finite(value) -> float | None:
    """``value`` as a float, None when missing or not finite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None
