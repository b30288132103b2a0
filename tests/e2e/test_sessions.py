"""Twenty real browser sessions on every page while ten loads run (issue 10's reliability figures).

Slow (about 15 minutes on two cores): `make test-slow`; the figures come from `make bench`.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench import sessions
from .conftest import _require_browser

pytestmark = pytest.mark.slow


def _loads(db) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "etl", "history", "--json", "--db", str(db)], cwd=sessions.ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_twenty_sessions_never_see_an_error_while_ten_years_load(tmp_path):
    _require_browser()
    db = sessions.fresh_demo(tmp_path)
    files = sessions.yearly_files(db, tmp_path)
    before = len(_loads(db))
    with sessions.server(db) as (url, _process):
        loads, tally = sessions.browse_while_loading(url, db, files, sessions=20, held=3, hold_seconds=30)
    assert [load["rc"] for load in loads] == [0] * len(files), loads
    assert tally.errors == []
    assert tally.views >= 20 * len(sessions.page_paths())
    assert len(_loads(db)) - before == len(files)


def test_server_memory_stays_flat_over_three_rounds(tmp_path):
    _require_browser()
    db = sessions.fresh_demo(tmp_path)
    with sessions.server(db) as (url, process):
        memory, tally = sessions.browse_rounds(url, process, sessions=20, rounds=3)
    assert tally.errors == []
    assert memory[-1] <= memory[0] * 1.10, memory
