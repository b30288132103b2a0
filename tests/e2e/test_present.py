"""Presentation mode in a real browser at projector size: opened from its URL, stepped with the arrow keys."""

from .conftest import screenshot, wait_for_app


def _title(page) -> str:
    return page.locator("h1").first.inner_text()


def _wait_title(page, text: str) -> None:
    page.wait_for_function("t => document.querySelector('h1') && document.querySelector('h1').innerText === t",
                           arg=text, timeout=30_000)


def test_presentation_by_keyboard(browser, app_url, requested_hosts):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN")
    page = context.new_page()
    page.on("request", lambda request: requested_hosts.add(request.url.split("/")[2] if "//" in request.url
                                                           else request.url[:30]))
    page.goto(f"{app_url}/present?unit=48&year=2024&slide=3")
    wait_for_app(page)
    _wait_title(page, "PCI: diễn biến qua các năm")
    assert not page.locator("[data-testid='stSidebar']").is_visible()  # no sidebar in presentation mode
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    screenshot(page, "present_slide3")
    page.locator("h1").first.click()  # focus the page, not a widget
    page.keyboard.press("ArrowRight")
    _wait_title(page, "PCI 2024: các chỉ số thành phần so với nhóm")
    assert "slide=4" in page.url
    page.keyboard.press("ArrowRight")
    _wait_title(page, "PCI 2024: bảng xếp hạng nhóm, điểm mạnh và điểm yếu")
    page.wait_for_selector("[data-testid='stTable'] td", timeout=30_000)
    assert "Đà Nẵng" in page.locator("[data-testid='stTable']").inner_text()  # the peer table is on the slide
    screenshot(page, "present_slide5")
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
        wait_for_app(page)
    _wait_title(page, "Bốn bộ chỉ số — Đà Nẵng, 2024")
    assert "slide=2" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
    width = page.evaluate("document.querySelector('h1').getBoundingClientRect().width")
    assert width > 1000  # full-width slide on a 1280-pixel projector
    context.close()
