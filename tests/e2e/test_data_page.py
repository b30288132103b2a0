"""End to end (issue 10): an analyst signs in through the form, uploads a file with an unknown province
(refused, named), then a file with an unknown column, maps it, confirms, sees the new year on the Overview,
rolls back, and it is gone. Pages change through the menu: a reload starts a new session (decision 35)."""

from helpers import pci_file

from .conftest import ANALYST, screenshot, sign_in, wait_for_app


def year_shown(page) -> str:
    """The year the sidebar's picker holds (the app falls back to the latest year when the URL's is absent)."""
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Năm").first
    return box.locator("input").input_value() or box.inner_text()


def menu(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    wait_for_app(page, timeout=60_000)


def choose_year(page, year: str) -> None:
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Năm").first.click()
    page.get_by_role("option", name=year, exact=True).click()
    wait_for_app(page, timeout=60_000)


def upload(page, path) -> None:
    """Replace whatever the uploader holds by ``path`` (the uploader takes several files and keeps them)."""
    menu(page, "Dữ liệu")
    chips = page.locator("[data-testid='stFileUploader'] [data-testid='stFileChipDeleteBtn']")
    while chips.count():
        chips.first.click()
        wait_for_app(page, timeout=60_000)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    page.wait_for_timeout(500)
    wait_for_app(page, timeout=60_000)


def test_upload_map_confirm_overview_rollback(page, analyst_url, tmp_path):
    bad = tmp_path / "PCI_2026.csv"
    bad.write_bytes(pci_file(bad_unit="Tỉnh Atlantis"))
    page.goto(f"{analyst_url}/data")
    wait_for_app(page)
    assert page.locator("[data-testid='stFileUploader']").count() == 0  # a guest is refused the Data page
    sign_in(page, page.locator("[data-testid='stMain']"), *ANALYST)
    upload(page, bad)
    errors = page.locator("[data-testid='stAlert']").all_inner_texts()
    assert any("Tỉnh Atlantis" in e and "dòng 6" in e for e in errors), errors
    assert page.get_by_role("button", name="Xác nhận và nạp").count() == 0
    screenshot(page, "data_unknown_province")

    good = tmp_path / "mapped" / "PCI_2026.csv"
    good.parent.mkdir()
    good.write_bytes(pci_file("Đào tạo LĐ (mới)"))
    upload(page, good)
    assert page.get_by_text('Cột D — "Đào tạo LĐ (mới)"').count() == 1
    page.get_by_role("button", name="Dùng các lựa chọn này").click()
    wait_for_app(page, timeout=60_000)
    screenshot(page, "data_mapped_review")
    page.get_by_role("button", name="Xác nhận và nạp").click()
    page.get_by_text("Đã nạp 102 dòng").wait_for(timeout=60_000)

    menu(page, "Tổng quan")
    choose_year(page, "2026")
    assert "2026" in year_shown(page) and "year=2026" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "overview_2026")

    menu(page, "Dữ liệu")
    page.get_by_role("tab", name="Lịch sử nạp").click()
    page.locator("[data-testid='stCheckbox']").filter(has_text="hoàn tác lần nạp").first.click()
    wait_for_app(page)
    screenshot(page, "data_history")
    page.get_by_role("button", name="Hoàn tác").click()
    page.get_by_text("Đã hoàn tác lần nạp #").wait_for(timeout=60_000)
    screenshot(page, "data_rolled_back")

    menu(page, "Tổng quan")
    assert "2026" not in year_shown(page) and "2025" in year_shown(page) and "year=2025" in page.url
