"""The story of a review-conference deck, independent of its medium.

A :class:`Story` is a list of :class:`Slide`: title, bullets, native charts (:class:`ChartSpec`: the
numbers, never a picture), a table and the speaker notes. The PowerPoint writer (``pptx_writer``), the
presentation mode (``provindex.ui.deck``) and the PNG export (``figures`` + ``provindex.png``) all draw
from the same story, so the conference sees the same numbers in every form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from provindex.errors import ProvindexError

CHART_KINDS = ("line", "bar", "radar")


class DeckError(ProvindexError):
    """A deck that cannot be made (``key`` and ``params`` name the message in the locale files)."""


@dataclass
class ChartSpec:
    """One chart: its kind, categories (years or sub-index names) and named series of numbers (None = gap)."""

    kind: str
    title: str
    categories: list
    series: list[tuple[str, list[float | None]]]
    y_title: str = ""
    decimals: int = 2
    key: str = ""
    index: str = ""  # the index the numbers come from (its publisher is the exported PNG's source line)

    def __post_init__(self):
        if self.kind not in CHART_KINDS:
            raise ValueError(f"unknown chart kind {self.kind}")


@dataclass
class TableSpec:
    """A table of text cells (numbers already in the language's format); ``highlight`` = the focal unit's row."""

    columns: list[str]
    rows: list[list[str]]
    highlight: int | None = None


@dataclass
class Slide:
    """One slide (and one page of the presentation mode)."""

    key: str
    title: str
    subtitle: str = ""
    bullets: list[str] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)
    table: TableSpec | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Story:
    """The whole deck: who, when, in which language, whether the data are simulated, and the slides."""

    unit_code: str
    unit_name: str
    year: int
    unit_set: str
    lang: str
    stamp: str | None  # the simulated-data warning, stamped on every slide; None on real data
    slides: list[Slide] = field(default_factory=list)

    def titles(self) -> list[str]:
        """The slide titles in order (the deck's table of contents)."""
        return [s.title for s in self.slides]

    def charts(self) -> list[ChartSpec]:
        """Every chart of the story, in slide order (the PNG export offers each)."""
        return [c for s in self.slides for c in s.charts]
