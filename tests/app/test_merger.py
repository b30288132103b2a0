"""Issue 11 on the demo: one series across the 2025 merger on every page, the units switch, honest labels;
issue 10 item 6: query-string values are bounded before parsing."""

import json

import duckdb
import pandas as pd
import pytest

from helpers import page_text as text, run, spec
from provindex import harmonize, queries, views
from provindex.catalog import get_catalog

HONESTY_VI = "Giá trị quy đổi theo dân số, không phải số liệu công bố chính thức."
HONESTY_EN = "Population-weighted back-cast, not an official figure."


def _scores(db) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return queries.current_scores(con)
    finally:
        con.close()


def test_the_2025_league_table_has_a_change_for_every_published_unit(demo_db, monkeypatch):
    app = run("rankings", demo_db, monkeypatch, unit="48", index="PAPI", component="PAPI:TOTAL")
    table = app.dataframe[0].value
    assert len(table) == 34
    assert not table["rank_change_text"].isin(["mới", "None"]).any()
    assert not table["value_change_text"].isin(["mới", "None"]).any()
    assert (table["trend"].map(len) >= 7).all()  # the 8-year sparkline runs through the back-cast years
    body = text(app)
    assert "**Tăng hạng:**" in body and "**Giảm hạng:**" in body
    assert HONESTY_VI in body and "so với năm 2024 tính trên giá trị quy đổi" in body
    bump = json.loads(app.get("plotly_chart")[0].proto.spec)
    focal = [trace for trace in bump["data"] if trace.get("name") == "Đà Nẵng"][0]
    assert len(focal["x"]) > 1 and "circle-open" in focal["marker"]["symbol"] and focal["line"]["dash"] == "dash"
    assert any(shape.get("x0") == 2024.5 for shape in bump["layout"]["shapes"])  # the merger on the axis


def test_a_backcast_year_is_labelled_as_converted(demo_db, monkeypatch):
    app = run("rankings", demo_db, monkeypatch, unit="48", year="2020", units="vn34", index="SIPAS",
              component="SIPAS:TOTAL")
    assert len(app.dataframe[0].value) == 34
    assert "Năm 2020 trên 34 đơn vị là giá trị quy đổi" in text(app)
    assert app.dataframe[0].proto.columns  # rendered
    columns = json.loads(app.dataframe[0].proto.columns)
    assert columns["rank"]["label"] == "Hạng quy đổi"


def test_switching_units_changes_of_63_to_of_34(demo_db, monkeypatch):
    app = run("overview", demo_db, monkeypatch, unit="48", year="2024", lang="en")
    assert "Rank" in text(app) and " of 63" in text(app) and " of 34" not in text(app)
    app.sidebar.radio(key="units").set_value("vn34").run()
    assert not app.exception
    body = text(app)
    assert " of 34" in body and " of 63" not in body and "Converted rank" in body
    assert HONESTY_EN in body
    assert app.query_params["units"] == "vn34" and app.query_params["weights"] == "pop"


def test_the_danang_trend_carries_quang_nams_member_line(demo_db, monkeypatch):
    app = run("trends", demo_db, monkeypatch, unit="48", index="PCI", component="PCI:TOTAL")
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    names = [trace.get("name") for trace in figure["data"]]
    assert "Quảng Nam (tỉnh cũ)" in names and "Đà Nẵng (tỉnh cũ)" in names and "Đà Nẵng (quy đổi)" in names
    backcast = [tr for tr in figure["data"] if tr.get("name") == "Đà Nẵng (quy đổi)"][0]
    assert backcast["line"]["dash"] == "dash" and "circle-open" in backcast["marker"]["symbol"]
    assert "Đà Nẵng: thấp nhất–cao nhất của các tỉnh cũ" in names  # the members' min–max band
    assert "7/2025: 34 đơn vị" in spec(app)
    body = text(app)
    assert HONESTY_VI in body and "Quảng Nam" in body


def test_equal_weights_change_the_backcast_and_say_so(demo_db, monkeypatch):
    pop = run("rankings", demo_db, monkeypatch, unit="48", year="2020", units="vn34", index="SIPAS",
              component="SIPAS:TOTAL")
    equal = run("rankings", demo_db, monkeypatch, unit="48", year="2020", units="vn34", weights="equal",
                index="SIPAS", component="SIPAS:TOTAL")
    one = pop.dataframe[0].value.set_index("unit")["value"]
    other = equal.dataframe[0].value.set_index("unit")["value"]
    assert one["Hà Nội"] == other["Hà Nội"] and one["★ Đà Nẵng"] != other["★ Đà Nẵng"]
    assert "Trọng số quy đổi: Bằng nhau" in text(equal)


def test_the_63_provinces_end_in_2024(demo_db, monkeypatch):
    app = run("rankings", demo_db, monkeypatch, unit="48", units="vn63", index="PAPI", component="PAPI:TOTAL")
    assert len(app.dataframe[0].value) == 63
    assert "Với 63 tỉnh cũ, số liệu dừng ở năm 2024" in text(app)  # the latest 63-province edition, said so


def test_compare_offers_the_former_provinces_as_peers(demo_db, monkeypatch):
    app = run("compare", demo_db, monkeypatch, unit="48", index="PAPI", members="1")
    body = text(app)
    assert "Quảng Nam (tỉnh cũ, 2024)" in body


def test_the_map_of_a_backcast_year(demo_db, monkeypatch):
    app = run("map", demo_db, monkeypatch, unit="48", year="2019", units="vn34", index="PAPI",
              component="PAPI:TOTAL")
    labels = [tr for tr in json.loads(app.get("plotly_chart")[0].proto.spec)["data"] if tr.get("mode") == "text"]
    assert len(labels[0]["text"]) == 34
    assert HONESTY_VI in text(app) and "(quy đổi)" in spec(app)


OVERLONG = ["year", "unit", "component", "units", "weights", "lang", "index"]


def test_overlong_query_values_fall_back_silently(demo_db, monkeypatch):
    app = run("rankings", demo_db, monkeypatch, **{key: "9" * 5000 for key in OVERLONG})
    assert app.title[0].value == "Xếp hạng năm 2025"
    assert all(app.query_params[key] != "9" * 5000 for key in OVERLONG)


@pytest.mark.slow
@pytest.mark.parametrize("key", OVERLONG)
def test_an_overlong_query_value_falls_back_silently(demo_db, monkeypatch, key):
    app = run("rankings", demo_db, monkeypatch, **{key: "9" * 5000})
    assert app.title[0].value == "Xếp hạng năm 2025"
    assert app.query_params[key] != "9" * 5000  # the default took its place in the URL


def test_downloads_say_which_values_are_backcast(demo_db):
    catalog = get_catalog()
    scores = harmonize.on_units(_scores(demo_db), catalog, "vn34")
    view = views.ranking_view(scores, catalog, "PAPI:TOTAL", 2025, "48", [], "vi")
    assert "Giá trị quy đổi" not in view.download.columns or set(view.download["Giá trị quy đổi"]) == {"công bố"}
    assert set(view.data.loc[view.data["Năm"] < 2025, "Giá trị quy đổi"]) <= {"quy đổi", "quy đổi, thiếu tỉnh cũ"}
    assert set(view.data.loc[view.data["Năm"] == 2025, "Giá trị quy đổi"]) == {"công bố"}
    old = views.ranking_view(scores, catalog, "PAPI:TOTAL", 2022, "48", [], "vi")
    assert "Hạng quy đổi" in old.download.columns
    assert "quy đổi, thiếu tỉnh cũ" in set(old.download["Giá trị quy đổi"])  # PAPI 2022 lacks two provinces
    trend = views.trend_view(scores, None, catalog, "PAPI:TOTAL", "48", [], False, "vi", "vn34")
    assert set(trend.data.set_index("Năm").loc[2024:2025, "Giá trị quy đổi"]) == {"quy đổi", "công bố"}


def test_the_units_choice_follows_the_year_until_picked_and_survives_menu_clicks(demo_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from helpers import ROOT

    monkeypatch.setenv("PROVINDEX_DB", str(demo_db))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    assert app.sidebar.radio(key="units").value == "vn34"  # the default from 2025
    app.sidebar.selectbox(key="pv_year").set_value(2024).run()
    assert app.sidebar.radio(key="units").value == "vn63"  # followed the year
    app.sidebar.radio(key="units").set_value("vn34").run()
    app.switch_page("app_pages/rankings.py").run()
    assert not app.exception
    assert app.sidebar.radio(key="units").value == "vn34" and app.query_params["units"] == "vn34"
    assert len(app.dataframe[0].value) < 63 and "Năm 2024 trên 34 đơn vị là giá trị quy đổi" in text(app)
    app.switch_page("app_pages/planner.py").run()  # a page that keeps each year's own units
    assert not app.exception and len(app.sidebar.selectbox(key="pv_unit").options) == 63
    app.switch_page("app_pages/trends.py").run()
    assert app.sidebar.radio(key="units").value == "vn34"
