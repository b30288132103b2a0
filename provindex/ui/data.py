"""Cached reads for the pages: one short read-only connection per published snapshot.

Results are cached per *data version* = the current snapshot's name (``store.current_version``), so a load
from the command line or the Data page shows on every session's next run without a restart, a session sees
one published version or the next (never a mixture), and a page run never waits for a load (ARCHITECTURE
decision 34).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from provindex import config, queries, schema, store


@st.cache_data(max_entries=4, show_spinner=False)
def _load_database(path: str, version: str) -> tuple[pd.DataFrame, dict, pd.DataFrame, pd.DataFrame, str]:
    with store.reading(path) as con:
        return (queries.current_scores(con), queries.meta(con), queries.actions(con), queries.action_targets(con),
                queries.register_version(con))


def _read_all() -> tuple[pd.DataFrame, dict, pd.DataFrame, pd.DataFrame, str]:
    """Everything the pages read, in one connection per database version (empty before any database)."""
    path = config.db_path()
    version = store.current_version(path)
    if version == "-":
        empty = pd.DataFrame(columns=list(schema.SCORE_COLUMNS))
        return (empty, {}, pd.DataFrame(columns=["action_id", "unit_code", "year", "action_type"]),
                pd.DataFrame(columns=["action_id", "index", "component"]), "-")
    return _load_database(str(path), version)


def load_data() -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """Current scores, meta and the action register; empty frames when there is no database yet."""
    return _read_all()[:3]


def load_register() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Current register, pre-registered targets and the register version (read with the scores)."""
    return _read_all()[2:]
