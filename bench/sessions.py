"""Many browser sessions against one `streamlit run`, with loads running beside them.

Shared by ``bench/bench_sessions.py`` (figures) and ``tests/e2e/test_sessions.py`` (slow assertions):

* :func:`browse_rounds` — N headless-Chromium sessions each open every page; after each round the
  server's resident memory is read, so growth per round shows.
* :func:`browse_while_loading` — the same sessions keep browsing while ten yearly files load one after
  the other through ``python -m etl load`` (one of them held open inside its transaction), and every
  error box, exception and view latency is counted.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"


@dataclass
class Tally:
    """What the sessions saw: page views, their latencies (ms), error boxes with their text."""

    views: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def median_ms(self) -> float:
        return float(pd.Series(self.latencies).median()) if self.latencies else 0.0

    def p95_ms(self) -> float:
        return float(pd.Series(self.latencies).quantile(0.95)) if self.latencies else 0.0


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def page_paths() -> list[str]:
    """Every page a viewer can open, as URL paths (the overview is `/`)."""
    from provindex.ui.navigation import PAGES

    return ["" if spec.default else spec.key for spec in PAGES if spec.min_role == "viewer"]


@contextmanager
def server(db: Path, extra_env: dict | None = None):
    """A headless `streamlit run dashboard.py` on ``db``; yields (url, process)."""
    port = _port()
    env = {**os.environ, "PROVINDEX_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "PROVINDEX_ANONYMOUS_VIEWERS": "1", **(extra_env or {})}
    log = open(db.parent / "streamlit.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def rss_mb(process: subprocess.Popen) -> float:
    """Resident memory of the server process, in MB."""
    import psutil

    return psutil.Process(process.pid).memory_info().rss / 2**20


async def _view(page, url: str, tally: Tally) -> None:
    started = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded", timeout=120_000)
    await page.wait_for_selector(CONNECTED, timeout=120_000)
    await page.wait_for_timeout(300)
    await page.wait_for_selector(IDLE, timeout=120_000)
    tally.latencies.append(1000 * (time.perf_counter() - started))
    tally.views += 1
    for box in await page.locator(ERRORS).all():
        tally.errors.append(f"{url}: {(await box.inner_text())[:300]}")


async def _session(browser, url: str, paths: list[str], tally: Tally, keep_going) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN")
    page = await context.new_page()
    page.on("pageerror", lambda exc: tally.errors.append(f"page error: {exc}"))
    try:
        while True:
            for path in paths:
                try:
                    await _view(page, f"{url}/{path}", tally)
                except Exception as exc:  # a timeout is a failure to record, not a reason to stop the others
                    tally.errors.append(f"{url}/{path}: {type(exc).__name__}: {str(exc)[:200]}")
            if not keep_going():
                break
    finally:
        await context.close()


async def _browse(url: str, sessions: int, tally: Tally, keep_going) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"])
        try:
            await asyncio.gather(*(_session(browser, url, page_paths(), tally, keep_going)
                                   for _ in range(sessions)))
        finally:
            await browser.close()


def browse_rounds(url: str, process, sessions: int = 20, rounds: int = 3) -> tuple[list[float], Tally]:
    """``rounds`` rounds of ``sessions`` sessions × every page; server memory (MB) after each round."""
    tally, memory = Tally(), []
    for _ in range(rounds):
        asyncio.run(_browse(url, sessions, tally, lambda: False))
        time.sleep(2)  # let the server drop the closed sessions
        memory.append(round(rss_mb(process), 1))
    return memory, tally


def yearly_files(db: Path, folder: Path, years: int = 10) -> list[Path]:
    """Ten PCI files, one per year, each shifting every score by a small amount (so each load changes data)."""
    export = folder / "pci.csv"
    subprocess.run([sys.executable, "-m", "etl", "export", str(export), "--index", "PCI", "--db", str(db)],
                   cwd=ROOT, check=True, capture_output=True)
    frame = pd.read_csv(export, encoding="utf-8-sig", dtype={"unit_code": str})
    files = []
    for year in sorted(frame["year"].unique())[-years:]:
        part = frame[frame["year"] == year].copy()
        part["value"] = (part["value"] * 0.99).round(4)
        part = part.drop(columns=["rank", "ci_low", "ci_high"])
        path = folder / f"pci_{year}.csv"
        part.to_csv(path, index=False, encoding="utf-8-sig")
        files.append(path)
    return files


def load_all(db: Path, files: list[Path], held: int, hold_seconds: float) -> list[dict]:
    """Load the files one after the other with the CLI; the ``held`` one pauses inside its write."""
    results = []
    for number, path in enumerate(files):
        env = {**os.environ, "PROVINDEX_DB": str(db)}
        if number == held:
            env["PROVINDEX_TEST_PAUSE_IN_LOAD"] = str(hold_seconds)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "etl", "load", str(path), "--user", "bench"],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        results.append({"file": path.name, "rc": done.returncode, "seconds": round(time.perf_counter() - started, 2),
                        "output": (done.stdout + done.stderr)[-400:]})
    return results


def browse_while_loading(url: str, db: Path, files: list[Path], sessions: int = 20, held: int = 3,
                         hold_seconds: float = 30.0) -> tuple[list[dict], Tally]:
    """Sessions browse every page in a loop until the loads (one held ``hold_seconds``) have all finished."""
    tally, loads, finished = Tally(), [], threading.Event()

    def loader():
        time.sleep(5)  # the sessions are on their pages first
        loads.extend(load_all(db, files, held, hold_seconds))
        finished.set()

    thread = threading.Thread(target=loader)
    thread.start()
    asyncio.run(_browse(url, sessions, tally, lambda: not finished.is_set()))
    thread.join()
    return loads, tally


def fresh_demo(folder: Path) -> Path:
    """A demo database in ``folder`` (built once per process, copied after)."""
    from etl.demo import build_demo

    cached = folder.parent / "sessions-demo-template.duckdb"
    if not cached.exists():
        build_demo(cached)
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "demo.duckdb"
    shutil.copy(cached, db)  # the current snapshot, as a plain file
    return db
