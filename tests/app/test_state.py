"""Issue 12 item 1: language, year, unit set, index and unit stick across pages (menu clicks) and reloads,
and live in the URL. The whole app runs under AppTest from its entry point, as a user clicks through it."""

from streamlit.testing.v1 import AppTest

from helpers import ROOT

DASHBOARD = str(ROOT / "dashboard.py")


def _app(db, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("PROVINDEX_DB", str(db))
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _page(app, script: str) -> AppTest:
    app.switch_page(f"app_pages/{script}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_language_year_unit_and_index_survive_menu_clicks(demo_db, monkeypatch):
    app = _app(demo_db, monkeypatch)
    app.sidebar.radio(key="pv_lang").set_value("en").run()
    app.sidebar.selectbox(key="pv_year").set_value(2024).run()
    app.sidebar.selectbox(key="pv_unit").set_value("22").run()
    assert app.title[0].value == "Overview — Quang Ninh, 2024"
    _page(app, "trends")
    assert app.title[0].value == "Trends"  # not "Xu hướng": the page follows the menu's language
    assert app.sidebar.selectbox(key="pv_year").value == 2024
    app.selectbox(key="index").set_value("PAPI").run()
    for script, title in (("rankings", "Rankings 2024"), ("compare", "Compare — Quang Ninh, 2024"),
                          ("map", "Map 2024")):
        _page(app, script)
        assert app.title[0].value == title
        assert app.selectbox(key="index").value == "PAPI"
        params = app.query_params
        assert (params["lang"], params["year"], params["unit"], params["index"]) == ("en", "2024", "22", "PAPI")


def test_a_reload_of_the_url_restores_the_view(demo_db, monkeypatch):
    app = _app(demo_db, monkeypatch)
    app.sidebar.radio(key="pv_lang").set_value("en").run()
    app.sidebar.selectbox(key="pv_year").set_value(2024).run()
    _page(app, "rankings")
    app.selectbox(key="index").set_value("SIPAS").run()
    url = {key: app.query_params[key] for key in ("lang", "year", "unit", "index")}
    reloaded = _app(demo_db, monkeypatch, **url)
    _page(reloaded, "rankings")
    assert reloaded.title[0].value == "Rankings 2024"
    assert reloaded.selectbox(key="index").value == "SIPAS"


def test_the_2025_unit_set_follows_the_year_across_pages(demo_db, monkeypatch):
    app = _app(demo_db, monkeypatch, year="2025", unit="79")
    _page(app, "map")
    assert app.sidebar.selectbox(key="pv_year").value == 2025
    assert len(app.sidebar.selectbox(key="pv_unit").options) == 34
