import sqlite3
import threading

import pytest

from provindex import audit, workspace
from provindex.auth import ANONYMOUS, ROLES, User, allows


def test_roles_are_ordered():
    assert allows("admin", "analyst") and allows("analyst", "analyst") and allows("analyst", "viewer")
    assert not allows("viewer", "analyst") and not allows("analyst", "admin")
    assert ANONYMOUS.role == "viewer" and ANONYMOUS.anonymous
    with pytest.raises(ValueError):
        User("x", "superuser")
    assert ROLES[0] == "viewer"


def test_audit_entries_newest_first_and_decoded(tmp_path):
    path = tmp_path / "ws.sqlite"
    assert audit.entries(path) == []
    audit.record("load", "lan", "PCI 2024", {"rows": 63, "file": "Bảng PCI.xlsx"}, path=path)
    audit.record("rollback", "minh", "load 7", path=path)
    rows = audit.entries(path)
    assert [r["action"] for r in rows] == ["rollback", "load"]
    assert rows[1]["detail"] == {"rows": 63, "file": "Bảng PCI.xlsx"} and rows[1]["actor"] == "lan"
    assert len(audit.entries(path, limit=1)) == 1


def test_unknown_action_is_refused_and_nothing_written(tmp_path):
    path = tmp_path / "ws.sqlite"
    with pytest.raises(ValueError):
        audit.record("drop_everything", "x", path=path)
    assert audit.entries(path) == []


def test_failed_transaction_leaves_no_row(tmp_path):
    path = tmp_path / "ws.sqlite"
    with pytest.raises(RuntimeError), workspace.connection(path) as con:
        con.execute("INSERT INTO audit (at, actor, action) VALUES ('t', 'a', 'load')")
        raise RuntimeError("boom")
    assert audit.entries(path) == []


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "ws.sqlite"
    audit.record("load", "seed", path=path)

    def write(n):
        for i in range(20):
            audit.record("mapping", f"user{n}", str(i), path=path)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(audit.entries(path)) == 81
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_workspace_sits_beside_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("PROVINDEX_DB", str(tmp_path / "x" / "p.duckdb"))
    monkeypatch.delenv("PROVINDEX_WORKSPACE", raising=False)
    assert workspace.workspace_path() == tmp_path / "x" / "provindex-workspace.sqlite"
    monkeypatch.setenv("PROVINDEX_WORKSPACE", str(tmp_path / "w.sqlite"))
    assert workspace.workspace_path() == tmp_path / "w.sqlite"
