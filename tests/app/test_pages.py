"""Trends, Rankings, Compare and Map run alone under AppTest on the demo database, in both languages,
and show what a leader would read (not just 'no exception'); every page of the navigation handles an
empty database. The Overview has its own file (test_overview.py), so has the Impact page."""

import json

import pytest

from helpers import chart_count, page_text as text, run, run_page, spec
from provindex.auth import User
from provindex.i18n import t
from provindex.ui.navigation import PAGES as NAVIGATION


# -- Trends --------------------------------------------------------------------------------------
@pytest.mark.parametrize("unit,component", [("48", "PCI:TIME_COSTS"), ("01", "PAPI:D4"), ("79", "SIPAS:TOTAL")])
def test_trends_for_units_and_components(demo_db, monkeypatch, unit, component):
    index = component.split(":")[0]
    app = run("trends", demo_db, monkeypatch, unit=unit, index=index, component=component, others=["22", "31"])
    assert chart_count(app) == 1
    figure = spec(app)
    assert "Trung vị cả nước" in figure and "Khoảng giữa 50% số tỉnh" in figure
    assert '"tickformat": "d"' in figure  # whole years on the axis
    assert app.query_params["component"] == component
    assert app.multiselect(key="others").value == ["22", "31"]
    assert "Tải số liệu (CSV)" in [b.label for b in app.get("download_button")]
    config = json.loads(app.get("plotly_chart")[0].proto.config)
    assert config["locale"] == "vi" and config["locales"]["vi"]["dictionary"]["Zoom in"] == "Phóng to"
    assert (config["toImageButtonOptions"]["width"], config["toImageButtonOptions"]["height"]) == (1600, 900)


def test_trends_explain_series_breaks_and_mark_actions(demo_db, monkeypatch):
    app = run("trends", demo_db, monkeypatch, unit="48", index="PAPI", component="PAPI:TOTAL")
    body = text(app)
    assert "2018: PAPI 2018 thêm hai nội dung" in body
    assert "Hình tam giác đen" in body  # Đà Nẵng's register entries drawn as markers
    figure = spec(app)
    assert "Chỉ thị 29-CT/TU" in figure and "đổi phương pháp" in figure


def test_a_code_that_changed_unit_keeps_each_name(demo_db, monkeypatch):
    """Code 80 was Long An until June 2025 and is Tây Ninh after: on the 34 units its series before 2025 is the
    back-cast of Long An and the old Tây Ninh, each drawn under its own name."""
    app = run("trends", demo_db, monkeypatch, unit="80", year="2025", index="SIPAS", component="SIPAS:TOTAL")
    names = [trace.get("name") for trace in json.loads(app.get("plotly_chart")[0].proto.spec)["data"]]
    assert {"Tây Ninh (quy đổi)", "Tây Ninh", "Long An (tỉnh cũ)", "Tây Ninh (tỉnh cũ)"} <= set(names)


def test_trends_in_english(demo_db, monkeypatch):
    app = run("trends", demo_db, monkeypatch, unit="48", lang="en", index="PCI", component="PCI:TOTAL")
    body = text(app)
    assert app.title[0].value == "Trends" and "SIMULATED DATA" in body
    assert "National median" in spec(app)


# -- Rankings ------------------------------------------------------------------------------------
def test_rankings_table_movers_and_bump(demo_db, monkeypatch):
    app = run("rankings", demo_db, monkeypatch, unit="48", year="2021", index="PCI", component="PCI:TOTAL")
    assert app.title[0].value == "Xếp hạng năm 2021"
    table = app.dataframe[0].value
    assert len(table) == 63 and table["rank"].min() == 1
    assert table["unit"].str.startswith("★").sum() == 1  # the focal unit is marked
    body = text(app)
    assert "Tăng hạng:" in body and "Giảm hạng:" in body
    assert chart_count(app) == 1


def test_rankings_partial_coverage_is_a_sentence(demo_db, monkeypatch):
    app = run("rankings", demo_db, monkeypatch, year="2024", index="PCI", component="PCI:TOTAL")
    assert "chỉ 30/63 tỉnh, thành phố được công bố" in text(app)
    assert len(app.dataframe[0].value) == 30


def test_rankings_component_missing_that_year(demo_db, monkeypatch):
    app = run("rankings", demo_db, monkeypatch, year="2020", index="PCI", component="PCI:SOE_BIAS")
    assert "Chưa có số liệu" in app.info[0].value and not app.dataframe


# -- Compare -------------------------------------------------------------------------------------
@pytest.mark.parametrize("group", ["region", "cities", "all"])
def test_compare_peer_groups(demo_db, monkeypatch, group):
    app = run("compare", demo_db, monkeypatch, unit="48", year="2021", index="PCI", peers=group)
    body = text(app)
    assert "Điểm mạnh" in body and "Điểm cần cải thiện" in body and "Dư địa cải thiện lớn nhất" in body
    labels = [m.label for m in app.metric]
    assert labels == ["Hạng hiện tại", "Điểm cần thêm để lên một bậc", "Điểm cần thêm để vào top 10"]
    assert chart_count(app) == 4  # radar, bars, heatmap, the peers' actual scores


def test_compare_weighted_room_where_weights_are_known(demo_db, monkeypatch):
    app = run("compare", demo_db, monkeypatch, unit="10", year="2015", index="PCI", peers="all")
    assert "điểm tổng hợp theo trọng số" in text(app)


def test_compare_in_english_for_a_2025_unit(demo_db, monkeypatch):
    app = run("compare", demo_db, monkeypatch, unit="79", year="2025", index="PAPI", lang="en", peers="cities")
    assert app.title[0].value == "Compare — Ho Chi Minh City, 2025"
    assert "Strengths" in text(app)


# -- Map -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("year,n_units", [("2021", 63), ("2025", 34)])
def test_tile_map_for_both_unit_sets(demo_db, monkeypatch, year, n_units):
    app = run("map", demo_db, monkeypatch, unit="48", year=year, index="SIPAS", component="SIPAS:TOTAL")
    figure = spec(app)
    assert '"DNA"' in figure and '"HCM"' in figure  # tile labels
    labels = [tr for tr in json.loads(app.get("plotly_chart")[0].proto.spec)["data"] if tr.get("mode") == "text"]
    assert len(labels[0]["text"]) == n_units
    assert app.get("download_button") and "Bản đồ ô vuông" in text(app)


def test_map_shows_unpublished_units_in_grey(demo_db, monkeypatch):
    app = run("map", demo_db, monkeypatch, year="2024", index="PCI", component="PCI:TOTAL", metric="quartile")
    assert "Ô màu xám: 33/63" in text(app)


@pytest.mark.parametrize("page", [p for p in NAVIGATION if p.min_role == "viewer"], ids=lambda spec: spec.key)
def test_every_page_of_the_navigation_on_an_empty_database(tmp_path, monkeypatch, page):
    user = User("lan", page.min_role) if page.min_role != "viewer" else None  # analyst pages: signed in
    app = run_page(page.path, tmp_path / "none.duckdb", monkeypatch, user=user)
    assert "python -m etl demo" in app.info[0].value
    assert app.title[0].value == t(f"nav.{page.key}", "vi")
    assert not app.get("plotly_chart") and not app.metric


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_empty_or_missing_database_shows_advice_without_a_server_path(tmp_path, monkeypatch, lang):
    from provindex import db as dbmod

    empty = tmp_path / "srv-secret" / "empty.duckdb"
    dbmod.connect(empty).close()
    app = run("overview", empty, monkeypatch, lang=lang)
    shown = text(app)
    assert "etl demo" in shown and "srv-secret" not in shown and str(tmp_path) not in shown
    missing = text(run("overview", tmp_path / "srv-secret" / "absent.duckdb", monkeypatch, lang=lang))
    assert "etl demo" in missing and "srv-secret" not in missing


def test_database_errors_keep_the_path_for_the_command_line_only():
    from provindex.errors import DatabaseBusy, SchemaTooNew

    busy = DatabaseBusy(path="/srv/data/provindex.duckdb", detail='Could not set lock on file: PID 4242')
    newer = SchemaTooNew(path="/srv/data/provindex.duckdb", db_version=9, app_version=1)
    for error in (busy, newer):
        for lang in ("vi", "en"):
            assert "/srv/data" in error.message(lang)
            screen = error.screen_message(lang)
            assert "/srv/data" not in screen and "PID" not in screen and "{" not in screen
