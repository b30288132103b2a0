"""The Overview page under AppTest on the demo database: cards, story, pickers, language, edge cases.

Everything the Overview shows is tested here (the other pages: test_pages.py, test_impact_page.py)."""


import pytest

from helpers import ROOT, page_text as texts, run, run_page

OVERVIEW = str(ROOT / "app_pages" / "overview.py")


@pytest.mark.parametrize("unit,name", [("48", "Đà Nẵng"), ("01", "Hà Nội"), ("79", "TP. Hồ Chí Minh")])
def test_overview_for_three_units(demo_db, monkeypatch, unit, name):
    app = run_page(OVERVIEW, demo_db, monkeypatch, unit=unit, year="2021")
    assert app.title[0].value == f"Tổng quan — {name}, 2021"
    assert len(app.metric) == 4  # one card per index, all published in 2021
    assert "DỮ LIỆU MÔ PHỎNG" in texts(app)
    body = texts(app)
    assert body.count("Hạng ") == 4 and "/63" in body
    assert "Mạnh nhất so với các tỉnh:" in body and "Yếu nhất so với các tỉnh:" in body
    assert all("so với 2020" in (m.delta or "") for m in app.metric)
    assert app.query_params["unit"] == unit and app.query_params["year"] == "2021"


def test_overview_in_english(demo_db, monkeypatch):
    app = run_page(OVERVIEW, demo_db, monkeypatch, unit="48", year="2020", lang="en")
    assert app.title[0].value == "Overview — Da Nang, 2020"
    body = texts(app)
    assert "SIMULATED DATA" in body and "Strongest relative to other provinces:" in body and "Rank " in body
    assert "Tổng quan" not in body
    assert all(m.label.startswith("Score") for m in app.metric)


def test_language_switch_changes_labels(demo_db, monkeypatch):
    app = run_page(OVERVIEW, demo_db, monkeypatch, unit="48", year="2020")
    app.sidebar.radio(key="pv_lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value.startswith("Overview")
    assert app.query_params["lang"] == "en"


def test_unit_and_year_pickers(demo_db, monkeypatch):
    app = run_page(OVERVIEW, demo_db, monkeypatch, year="2021")
    assert app.title[0].value == "Tổng quan — Đà Nẵng, 2021"  # default focal unit
    app.sidebar.selectbox(key="pv_unit").set_value("22").run()
    assert app.title[0].value == "Tổng quan — Quảng Ninh, 2021"
    app.sidebar.selectbox(key="pv_year").set_value(2025).run()
    assert app.title[0].value == "Tổng quan — Quảng Ninh, 2025"
    assert "34 tỉnh" in texts(app)


def test_former_province_in_2025_points_to_its_new_unit(demo_db, monkeypatch):
    app = run_page(OVERVIEW, demo_db, monkeypatch, unit="49", year="2025")
    assert app.title[0].value == "Tổng quan — Đà Nẵng, 2025"
    assert "Quảng Nam đã hợp nhất vào Đà Nẵng" in texts(app)
    assert "quy đổi" in texts(app)  # 2025 vs 2024 compares with the converted former provinces


def test_partial_coverage_is_explained_not_an_error(demo_db, monkeypatch):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    absent = con.execute("SELECT code FROM unit WHERE unit_set = 'vn63' AND merged_into IS NULL AND code NOT IN"
                         " (SELECT unit_code FROM score_current WHERE year = 2024 AND component = 'PCI:TOTAL')"
                         " ORDER BY code LIMIT 1").fetchone()[0]
    con.close()
    app = run_page(OVERVIEW, demo_db, monkeypatch, unit=absent, year="2024")
    assert "không có trong 30 tỉnh, thành phố được công bố năm 2024" in texts(app)
    assert len(app.metric) == 3


def test_a_top30_year_labels_the_group_among_the_published(demo_db, monkeypatch):
    """Issue 12 item 2: in PCI's top-30 years the quartile is a group among the 30 published, and says so."""
    app = run_page(OVERVIEW, demo_db, monkeypatch, unit="48", year="2024")
    pci = next(line for line in texts(app).splitlines() if line.startswith("Hạng ") and "/30" in line)
    assert "trong 30 tỉnh được công bố" in pci and "nhóm" in pci


def test_series_break_suppresses_the_change(demo_db, monkeypatch):
    app = run_page(OVERVIEW, demo_db, monkeypatch, unit="48", year="2018")
    assert "Không so sánh trực tiếp với năm trước: từ 2018" in texts(app)  # PAPI 2018 methodology
    assert [bool(m.delta) for m in app.metric] == [True, False, True, True]


def test_empty_database_explains_how_to_start(tmp_path, monkeypatch):
    app = run_page(OVERVIEW, tmp_path / "none.duckdb", monkeypatch)
    assert "python -m etl demo" in app.info[0].value
    assert not app.metric


def test_dashboard_entry_point_runs(demo_db, monkeypatch):
    app = run_page(str(ROOT / "dashboard.py"), demo_db, monkeypatch)
    assert app.title[0].value.startswith("Tổng quan — Đà Nẵng")


@pytest.mark.parametrize("lang,heading,phrase", [("vi", "Điều gì thay đổi năm nay", "so với 2020"),
                                                 ("en", "What changed this year", "from 2020")])
def test_overview_tells_what_changed(demo_db, monkeypatch, lang, heading, phrase):
    app = run("overview", demo_db, monkeypatch, unit="48", year="2021", lang=lang)
    body = texts(app)
    assert heading in body and phrase in body
    story = [m.value for m in app.markdown if phrase in m.value]
    assert len(story) == 4  # one paragraph per index
    assert any(word in body for word in ("dao động thường năm", "usual year-to-year"))
