"""A real `streamlit run dashboard.py` on the demo database, driven by Debian's headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from provindex import config

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = str(config.read("PROVINDEX_CHROMIUM"))
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _require_browser():
    if not Path(CHROMIUM).exists():
        if config.read("PROVINDEX_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing (make test installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")


@contextmanager
def serve(db: Path, workspace: Path, log_dir: Path):
    """``streamlit run dashboard.py`` on ``db`` and ``workspace`` at a free port; yields its URL, stops it after."""
    port = _free_port()
    env = {**os.environ, "PROVINDEX_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "PROVINDEX_WORKSPACE": str(workspace)}
    log = open(log_dir / "streamlit.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("streamlit did not start")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def e2e_workspace(tmp_path_factory) -> Path:
    """The server's user store and audit log (tests add users to it; the server reads it on every run)."""
    return tmp_path_factory.mktemp("e2e-ws") / "workspace.sqlite"


@pytest.fixture(scope="session")
def app_url(demo_db, tmp_path_factory, e2e_workspace):
    _require_browser()
    db = tmp_path_factory.mktemp("e2e") / "demo.duckdb"
    shutil.copy(demo_db, db)
    with serve(db, e2e_workspace, tmp_path_factory.mktemp("log")) as url:
        yield url


#: The analyst of :func:`analyst_url` (signs in through the real form).
ANALYST = ("lan", "mật khẩu đủ dài 2026")


@pytest.fixture
def analyst_url(demo_db, tmp_path, cheap_hasher):
    """A dashboard of its own (the test changes data) whose store holds the analyst :data:`ANALYST`."""
    from provindex import users

    _require_browser()
    db, workspace = tmp_path / "demo.duckdb", tmp_path / "workspace.sqlite"
    shutil.copy(demo_db, db)
    users.add_user(ANALYST[0], "analyst", ANALYST[1], "e2e", workspace)
    with serve(db, workspace, tmp_path) as url:
        yield url


def sign_in(page, scope, name: str, password: str) -> None:
    """Fill the sign-in form inside ``scope`` (the main area of a refused page, or the sidebar box) and submit."""
    scope.get_by_label("Tên người dùng").fill(name)
    scope.get_by_label("Mật khẩu", exact=True).fill(password)
    scope.get_by_role("button", name="Đăng nhập").click()
    wait_for_app(page, timeout=60_000)


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def requested_hosts():
    """Every host any page asked for during the session (checked at the end of the e2e tests)."""
    return set()


@pytest.fixture
def page(browser, requested_hosts):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    tab = context.new_page()
    tab.on("request", lambda request: requested_hosts.add(urlparse(request.url).netloc or request.url[:30]))
    yield tab
    context.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Streamlit's own recipe: let widgets debounce, then wait for a connected, idle script."""
    page.wait_for_timeout(250)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
