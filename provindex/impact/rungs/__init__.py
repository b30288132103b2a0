"""The model ladder, one class per rung, registered in one table (method name → rung)."""

from __future__ import annotations

from provindex.impact.result import ImpactResult
from provindex.impact.rungs.base import Context, Headline, Rung, Table
from provindex.impact.rungs.did import StaggeredDiD
from provindex.impact.rungs.its import OwnTrend
from provindex.impact.rungs.regression import Regression
from provindex.impact.rungs.scm import SyntheticControl
from provindex.impact.rungs.screen import Screening

RUNGS: dict[str, Rung] = {"cs": StaggeredDiD("cs"), "did2s": StaggeredDiD("did2s"), "twfe": Regression("twfe"),
                          "fd": Regression("fd"), "scm": SyntheticControl(), "its": OwnTrend(), "lasso": Screening()}
#: The rung that words and draws a result of each letter (D's card is the same for CS and did2s).
BY_LETTER: dict[str, Rung] = {rung.letter: rung for rung in reversed(list(RUNGS.values()))}


def rung_of(result: ImpactResult) -> Rung:
    """The rung class that produced ``result`` (for its card fields)."""
    return BY_LETTER[result.rung]


__all__ = ["BY_LETTER", "RUNGS", "Context", "Headline", "Rung", "Table", "rung_of"]
