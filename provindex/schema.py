"""The one declaration of the database: tables, columns, types, keys, allowed values and meaning.

DDL (``db.py``, with CHECK constraints generated from each column's allowed values and range),
the reference loader, the importers' validation and the convention tests derive from ``TABLES``;
nothing else spells a column list or a vocabulary. Reference tables are filled from
``data/reference/*.csv`` with the same column names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column: SQL type, meaning, and the values it admits (checked on import and by the DDL)."""

    name: str
    type: str
    description: str
    nullable: bool = True
    #: The only values the column may hold (empty = any).
    allowed: tuple = ()
    min: float | None = None
    max: float | None = None

    def admits(self, value) -> bool:
        """True when ``value`` (None = missing) is one of the allowed values and inside the range."""
        if value is None:
            return True
        if self.allowed and value not in self.allowed:
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def choices_text(self) -> str:
        """The allowed values as an analyst reads them in a message ("day, month, year"; "+1, -1")."""
        signed = any(isinstance(v, int) and v < 0 for v in self.allowed)
        return ", ".join(f"{v:+d}" if signed else str(v) for v in self.allowed)


@dataclass(frozen=True)
class Table:
    """One table: its columns, primary key and, for reference tables, the CSV that fills it."""

    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    #: CSV in data/reference that fills this table on every schema sync (None = data table).
    reference_csv: str | None = None

    def column_names(self) -> list[str]:
        """Column names in declared order (the order of the DDL and of every writer)."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """The declared column ``name`` (StopIteration when the table has none)."""
        return next(c for c in self.columns if c.name == name)


def _c(name: str, type_: str, description: str, nullable: bool = True, **limits) -> Column:
    return Column(name, type_, description, nullable, **limits)


#: Written into ``meta`` on every read-write connect; a database with a higher number is refused.
SCHEMA_VERSION = 1

UNIT_SETS = ("vn63", "vn34")
#: "approximate" marks a placeholder date (only the year, or not even that, is known): the demo's
#: unverified Đà Nẵng entries and every fieldwork date of ``index_editions.csv``.
DATE_PRECISIONS = ("day", "month", "year", "approximate")
PERSISTENCES = ("absorbing", "temporary", "one_off")
#: Years an edition or an action may carry (scores: the indices started in the 2000s).
SCORE_YEARS = {"min": 2000, "max": 2100}
ACTION_YEARS = {"min": 1990, "max": 2100}

TABLES: tuple[Table, ...] = (
    Table("meta", "Key/value facts about this database (dataset=demo|real, schema_version, ...).",
          (_c("key", "VARCHAR", "setting name", False), _c("value", "VARCHAR", "setting value")),
          ("key",)),
    Table("index_def", "The four indices and their composite component.",
          (_c("index", "VARCHAR", "index code: PCI, PAPI, PAR, SIPAS", False),
           _c("name_vi", "VARCHAR", "Vietnamese name"), _c("name_en", "VARCHAR", "English name"),
           _c("short_vi", "VARCHAR", "short Vietnamese label"), _c("short_en", "VARCHAR", "short English label"),
           _c("publisher_vi", "VARCHAR", "publisher (Vietnamese)"),
           _c("publisher_en", "VARCHAR", "publisher (English)"),
           _c("composite", "VARCHAR", "component code of the headline score"),
           _c("first_year", "INTEGER", "first edition"), _c("unit", "VARCHAR", "points or percent"),
           _c("higher_is_better", "BOOLEAN", "direction of the headline score"),
           _c("sort", "INTEGER", "display order")),
          ("index",), "indices.csv"),
    Table("component", "Every scored component of every index (composite, sub-index, sub-dimension).",
          (_c("index", "VARCHAR", "index code", False),
           _c("code", "VARCHAR", "stable component code, e.g. PCI:TRANSPARENCY", False),
           _c("parent", "VARCHAR", "component this one feeds (NULL for a composite)"),
           _c("level", "INTEGER", "0 composite, 1 sub-index/dimension, 2 sub-dimension"),
           _c("sort", "INTEGER", "display order within the index"),
           _c("name_vi", "VARCHAR", "Vietnamese name"), _c("name_en", "VARCHAR", "English name"),
           _c("short_vi", "VARCHAR", "short Vietnamese label"), _c("short_en", "VARCHAR", "short English label"),
           _c("scale_min", "DOUBLE", "lowest possible score"), _c("scale_max", "DOUBLE", "highest possible score"),
           _c("unit", "VARCHAR", "points or percent"),
           _c("weight", "DOUBLE", "latest known weight in its parent (share); NULL when unknown"),
           _c("first_year", "INTEGER", "first edition with this component"),
           _c("last_year", "INTEGER", "last edition (NULL = still published)"),
           _c("higher_is_better", "BOOLEAN", "direction"),
           _c("note_vi", "VARCHAR", "note (Vietnamese)"), _c("note_en", "VARCHAR", "note (English)")),
          ("code",), "components.csv"),
    Table("component_weight", "Weights of components in their parent, by period, where known.",
          (_c("index", "VARCHAR", "index code", False), _c("parent", "VARCHAR", "parent component", False),
           _c("component", "VARCHAR", "weighted component", False),
           _c("first_year", "INTEGER", "first year the weight applies", False),
           _c("last_year", "INTEGER", "last year (NULL = open)"),
           _c("weight", "DOUBLE", "share of the parent (PAPI: 1 = plain sum)", False),
           _c("source", "VARCHAR", "where the weight comes from")),
          (), "weights.csv"),
    Table("region", "The six GSO socio-economic regions.",
          (_c("code", "VARCHAR", "region code", False), _c("name_vi", "VARCHAR", "Vietnamese name"),
           _c("name_en", "VARCHAR", "English name"), _c("sort", "INTEGER", "display order")),
          ("code",), "regions.csv"),
    Table("unit", "Provincial units keyed by (unit_set, code): vn63 to 30 Jun 2025, vn34 from 1 Jul 2025.",
          (_c("unit_set", "VARCHAR", "vn63 or vn34", False, allowed=UNIT_SETS),
           _c("code", "VARCHAR", "GSO code (2 digits)", False),
           _c("name_vi", "VARCHAR", "short Vietnamese name"), _c("full_name_vi", "VARCHAR", "name with Tỉnh/Thành phố"),
           _c("name_ascii", "VARCHAR", "name without diacritics"), _c("name_en", "VARCHAR", "English name"),
           _c("region", "VARCHAR", "GSO region code (for vn34: region of the code's former province)"),
           _c("unit_type", "VARCHAR", "province or city (centrally-run)", allowed=("province", "city")),
           _c("valid_from", "DATE", "first day the unit exists (NULL = before the data)"),
           _c("valid_to", "DATE", "last day (NULL = current)"),
           _c("merged_into", "VARCHAR", "code the unit was merged into within the same set (Hà Tây -> Hà Nội)"),
           _c("iso_3166_2", "VARCHAR", "ISO 3166-2 code")),
          ("unit_set", "code"), "units.csv"),
    Table("crosswalk", "vn63 -> vn34 membership with GSO 2020 population shares.",
          (_c("from_set", "VARCHAR", "source unit set", False), _c("from_code", "VARCHAR", "source code", False),
           _c("to_set", "VARCHAR", "target unit set", False), _c("to_code", "VARCHAR", "target code", False),
           _c("weight", "DOUBLE", "share of the target unit's population"),
           _c("basis", "VARCHAR", "what the weight measures"),
           _c("pop2020_thousand", "DOUBLE", "GSO 2020 average population, thousands")),
          ("from_set", "from_code", "to_set"), "crosswalk.csv"),
    Table("alias", "Extra spellings of unit names and column headers (diacritics are handled by folding).",
          (_c("kind", "VARCHAR", "unit or component", False),
           _c("target", "VARCHAR", "unit code or component code", False),
           _c("unit_set", "VARCHAR", "restrict a unit alias to one set (NULL = any set with that code)"),
           _c("alias", "VARCHAR", "the spelling", False), _c("note", "VARCHAR", "why it exists")),
          (), "aliases.csv"),
    Table("series_break", "Years where a series changes meaning; charts mark them, comparisons warn.",
          (_c("index", "VARCHAR", "index code", False),
           _c("component", "VARCHAR", "component code or * for all", False),
           _c("year", "INTEGER", "first year of the new series", False),
           _c("kind", "VARCHAR", "methodology, weights, coverage, units"),
           _c("note_vi", "VARCHAR", "explanation (Vietnamese)"), _c("note_en", "VARCHAR", "explanation (English)")),
          (), "series_breaks.csv"),
    Table("tile", "Tile-grid map layout: one equal square per unit, placed geographically (written by us).",
          (_c("unit_set", "VARCHAR", "vn63 or vn34", False, allowed=UNIT_SETS),
           _c("code", "VARCHAR", "unit code", False),
           _c("row", "INTEGER", "row from the north (0 = top)", False),
           _c("col", "INTEGER", "column from the west", False),
           _c("label", "VARCHAR", "short tile label")),
          ("unit_set", "code"), "tilegrid.csv"),
    Table("column_role", "Header spellings of structural columns (unit, year, rank ...) and labels of national rows.",
          (_c("role", "VARCHAR", "what a column with this header holds; aggregate = a national/summary row label",
              False, allowed=("unit", "unit_code", "year", "index", "component", "value", "rank", "unit_set",
                              "ci_low", "ci_high", "ignore", "aggregate", "identifier", "respondents", "rank_other")),
           _c("alias", "VARCHAR", "the spelling", False)),
          (), "column_roles.csv"),
    Table("component_position", "Numbered headers per index and period ('Chỉ số 3' in PCI 2006-08 -> a component).",
          (_c("index", "VARCHAR", "index code", False), _c("first_year", "INTEGER", "first year of the numbering"),
           _c("last_year", "INTEGER", "last year (NULL = open)"), _c("position", "VARCHAR", "printed number", False),
           _c("component", "VARCHAR", "component code", False), _c("note", "VARCHAR", "source of the numbering")),
          (), "component_positions.csv"),
    Table("papi_subdimension",
          "PAPI sub-dimension numbers per period -> meaning-based codes (ARCHITECTURE, decision 3).",
          (_c("first_year", "INTEGER", "first year of the numbering"), _c("last_year", "INTEGER", "last year"),
           _c("position", "VARCHAR", "printed number, e.g. 2.1", False),
           _c("component", "VARCHAR", "component code", False)),
          (), "papi_subdimension_map.csv"),
    Table("load", "One row per accepted file load; never deleted. Rollback sets active=false.",
          (_c("load_id", "INTEGER", "load number", False), _c("at", "TIMESTAMP", "when (UTC)", False),
           _c("user", "VARCHAR", "who loaded it"), _c("file_name", "VARCHAR", "file name as given"),
           _c("file_size", "BIGINT", "bytes"), _c("sha256", "VARCHAR", "content hash"),
           _c("index", "VARCHAR", "indices in the file, comma-separated"),
           _c("years", "VARCHAR", "years in the file, comma-separated"),
           _c("rows", "INTEGER", "score rows stored"),
           _c("status", "VARCHAR", "loaded or rolled_back", False, allowed=("loaded", "rolled_back")),
            _c("active", "BOOLEAN", "counts for the current view", False),
           _c("encoding", "VARCHAR", "detected text encoding"), _c("layout", "VARCHAR", "detected layout"),
           _c("sheet", "VARCHAR", "sheet read (workbooks)"), _c("warnings", "INTEGER", "warnings shown at load"),
           _c("rolled_back_at", "TIMESTAMP", "when it was rolled back"),
           _c("rolled_back_by", "VARCHAR", "who rolled it back"),
           _c("reactivated_at", "TIMESTAMP", "when a rollback was last undone (issue 10)"),
           _c("reactivated_by", "VARCHAR", "who undid it")),
          ("load_id",)),
    Table("load_scope", "Which (index, year) a load replaces: the current view takes the newest active load per scope.",
          (_c("load_id", "INTEGER", "load number", False), _c("index", "VARCHAR", "index code", False),
           _c("year", "INTEGER", "edition year", False, **SCORE_YEARS),
           _c("unit_set", "VARCHAR", "unit set of the rows", allowed=UNIT_SETS),
           _c("rows", "INTEGER", "rows in this scope")),
          ("load_id", "index", "year")),
    Table("score", "Append-only scores; every version kept.",
          (_c("load_id", "INTEGER", "load that brought the value", False), _c("index", "VARCHAR", "index code", False),
           _c("year", "INTEGER", "edition year", False, **SCORE_YEARS),
           _c("unit_set", "VARCHAR", "vn63 or vn34", False, allowed=UNIT_SETS),
           _c("unit_code", "VARCHAR", "GSO code", False), _c("component", "VARCHAR", "component code", False),
           _c("value", "DOUBLE", "published score", False), _c("rank", "INTEGER", "published rank (composite)", min=1),
           _c("ci_low", "DOUBLE", "lower bound of the published 95% CI"), _c("ci_high", "DOUBLE", "upper bound")),
          ("load_id", "year", "unit_set", "unit_code", "component")),
    Table("column_mapping",
          "Column mappings an analyst gave (--map) in a successful load, remembered for later files; versioned.",
          (_c("header_key", "VARCHAR", "the header as matched (provindex.text.fold)", False),
           _c("header", "VARCHAR", "the header as the analyst wrote it"),
           _c("target", "VARCHAR", "component code, ignore, ci_low:<code> or ci_high:<code>", False),
           _c("version", "INTEGER", "version of this header's mapping (each change or removal adds one)", False,
              min=1),
           _c("active", "BOOLEAN", "applied to later files (false = removed)", False),
           _c("user", "VARCHAR", "who gave or removed it"), _c("at", "TIMESTAMP", "when (UTC)"),
           _c("load_id", "INTEGER", "the load it was first used in (NULL for a removal or an unchanged load)"),
           _c("file_name", "VARCHAR", "the file it was given for")),
          ("header_key", "version")),
    Table("action_type", "Controlled vocabulary of reform actions and recorded confounders.",
          (_c("code", "VARCHAR", "type code, e.g. OSS_CENTRE", False),
           _c("kind", "VARCHAR", "reform or confounder", allowed=("reform", "confounder")),
           _c("name_vi", "VARCHAR", "Vietnamese name"), _c("name_en", "VARCHAR", "English name"),
           _c("persistence", "VARCHAR", "typical persistence", allowed=PERSISTENCES)),
          ("code",), "action_types.csv"),
    Table("action", "The reform-action register: one dated, documented action in one unit.",
          (_c("action_id", "VARCHAR", "stable slug, e.g. DNG-2013-CT29", False),
           _c("version", "INTEGER", "register version of this row (edits add a version)", False),
           _c("unit_set", "VARCHAR", "unit set of the acting unit", False, allowed=UNIT_SETS),
            _c("unit_code", "VARCHAR", "acting unit", False),
           _c("year", "INTEGER", "year the action took effect", False, **ACTION_YEARS),
           _c("date", "DATE", "operational date (citizens or firms can feel it)"),
           _c("date_precision", "VARCHAR", "how exact the date is (approximate = a placeholder)",
              allowed=DATE_PRECISIONS),
           _c("action_type", "VARCHAR", "code from action_type", False),
           _c("title_vi", "VARCHAR", "title (Vietnamese)"), _c("title_en", "VARCHAR", "title (English)"),
           _c("description", "VARCHAR", "what was done"),
           _c("target_components", "VARCHAR", "components it aims to move, comma-separated"),
           _c("dose", "DOUBLE", "intensity, e.g. % services online"), _c("dose_unit", "VARCHAR", "unit of the dose"),
           _c("persistence", "VARCHAR", "how long the action lasts", allowed=PERSISTENCES),
           _c("end_date", "DATE", "end of a temporary campaign"),
           _c("evidence_grade", "VARCHAR", "A official text, B official report, C press, D self-reported",
              allowed=("A", "B", "C", "D")),
           _c("source_document", "VARCHAR", "document number and issuer"),
           _c("is_synthetic", "BOOLEAN", "true for invented demo actions", False),
           _c("created_by", "VARCHAR", "who entered it"), _c("created_at", "TIMESTAMP", "when"),
           # IMPACT-METHOD §1.1 fields (issue 5); additive, older databases gain them on connect.
           _c("scope", "VARCHAR", "where it applies (below province = partial dose)",
              allowed=("province", "department", "district", "commune", "pilot_subset")),
           _c("doc_type", "VARCHAR", "Chỉ thị, Nghị quyết, Quyết định, Kế hoạch, Đề án, Công văn, Báo cáo, other"),
           _c("doc_number", "VARCHAR", "document number, e.g. 29-CT/TU"),
           _c("issuing_body", "VARCHAR", "Tỉnh ủy/Thành ủy, HĐND, UBND, Sở, other"),
           _c("signed_date", "DATE", "date the document was signed (for anticipation analyses)"),
           _c("effective_date", "DATE", "date the document took effect"),
           _c("intensity_kind", "VARCHAR", "how to read dose", allowed=("flow_in_year", "stock_at_year_end")),
           _c("source_url", "VARCHAR", "where the document was found"),
           _c("source_archive_path", "VARCHAR", "offline copy for intranet users"),
           _c("reason", "VARCHAR", "why the action was taken, e.g. response to a PCI drop (Ashenfelter flag)"),
           _c("verified_by", "VARCHAR", "who checked the entry against the document"),
           _c("verified_at", "TIMESTAMP", "when it was checked"),
           _c("supersedes", "INTEGER", "version this row replaces (NULL for the first)"),
           # issue 10: retiring an action adds a version with retired = true; analyses read only active ones.
           _c("retired", "BOOLEAN", "true when this version withdraws the action from the register")),
          ("action_id", "version")),
    Table("action_target", "Pre-registered hypotheses: which component an action should move, in which direction.",
          (_c("action_id", "VARCHAR", "action", False), _c("index", "VARCHAR", "index code", False),
           _c("component", "VARCHAR", "component code", False),
           _c("role", "VARCHAR", "primary or secondary", allowed=("primary", "secondary")),
           _c("expected_sign", "INTEGER", "direction of the expected effect", allowed=(1, -1)),
           _c("expected_lag", "INTEGER", "years until the effect shows"),
           _c("registered_at", "TIMESTAMP", "when the hypothesis was recorded")),
          ("action_id", "component")),
    Table("index_edition", "One row per index edition: fieldwork and publication dates, methodology version.",
          (_c("index", "VARCHAR", "index code", False),
           _c("edition_year", "INTEGER", "reference year of the edition", False),
           _c("fieldwork_start", "DATE", "first day of fieldwork (survey) for the edition"),
           _c("fieldwork_end", "DATE", "last day of fieldwork"),
           _c("publication_date", "DATE", "release of the report (usually the following spring)"),
           _c("date_precision", "VARCHAR", "day when verified from the report, approximate otherwise",
              allowed=DATE_PRECISIONS),
           _c("methodology_version", "VARCHAR", "methodology period; a change is a series break"),
           _c("n_units", "INTEGER", "units published"), _c("notes", "VARCHAR", "source and caveats")),
          ("index", "edition_year"), "index_editions.csv"),
    Table("mechanical_link",
          "Action types whose sub-index contains an indicator of the action itself (manipulation check).",
          (_c("action_type", "VARCHAR", "action type", False), _c("index", "VARCHAR", "index code", False),
           _c("component", "VARCHAR", "component that mechanically reflects the action", False),
           _c("reason_vi", "VARCHAR", "why (Vietnamese)"), _c("reason_en", "VARCHAR", "why (English)")),
          ("action_type", "component"), "mechanical_links.csv"),
    Table("demo_effect", "Effects planted in the synthetic demo (truth for testing the impact models).",
          (_c("action_type", "VARCHAR", "action type", False), _c("component", "VARCHAR", "component moved", False),
           _c("effect", "DOUBLE", "full effect in score points once phased in", False),
           _c("ramp_years", "INTEGER", "editions until the full effect"),
           _c("note", "VARCHAR", "design note")),
          ("action_type", "component")),
    Table("derived_weight", "Weights an edition's own workbook implies (least squares over the provinces) where "
          "the catalogue has none; kept with the load that brought them (issue 9).",
          (_c("load_id", "INTEGER", "load whose file implied the weights", False),
           _c("index", "VARCHAR", "index code", False), _c("year", "INTEGER", "edition year", False),
           _c("parent", "VARCHAR", "weighted parent component", False),
           _c("component", "VARCHAR", "weighted child component", False),
           _c("weight", "DOUBLE", "share of the parent (shares sum to 1)", False, min=0, max=1),
           _c("scale", "DOUBLE", "parent = scale × Σ share · child (PCI: 10)"),
           _c("max_residual", "DOUBLE", "largest miss of the fit over the provinces, in parent points"),
           _c("tolerance", "DOUBLE", "miss the printed rounding explains"),
           _c("exact", "BOOLEAN", "every province's parent reproduced within the tolerance"),
           _c("n_units", "INTEGER", "provinces in the fit"),
           _c("source", "VARCHAR", "provenance: derived from the published workbook")),
          ("load_id", "year", "parent", "component")),
)

TABLE_BY_NAME = {t.name: t for t in TABLES}

#: Current values: per (index, year) the newest active load wins.
CURRENT_VIEW = """
CREATE OR REPLACE VIEW score_current AS
SELECT s.*
FROM score AS s
JOIN (
    SELECT sc."index", sc.year, max(sc.load_id) AS load_id
    FROM load_scope AS sc JOIN "load" AS l ON l.load_id = sc.load_id
    WHERE l.active
    GROUP BY sc."index", sc.year
) AS cur ON s.load_id = cur.load_id AND s."index" = cur."index" AND s.year = cur.year
"""

#: The newest version of every action in the register.
ACTION_CURRENT_VIEW = """
CREATE OR REPLACE VIEW action_current AS
SELECT a.* FROM action AS a
JOIN (SELECT action_id, max(version) AS version FROM action GROUP BY action_id) AS v
  ON a.action_id = v.action_id AND a.version = v.version
"""

VIEWS: tuple[str, ...] = (CURRENT_VIEW, ACTION_CURRENT_VIEW)


#: The columns of a tidy score (the ``score`` table without its load): what extraction yields,
#: the loader writes and the demo generates.
SCORE_COLUMNS: tuple[str, ...] = tuple(c for c in TABLE_BY_NAME["score"].column_names() if c != "load_id")


def column(table: str, name: str) -> Column:
    """The declaration of ``table.name`` (its allowed values and range are the rule importers check)."""
    return TABLE_BY_NAME[table].column(name)


def quote(identifier: str) -> str:
    """Quote an identifier that comes from this declaration (never from user input)."""
    assert identifier in _KNOWN_IDENTIFIERS, identifier
    return '"' + identifier + '"'


def create_table_sql(table: Table) -> str:
    """CREATE TABLE for a declared table, with NOT NULL, CHECK (allowed values, range) and its key."""
    cols = [f'{quote(c.name)} {c.type}{"" if c.nullable else " NOT NULL"}{_check_sql(c)}' for c in table.columns]
    if table.primary_key:
        cols.append("PRIMARY KEY (" + ", ".join(quote(k) for k in table.primary_key) + ")")
    return f"CREATE TABLE IF NOT EXISTS {quote(table.name)} (\n  " + ",\n  ".join(cols) + "\n)"


def _check_sql(col: Column) -> str:
    """The column's CHECK clause ("" when it admits anything of its type); NULL always passes."""
    name = quote(col.name)
    parts = []
    if col.allowed:
        parts.append(f"{name} IN ({', '.join(_literal(v) for v in col.allowed)})")
    if col.min is not None:
        parts.append(f"{name} >= {_literal(col.min)}")
    if col.max is not None:
        parts.append(f"{name} <= {_literal(col.max)}")
    return f" CHECK ({' AND '.join(parts)})" if parts else ""


def _literal(value) -> str:
    """A SQL literal for a value of this declaration (never user input)."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


_KNOWN_IDENTIFIERS = {t.name for t in TABLES} | {c.name for t in TABLES for c in t.columns}
