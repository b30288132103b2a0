"""The catalogue: indices, components, units, crosswalk, aliases, series breaks and header maps.

Loaded once from ``data/reference/*.csv`` through :mod:`provindex.reference` (the same files
fill the database's reference tables), so the ETL can recognise headers and unit names without
a database. Nothing here reads the folder directly.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd

from provindex import config, schema
from provindex.i18n import localized, t
from provindex.reference import read_reference_csv
from provindex.text import fold, unit_key

UNIT_SETS = schema.UNIT_SETS
#: First edition year scored on the 34 post-merger units (mergers took effect 1 Jul 2025).
FIRST_VN34_YEAR = 2025
GENERIC_TOTAL = "*:TOTAL"


def unit_set_for_year(year: int) -> str:
    """vn63 through 2024, vn34 from the 2025 editions on."""
    return "vn34" if int(year) >= FIRST_VN34_YEAR else "vn63"


def _typed(table: str, reference_dir: Path) -> pd.DataFrame:
    """A reference CSV with the declared column types applied (ints, floats, bools)."""
    spec = schema.TABLE_BY_NAME[table]
    frame = read_reference_csv(spec, reference_dir)
    for column in spec.columns:
        if column.type == "INTEGER":
            frame[column.name] = pd.to_numeric(frame[column.name]).astype("Int64")
        elif column.type == "DOUBLE":
            frame[column.name] = pd.to_numeric(frame[column.name]).astype("float64")
        elif column.type == "BOOLEAN":
            frame[column.name] = frame[column.name].map({"true": True, "false": False, "True": True, "False": False})
    return frame


@dataclass(frozen=True)
class Catalog:
    """Every reference table of one ``data/reference`` folder, typed and cached, with lookups."""

    reference_dir: Path

    @cached_property
    def indices(self) -> pd.DataFrame:
        return _typed("index_def", self.reference_dir).sort_values("sort").reset_index(drop=True)

    @cached_property
    def components(self) -> pd.DataFrame:
        return _typed("component", self.reference_dir)

    @cached_property
    def weights(self) -> pd.DataFrame:
        return _typed("component_weight", self.reference_dir)

    @cached_property
    def units(self) -> pd.DataFrame:
        return _typed("unit", self.reference_dir)

    @cached_property
    def regions(self) -> pd.DataFrame:
        return _typed("region", self.reference_dir).sort_values("sort")

    @cached_property
    def crosswalk(self) -> pd.DataFrame:
        return _typed("crosswalk", self.reference_dir)

    @cached_property
    def aliases(self) -> pd.DataFrame:
        return _typed("alias", self.reference_dir)

    @cached_property
    def breaks(self) -> pd.DataFrame:
        return _typed("series_break", self.reference_dir)

    @cached_property
    def tiles(self) -> pd.DataFrame:
        return _typed("tile", self.reference_dir)

    @cached_property
    def action_types(self) -> pd.DataFrame:
        return _typed("action_type", self.reference_dir)

    @cached_property
    def papi_subdimension_map(self) -> pd.DataFrame:
        return _typed("papi_subdimension", self.reference_dir)

    @cached_property
    def component_positions(self) -> pd.DataFrame:
        return _typed("component_position", self.reference_dir)

    @cached_property
    def column_roles(self) -> pd.DataFrame:
        return _typed("column_role", self.reference_dir)

    # -- indices and components -------------------------------------------------------
    def index_codes(self) -> list[str]:
        """Index codes in display order (indices.csv is the one list: PCI, PAPI, PAR, SIPAS)."""
        return list(self.indices["index"])

    @cached_property
    def _index_rows(self) -> dict[str, dict]:
        return {row["index"]: row for row in self.indices.to_dict("records")}

    def index_row(self, index: str) -> dict:
        """The catalogue row of one index (names, publisher, composite, unit); KeyError when unknown."""
        return dict(self._index_rows[index])

    def composite(self, index: str) -> str:
        """Component code of the index's headline score (e.g. ``PCI:TOTAL``)."""
        return self.index_row(index)["composite"]

    def source_line(self, index: str, lang: str = "vi") -> str:
        """'Nguồn: publisher (index); xử lý: provindex' under an exported chart of ``index``."""
        row = self.index_row(index)
        return t("chart.source", lang, publisher=localized(row, "publisher", lang), index=localized(row, "short", lang))

    @cached_property
    def _component_rows(self) -> dict[str, dict]:
        return {row["code"]: row for row in self.components.to_dict("records")}

    def component(self, code: str) -> dict:
        """The catalogue row of one component (level, parent, scale, direction, years); KeyError when unknown."""
        return self._component_rows[code]

    def has_component(self, code: str) -> bool:
        """True when ``code`` is a component of the catalogue."""
        return code in self._component_rows

    def components_of(self, index: str, year: int | None = None, level: int | None = None) -> pd.DataFrame:
        """Components of an index, optionally only those published in ``year`` / at ``level``."""
        frame = self.components[self.components["index"] == index]
        if level is not None:
            frame = frame[frame["level"] == level]
        if year is not None:
            frame = frame[_period_mask(frame, year)]
        return frame.sort_values("sort")

    def component_valid_in(self, code: str, year: int) -> bool:
        """True when the component was published in ``year`` (between its first and last year)."""
        row = self.component(code)
        return _in_period(year, row["first_year"], row["last_year"])

    def component_label(self, code: str, lang: str = "vi", short: bool = True) -> str:
        """The component's short (or full) name in ``lang``, falling back to the Vietnamese name."""
        row = self.component(code)
        return localized(row, "short" if short else "name", lang) or row["name_vi"]

    @cached_property
    def _weights_by_parent(self) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for row in self.weights.to_dict("records"):
            found.setdefault(row["parent"], []).append(row)
        return found

    def weights_for(self, parent: str, year: int) -> dict[str, float]:
        """Known weights of the components of ``parent`` in ``year`` (empty when unknown)."""
        return {row["component"]: float(row["weight"]) for row in self._weights_by_parent.get(parent, ())
                if _in_period(year, row["first_year"], row["last_year"])}

    def breaks_for(self, index: str, component: str | None = None) -> pd.DataFrame:
        """Series breaks of an index (and of one component, with the index-wide ones), by year."""
        frame = self.breaks[self.breaks["index"] == index]
        if component is not None:
            frame = frame[(frame["component"] == "*") | (frame["component"] == component)]
        return frame.sort_values("year")

    def breaks_between(self, index: str, component: str, year_from: int, year_to: int) -> pd.DataFrame:
        """Breaks that make ``year_from`` and ``year_to`` not comparable (year_from < break <= year_to)."""
        frame = self.breaks_for(index, component)
        frame = frame[frame["kind"] != "coverage"]
        return frame[(frame["year"] > year_from) & (frame["year"] <= year_to)]

    @cached_property
    def _break_years(self) -> dict[tuple[str, str], list[tuple[int, str]]]:
        """(index, component or *) -> [(year, kind)] of breaks that affect comparability."""
        found: dict[tuple[str, str], list[tuple[int, str]]] = {}
        for row in self.breaks[self.breaks["kind"] != "coverage"].to_dict("records"):
            found.setdefault((row["index"], row["component"]), []).append((int(row["year"]), row["kind"]))
        return found

    def break_years(self, index: str, component: str) -> list[int]:
        """Years where the component's series is cut (every break kind except coverage)."""
        keys = ((index, "*"), (index, component))
        return sorted({year for key in keys for year, _ in self._break_years.get(key, ())})

    def comparable(self, index: str, component: str, year_from: int, year_to: int,
                   ignore_kinds: tuple[str, ...] = ()) -> bool:
        """True when no methodology/weights/units break lies in (year_from, year_to] (fast path of breaks_between)."""
        for key in ((index, "*"), (index, component)):
            for year, kind in self._break_years.get(key, ()):
                if year_from < year <= year_to and kind not in ignore_kinds:
                    return False
        return True

    # -- units --------------------------------------------------------------------------
    def units_of(self, unit_set: str, include_historic: bool = False) -> pd.DataFrame:
        """Units of a set by code; units merged away within the set (Hà Tây) only when asked."""
        frame = self.units[self.units["unit_set"] == unit_set]
        if not include_historic:
            frame = frame[frame["merged_into"].isna()]
        return frame.sort_values("code")

    @cached_property
    def _unit_rows(self) -> dict[tuple[str, str], dict]:
        return {(r["unit_set"], r["code"]): r for r in self.units.to_dict("records")}

    def unit(self, unit_set: str, code: str) -> dict:
        """The catalogue row of one unit; KeyError when the set has no such code."""
        return self._unit_rows[(unit_set, code)]

    def has_unit(self, unit_set: str, code: str) -> bool:
        """True when ``code`` is a unit of ``unit_set`` (merged-away units included)."""
        return (unit_set, code) in self._unit_rows

    def unit_name(self, unit_set: str, code: str, lang: str = "vi") -> str:
        """The unit's short name in ``lang``; the code itself when the unit is unknown (never None)."""
        row = self._unit_rows.get((unit_set, code))
        if row is None:
            return code
        return localized(row, "name", lang)

    def successor(self, code_63: str) -> str | None:
        """vn34 code of the unit a vn63 province became part of."""
        rows = self.crosswalk[(self.crosswalk["from_set"] == "vn63") & (self.crosswalk["from_code"] == code_63)]
        return None if rows.empty else rows.iloc[0]["to_code"]

    def members(self, code_34: str) -> pd.DataFrame:
        """vn63 provinces that formed a vn34 unit, with their population weights."""
        return self.crosswalk[(self.crosswalk["to_set"] == "vn34") & (self.crosswalk["to_code"] == code_34)]

    @cached_property
    def unit_resolver(self) -> "UnitResolver":
        """Resolver of province names as analysts type them (built once per catalogue)."""
        return UnitResolver(self)

    @cached_property
    def component_resolver(self) -> "ComponentResolver":
        """Resolver of column headers to component codes (built once per catalogue)."""
        return ComponentResolver(self)

    @cached_property
    def mechanical_links(self) -> pd.DataFrame:
        """(action_type, component) pairs whose sub-index scores the action itself (mechanical_links.csv)."""
        return _typed("mechanical_link", self.reference_dir)


def _period_mask(frame: pd.DataFrame, year: int) -> pd.Series:
    """Rows whose [first_year, last_year] period contains ``year`` (open ends allowed)."""
    first, last = frame["first_year"], frame["last_year"]
    return ((first.isna() | (first <= year)) & (last.isna() | (last >= year))).fillna(False).astype(bool)


def _in_period(year: int, first, last) -> bool:
    if first is not None and not pd.isna(first) and year < int(first):
        return False
    if last is not None and not pd.isna(last) and year > int(last):
        return False
    return True


class UnitResolver:
    """Maps any spelling of a unit (name, alias, code, ISO code) to its code within a unit set."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.keys: dict[str, dict[str, set[str]]] = {s: {} for s in UNIT_SETS}
        for row in catalog.units.to_dict("records"):
            spellings = [row["name_vi"], row["full_name_vi"], row["name_ascii"], row["name_en"], row["iso_3166_2"]]
            for spelling in spellings:
                if spelling:
                    self._add(row["unit_set"], unit_key(spelling), row["code"])
        for row in catalog.aliases[catalog.aliases["kind"] == "unit"].to_dict("records"):
            sets = [row["unit_set"]] if row["unit_set"] else \
                [s for s in UNIT_SETS if catalog.has_unit(s, row["target"])]
            for unit_set in sets:
                self._add(unit_set, unit_key(row["alias"]), row["target"])

    def _add(self, unit_set: str, key: str, code: str) -> None:
        if key:
            self.keys[unit_set].setdefault(key, set()).add(code)

    def resolve(self, text, unit_set: str) -> str | None:
        """The unit's code, or None when the spelling is unknown or ambiguous in this set."""
        if text is None:
            return None
        raw = str(text).strip()
        if raw.endswith(".0") and raw[:-2].isdigit():  # a code read from a numeric Excel cell
            raw = raw[:-2]
        if raw.isdigit() and len(raw) <= 2:
            code = raw.zfill(2)
            return code if self.catalog.has_unit(unit_set, code) else None
        codes = self.keys[unit_set].get(unit_key(raw))
        return next(iter(codes)) if codes and len(codes) == 1 else None

    def former_unit(self, text) -> tuple[str, str] | None:
        """For a vn63 spelling that is not a vn34 unit: (vn63 code, vn34 successor code)."""
        code_63 = self.resolve(text, "vn63")
        if code_63 is None:
            return None
        successor = self.catalog.successor(code_63)
        return (code_63, successor) if successor else None

    def suggest(self, text, unit_set: str, n: int = 3) -> list[str]:
        """Closest known unit names (Vietnamese) for an unknown spelling."""
        names = {}
        for row in self.catalog.units_of(unit_set, include_historic=True).to_dict("records"):
            names[unit_key(row["name_vi"])] = row["name_vi"]
            names[unit_key(row["name_ascii"])] = row["name_vi"]
        for key, codes in self.keys[unit_set].items():
            code = next(iter(codes))
            names.setdefault(key, self.catalog.unit_name(unit_set, code))
        matches = difflib.get_close_matches(unit_key(str(text)), list(names), n=n * 3, cutoff=0.6)
        out: list[str] = []
        for key in matches:
            if names[key] not in out:
                out.append(names[key])
        return out[:n]


class ComponentResolver:
    """Maps a header (Vietnamese, English, code or alias) to component codes."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.keys: dict[str, set[str]] = {}
        for row in catalog.components.to_dict("records"):
            code = row["code"]
            labels = (row["name_vi"], row["name_en"], row["short_vi"], row["short_en"])
            for spelling in (code, code.split(":", 1)[1], *labels):
                self._add(fold(spelling), code)
        for row in catalog.aliases[catalog.aliases["kind"] == "component"].to_dict("records"):
            if row["target"] == GENERIC_TOTAL:
                for index in catalog.index_codes():
                    self._add(fold(row["alias"]), catalog.composite(index))
            else:
                self._add(fold(row["alias"]), row["target"])

    def _add(self, key: str, code: str) -> None:
        if key:
            self.keys.setdefault(key, set()).add(code)

    def candidates(self, header, index: str | None = None, year: int | None = None) -> list[str]:
        """All components this header may mean, narrowed by index and year when known."""
        codes = self.keys.get(fold(str(header)), set())
        if index:
            codes = {c for c in codes if self.catalog.component(c)["index"] == index}
        if year is not None and len(codes) > 1:
            valid = {c for c in codes if self.catalog.component_valid_in(c, year)}
            codes = valid or codes
        return sorted(codes)

    def resolve(self, header, index: str | None = None, year: int | None = None) -> str | None:
        codes = self.candidates(header, index, year)
        return codes[0] if len(codes) == 1 else None

    def suggest(self, header, index: str | None = None, n: int = 3, lang: str = "vi") -> list[str]:
        """Closest known header spellings, shown as labels with their code."""
        pool = {}
        for key, codes in self.keys.items():
            for code in codes:
                if index is None or self.catalog.component(code)["index"] == index:
                    pool.setdefault(key, code)
        matches = difflib.get_close_matches(fold(str(header)), list(pool), n=n * 3, cutoff=0.5)
        out: list[str] = []
        for key in matches:
            code = pool[key]
            label = f"{self.catalog.component_label(code, lang, short=False)} ({code})"
            if label not in out:
                out.append(label)
        return out[:n]


@lru_cache(maxsize=4)
def get_catalog(reference_dir: str | None = None) -> Catalog:
    """The catalogue from data/reference (cached per directory)."""
    return Catalog(Path(reference_dir) if reference_dir else config.REFERENCE_DIR)
