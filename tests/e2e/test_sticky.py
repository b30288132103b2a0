"""Issue 12 in a real browser: the language and the year stick when a leader clicks another page in the menu,
the shared link reproduces the view, and typing without accents finds a province."""

from .conftest import screenshot, wait_for_app
from .test_browser import choose


def test_english_and_2024_survive_a_menu_click(page, app_url):
    page.goto(f"{app_url}/?unit=48")
    wait_for_app(page)
    page.get_by_text("English", exact=True).click()
    wait_for_app(page)
    choose(page, "Year", "2024")
    page.wait_for_function("document.querySelector('h1').innerText.includes('2024')", timeout=10_000)
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text="Rankings").click()
    wait_for_app(page)
    page.wait_for_function("document.querySelector('h1').innerText.startsWith('Rankings')", timeout=10_000)
    assert page.locator("h1").first.inner_text() == "Rankings 2024"
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Xếp hạng" not in body and "Biggest rank changes" in body
    assert "lang=en" in page.url and "year=2024" in page.url
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text="Map").click()
    wait_for_app(page)
    page.wait_for_function("document.querySelector('h1').innerText === 'Map 2024'", timeout=10_000)
    screenshot(page, "sticky_map_en_2024")


def test_the_share_link_reopens_the_view(browser, page, app_url):
    page.goto(f"{app_url}/compare?year=2023&unit=01&index=PAPI&lang=en")
    wait_for_app(page)
    page.get_by_role("button", name="Share a link").click()
    link = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
    assert link.startswith(app_url + "/compare?") and "index=PAPI" in link and "year=2023" in link
    other = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    other.goto(link)
    wait_for_app(other)
    assert other.locator("h1").first.inner_text() == "Compare — Hanoi, 2023"
    other.context.close()


def test_typing_without_accents_finds_the_province(page, app_url):
    page.goto(f"{app_url}/?year=2021")
    wait_for_app(page)
    for typed, found in (("da nang", "Đà Nẵng"), ("hue", "Thừa Thiên Huế")):
        box = page.locator("[data-testid='stSelectbox']").filter(has_text="Tỉnh, thành phố").first
        box.click()
        page.keyboard.type(typed)
        assert page.get_by_role("option").filter(has_text=found).count() >= 1, typed
        page.keyboard.press("Escape")


def test_the_chart_toolbar_speaks_vietnamese(page, app_url):
    page.goto(f"{app_url}/trends?year=2024&unit=48")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot")
    page.locator(".js-plotly-plot").first.hover()
    titles = [b.get_attribute("data-title") for b in page.locator(".modebar-btn").all()]
    assert "Tải ảnh PNG" in titles and "Phóng to" in titles and "Zoom in" not in titles
