"""End to end in a real browser: every page, a province switch, the language switch, a copied URL,
and no request to any host but the app's."""

from urllib.parse import urlparse

import pytest

from .conftest import screenshot, wait_for_app

PAGES = {"": "Tổng quan — Đà Nẵng", "trends": "Xu hướng", "rankings": "Xếp hạng năm",
         "compare": "So sánh — Đà Nẵng", "map": "Bản đồ năm", "impact": "Tác động — Đà Nẵng"}


def heading(page) -> str:
    return page.locator("h1").first.inner_text()


def choose(page, label: str, option: str) -> None:
    """Pick an option in the Streamlit selectbox whose label is ``label``."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    box.click()
    page.keyboard.type(option.strip()[:12])  # the option list is virtualised: filter it first
    page.get_by_role("option", name=option).first.click()
    wait_for_app(page)


@pytest.mark.parametrize("path,expected", list(PAGES.items()))
def test_each_page_renders(page, app_url, path, expected):
    page.goto(f"{app_url}/{path}?year=2021")
    wait_for_app(page)
    assert heading(page).startswith(expected)
    assert page.locator("text=DỮ LIỆU MÔ PHỎNG").count() >= 1
    if path:
        page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    screenshot(page, path or "overview")


def test_changing_the_unit_updates_the_view_and_the_url(page, app_url):
    page.goto(f"{app_url}/?year=2021")
    wait_for_app(page)
    choose(page, "Tỉnh, thành phố", "Quảng Ninh")
    page.wait_for_function("document.querySelector('h1').innerText.includes('Quảng Ninh')", timeout=10_000)
    assert "unit=22" in page.url
    screenshot(page, "overview_quang_ninh")


def test_language_switch_changes_every_label(page, app_url):
    page.goto(f"{app_url}/?year=2021&unit=48")
    wait_for_app(page)
    page.get_by_text("English", exact=True).click()
    wait_for_app(page)
    page.wait_for_function("document.querySelector('h1').innerText.startsWith('Overview')", timeout=10_000)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "SIMULATED DATA" in body and "What changed this year" in body and "Strongest" in body
    assert "Điều gì thay đổi" not in body
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "Trends" in nav and "Xu hướng" not in nav
    assert "lang=en" in page.url


def test_a_copied_url_reproduces_the_view(browser, page, app_url):
    page.goto(f"{app_url}/trends?year=2021&unit=48")
    wait_for_app(page)
    choose(page, "Chỉ tiêu", "\u2003Chi phí thời gian để thực hiện các quy định của Nhà nước")
    choose(page, "Tỉnh, thành phố", "Quảng Nam")
    copied = page.url
    assert "component=PCI%3ATIME_COSTS" in copied or "component=PCI:TIME_COSTS" in copied
    other = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    other.goto(copied)
    wait_for_app(other)
    other.wait_for_selector(".js-plotly-plot .gtitle", timeout=30_000)
    assert "Chi phí thời gian" in other.locator(".js-plotly-plot .gtitle").first.text_content()  # the chart's title
    box = other.locator("[data-testid='stSelectbox']").filter(has_text="Tỉnh, thành phố").first
    assert box.locator("input").first.input_value().startswith("Quảng Nam")
    other.context.close()


def test_chart_offers_png_download_from_its_toolbar(page, app_url):
    page.goto(f"{app_url}/trends?year=2021&unit=48")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot")
    page.locator(".js-plotly-plot").first.hover()
    assert page.locator(".modebar-btn[data-title*='png'], .modebar-btn[data-title*='PNG']").count() >= 1
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải số liệu (CSV)").first.click()
    assert download.value.suggested_filename.endswith(".csv")


def test_zz_no_request_left_the_app(requested_hosts, app_url):
    """Runs last (file order): every request of every test above went to the app itself."""
    own = urlparse(app_url).netloc
    assert requested_hosts, "no requests were recorded"
    assert requested_hosts <= {own}, requested_hosts - {own}
