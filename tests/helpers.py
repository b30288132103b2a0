"""Helpers shared by the test folders (conftest.py holds only fixtures).

unit/ pure logic, integration/ real DuckDB files and real Excel/CSV files through the ETL,
app/ pages under Streamlit's AppTest, e2e/ a real `streamlit run` in Chromium, realdata/ the
published files of ../shared/realdata (skipped when absent).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

from etl.cli import main as cli_main

ROOT = Path(__file__).resolve().parent.parent
#: Causal wording the impact sentences must never use (IMPACT-METHOD §4: "associated with", not "caused").
FORBIDDEN = re.compile(r"\bcaused?\b|\bcauses\b|gây ra", re.IGNORECASE)
PAGES = ROOT / "app_pages"


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``python -m etl`` in-process; returns (exit code, stdout, stderr)."""
    try:
        code = cli_main([str(a) for a in args])
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def file_sha(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def db_rows(path: Path, sql: str) -> list[tuple]:
    """Every row of one query on the database at ``path``, read only (the tests' way to look inside)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def content_fingerprint(path: Path) -> str | None:
    """Hash of every table's sorted content: equal means nothing in the database changed."""
    if not path.exists():
        return None
    con = duckdb.connect(str(path), read_only=True)
    try:
        digest = hashlib.sha256()
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        for table in tables:
            rows = con.execute(f'SELECT * FROM "{table}"').fetchall()
            digest.update(table.encode())
            for row in sorted(repr(r) for r in rows):
                digest.update(row.encode())
        return digest.hexdigest()
    finally:
        con.close()


def parse_python(path: Path):
    """``ast.parse`` of a source file, retried when CPython's AST counter was disturbed.

    CPython 3.11.7 keeps one AST recursion counter per interpreter (gh-106905, fixed in 3.11.8): a
    parse racing with another thread's (a Streamlit script runner left by an AppTest) can raise
    "SystemError: AST constructor recursion depth mismatch". Seen once in the full suite, never alone;
    the source is fine, so parsing again is the right answer.
    """
    source = path.read_text(encoding="utf-8")
    for attempt in range(3):
        try:
            return ast.parse(source)
        except SystemError:
            if attempt == 2:
                raise
            time.sleep(0.1)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def run_page(path, db: Path, monkeypatch, user=None, **params):
    """Run one page script alone under AppTest on ``db`` with URL ``params`` (signed in as ``user``, a
    ``provindex.auth.User``, when given); fails on any exception."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PROVINDEX_DB", str(db))
    app = AppTest.from_file(str(path), default_timeout=60)
    if user is not None:
        app.session_state["pv_user"] = user
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def page_text(app) -> str:
    """Everything a reader sees as text on the page (markdown, captions, alerts, headings)."""
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption] + [w.value for w in app.warning]
    parts += [i.value for i in app.info] + [t.value for t in app.title] + [s.value for s in app.subheader]
    return "\n".join(parts)


def run(page: str, db: Path, monkeypatch, **params):
    """Run ``app_pages/<page>.py`` alone under AppTest (see :func:`run_page`)."""
    return run_page(PAGES / f"{page}.py", db, monkeypatch, **params)


def chart_count(app) -> int:
    """Plotly charts on the page."""
    return len(app.get("plotly_chart"))


def spec(app, position: int = 0) -> str:
    """The plotly figure sent to the browser, as readable JSON text."""
    return json.dumps(json.loads(app.get("plotly_chart")[position].proto.spec), ensure_ascii=False)


def download_data(button) -> bytes:
    """The bytes an AppTest download button serves (read from the test run's in-memory media store)."""
    import gc

    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    for storage in (o for o in gc.get_objects() if isinstance(o, MemoryMediaFileStorage)):
        try:
            return storage.get_file(file_id).content
        except Exception:  # another run's store
            continue
    raise LookupError(button.proto.url)


def pci_file(extra: str | None = None, bad_unit: str | None = None) -> bytes:
    """A wide PCI file of the 34 provinces (made-up values; the year is in the file name), optionally with an
    unknown column ``extra`` or an unknown province ``bad_unit`` on row 6."""
    from provindex.catalog import get_catalog

    names = list(get_catalog().units_of("vn34")["name_vi"])
    header = ["Tỉnh/Thành phố", "Chỉ số PCI", "Chi phí gia nhập thị trường"] + ([extra] if extra else [])
    lines = [",".join(header)]
    for position, name in enumerate(names):
        if bad_unit and position == 4:
            name = bad_unit
        cells = [name, f"{60 + position / 3:.2f}", f"{5 + position / 10:.2f}"] + ([f"{6 + position / 20:.2f}"]
                                                                                    if extra else [])
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


@contextmanager
def load_held_then_killed(source: Path, db: Path):
    """``python -m etl load SOURCE`` paused inside its write (the test pause hook); the block runs while it
    waits there, then the load is killed with SIGKILL."""
    child = subprocess.Popen([sys.executable, "-m", "etl", "load", str(source), "--db", str(db)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PROVINDEX_TEST_PAUSE_IN_LOAD": "120"})
    try:
        deadline = time.monotonic() + 120
        line = ""
        while "inside load transaction" not in line and time.monotonic() < deadline:
            line = child.stderr.readline()
            assert line or child.poll() is None, "the load ended before reaching its transaction"
        assert "inside load transaction" in line
        yield child
        assert child.poll() is None
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
