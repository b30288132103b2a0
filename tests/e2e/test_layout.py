"""Every page fits at a phone (390×844), a projector (1280×720) and a laptop (1440×900), in both languages:
nothing overflows the page horizontally, no text element is clipped (scroll vs client width), and no chart
label falls outside its chart. Screenshots go to ``test-artifacts/e2e/layout/`` (issue 12's "before" set, in
``test-artifacts/e2e/before/``, is this test run on the code before the fix)."""

import pytest

from .conftest import ARTIFACTS, wait_for_app

WIDTHS = {"phone": (390, 844), "projector": (1280, 720), "laptop": (1440, 900)}
PAGES = ["", "trends", "rankings", "compare", "map"]
SHOTS = ARTIFACTS / "layout"

#: Text elements whose content is cut when their scroll width exceeds their client width.
CLIPPED = """() => {
  const selector = "[data-testid='stMain'] :is(h1, h2, h3, p, li, label, [data-testid='stMetricValue'],"
    + " [data-testid='stMetricLabel'], [data-testid='stMetricDelta'], [data-testid='stCaptionContainer'],"
    + " [data-testid='stMarkdownContainer'], button)";
  return [...document.querySelectorAll(selector)]
    .filter(e => e.offsetParent !== null && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
    .map(e => (e.getAttribute('data-testid') || e.tagName) + ': ' + e.innerText.slice(0, 60));
}"""

#: Chart texts (titles, tick labels, end labels, legends, annotations) outside their chart's box.
CHART_TEXT_OUT = """() => {
  const out = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const box = plot.getBoundingClientRect();
    for (const text of plot.querySelectorAll('svg text')) {
      const r = text.getBoundingClientRect();
      if (!text.textContent.trim() || r.width === 0) continue;
      if (r.left < box.left - 2 || r.right > box.right + 2 || r.top < box.top - 2 || r.bottom > box.bottom + 2)
        out.push(text.textContent.slice(0, 40));
    }
  }
  return out;
}"""

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

#: Controls and text pushed past the right edge of the screen (a button group wider than a phone).
OFFSCREEN = """() => [...document.querySelectorAll("[data-testid='stMain'] :is(button, label, p, h1, h2, h3)")]
  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().width > 0
          && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
          && !e.closest('[data-testid="stDataFrame"]'))
  .map(e => e.tagName + ': ' + e.innerText.slice(0, 40))"""


@pytest.mark.parametrize("lang", ["vi", pytest.param("en", marks=pytest.mark.slow)])  # English: make test-slow
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "overview")
def test_page_fits(browser, app_url, path, width, lang):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/{path}?year=2024&unit=48&lang={lang}")
        wait_for_app(page)
        if path:
            page.wait_for_selector(".js-plotly-plot", timeout=30_000)
        # Streamlit scrolls inside its main block: a viewport as tall as the page shows (and lays out) everything
        tall = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": w, "height": max(h, min(int(tall) + 40, 9000))})
        page.wait_for_timeout(1200)  # plotly lays out its text after a resize
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{path or 'overview'}_{width}_{lang}.png"))
        assert page.evaluate(OVERFLOW) <= 1, "the page scrolls sideways"
        assert page.evaluate(CLIPPED) == []
        assert page.evaluate(OFFSCREEN) == []
        assert page.evaluate(CHART_TEXT_OUT) == []
    finally:
        context.close()
