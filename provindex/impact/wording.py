"""Number and p-value formatting and the sentence parts every rung shares (IMPACT-METHOD §4 wording).

One formatter per kind of number: the sentences, the card and the diagnostics all call these, so
a p-value reads the same everywhere ("< 0,001" in Vietnamese, "< 0.001" in English).
"""

from __future__ import annotations

from dataclasses import dataclass

from provindex.catalog import Catalog
from provindex.i18n import localized, t
from provindex.text import format_number, format_signed

P_FLOOR = 0.001  # smaller p-values are shown as "< 0.001": more digits would claim false precision


def number(value, lang: str, decimals: int = 2) -> str:
    """A plain number with a typographic minus ('−0,40')."""
    return format_number(value, lang, decimals).replace("-", "−")


def signed(value, lang: str, decimals: int = 2) -> str:
    """A number with an explicit sign ('+1,25', '−0,40')."""
    return format_signed(value, lang, decimals)


def p_value(value, lang: str) -> str:
    """The one p-value formatter: three decimals, '< 0,001' below the floor, '–' when missing."""
    if value is None or value != value:
        return "–"
    return ("< " + format_number(P_FLOOR, lang, 3)) if value < P_FLOOR else format_number(value, lang, 3)


def points(value, lang: str) -> str:
    """A signed score change with its unit ('+0,95 điểm')."""
    return signed(value, lang) + " " + t("impact.ui.points", lang)


def action_phrase(catalog: Catalog, action_type: str, lang: str) -> str:
    """The action as a verb phrase ("opened a public administrative service centre") for sentences."""
    key = f"impact.action.{action_type}"
    text = t(key, lang)
    if text != key:
        return text
    rows = catalog.action_types[catalog.action_types["code"] == action_type]
    if rows.empty:
        return action_type
    name = localized(rows.iloc[0], "name", lang)
    return name[:1].lower() + name[1:]


@dataclass(frozen=True)
class Words:
    """The names a sentence needs in one language: action, sub-index, unit, verdict, editions."""

    lang: str
    action: str
    subindex: str
    unit: str
    verdict: str
    y0: int | None
    y1: int | None
    verdict_code: str = ""

    def say(self, key: str, **params) -> str:
        """One sentence part of ``impact.sentence.<key>`` in this language."""
        return t(f"impact.sentence.{key}", self.lang, **params)

    def closing(self, caveat: bool = True, because: list[str] | tuple[str, ...] = ()) -> list[str]:
        """The verdict sentence (with why it is not stronger), followed by the standard caveat."""
        parts = [self.verdict_sentence(because)]
        return parts + [self.say("caveat")] if caveat else parts

    def verdict_sentence(self, because: list[str] | tuple[str, ...] = ()) -> str:
        """'Verdict: weak, no stronger because …' — the reasons are ``impact.because.<code>[:n]`` texts."""
        if not because or self.verdict_code in ("clear", "not_assessable"):
            return self.say("verdict", verdict=self.verdict)
        reasons = "; ".join(because_text(code, self.lang) for code in because)
        key = "verdict_capped" if self.verdict_code == "weak" else "verdict_noted"
        return self.say(key, verdict=self.verdict, reasons=reasons)


def because_text(code: str, lang: str) -> str:
    """One reason a verdict is not stronger; ``lead:3`` names the edition (3 editions before acting)."""
    name, _, n = code.partition(":")
    return t(f"impact.because.{name}", lang, n=n)


def words_for(catalog: Catalog, *, action_type: str, outcome: str, unit: str | None, verdict: str,
              editions: tuple[int, int] | None, lang: str, unit_set: str = "vn63") -> Words:
    """The :class:`Words` of one result in ``lang`` (``unit`` named in the estimation unit set)."""
    y0, y1 = editions or (None, None)
    return Words(lang, action_phrase(catalog, action_type, lang), catalog.component_label(outcome, lang, short=False),
                 catalog.unit_name(unit_set, unit, lang) if unit else "", t(f"impact.verdict.{verdict}", lang), y0, y1,
                 verdict)
