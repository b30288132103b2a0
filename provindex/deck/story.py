"""The review-conference story of one unit and year, built from the scores (no Streamlit, no SQL).

Order of the slides: title; the four indices at a glance; per index its trend, sub-indices against the peer
group and the peer group's rank table with strengths and weaknesses; what changed this year; the target gap
and plan; the reform actions of the period with their impact verdicts; sources and method.
"""

from __future__ import annotations

import datetime as dt

from provindex.catalog import Catalog, get_catalog, unit_set_for_year
from provindex.deck import plans
from provindex.deck.data import DeckData
from provindex.deck.model import DeckError, Slide, Story, TableSpec
from provindex.deck.sections import Frame, index_slides
from provindex.i18n import localized, normalise_lang, t
from provindex.narrative import what_changed
from provindex.overview import IndexCard, build_cards
from provindex.text import format_signed


def resolve(data: DeckData, catalog: Catalog, unit_code: str, year: int, unit_set: str | None) -> tuple[int, str]:
    """The edition year and unit set a request stands for; ``DeckError`` when the unit or year is not there.

    Asking for the 63-province set in a year of the 34-unit set gives that set's last edition (the deck says
    which year it shows); the 34-unit set has no ranked editions before the merger.
    """
    unit_set = unit_set or unit_set_for_year(year)
    years = sorted(int(y) for y in data.scores.loc[data.scores["unit_set"] == unit_set, "year"].unique() if y <= year)
    if not years:
        raise DeckError("deck.error.no_year", year=year, unit_set=unit_set)
    if not catalog.has_unit(unit_set, unit_code):
        raise DeckError("deck.error.unit", unit=unit_code, unit_set=unit_set)
    return years[-1], unit_set


def _frame(data: DeckData, catalog: Catalog, unit_code: str, unit_set: str, year: int, lang: str) -> Frame:
    """The story's frame: the unit's name and its peer group (its region's units)."""
    from provindex.analysis import peer_codes

    region = catalog.unit(unit_set, unit_code)["region"]
    row = catalog.regions[catalog.regions["code"] == region]
    region_name = localized(row.iloc[0], "name", lang) if not row.empty else str(region)
    return Frame(data.scores, catalog, unit_code, unit_set, year, lang, catalog.unit_name(unit_set, unit_code, lang),
                 peer_codes(catalog, unit_set, unit_code, "region"), region_name)


def title_slide(frame: Frame, today: dt.date) -> Slide:
    """Unit, year, date and the publishers of the four indices."""
    lang = frame.lang
    publishers = [f"{frame.index_name(i)}: {localized(frame.catalog.index_row(i), 'publisher', lang)}"
                  for i in frame.catalog.index_codes()]
    return Slide("title", t("deck.title", lang, unit=frame.unit_name, year=frame.year),
                 subtitle=t("deck.subtitle", lang, date=today.strftime("%d/%m/%Y")),
                 bullets=[t("deck.sources_intro", lang)] + publishers, notes=[t("deck.note_title", lang)])


def summary_slide(frame: Frame, cards: list[IndexCard]) -> Slide:
    """The four indices at a glance: score, rank and change since the previous edition."""
    lang = frame.lang
    rows, notes = [], []
    for card in cards:
        name = frame.index_name(card.index)
        if card.status != "ok":
            rows.append([name, "–", "–", "–", t("deck.not_published", lang)])
            continue
        change = format_signed(card.change, lang) if card.change is not None else "–"
        rank_change = format_signed(card.rank_change, lang, 0) if card.rank_change is not None else "–"
        rows.append([f"{name} {card.year}", frame.num(card.value), f"{card.rank}/{card.n_ranked}", change, rank_change])
        notes.append(t("deck.note_summary", lang, index=name, year=card.year, value=frame.num(card.value),
                       rank=card.rank, n=card.n_ranked, prev=card.prev_year or "–", change=change))
    columns = [t("ui.index", lang), t("ui.score_points", lang), t("chart.rank", lang), t("deck.col_change", lang),
               t("deck.rank_change", lang)]
    return Slide("summary", t("deck.summary_title", lang, unit=frame.unit_name, year=frame.year),
                 table=TableSpec(columns, rows), notes=notes)


def changed_slide(frame: Frame, cards: list[IndexCard]) -> Slide:
    """'What changed this year': the narrative paragraph of each index."""
    paragraphs = []
    for card in cards:
        text = what_changed(card, frame.scores[frame.scores["index"] == card.index], frame.catalog, frame.unit_code,
                            frame.unit_name, frame.lang)
        if text:
            paragraphs.append(text)
    return Slide("changed", t("story.title", frame.lang), bullets=paragraphs,
                 notes=paragraphs + [t("deck.note_changed", frame.lang)])


def sources_slide(frame: Frame, data: DeckData, stamp: str | None) -> Slide:
    """Publishers and editions used, the harmonisation and planner notes, and the simulated-data warning."""
    lang, scores = frame.lang, frame.scores
    bullets = []
    for index in frame.catalog.index_codes():
        years = scores.loc[scores["index"] == index, "year"]
        if years.empty:
            continue
        row = frame.catalog.index_row(index)
        bullets.append(t("deck.source_bullet", lang, index=localized(row, "name", lang),
                         publisher=localized(row, "publisher", lang), first=int(years.min()), last=int(years.max())))
    bullets += [t("deck.harmonisation", lang), t("planner.method_note", lang), t("deck.impact_method", lang)]
    if stamp:
        bullets.append(t("ui.demo_banner", lang))
    return Slide("sources", t("deck.sources_title", lang), bullets=bullets, notes=list(bullets))


def build_story(data: DeckData, unit_code: str, year: int, lang: str = "vi", unit_set: str | None = None,
                catalog: Catalog | None = None, today: dt.date | None = None) -> Story:
    """The whole story of ``unit_code`` in ``year`` (see the module docstring for the order)."""
    catalog = catalog or get_catalog()
    lang = normalise_lang(lang)
    unit_code = str(unit_code).zfill(2)
    year, unit_set = resolve(data, catalog, unit_code, int(year), unit_set)
    frame = _frame(data, catalog, unit_code, unit_set, year, lang)
    cards = build_cards(data.scores, catalog, unit_set, unit_code, year)
    stamp = t("deck.stamp", lang) if data.is_demo else None
    slides = [title_slide(frame, today or dt.date.today()), summary_slide(frame, cards)]
    for card in cards:
        if card.status == "ok" and card.year == year:
            slides += index_slides(frame, card.index)
    slides.append(changed_slide(frame, cards))
    target = plans.target_slide(frame)
    if target is not None:
        slides.append(target)
    slides += [plans.reform_slide(frame, data), sources_slide(frame, data, stamp)]
    return Story(unit_code, frame.unit_name, year, unit_set, lang, stamp, slides)
