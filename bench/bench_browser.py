"""In a real browser (Debian Chromium via Playwright) against `streamlit run`:
first-page time and the time until a province switch is visible (target <= 1 s)."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNITS = ["Quảng Ninh", "Hải Phòng", "Cần Thơ", "Khánh Hòa", "Đà Nẵng"]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _idle(page) -> None:
    page.wait_for_timeout(50)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)


def run(repeats: int = 5) -> dict:
    from playwright.sync_api import sync_playwright

    from etl.demo import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        build_demo(db)
        port = _port()
        env = {**os.environ, "PROVINDEX_DB": str(db)}
        server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                                   "--server.headless", "true"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=["--no-sandbox", "--disable-gpu",
                                                           "--disable-background-networking"])
                first, switch = [], []
                for attempt in range(repeats + 1):
                    page = browser.new_page(viewport={"width": 1366, "height": 768})
                    started = time.perf_counter()
                    page.goto(f"{url}/?year=2021")
                    page.wait_for_function("document.querySelector('h1') && "
                                           "document.querySelector('h1').innerText.includes('Đà Nẵng')")
                    _idle(page)
                    if attempt:  # the first load warms the server process
                        first.append(1000 * (time.perf_counter() - started))
                    unit = UNITS[attempt % len(UNITS)] if attempt else "Quảng Ninh"
                    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Tỉnh, thành phố").first
                    box.click()
                    page.keyboard.type(unit[:10])
                    option = page.get_by_role("option", name=unit).first  # labels add the accent-free name
                    option.wait_for()
                    started = time.perf_counter()
                    option.click()
                    page.wait_for_function(f"document.querySelector('h1').innerText.includes('{unit}')")
                    if attempt:
                        switch.append(1000 * (time.perf_counter() - started))
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    return {"command": "python -m bench --only browser", "first_page_median_ms": round(statistics.median(first)),
            "province_switch_median_ms": round(statistics.median(switch)), "target_switch_ms": 1000,
            "runs_first_ms": [round(v) for v in first], "runs_switch_ms": [round(v) for v in switch]}
