"""Header text -> meaning: role columns, component columns, numbered prefixes.

Published tables label the same column many ways: "Sub-Index 3: Transparency", "CSTP3",
"Chỉ số thành phần 3", "2.1: Access to Information", "Chỉ số PCI 2007 đã có trọng số",
"PCI 2013 ranking". We try a few *variants* of each header (without the year, without a
bracketed remark, without the index name) against the catalogue, and read a leading number as a
*position* whose meaning comes from data (``component_positions.csv`` and
``papi_subdimension_map.csv``), per period — never from code branches on the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from provindex.catalog import Catalog
from provindex.text import fold, nfc, strip_accents

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
#: A leading number, optionally after a word that announces a numbered component. Applied to the
#: lower-case text without diacritics, so "Chỉ số thành phần 3" and "CHI SO THANH PHAN 3" meet.
_POSITION = re.compile(
    r"^(?P<kw>sub[\s_-]*index|sub[\s_-]*dimension|dimension|chi so thanh phan|chi so tp|cstp|chi so noi dung|"
    r"chi so linh vuc|chi so|noi dung thanh phan|noi dung|truc noi dung|linh vuc|tieu chi|thanh phan|component|"
    r"field|area|pillar|d(?=\d))?"
    r"\s*(?P<pos>\d{1,2}(?:\.\d{1,2})?)(?P<sep>\s*[:.)_\]–-]\s*|\s+|$)(?P<rest>.*)$")
#: An indicator-level number, deeper than a sub-dimension: "1.1.1", "d1.1.1", "A2.3.4a", "q101.2.1".
_DEEP_NUMBER = re.compile(r"^[a-z]{0,4}\s*\d{1,3}(?:[._]\d{1,3}){2,}[a-z]?(?![.\d])")
#: Words naming an index inside a header ("PCI 2013 ranking", "Thứ hạng PCI 2009").
_INDEX_WORDS = re.compile(r"\b(pci|papi|par index|sipas|chi so cchc)\b")


@dataclass(frozen=True)
class HeaderParts:
    """A header split into an optional position ("3", "2.1") and the name after it."""

    position: str | None
    name: str


def clean(text) -> str:
    """Whitespace collapsed (line breaks inside Excel headers), NFC; numbers shown without '.0'."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return " ".join(nfc(str(text)).split())


@lru_cache(maxsize=20000)
def split_position(text: str) -> HeaderParts:
    """'Sub-Index 3: Transparency' -> ('3', 'Transparency'); a bare '2019' or '3' is not a position."""
    plain = " ".join(strip_accents(clean(text)).lower().split())
    match = _POSITION.match(plain)
    if not match or _DEEP_NUMBER.match(plain):  # "1.1.1 …" is an indicator, not sub-dimension 1.1
        return HeaderParts(None, text)
    keyword, position, sep, rest = match.group("kw"), match.group("pos"), match.group("sep"), match.group("rest")
    if not keyword and "." not in position and (not rest or not sep.strip()):
        return HeaderParts(None, text)  # "3" or "3 tỉnh": a number, not a numbered header
    return HeaderParts(position, rest.strip())


@lru_cache(maxsize=20000)
def variants(text: str) -> tuple[tuple[str, bool], ...]:
    """Folded spellings to try, best first, each with a flag 'the index name was removed'."""
    text = clean(text)
    bases = [text]
    parts = split_position(text)
    if parts.position and parts.name:
        bases.append(parts.name)
    out: list[tuple[str, bool]] = []
    for base in bases:
        no_year = _YEAR.sub(" ", base)
        no_brackets = _BRACKETS.sub(" ", base)
        both = _BRACKETS.sub(" ", no_year)
        for candidate in (base, no_year, no_brackets, both):
            out.append((fold(candidate), False))
        out.append((_INDEX_WORDS.sub(" ", fold(both)).strip(), True))
    seen, unique = set(), []
    for key, stripped in out:
        key = " ".join(key.split())
        if key and key not in seen:
            seen.add(key)
            unique.append((key, stripped))
    return tuple(unique)


def years_in(text: str) -> set[int]:
    """Four-digit years (19xx, 20xx) written in a text."""
    return {int(y) for y in _YEAR.findall(clean(text))}


class PositionMap:
    """Numbered components per index and period: ('PAPI', 2011, '2.1') -> 'PAPI:D2.2'."""

    def __init__(self, catalog: Catalog):
        papi = catalog.papi_subdimension_map.assign(index="PAPI")
        table = pd.concat([catalog.component_positions, papi], ignore_index=True)
        self.rows = [(r["index"], r["first_year"], r["last_year"], str(r["position"]), r["component"])
                     for r in table.to_dict("records")]
        self.positions = {r[3] for r in self.rows}

    def component(self, index: str | None, year: int | None, position: str) -> str | None:
        if index is None or year is None:
            return None
        for idx, first, last, pos, code in self.rows:
            if idx == index and pos == position and _in(year, first, last):
                return code
        return None

    def known(self, position: str) -> bool:
        return position in self.positions


def _in(year: int, first, last) -> bool:
    if first is not None and not pd.isna(first) and year < int(first):
        return False
    return last is None or pd.isna(last) or year <= int(last)


@lru_cache(maxsize=4)
def position_map(catalog: Catalog) -> PositionMap:
    """The position map of a catalogue (cached)."""
    return PositionMap(catalog)


@dataclass
class ColumnMeaning:
    """How one score column was resolved for an (index, year)."""

    code: str | None
    text: str  # the header text that decided
    candidates: tuple[str, ...] = ()
    #: (label text, code its name means) when a numbered header's name disagrees with its number
    conflict: tuple[str, str] | None = None
    #: True when the number decided and the words after it name nothing we know (a new wording)
    unverified: bool = False
    #: True when only close wording decided (a renamed or lengthened header): reported as a warning
    close: bool = False


def name_candidates(text: str, catalog: Catalog, index: str | None, year: int | None) -> list[str]:
    """Components a header's *name* may mean (first variant that matches anything wins)."""
    resolver = catalog.component_resolver
    for key, _ in variants(text):
        codes = resolver.candidates(key, index, year)
        if codes:
            return codes
    return []


def resolve_column(texts: list[str], catalog: Catalog, index: str | None, year: int | None) -> ColumnMeaning:
    """The component of a score column from its header texts (lowest header row first).

    A number in the header ("2.1: …") is read through the position map of that index and year
    and wins over the words after it: PAPI's 2011–2017 files print 2018-era names over the older
    sub-dimensions, and the number is what they got right. The disagreement is reported.
    """
    positions = position_map(catalog)
    by_position: tuple[str, str] | None = None
    by_name: list[tuple[str, list[str]]] = []
    for text in texts:
        parts = split_position(text)
        if parts.position and by_position is None:
            code = positions.component(index, year, parts.position)
            if code:
                by_position = (text, code)
        codes = name_candidates(text, catalog, index, year)
        if codes:
            by_name.append((text, codes))
    if by_position:
        text, code = by_position
        for label, codes in by_name:
            if len(codes) == 1 and codes[0] != code:
                return ColumnMeaning(code, text, (code,), conflict=(label, codes[0]))
        unverified = not by_name and bool(fold(split_position(text).name))
        return ColumnMeaning(code, text, (code,), unverified=unverified)
    return _by_name(texts, by_name, catalog, index, year)


def _by_name(texts: list[str], by_name: list[tuple[str, list[str]]], catalog: Catalog, index: str | None,
             year: int | None) -> ColumnMeaning:
    """A column without a usable number: the first header naming one component, else close wording."""
    unique = [(t, c) for t, c in by_name if len(c) == 1]
    # "Điểm" under a merged "Tham gia của người dân": the group label names the component
    specific = [(t, c) for t, c in unique if fold(t) not in generic_keys(catalog)]
    if specific:
        return ColumnMeaning(specific[0][1][0], specific[0][0], tuple(specific[0][1]))
    if unique:
        return ColumnMeaning(unique[0][1][0], unique[0][0], tuple(unique[0][1]))
    if by_name:
        return ColumnMeaning(None, by_name[0][0], tuple(by_name[0][1]))
    for text in texts:
        codes = close_wording(text, catalog, index, year)
        if len(codes) == 1:
            return ColumnMeaning(codes[0], text, tuple(codes), close=True)
    return ColumnMeaning(None, texts[0] if texts else "")


@lru_cache(maxsize=4)
def generic_keys(catalog: Catalog) -> frozenset[str]:
    """Folded generic score headers ("Điểm", "Score", "Total": ``aliases.csv`` target ``*:TOTAL``)."""
    aliases = catalog.aliases
    return frozenset(fold(a) for a in aliases.loc[aliases["target"] == "*:TOTAL", "alias"])


def is_indicator_header(text: str) -> bool:
    """A header numbered deeper than a sub-dimension ("1.1.1", "d1.1.1 Biết tên trưởng thôn")."""
    return bool(_DEEP_NUMBER.match(strip_accents(clean(text)).lower()))


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(re.sub(r"[^\w]+", " ", text).split())


def padded_words(words: tuple[str, ...]) -> str:
    """Words joined and padded with spaces.

    A phrase is in a header as whole consecutive words exactly when its padded string is a substring
    of the header's, one C-level search instead of a loop over word positions.
    """
    return " " + " ".join(words) + " "


@lru_cache(maxsize=4)
def _names_by_word(catalog: Catalog) -> dict[str, tuple[tuple[str, tuple[str, ...], str], ...]]:
    """Known component spellings of at least two words (name, words, padded text), under each of their words.

    A header can only be close to a name it shares a word with, so only those names are compared.
    """
    index: dict[str, list] = {}
    for name in catalog.component_resolver.keys:
        words = _tokens(name)
        if len(words) >= 2:
            for word in set(words):
                index.setdefault(word, []).append((name, words, padded_words(words)))
    return {word: tuple(entries) for word, entries in index.items()}


def _names_sharing_a_word(header: tuple[str, ...], catalog: Catalog) -> list[tuple[str, tuple[str, ...], str]]:
    """The known names that share at least one word with a header, each once, in a stable order."""
    by_word = _names_by_word(catalog)
    seen: dict[str, tuple[str, tuple[str, ...], str]] = {}
    for word in header:
        for entry in by_word.get(word, ()):
            seen.setdefault(entry[0], entry)
    return list(seen.values())


@lru_cache(maxsize=20000)
def close_wording(text: str, catalog: Catalog, index: str | None = None, year: int | None = None) -> list[str]:
    """Components whose known name a header contains with words added, or shortens by a few words.

    "Quản trị điện tử và chính quyền số" contains "Quản trị điện tử"; "Thủ tục hành chính" is most
    of "Thủ tục hành chính công". Names of at least two words only, and the shorter text must keep
    at least 60% of the longer one's words; a misspelt word ("Tính minh bạc") never matches.
    Narrowed to ``index`` and to components valid in ``year`` when given.
    """
    resolver = catalog.component_resolver
    found: set[str] = set()
    for key, _ in variants(text):
        header = _tokens(key)
        if len(header) < 2:
            continue
        padded = padded_words(header)
        for name, words, name_padded in _names_sharing_a_word(header, catalog):
            if words == header:
                continue
            if len(header) > len(words):  # the header adds words to a known name
                hit = name_padded in padded
            else:  # the header shortens a known name, keeping most of it
                hit = len(header) >= 0.6 * len(words) and padded in name_padded
            if hit:
                found |= set(resolver.candidates(name, index, year))
        if found:
            break
    if year is not None:
        found = {c for c in found if catalog.component_valid_in(c, year)}
    return sorted(found)
