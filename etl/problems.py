"""Problems found in an input file: where (file, sheet, row, column), what, and the rule broken.

Messages are rendered in the analyst's language at the edge (CLI, page); the library only
collects :class:`Problem` objects and reports all of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from provindex.i18n import t
from provindex.text import ranges_text

ERROR = "error"
WARNING = "warning"


@dataclass
class Problem:
    """One broken rule: where (file, sheet, row, column), the value, the rule and its message parameters."""

    rule: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None
    params: dict = field(default_factory=dict)
    severity: str = ERROR

    def message(self, lang: str = "vi") -> str:
        params = {"value": _show(self.value), "column": self.column or "", **self.params}
        return t(f"rule.{self.rule}", lang, **params)

    def location(self, lang: str = "vi") -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(t("loc.sheet", lang, sheet=self.sheet))
        if self.row is not None:
            parts.append(t("loc.row", lang, row=self.row))
        if self.column:
            parts.append(t("loc.column", lang, column=self.column))
        return ", ".join(parts)

    def render(self, lang: str = "vi") -> str:
        label = t("loc.warning" if self.severity == WARNING else "loc.error", lang)
        return f"{label} {self.location(lang)}: {self.message(lang)}"

    def to_json(self, lang: str = "vi") -> dict:
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
                "value": None if self.value is None else _show(self.value), "rule": self.rule,
                "severity": self.severity, "message": self.message(lang)}


def _show(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def errors(problems: list[Problem]) -> list[Problem]:
    """The problems that refuse a file."""
    return [p for p in problems if p.severity == ERROR]


def warnings(problems: list[Problem]) -> list[Problem]:
    """The problems shown but not refusing."""
    return [p for p in problems if p.severity == WARNING]


#: Above this many warnings of one rule in one sheet, the report shows the first and counts the rest.
SHOWN_PER_RULE = 3


def condensed(problems: list[Problem], lang: str = "vi") -> list[str]:
    """Rendered problems, the same rule in the same sheet folded after :data:`SHOWN_PER_RULE` into one line.

    Fifty-nine rows of one composite warning are one fact about the edition, not fifty-nine; the rows
    folded are named, and every problem stays in the JSON report.
    """
    groups: dict[tuple, list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.file, problem.sheet, problem.rule, problem.severity), []).append(problem)
    lines = []
    for group in groups.values():
        lines += [p.render(lang) for p in group[:SHOWN_PER_RULE]]
        rest = group[SHOWN_PER_RULE:]
        if rest:
            rows = [p.row for p in rest if p.row is not None]
            lines.append(t("loc.more_of_rule", lang, count=len(rest), rows=ranges_text(rows) or "—"))
    return lines
