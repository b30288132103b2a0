"""Named, parameterised read queries: with db.py and the ETL writers, the only place that holds SQL.

Every function takes an open connection and returns fully fetched Python/pandas objects,
never a lazy relation (DuckDB 2.0 results stream and own the connection until fetched).
"""

from __future__ import annotations

import duckdb
import pandas as pd


def current_scores(con: duckdb.DuckDBPyConnection, index: str | None = None) -> pd.DataFrame:
    """Every current score (optionally of one index), sorted for stable output."""
    sql = ('SELECT "index", year, unit_set, unit_code, component, value, rank, ci_low, ci_high, load_id'
           " FROM score_current WHERE (? IS NULL OR \"index\" = ?)"
           ' ORDER BY "index", year, unit_set, unit_code, component')
    return con.execute(sql, [index, index]).df()


def current_scope(con: duckdb.DuckDBPyConnection, index: str, year: int) -> pd.DataFrame:
    """Current values of one (index, year), for diffs."""
    return con.execute(
        'SELECT unit_set, unit_code, component, value, rank, ci_low, ci_high FROM score_current'
        ' WHERE "index" = ? AND year = ?',
        [index, year]).df()


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    """The number the next load gets (load ids are never reused, even after a rollback)."""
    return int(con.execute('SELECT coalesce(max(load_id), 0) + 1 FROM "load"').fetchone()[0])


def load_status(con: duckdb.DuckDBPyConnection, load_id: int) -> str | None:
    """``loaded`` or ``rolled_back``; None for an unknown load id."""
    row = con.execute('SELECT status FROM "load" WHERE load_id = ?', [load_id]).fetchone()
    return row[0] if row else None


def load_file(con: duckdb.DuckDBPyConnection, load_id: int) -> tuple[str, str] | None:
    """(file name, sha256) of a load, to fetch its kept original; None for an unknown load id."""
    return con.execute('SELECT file_name, sha256 FROM "load" WHERE load_id = ?', [load_id]).fetchone()


def load_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All loads, newest first: who, when, file, sha256, rows, status, rollback, re-activation, currency.

    ``current_scopes`` of ``scopes`` tell whether each load still provides current values.

    A database older than issue 10 (read without migrating) has no re-activation columns: they read as empty.
    """
    present = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'load' AND column_name LIKE 'reactivated_%'"
    ).fetchall()}
    reactivated = ("l.reactivated_at, l.reactivated_by" if present == {"reactivated_at", "reactivated_by"}
                   else "NULL::TIMESTAMP AS reactivated_at, NULL::VARCHAR AS reactivated_by")
    return con.execute(f"""
        SELECT l.load_id, l."at", l."user", l.file_name, l.file_size, l.sha256, l."index", l.years, l.rows,
               l.status, l.active, l.encoding, l.layout, l.sheet, l.warnings, l.rolled_back_at, l.rolled_back_by,
               {reactivated},
               (SELECT count(*) FROM load_scope sc WHERE sc.load_id = l.load_id) AS scopes,
               (SELECT count(*) FROM load_scope sc WHERE sc.load_id = l.load_id AND l.active AND NOT EXISTS (
                    SELECT 1 FROM load_scope sc2 JOIN "load" l2 ON l2.load_id = sc2.load_id
                    WHERE l2.active AND sc2."index" = sc."index" AND sc2.year = sc.year
                      AND sc2.load_id > sc.load_id)) AS current_scopes
        FROM "load" l ORDER BY l.load_id DESC""").df()


def scopes_after_rollback(con: duckdb.DuckDBPyConnection, load_id: int) -> list[dict]:
    """For each scope of a load: which active load now provides it (None = no data)."""
    rows = con.execute("""
        SELECT sc."index", sc.year,
               (SELECT max(sc2.load_id) FROM load_scope sc2 JOIN "load" l2 ON l2.load_id = sc2.load_id
                 WHERE l2.active AND sc2."index" = sc."index" AND sc2.year = sc.year) AS now_current
        FROM load_scope sc WHERE sc.load_id = ? ORDER BY sc."index", sc.year""", [load_id]).fetchall()
    return [{"index": r[0], "year": int(r[1]), "current_load": r[2]} for r in rows]


def export_rows(con: duckdb.DuckDBPyConnection, index: str | None = None,
                unit_set: str | None = None) -> pd.DataFrame:
    """Current scores in the export layout (unit names in Vietnamese), catalogue order."""
    return con.execute("""
        SELECT s."index", s.year, s.unit_set, s.unit_code, u.name_vi AS unit_name, s.component, s.value, s.rank,
               s.ci_low, s.ci_high
        FROM score_current s
        LEFT JOIN unit u ON u.unit_set = s.unit_set AND u.code = s.unit_code
        LEFT JOIN component c ON c.code = s.component
        LEFT JOIN index_def i ON i."index" = s."index"
        WHERE (? IS NULL OR s."index" = ?) AND (? IS NULL OR s.unit_set = ?)
        ORDER BY i.sort, s."index", s.year, s.unit_set, s.unit_code, c.sort, s.component""",
                       [index, index, unit_set, unit_set]).df()


def meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every ``meta`` fact (dataset, demo seed, schema version ...) as a dict."""
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def has_scores(con: duckdb.DuckDBPyConnection) -> bool:
    """True when any current score exists (the demo refuses to overwrite such a database)."""
    return con.execute("SELECT count(*) FROM score_current").fetchone()[0] > 0


def actions(con: duckdb.DuckDBPyConnection, unit_code: str | None = None) -> pd.DataFrame:
    """The current version of every register entry (optionally one unit's); retired actions are left out.

    A database older than issue 10 (read without migrating) has no ``retired`` column: nothing is retired there.
    """
    retired = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'action'"
                          " AND column_name = 'retired'").fetchone()[0]
    active = "AND NOT coalesce(retired, false)" if retired else ""
    return con.execute(f"""
        SELECT * FROM action_current WHERE (? IS NULL OR unit_code = ?) {active}
        ORDER BY year, action_id""", [unit_code, unit_code]).df()


def current_action(con: duckdb.DuckDBPyConnection, action_id: str) -> dict | None:
    """The newest version of one register entry (retired or not), or None."""
    rows = con.execute("SELECT * FROM action_current WHERE action_id = ?", [action_id]).df().to_dict("records")
    return rows[0] if rows else None


def action_targets(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every pre-registered hypothesis (action, component, expected sign and lag)."""
    return con.execute("SELECT * FROM action_target ORDER BY action_id, component").df()


def demo_effects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The effects the demo planted (the truth the impact models are checked against)."""
    return con.execute("SELECT * FROM demo_effect ORDER BY action_type, component").df()


# -- reform-impact register (issue 5) -----------------------------------------------------------------
def register_version(con: duckdb.DuckDBPyConnection) -> str:
    """Fingerprint of the register (every version row and every hypothesis): changes after any import."""
    row = con.execute("""
        SELECT count(*), coalesce(sum(version), 0), coalesce(max(created_at)::VARCHAR, '-'),
               (SELECT count(*) FROM action_target),
               (SELECT coalesce(max(registered_at)::VARCHAR, '-') FROM action_target)
        FROM action""").fetchone()
    return "|".join(str(v) for v in row)



# -- remembered column mappings (issue 9) ---------------------------------------------------------------
def column_mappings(con: duckdb.DuckDBPyConnection, every_version: bool = False) -> list[dict]:
    """Remembered ``--map`` mappings: the newest version of each header (active or removed), or every version.

    An older database opened read-only may not have the table yet: then there are none.
    """
    # duckdb_tables(), not information_schema: the latter costs ~12 ms on its first use in a process
    present = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'column_mapping'").fetchone()[0]
    if not present:
        return []
    cursor = con.execute("""
        SELECT header_key, header, target, version, active, "user", "at", load_id, file_name
        FROM column_mapping AS m
        WHERE ? OR version = (SELECT max(version) FROM column_mapping AS n WHERE n.header_key = m.header_key)
        ORDER BY header_key, version""", [every_version])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
