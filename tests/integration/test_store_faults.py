"""Faults at the operating-system boundary get designed messages (issue 10, item 6), made for real:
a full disk is a small tmpfs, read-only media a read-only bind mount (both in a private mount namespace,
``unshare -rm``), permission denied another account (or chmod when the tests do not run as root)."""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from corpus import PCI_HEADER, csv_text, pci_rows, write_bytes
from helpers import ROOT
from provindex import queries, store

PYTHON = shlex.quote(sys.executable)
#: The dashboard's own read (outside a Streamlit server its caches are plain calls).
DASHBOARD_READ = "from provindex.ui.data import load_data; print('dashboard scores', len(load_data()[0]))"


def _namespaces_work() -> bool:
    try:
        return subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


needs_namespace = pytest.mark.skipif(not _namespaces_work(), reason="no private mount namespace (unshare -rm)")


def _etl(*args) -> str:
    return f"{PYTHON} -m etl " + " ".join(shlex.quote(str(a)) for a in args)


def _in_namespace(script: str) -> subprocess.CompletedProcess:
    """Run a shell script as root of a private mount namespace; mounts vanish with it."""
    return subprocess.run(["unshare", "-rm", "sh", "-c", "set -e\n" + script], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def _designed(output: str) -> None:
    assert "Unexpected" not in output and "IOException" not in output and "Traceback" not in output, output


@pytest.fixture
def source(tmp_path):
    return write_bytes(tmp_path / "pci_2020.csv", csv_text(PCI_HEADER, pci_rows()).encode("utf-8"))


@needs_namespace
def test_a_full_disk_during_a_load_changes_nothing(tmp_path, demo_db, source):
    mount = tmp_path / "small"
    mount.mkdir()
    size_kb = demo_db.stat().st_size * 3 // 2 // 1024  # the database fits, a copy of it does not
    result = _in_namespace(f"""
        mount -t tmpfs -o size={size_kb}k tmpfs {mount}
        cp -L {demo_db} {mount}/store.duckdb
        sha256sum {mount}/store.duckdb > {tmp_path}/before
        {_etl("load", source, "--db", mount / "store.duckdb", "--lang", "en")} || echo "exit $?"
        sha256sum -c {tmp_path}/before
        ls -A {mount}
        {_etl("history", "--db", mount / "store.duckdb")} > /dev/null && echo history-ok
    """)
    assert result.returncode == 0, result.stderr
    assert "exit 1" in result.stdout and "The disk holding the database" in result.stderr
    _designed(result.stderr)
    assert "store.duckdb: OK" in result.stdout and "history-ok" in result.stdout
    assert ".tmp-" not in result.stdout  # no copy left behind


@needs_namespace
def test_a_demo_that_fills_the_disk_leaves_no_partial_file(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    result = _in_namespace(f"""
        mount -t tmpfs -o size=9m tmpfs {mount}
        {_etl("demo", "--db", mount / "demo.duckdb", "--lang", "en")} || echo "exit $?"
        echo listing; ls -A {mount}
    """)
    assert result.returncode == 0, result.stderr
    assert "exit 1" in result.stdout and "The disk holding the database" in result.stderr
    _designed(result.stderr)
    left = result.stdout.split("listing", 1)[1].split()
    assert "demo.duckdb" not in left and "demo.duckdb.snapshots" not in left, left


@needs_namespace
def test_read_only_media_still_serve_history_and_export_and_refuse_a_load_clearly(tmp_path, demo_db, source):
    media = tmp_path / "media"
    media.mkdir()
    shutil.copy(demo_db, media / "store.duckdb")
    out = tmp_path / "out.csv"
    result = _in_namespace(f"""
        mount --bind {media} {media}
        mount -o remount,bind,ro {media}
        {_etl("history", "--db", media / "store.duckdb")} > /dev/null
        {_etl("export", out, "--db", media / "store.duckdb")}
        {_etl("mappings", "--db", media / "store.duckdb")}
        PROVINDEX_DB={media / "store.duckdb"} {PYTHON} -c {shlex.quote(DASHBOARD_READ)}
        {_etl("load", source, "--db", media / "store.duckdb", "--lang", "en")} || echo "exit $?"
    """)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 100_000
    with store.reading(demo_db) as con:
        assert f"dashboard scores {len(queries.current_scores(con))}" in result.stdout
    assert "exit 1" in result.stdout and "is read-only" in result.stderr
    _designed(result.stderr)


def test_permission_denied_is_a_designed_message(source, demo_db):
    folder = Path(tempfile.mkdtemp(prefix="provindex-perm-"))
    try:
        os.chmod(folder, 0o755)
        shutil.copy(demo_db, folder / "store.duckdb")
        readable = folder / "pci_2020.csv"
        shutil.copy(source, readable)
        # root bypasses file modes: drop every capability instead of switching user, so the test needs no
        # world-readable checkout (a fresh clone in a 0700 folder)
        prefix = ["setpriv", "--bounding-set=-all", "--inh-caps=-all"] if os.geteuid() == 0 else []
        os.chmod(folder, 0o555)
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(folder)}
        run = [*prefix, sys.executable, "-m", "etl"]
        history = subprocess.run([*run, "history", "--db", str(folder / "store.duckdb")], capture_output=True,
                                 text=True, cwd=ROOT, env=env, timeout=120)
        assert history.returncode == 0, history.stderr
        load = subprocess.run([*run, "load", str(readable), "--db", str(folder / "store.duckdb"), "--lang", "en"],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        assert load.returncode == 1 and "may not write" in load.stderr, load.stderr
        _designed(load.stderr)
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)
