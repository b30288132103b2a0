"""What a deck reads: the current scores, the dataset facts and the reform register, in one read-only connection.

Reads go through ``provindex.queries`` (the data layer); the impact verdicts of the reform slide come from
the impact package through :func:`impact_verdict`, the one place that knows its API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from provindex import queries, store


@dataclass
class DeckData:
    """Everything a story is built from (the dashboard's cached frames fit here too)."""

    scores: pd.DataFrame
    meta: dict
    actions: pd.DataFrame
    targets: pd.DataFrame
    results: dict = field(default_factory=dict)  # impact results by (action type, outcome), shared by languages

    @property
    def is_demo(self) -> bool:
        """True when the database holds the simulated demo (every slide is then stamped)."""
        return self.meta.get("dataset") == "demo"


def read(path: str | Path | None = None) -> DeckData:
    """Read the deck's inputs from the database at ``path`` (default: ``PROVINDEX_DB``), read-only."""
    with store.reading(path) as con:  # the current snapshot under the readers' lock (decision 34)
        return DeckData(queries.current_scores(con), queries.meta(con), queries.actions(con),
                        queries.action_targets(con))


@dataclass
class Verdict:
    """An impact verdict for the reform slide: the verdict word's key, the sentence and the first caveat."""

    verdict: str
    sentence: str
    caveat: str | None


def impact_verdict(data: DeckData, action_type: str, outcome: str, lang: str) -> Verdict | None:
    """The impact ladder's verdict on ``action_type`` for ``outcome`` (None when it cannot be estimated).

    The request is the Impact page's context card (the average over the provinces that took the action:
    staggered DiD, seed 0, its placebo family and randomisation inference), so the deck and the page give
    the same verdict, and the column says whose number it is.
    """
    from provindex import impact
    from provindex.impact.focus import FocusChoice

    key = (action_type, outcome)
    if key not in data.results:
        request = FocusChoice(action_type, outcome, "cs", 0).context_request()
        try:
            data.results[key] = impact.estimate(data.scores, data.actions, targets=data.targets, cross_checks=False,
                                                **request)
        except (impact.ImpactError, ValueError):
            data.results[key] = None
    result = data.results[key]
    if result is None:
        return None
    notes = result.warning_texts(lang)
    return Verdict(result.verdict, result.sentence(lang), notes[0] if notes else None)
