"""Issue 10, items 2–3, on real DuckDB files: downloads neutralised, the register's CSV round trip, retired
actions out of the analyses, every change in the audit log."""

import io

import duckdb
import openpyxl
import pytest

from etl import register_edit, workspace_io
from provindex import audit


@pytest.fixture
def workspace(demo_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("PROVINDEX_DB", str(demo_copy))
    monkeypatch.setenv("PROVINDEX_WORKSPACE", str(tmp_path / "ws.sqlite"))
    return demo_copy


def _rename_unit(db, name: str) -> None:
    con = duckdb.connect(str(db))
    con.execute("UPDATE unit SET name_vi = ? WHERE unit_set = 'vn63' AND code = '48'", [name])
    con.close()


def test_current_data_downloads_are_neutralised(workspace):
    _rename_unit(workspace, "=HYPERLINK(\"http://x\")")
    text = workspace_io.current_data(None, "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    sheet = openpyxl.load_workbook(io.BytesIO(workspace_io.current_data(None, "xlsx"))).active
    names = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "'=HYPERLINK(\"http://x\")" in names and not any(str(n).startswith("=") for n in names)
    values = [row[6] for row in sheet.iter_rows(min_row=2, max_row=50, values_only=True)]
    assert all(isinstance(v, (int, float)) for v in values)  # numbers stay numbers


def test_current_data_before_any_database_is_an_empty_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PROVINDEX_DB", str(tmp_path / "none.duckdb"))
    assert workspace_io.current_data(None, "csv").decode("utf-8-sig").startswith("index,year,")
    assert not (tmp_path / "none.duckdb").exists()


def test_register_export_imports_back_unchanged(workspace, tmp_path):
    actions, targets = workspace_io.register()
    assert not actions.empty
    exported = tmp_path / "register.csv"
    exported.write_bytes(register_edit.export_csv(actions, targets))
    outcome = workspace_io.import_actions(None, exported, "register.csv", "lan")
    assert outcome.status == "unchanged", [p.render("en") for p in outcome.problems]
    assert sorted(outcome.unchanged) == sorted(actions["action_id"])


def test_a_retired_action_leaves_the_analyses_and_an_import_brings_it_back(workspace, tmp_path):
    actions, targets = workspace_io.register()
    action_id = actions["action_id"].iloc[0]
    row = register_edit.form_values(actions.iloc[0].to_dict(), targets)
    workspace_io.retire_action(None, action_id, "lan")
    after, _ = workspace_io.register()
    assert action_id not in set(after["action_id"]) and len(after) == len(actions) - 1
    with pytest.raises(register_edit.RetireRefused):
        workspace_io.retire_action(None, action_id, "lan")
    single = tmp_path / "one.csv"
    single.write_bytes(register_edit.export_csv(actions[actions["action_id"] == action_id], targets))
    outcome = workspace_io.import_actions(None, single, "one.csv", "lan")
    assert outcome.versioned == [action_id], [p.render("en") for p in outcome.problems]
    assert action_id in set(workspace_io.register()[0]["action_id"])
    assert row["action_id"] == action_id
    kinds = [e["action"] for e in audit.entries()]
    assert kinds == ["register_import", "action_retire"]


def test_rollback_is_audited(workspace):
    history = workspace_io.load_history()
    newest = int(history["load_id"].max())
    workspace_io.rollback(None, newest, "lan")
    assert workspace_io.load_history().set_index("load_id").loc[newest, "status"] == "rolled_back"
    entry = audit.entries()[0]
    assert (entry["action"], entry["actor"], entry["target"]) == ("rollback", "lan", f"load {newest}")
