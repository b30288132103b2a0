"""Issue 10 in headless Chromium: a viewer opening /admin by URL sees the refusal and no admin content; the
admin link is not in a viewer's menu; signing in through the real form opens the page and grows the menu."""

import pytest

from provindex import users

from .conftest import screenshot, sign_in, wait_for_app

GOOD = "correct horse battery"


@pytest.fixture
def accounts(e2e_workspace, cheap_hasher):
    for name, role in (("boss", "admin"), ("thu", "viewer")):
        if users.get_user(name, e2e_workspace) is None:
            users.add_user(name, role, GOOD, "e2e", e2e_workspace)
    return e2e_workspace


def _menu(page) -> str:
    return page.locator("[data-testid='stSidebarNav']").inner_text()


def test_a_viewer_opening_admin_by_url_is_refused(page, app_url, accounts):
    page.goto(f"{app_url}/admin")
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    assert "dành cho người dùng có vai trò quản trị viên" in main.inner_text()
    assert main.get_by_text("Nhật ký thay đổi").count() == 0 and main.locator("[data-testid='stDataFrame']").count() == 0
    assert page.locator("[data-testid='stException']").count() == 0 and page.get_by_text("Page not found").count() == 0
    assert "Quản trị" not in _menu(page) and "Xếp hạng" in _menu(page)
    screenshot(page, "admin_refused")


def test_a_signed_in_viewer_has_no_admin_link(page, app_url, accounts):
    page.goto(f"{app_url}/?year=2021")
    wait_for_app(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Đăng nhập", exact=True).first.click()  # the folded sign-in box
    sign_in(page, sidebar, "thu", GOOD)
    page.wait_for_function("document.querySelector('[data-testid=stSidebar]').innerText.includes('người xem')",
                           timeout=60_000)
    assert "Quản trị" not in _menu(page)


def test_signing_in_on_the_refused_page_opens_it(page, app_url, accounts):
    page.goto(f"{app_url}/admin")
    wait_for_app(page)
    sign_in(page, page.locator("[data-testid='stMain']"), "boss", GOOD)
    page.wait_for_selector("h1:has-text('Quản trị')", timeout=60_000)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("Nhật ký thay đổi").first.wait_for(timeout=30_000)
    assert main.get_by_text("dành cho người dùng có vai trò").count() == 0
    assert "Quản trị" in _menu(page)
    assert "boss" in page.locator("[data-testid='stSidebar']").inner_text()
    screenshot(page, "admin_signed_in")
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="Đăng xuất").click()
    wait_for_app(page)
    page.wait_for_function("!document.querySelector('[data-testid=stSidebarNav]').innerText.includes('Quản trị')",
                           timeout=30_000)
