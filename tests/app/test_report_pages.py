"""The Report, Planner and presentation pages under AppTest on the demo database, in both languages."""

import json

from helpers import page_text as text, run


def test_report_page_offers_the_deck_and_lists_its_slides(demo_db, monkeypatch):
    app = run("report", demo_db, monkeypatch, unit="48", year="2024")
    assert app.title[0].value == "Báo cáo hội nghị — Đà Nẵng, 2024"
    downloads = app.get("download_button")
    assert [d.label for d in downloads] == ["Tải bộ slide PowerPoint (.pptx)"]
    body = text(app)
    assert "1. Chỉ số quản trị và năng lực cạnh tranh — Đà Nẵng, 2024" in body
    assert "Điều gì thay đổi năm nay" in body and "Nguồn số liệu và phương pháp" in body
    assert "present?unit=48&year=2024&lang=vi" in body  # the presentation link opens the same story
    assert "DỮ LIỆU MÔ PHỎNG" in body
    assert [b.label for b in app.button] == ["Tạo ảnh PNG"]
    assert app.selectbox(key="png_chart").value == "trend_PCI"


def test_report_page_in_english(demo_db, monkeypatch):
    app = run("report", demo_db, monkeypatch, unit="01", year="2025", lang="en")
    assert app.title[0].value == "Conference report — Hanoi, 2025"
    body = text(app)
    assert "Sources and method" in body and "Reform actions 2022–2025" in body
    assert [d.label for d in app.get("download_button")] == ["Download the PowerPoint deck (.pptx)"]


def test_presentation_opens_on_the_slide_of_the_url_and_steps(demo_db, monkeypatch):
    app = run("present", demo_db, monkeypatch, unit="48", year="2024", slide="3")
    assert app.title[0].value == "PCI: diễn biến qua các năm"
    assert "Slide 3/18" in text(app)
    assert "stSidebar" in app.get("html")[0].proto.body  # the sidebar is hidden in presentation mode
    app.button(key="present_next").click().run()
    assert app.title[0].value == "PCI 2024: các chỉ số thành phần so với nhóm"
    assert app.query_params["slide"] == "4"
    app.button(key="present_prev").click().run()
    app.button(key="present_prev").click().run()
    assert app.title[0].value == "Bốn bộ chỉ số — Đà Nẵng, 2024" and app.query_params["slide"] == "2"


def test_presentation_bounds_and_language(demo_db, monkeypatch):
    app = run("present", demo_db, monkeypatch, unit="79", year="2024", slide="999", lang="en")
    assert app.title[0].value == "Sources and method"
    assert app.button(key="present_next").disabled and not app.button(key="present_prev").disabled
    app = run("present", demo_db, monkeypatch, unit="79", year="2024", slide="x", lang="en")
    assert app.title[0].value.startswith("Governance and competitiveness indices — Ho Chi Minh City")
    assert app.button(key="present_prev").disabled


def test_planner_shows_the_minimal_plan_and_sliders_move_the_rank(demo_db, monkeypatch):
    app = run("planner", demo_db, monkeypatch, unit="48", year="2024", pindex="PAPI", target="rank")
    assert app.title[0].value == "Mục tiêu: cần gì để đạt — Đà Nẵng, 2024"
    body = text(app)
    assert "Mục tiêu: hạng 5" in body and "hạng 11 → 5" in body
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Hạng (các tỉnh khác giữ nguyên)"] == "Hạng 5/63"
    assert "Hạng nếu các tỉnh khác tiếp tục thay đổi" in metrics
    table = app.dataframe[0].value
    assert list(table.columns)[:4] == ["Chỉ số thành phần", "Hiện tại", "Kế hoạch", "Mức tăng"] and len(table) == 8
    slider = app.slider[0]
    slider.set_value(slider.min).run()
    for other in app.slider[1:]:
        other.set_value(other.min).run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Hạng (các tỉnh khác giữ nguyên)"] == "Hạng 11/63" and metrics["Điểm tổng hợp"] == "46,08"
    assert "Mức tăng cần thiết" in json.dumps(json.loads(app.get("plotly_chart")[0].proto.spec), ensure_ascii=False)


def test_planner_in_english_with_a_score_target_out_of_reach(demo_db, monkeypatch):
    app = run("planner", demo_db, monkeypatch, unit="48", year="2024", pindex="PCI", target="score", lang="en")
    app.number_input(key="planner_score").set_value(95.0).run()
    body = text(app)
    assert "Target: 95.00 composite points." in body and "Out of reach" in body
    assert "The 2024 weights are not in the catalogue" in body
