"""The analyst's Data and Register pages under AppTest on a copy of the demo database (issue 10, items 2–3)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from helpers import download_data, pci_file
from etl import workspace_io
from provindex import audit
from provindex.auth import User
from provindex.i18n import t
from provindex.ui.navigation import page_spec

UNKNOWN_HEADER = "Đào tạo LĐ (mới)"


def app_as(page: str, db, monkeypatch, tmp_path, role: str = "analyst") -> AppTest:
    monkeypatch.setenv("PROVINDEX_DB", str(db))
    monkeypatch.setenv("PROVINDEX_WORKSPACE", str(tmp_path / "workspace.sqlite"))
    app = AppTest.from_file(str(page_spec(page).path), default_timeout=120)
    app.session_state["pv_user"] = User("lan", role)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def years(db, index: str = "PCI") -> set[int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r[0] for r in con.execute('SELECT DISTINCT year FROM score_current WHERE "index" = ?',
                                          [index]).fetchall()}
    finally:
        con.close()


def loads(db) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute('SELECT count(*) FROM "load"').fetchone()[0]
    finally:
        con.close()


def texts(app) -> str:
    parts = [e.value for e in app.error] + [w.value for w in app.warning] + [s.value for s in app.success]
    parts += [i.value for i in app.info] + [m.value for m in app.markdown] + [c.value for c in app.caption]
    return "\n".join(parts)


@pytest.mark.parametrize("page", ["data", "register"])
def test_a_viewer_is_refused(page, demo_db, monkeypatch, tmp_path):
    app = app_as(page, demo_db, monkeypatch, tmp_path, role="viewer")
    assert [e.value for e in app.error] == [t("auth.refused", "vi", role=t("auth.role.analyst", "vi"))]
    assert not app.file_uploader and not app.button


def test_upload_map_confirm_then_the_year_is_there(demo_copy, monkeypatch, tmp_path):
    assert 2026 not in years(demo_copy)
    app = app_as("data", demo_copy, monkeypatch, tmp_path)
    app.file_uploader(key="pv_dp_files").set_value(("PCI_2026.csv", pci_file(UNKNOWN_HEADER), "text/csv")).run()
    assert not app.exception
    errors = "\n".join(e.value for e in app.error)
    assert f'Không nhận ra cột chỉ số "{UNKNOWN_HEADER}"' in errors and "--map" not in errors
    picker = app.selectbox(key="pv_dp_map_0")
    assert picker.value == "PCI:LABOR_TRAINING"  # the closest component, pre-selected
    assert not [b for b in app.button if b.key == "pv_dp_confirm"]
    app.button(key="pv_dp_map_apply").click().run()
    assert not app.exception
    assert "Đào tạo lao động" in texts(app)  # the report names the component, not its code
    assert "PCI:LABOR_TRAINING" not in texts(app)
    app.button(key="pv_dp_confirm").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert 2026 in years(demo_copy)
    assert any("Đã nạp" in s.value for s in app.success)
    kinds = [e["action"] for e in audit.entries(tmp_path / "workspace.sqlite")]
    assert "load" in kinds and "mapping" in kinds


def test_a_bad_file_names_the_province_and_changes_nothing(demo_copy, monkeypatch, tmp_path):
    before = loads(demo_copy)
    app = app_as("data", demo_copy, monkeypatch, tmp_path)
    app.file_uploader(key="pv_dp_files").set_value(
        ("PCI_2026.csv", pci_file(bad_unit="Tỉnh Atlantis"), "text/csv")).run()
    assert not app.exception
    errors = "\n".join(e.value for e in app.error)
    assert "Tỉnh Atlantis" in errors and "dòng 6" in errors and "cột A" in errors
    assert not [b for b in app.button if b.key == "pv_dp_confirm"]
    assert loads(demo_copy) == before and 2026 not in years(demo_copy)


def test_rollback_reactivation_and_original_from_the_history(demo_copy, monkeypatch, tmp_path):
    app = app_as("data", demo_copy, monkeypatch, tmp_path)
    app.file_uploader(key="pv_dp_files").set_value(("PCI_2026.csv", pci_file(), "text/csv")).run()
    app.button(key="pv_dp_confirm").click().run()
    assert 2026 in years(demo_copy)
    picker = next(s for s in app.selectbox if s.key.startswith("pv_dp_rollback_pick"))
    newest = picker.value
    assert picker.options[0].startswith(f"#{newest} · PCI_2026.csv")  # the newest load is offered first
    app.checkbox(key=f"pv_dp_rollback_ok_{newest}").check().run()
    app.button(key="pv_dp_rollback").click().run()
    assert not app.exception
    assert 2026 not in years(demo_copy)
    assert any(f"#{newest}" in s.value for s in app.success)
    picker = next(s for s in app.selectbox if s.key.startswith("pv_dp_reactivate_pick"))
    assert picker.value == newest
    app.checkbox(key=f"pv_dp_reactivate_ok_{newest}").check().run()
    app.button(key="pv_dp_reactivate").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert 2026 in years(demo_copy)
    kinds = [e["action"] for e in audit.entries(tmp_path / "workspace.sqlite")]
    assert kinds[:3] == ["reactivate", "rollback", "load"]
    original = next(s for s in app.selectbox if s.key.startswith("pv_dp_original_"))
    assert original.options == [f"#{newest} · PCI_2026.csv · PCI 2026 · " + original.options[0].split(" · ")[-1]]
    button = next(b for b in app.get("download_button") if b.proto.label == "Tải PCI_2026.csv")
    assert button.proto.deferred_file_id or button.proto.url  # built when clicked (the bytes are the upload's)
    assert workspace_io.original(None, newest) == ("PCI_2026.csv", pci_file())


def test_register_add_with_future_date_edit_and_retire(demo_copy, monkeypatch, tmp_path):
    app = app_as("register", demo_copy, monkeypatch, tmp_path)
    app.text_input(key="pv_reg_id_add").input("TEST-2026-01")
    app.text_input(key="pv_reg_tvi_add").input("<b>Một cửa</b> mới")
    app.date_input(key="pv_reg_date_add").set_value(dt.date.today() + dt.timedelta(days=400))
    app.number_input(key="pv_reg_year_add").set_value((dt.date.today() + dt.timedelta(days=400)).year)
    app.multiselect(key="pv_reg_targets_add").set_value(["PCI:TRANSPARENCY"])
    app.run()
    assert any("tương lai" in w.value for w in app.warning)
    assert app.button(key="pv_reg_save_add").disabled  # the warning must be confirmed first
    app.checkbox(key="pv_reg_ok_add").check().run()
    app.button(key="pv_reg_save_add").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("TEST-2026-01" in s.value for s in app.success)
    con = duckdb.connect(str(demo_copy), read_only=True)
    row = con.execute("SELECT version, created_by, title_vi FROM action_current WHERE action_id = 'TEST-2026-01'"
                      ).fetchone()
    con.close()
    assert row == (1, "lan", "<b>Một cửa</b> mới")
    # edit: a new version by the same user
    app.radio(key="pv_reg_mode").set_value("edit").run()
    app.selectbox(key="pv_reg_pick").set_value("TEST-2026-01").run()
    app.text_input(key="pv_reg_tvi_edit_TEST-2026-01").input("Một cửa hiện đại").run()
    app.checkbox(key="pv_reg_ok_edit_TEST-2026-01").check().run()
    app.button(key="pv_reg_save_edit_TEST-2026-01").click().run()
    assert not app.exception, [e.value for e in app.exception]
    # retire: the action leaves the register, its versions stay
    app.radio(key="pv_reg_mode").set_value("retire").run()
    app.selectbox(key="pv_reg_retire_pick").set_value("TEST-2026-01").run()
    app.checkbox(key="pv_reg_retire_ok").check().run()
    app.button(key="pv_reg_retire").click().run()
    assert not app.exception, [e.value for e in app.exception]
    con = duckdb.connect(str(demo_copy), read_only=True)
    versions = con.execute("SELECT version, supersedes, title_vi, retired, created_by FROM action "
                           "WHERE action_id = 'TEST-2026-01' ORDER BY version").fetchall()
    con.close()
    assert [v[:3] for v in versions] == [(1, None, "<b>Một cửa</b> mới"), (2, 1, "Một cửa hiện đại"),
                                         (3, 2, "Một cửa hiện đại")]
    assert versions[-1][3] is True and {v[4] for v in versions} == {"lan"}
    kinds = [e["action"] for e in audit.entries(tmp_path / "workspace.sqlite")]
    assert kinds[:3] == ["action_retire", "action_edit", "action_add"]
    assert "TEST-2026-01" not in app.selectbox(key="pv_reg_retire_pick").options


def test_the_dashboards_own_csv_buttons_are_neutralised():
    app = AppTest.from_string("""
import pandas as pd
from provindex.ui.render import download_csv
download_csv(pd.DataFrame({"Tỉnh": ['=HYPERLINK("http://x")', "Huế"], "Điểm": [-1.5, 2.0]}), "f", "vi", "k")
""").run()
    served = download_data(app.get("download_button")[0]).decode("utf-8-sig")
    assert served.splitlines() == ["Tỉnh,Điểm", "\"'=HYPERLINK(\"\"http://x\"\")\",-1.5", "Huế,2.0"]


def test_data_page_in_english_shows_labels_not_codes_or_placeholders(demo_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("PROVINDEX_DB", str(demo_copy))
    app = AppTest.from_file(str(page_spec("data").path), default_timeout=120)
    app.session_state["pv_user"] = User("lan", "analyst")
    app.query_params["lang"] = "en"
    app.run()
    app.file_uploader(key="pv_dp_files").set_value(("PCI_2026.csv", pci_file(UNKNOWN_HEADER), "text/csv")).run()
    app.button(key="pv_dp_map_apply").click().run()
    assert not app.exception
    body = texts(app) + "\n".join(s.label + str(s.options) for s in app.selectbox)
    assert "Labor training" in body or "Labour training" in body
    for bad in ("None", "nan", "{", "dp.", "PCI:LABOR_TRAINING"):
        assert bad not in body, bad
    tables = [d.value for d in app.dataframe]
    assert any("Component" in frame.columns for frame in tables)


def test_register_csv_import_through_the_page(demo_copy, monkeypatch, tmp_path):
    app = app_as("register", demo_copy, monkeypatch, tmp_path)
    exported = download_data(next(b for b in app.get("download_button") if b.proto.label.startswith("Tải sổ")))
    edited = exported.decode("utf-8-sig").replace("Chỉ thị 29-CT/TU", "Chỉ thị 29-CT/TU (sửa)", 1).encode("utf-8")
    app.file_uploader(key="pv_reg_file").set_value(("register.csv", edited, "text/csv")).run()
    app.button(key="pv_reg_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("1 phiên bản mới" in s.value for s in app.success), [s.value for s in app.success]
    assert [e["action"] for e in audit.entries(tmp_path / "workspace.sqlite")] == ["register_import"]


def test_a_busy_database_gets_the_designed_message(demo_copy, monkeypatch, tmp_path):
    app = app_as("data", demo_copy, monkeypatch, tmp_path)  # the page's data is read (and cached) first
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
                               " print('held', flush=True); time.sleep(60)", str(demo_copy)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        app.file_uploader(key="pv_dp_files").set_value(("PCI_2026.csv", pci_file(), "text/csv")).run()
    finally:
        holder.kill()
        holder.wait()
    assert not app.exception, [e.value for e in app.exception]
    errors = "\n".join(e.value for e in app.error)
    assert errors == "Cơ sở dữ liệu đang được cập nhật. Vui lòng tải lại trang sau ít giây."  # no path, no pid


def test_the_first_load_of_a_fresh_install_happens_in_the_browser(monkeypatch, tmp_path):
    db = tmp_path / "fresh" / "provindex.duckdb"
    db.parent.mkdir()
    app = app_as("data", db, monkeypatch, tmp_path)
    assert t("ui.empty_db_workspace", "vi") in texts(app) and app.file_uploader
    app.file_uploader(key="pv_dp_files").set_value(("PCI_2026.csv", pci_file(), "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    app.button(key="pv_dp_confirm").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert years(db) == {2026}
    overview = AppTest.from_file(str(page_spec("overview").path), default_timeout=120)
    overview.run()
    assert not overview.exception and t("ui.empty_db", "vi") not in texts(overview)


def test_chart_pages_still_stop_on_an_empty_database(monkeypatch, tmp_path):
    monkeypatch.setenv("PROVINDEX_DB", str(tmp_path / "none.duckdb"))
    app = AppTest.from_file(str(page_spec("rankings").path), default_timeout=60)
    app.run()
    assert [i.value for i in app.info] == [t("ui.empty_db", "vi")]
