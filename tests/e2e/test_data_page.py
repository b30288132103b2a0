"""End to end (issue 10): an analyst uploads a file with an unknown province (refused, named), then a file
with an unknown column, maps it, confirms, sees the new year on the Overview, rolls back, and it is gone."""

from helpers import pci_file

from .conftest import screenshot, wait_for_app


def year_shown(page) -> str:
    """The year the sidebar's picker holds (the app falls back to the latest year when the URL's is absent)."""
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Năm").first
    return box.locator("input").input_value() or box.inner_text()


def upload(page, url: str, path) -> None:
    page.goto(f"{url}/data")
    wait_for_app(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    page.wait_for_timeout(500)
    wait_for_app(page, timeout=60_000)


def test_upload_map_confirm_overview_rollback(page, analyst_url, tmp_path):
    bad = tmp_path / "PCI_2026.csv"
    bad.write_bytes(pci_file(bad_unit="Tỉnh Atlantis"))
    upload(page, analyst_url, bad)
    errors = page.locator("[data-testid='stAlert']").all_inner_texts()
    assert any("Tỉnh Atlantis" in e and "dòng 6" in e for e in errors), errors
    assert page.get_by_role("button", name="Xác nhận và nạp").count() == 0
    screenshot(page, "data_unknown_province")

    good = tmp_path / "mapped" / "PCI_2026.csv"
    good.parent.mkdir()
    good.write_bytes(pci_file("Đào tạo LĐ (mới)"))
    upload(page, analyst_url, good)
    assert page.get_by_text('Cột D — "Đào tạo LĐ (mới)"').count() == 1
    page.get_by_role("button", name="Dùng các lựa chọn này").click()
    wait_for_app(page, timeout=60_000)
    screenshot(page, "data_mapped_review")
    page.get_by_role("button", name="Xác nhận và nạp").click()
    page.get_by_text("Đã nạp 102 dòng").wait_for(timeout=60_000)

    page.goto(f"{analyst_url}/?year=2026")
    wait_for_app(page)
    assert "2026" in year_shown(page) and "year=2026" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "overview_2026")

    page.goto(f"{analyst_url}/data")
    wait_for_app(page)
    page.get_by_role("tab", name="Lịch sử nạp").click()
    page.locator("[data-testid='stCheckbox']").filter(has_text="hoàn tác lần nạp").first.click()
    wait_for_app(page)
    screenshot(page, "data_history")
    page.get_by_role("button", name="Hoàn tác").click()
    page.get_by_text("Đã hoàn tác lần nạp #").wait_for(timeout=60_000)
    screenshot(page, "data_rolled_back")

    page.goto(f"{analyst_url}/?year=2026")
    wait_for_app(page)
    assert "2026" not in year_shown(page) and "2025" in year_shown(page) and "year=2025" in page.url
