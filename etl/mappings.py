"""The escape hatch for layouts nobody foresaw: column mappings given by the analyst, remembered in the database.

A mapping names a header and what its column holds: a component (``PAPI:D8.2``), nothing to load
(``ignore``) or a published 95% confidence bound of a component (``ci_low:PAPI:TOTAL``,
``ci_high:…``). It is given on the command line (``--map "HEADER=TARGET"``, ``--map-file F.csv``
with columns ``header,target``) or by the browser upload through :func:`parse`; headers match after
:func:`provindex.text.fold`, the folding the importer uses everywhere.

Recognition consults a :class:`MappingSet` before its own header rules
(:meth:`MappingSet.apply`, the one hook in :mod:`etl.recognize`); a mapping used in a successful load
is written to the versioned ``column_mapping`` table inside the load's transaction
(:func:`remember`) and applied to later files whose header matches, with a note naming who made it
and when. Removing one adds an inactive version; nothing is deleted.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from etl.headers import clean
from etl.problems import Problem
from etl.rows import column_label
from provindex import queries, store
from provindex import db as dbmod
from provindex.catalog import Catalog
from provindex.errors import ProvindexError
from provindex.text import fold

IGNORE = "ignore"
BOUNDS = ("ci_low", "ci_high")
_BOUND = re.compile(r"^\s*(ci[_ -]?low|ci[_ -]?high)\s*:\s*(.+?)\s*$", re.IGNORECASE)
#: Characters that make a file name need quotes in the printed command.
_PLAIN_ARG = re.compile(r"^[\w./\\:+,@%-]+$")


class MappingError(ProvindexError):
    """A --map text or a --map-file the importer cannot use (a usage error: exit code 2)."""

    key = "map.bad_syntax"


class MappingNotFound(ProvindexError):
    """``mappings remove`` for a header that has no active remembered mapping."""

    key = "map.not_found"


@dataclass(frozen=True)
class Mapping:
    """One mapping: a header and its target, where it came from and, when remembered, who made it and when."""

    header: str
    target: str  # canonical: a component code, "ignore", "ci_low:<code>" or "ci_high:<code>"
    source: str = "given"  # given | remembered
    version: int | None = None
    user: str | None = None
    at: dt.datetime | None = None
    file_name: str | None = None

    @property
    def key(self) -> str:
        """The header as matched (folded)."""
        return fold(self.header)

    @property
    def kind(self) -> str:
        """What the column holds: component, ignore, ci_low or ci_high."""
        if self.target == IGNORE:
            return IGNORE
        head = self.target.split(":", 1)[0]
        return head if head in BOUNDS else "component"

    @property
    def component(self) -> str | None:
        """The component the column holds (or bounds); None for ``ignore``."""
        if self.kind == IGNORE:
            return None
        return self.target.split(":", 1)[1] if self.kind in BOUNDS else self.target

    def text(self) -> str:
        """The mapping as the analyst writes it: ``HEADER=TARGET``."""
        return f"{self.header}={self.target}"


# -- parsing -------------------------------------------------------------------------------------------
def parse(text: str, catalog: Catalog) -> Mapping:
    """``"HEADER=TARGET"`` -> a :class:`Mapping`; a bad form or an unknown component raises :class:`MappingError`."""
    if "=" not in str(text):
        raise MappingError("map.bad_syntax", value=str(text))
    header, target = str(text).rsplit("=", 1)  # a header may hold '=' ("n = 1000"); a target never does
    header = clean(header)
    if not fold(header) or not target.strip():
        raise MappingError("map.bad_syntax", value=str(text))
    return Mapping(header, parse_target(target, catalog))


def parse_target(target: str, catalog: Catalog) -> str:
    """The canonical form of a target (``papi:d8.2`` -> ``PAPI:D8.2``); unknown ones raise :class:`MappingError`."""
    text = clean(target)
    if fold(text) == IGNORE:
        return IGNORE
    bound = _BOUND.match(text)
    if bound:
        kind = "ci_low" if "low" in bound.group(1).lower() else "ci_high"
        return f"{kind}:{_component_code(bound.group(2), catalog, text)}"
    return _component_code(text, catalog, text)


def _component_code(text: str, catalog: Catalog, whole: str) -> str:
    """A component code written in any case, checked against the catalogue."""
    wanted = clean(text).upper().replace(" ", "")
    codes = list(catalog.components["code"])
    for code in codes:
        if code.upper() == wanted:
            return code
    close = difflib.get_close_matches(wanted, codes, n=3, cutoff=0.5)
    raise MappingError("map.unknown_target", value=whole, suggestions=", ".join(close) or "—")


def read_map_file(path: Path, catalog: Catalog) -> list[Mapping]:
    """The mappings of a CSV with columns ``header,target`` (a header row, ``;`` and a BOM are accepted)."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError("map.bad_file", file=str(path), detail=type(exc).__name__) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    found = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [c for c in row if c.strip()]
        if not cells or (number == 1 and [fold(c) for c in row[:2]] == ["header", "target"]):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise MappingError("map.bad_file_line", file=Path(path).name, line=number, value=delimiter.join(row))
        try:
            found.append(parse(f"{row[0]}={row[1]}", catalog))
        except MappingError as exc:
            raise MappingError("map.bad_file_line", file=Path(path).name, line=number,
                               value=delimiter.join(row)) from exc
    return found


def from_args(texts: list[str] | None, map_file: str | None, catalog: Catalog) -> list[Mapping]:
    """Every mapping of one command (``--map`` texts, then the ``--map-file``); one header, one target."""
    given = [parse(text, catalog) for text in texts or []]
    if map_file:
        given += read_map_file(Path(map_file), catalog)
    chosen: dict[str, Mapping] = {}
    for mapping in given:
        earlier = chosen.setdefault(mapping.key, mapping)
        if earlier.target != mapping.target:
            raise MappingError("map.conflict", header=mapping.header, first=earlier.target, second=mapping.target)
    return list(chosen.values())


# -- recognition --------------------------------------------------------------------------------------
@dataclass
class MappingSet:
    """The mappings one load consults: given ones first, then the remembered ones."""

    given: list[Mapping] = field(default_factory=list)
    remembered: list[Mapping] = field(default_factory=list)
    #: When a set, every header key looked up is added to it (see :func:`etl.pipeline.run_load`).
    asked: set | None = None

    def __post_init__(self):
        self._given = {m.key: m for m in self.given}
        self._remembered = {m.key: m for m in self.remembered if m.key not in self._given}

    def find(self, texts: list[str]) -> Mapping | None:
        """The mapping for a column with these header texts (a given one wins over a remembered one)."""
        if self.asked is not None:
            self.asked.update(fold(text) for text in texts)
        if not self._given and not self._remembered:
            return None
        keys = [fold(text) for text in texts]
        for table in (self._given, self._remembered):
            for key in keys:
                if key in table:
                    return table[key]
        return None

    def count(self, cells: list) -> int:
        """Cells of a row that a component or bound mapping names (they make a header row like known names do)."""
        if not self._given and not self._remembered and self.asked is None:
            return 0
        found = [self.find([c]) for c in cells if isinstance(c, str) and c.strip()]
        return sum(m is not None and m.kind != IGNORE for m in found)

    def apply(self, layout, column: int) -> bool:
        """Recognition hook: when a mapping matches the column, classify it by the mapping and return True.

        A component column becomes a score column read as that code; ``ignore`` and bounds are kept
        in ``layout.mapped`` (bounds are attached to their component by :mod:`etl.mappings_bounds`).
        """
        mapping = self.find(layout.column_texts.get(column) or [])
        if mapping is None:
            return False
        layout.mapped[column] = mapping
        if mapping.kind == "component":
            layout.score_columns[column] = layout.column_texts[column][0]
            layout.column_texts[column] = [mapping.component]
        return True


@dataclass
class Review:
    """What the mappings did in one file: notes for the report, problems, and the mappings used."""

    notes: list[tuple[str, dict]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    used: list[Mapping] = field(default_factory=list)


def review(layouts: list, file: str) -> Review:
    """Notes for the mappings applied in the chosen sheets; a component mapped onto several columns is refused."""
    out = Review()
    for layout in layouts:
        columns: dict[Mapping, list[int]] = {}
        for column, mapping in sorted(getattr(layout, "mapped", {}).items()):
            columns.setdefault(mapping, []).append(column)
        for mapping, found in columns.items():
            labels = ", ".join(column_label(layout, c) for c in found)
            if mapping.kind != IGNORE and len(found) > 1:
                out.problems.append(Problem("map_several_columns", file, layout.sheet.name, None, labels,
                                            mapping.header, {"target": mapping.target}))
            out.notes.append(_note(mapping, labels))
            if mapping not in out.used:
                out.used.append(mapping)
    return out


def _note(mapping: Mapping, columns: str) -> tuple[str, dict]:
    params = {"header": mapping.header, "target": mapping.target, "columns": columns}
    if mapping.source == "given":
        return "map.note_given", params
    return "map.note_remembered", {**params, "version": mapping.version, "user": mapping.user or "—",
                                   "at": str(mapping.at)[:16] if mapping.at else "—"}


def check_index(layouts: list, index: str | None, file: str, catalog: Catalog) -> list[Problem]:
    """A column mapped to a component of another index than the file's is refused (and not read)."""
    problems = []
    for layout in layouts:
        for column, mapping in sorted(layout.mapped.items()):
            if index and mapping.component and catalog.component(mapping.component)["index"] != index:
                layout.score_columns.pop(column, None)
                problems.append(Problem("map_other_index", file, layout.sheet.name, None, column_label(layout, column),
                                        mapping.header, {"target": mapping.target, "index": index}))
    return problems


def unused_given(given: list[Mapping], used: list[Mapping]) -> list[tuple[str, dict]]:
    """A note for every given mapping that matched no column of any file (it is not remembered)."""
    keys = {m.key for m in used}
    return [("map.note_unused", {"header": m.header, "target": m.target}) for m in given if m.key not in keys]



# -- the database ---------------------------------------------------------------------------------------
def _from_row(row: dict) -> Mapping:
    return Mapping(row["header"] or row["header_key"], row["target"], "remembered", int(row["version"]),
                   row["user"], row["at"], row["file_name"])


def remembered(con) -> list[Mapping]:
    """The active remembered mappings (the newest version of each header), by header."""
    return [_from_row(row) for row in queries.column_mappings(con) if row["active"]]


def remembered_at(db: str | Path | None) -> list[Mapping]:
    """:func:`remembered` of the database at ``db``, read only; none when the database does not exist yet."""
    if store.current_file(db) is None:
        return []
    return store.read(db, remembered)


def history(con) -> list[dict]:
    """Every version of every remembered mapping (for ``mappings --all``)."""
    return queries.column_mappings(con, every_version=True)


def remember(con, used: list[tuple[Mapping, int | None, str]], user: str) -> list[Mapping]:
    """Write the given mappings a successful load used (``(mapping, load_id, file name)``), inside its transaction.

    A mapping equal to the active one of its header writes nothing; a new target or a header whose
    mapping was removed gets the next version. Returns the mappings written.
    """
    current = {row["header_key"]: row for row in queries.column_mappings(con)}
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rows, written = [], []
    for mapping, load_id, file_name in used:
        before = current.get(mapping.key)
        if mapping.source != "given" or (before and before["active"] and before["target"] == mapping.target):
            continue
        version = int(before["version"]) + 1 if before else 1
        row = {"header_key": mapping.key, "header": mapping.header, "target": mapping.target, "version": version,
               "active": True, "user": user, "at": now, "load_id": load_id, "file_name": file_name}
        current[mapping.key] = row
        rows.append(row)
        written.append(replace(mapping, version=version, user=user, at=now, file_name=file_name))
    dbmod.insert_rows(con, "column_mapping", rows)
    return written


def remember_loaded(con, results: list, load_ids: list[int] | None, user: str) -> list[Mapping]:
    """After a successful load (``load_ids`` None: an unchanged one), remember the given mappings its files used.

    Called inside the load's transaction; an unchanged load records nothing but these mappings, in a
    transaction of their own. The report gets one note per mapping written. Returns the mappings written.
    """
    used = [(m, load_ids[i] if load_ids else None, r.name) for i, r in enumerate(results) for m in r.mappings]
    if not any(m.source == "given" for m, _, _ in used):
        return []
    if load_ids is None:
        with dbmod.transaction(con):
            written = remember(con, used, user)
    else:
        written = remember(con, used, user)
    for mapping in written:
        results[0].notes.append(("map.note_saved", {"header": mapping.header, "target": mapping.target,
                                                    "version": mapping.version}))
    return written


def remove(con, header: str, user: str) -> Mapping:
    """Deactivate the remembered mapping of ``header`` (a new, inactive version); :class:`MappingNotFound` if none."""
    key = fold(clean(header))
    current = {row["header_key"]: row for row in queries.column_mappings(con)}
    before = current.get(key)
    if not before or not before["active"]:
        active = ", ".join(f'"{row["header"]}"' for row in current.values() if row["active"])
        raise MappingNotFound(header=header, active=active or "—")
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with dbmod.transaction(con):
        dbmod.insert_rows(con, "column_mapping", [{
            "header_key": key, "header": before["header"], "target": before["target"],
            "version": int(before["version"]) + 1, "active": False, "user": user, "at": now}])
    return replace(_from_row(before), version=int(before["version"]) + 1, user=user, at=now)


# -- the fix printed under an unknown column ----------------------------------------------------------------
def closest_component(header: str, index: str | None, catalog: Catalog) -> str | None:
    """The component whose known spelling is closest to ``header`` (the first "Closest" of the message)."""
    resolver = catalog.component_resolver
    pool = {}
    for key, codes in resolver.keys.items():
        for code in sorted(codes):
            if index is None or catalog.component(code)["index"] == index:
                pool.setdefault(key, code)
    matches = difflib.get_close_matches(fold(str(header)), list(pool), n=1, cutoff=0.5)
    return pool[matches[0]] if matches else None


def fix_command(file: str, header: str, index: str | None, catalog: Catalog) -> str:
    """The command that loads the file with the unknown column mapped to its closest component (else ignored).

    Language-neutral, appended to the message: `` → python -m etl load FILE --map "HEADER=PCI:TRANSPARENCY"``.
    """
    target = closest_component(header, index, catalog) or IGNORE
    return f" → python -m etl load {_shell_arg(file)} --map {_quoted(f'{clean(header)}={target}')}"


def _shell_arg(text: str) -> str:
    return text if _PLAIN_ARG.match(text) else _quoted(text)


def _quoted(text: str) -> str:
    """Double-quoted for a POSIX shell (and readable in a Windows one)."""
    return '"' + re.sub(r'(["\\$`])', r"\\\1", text) + '"'
