"""The snapshot store (issue 10): layout, readers that never write, legacy files, pruning, the writers' lock,
load originals, reactivation and the explicit migration."""

import fcntl
import hashlib
import os

import duckdb
import pytest

from corpus import PCI_HEADER, csv_text, pci_rows, write_bytes
from helpers import cli
from provindex import db, originals, queries, store
from provindex.errors import SchemaTooNew, WriterBusy


def _pci(folder, year, scale=1.0):
    rows = [[name, *(round(v * scale, 2) for v in values)] for name, *values in pci_rows()]
    return write_bytes(folder / f"pci_{year}.csv", csv_text(PCI_HEADER, rows).encode("utf-8"))


def _state(path):
    """Bytes and mtime of every file of the store, and the pointer: what "opening never writes" must keep."""
    files = [path, *store.snapshots_dir(path).iterdir()]
    return {str(p): (p.lstat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files}, \
        os.readlink(path)


@pytest.fixture
def loaded(tmp_path, capsys):
    path = tmp_path / "store.duckdb"
    assert cli(capsys, "load", _pci(tmp_path, 2019), "--db", path)[0] == 0
    return path


def test_a_load_publishes_a_snapshot_behind_the_path(loaded, tmp_path):
    assert loaded.is_symlink() and not os.path.isabs(os.readlink(loaded))
    snapshots = sorted(store.snapshots_dir(loaded).iterdir())
    assert [p.resolve() for p in snapshots] == [loaded.resolve()]
    assert store.lock_file(loaded).exists()
    # anything that opens the path sees the current snapshot
    con = duckdb.connect(str(loaded), read_only=True)
    assert con.execute('SELECT count(*) FROM "load"').fetchone()[0] == 1
    con.close()
    sha = hashlib.sha256(_pci(tmp_path, 2019).read_bytes()).hexdigest()
    assert (originals.files_dir(loaded) / sha).read_bytes() == _pci(tmp_path, 2019).read_bytes()


def test_reading_never_writes(loaded, capsys, tmp_path):
    before = _state(loaded)
    version = store.current_version(loaded)
    with store.reading(loaded) as con:
        assert not queries.load_history(con).empty
    for command in (["history"], ["export", str(tmp_path / "out.csv")], ["mappings"],
                    ["load", str(_pci(tmp_path, 2019, 1.01)), "--dry-run"]):
        assert cli(capsys, *command, "--db", loaded)[0] == 0, command
    assert _state(loaded) == before
    assert store.current_version(loaded) == version


def test_a_legacy_plain_file_is_read_in_place_and_adopted_by_the_first_writer(tmp_path, capsys):
    path = tmp_path / "legacy.duckdb"
    db.connect(path).close()
    assert not path.is_symlink()
    with store.reading(path) as con:
        assert queries.load_history(con).empty
    assert store.current_version(path).startswith("file:")
    assert cli(capsys, "load", _pci(tmp_path, 2019), "--db", path)[0] == 0
    assert path.is_symlink() and store.current_version(path).startswith("snapshot:")
    with store.reading(path) as con:
        assert len(queries.load_history(con)) == 1


def test_a_failed_or_empty_write_publishes_nothing(loaded):
    version, listing = store.current_version(loaded), sorted(store.snapshots_dir(loaded).iterdir())
    with pytest.raises(RuntimeError):
        with store.writing(loaded) as con:
            con.execute("DELETE FROM score")
            raise RuntimeError("half way")
    with store.writing(loaded) as con:
        con.execute("DELETE FROM score")
        raise store.NoChange
    assert store.current_version(loaded) == version
    assert sorted(store.snapshots_dir(loaded).iterdir()) == listing  # no copy left behind
    with store.reading(loaded) as con:
        assert con.execute("SELECT count(*) FROM score").fetchone()[0] > 0


def test_old_snapshots_are_pruned_once_no_reader_holds_them(loaded):
    with store.reading(loaded) as held:
        kept = loaded.resolve()
        for _ in range(3):
            store.write(loaded, lambda con: db.set_meta(con, "touch", store.current_version(loaded)))
        assert kept.exists()  # its reader is still there
        assert held.execute("SELECT count(*) FROM score").fetchone()[0] > 0
        assert len(list(store.snapshots_dir(loaded).iterdir())) == 3  # held + previous + current
    store.write(loaded, lambda con: db.set_meta(con, "touch", "again"))
    assert not kept.exists()
    assert len(list(store.snapshots_dir(loaded).iterdir())) == 2  # current + previous


def test_stale_copies_of_a_dead_writer_are_removed_by_the_next(loaded):
    stale = store.snapshots_dir(loaded) / ".tmp-99999-deadbeef.duckdb"
    stale.write_bytes(b"half a database")
    store.write(loaded, lambda con: db.set_meta(con, "touch", "1"))
    assert not stale.exists()


def test_a_writer_waits_for_another_then_gives_a_designed_message(loaded):
    handle = os.open(store.lock_file(loaded), os.O_RDWR)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        with pytest.raises(WriterBusy) as caught:
            with store.writing(loaded, wait_seconds=0.3):
                pass
        with store.reading(loaded) as con:  # readers do not wait
            assert con.execute("SELECT count(*) FROM score").fetchone()[0] > 0
    finally:
        os.close(handle)
    for lang in ("vi", "en"):
        text = caught.value.message(lang)
        assert "{" not in text and "IOException" not in text and str(loaded) in text
        assert str(loaded) not in caught.value.screen_message(lang)


def test_rollback_and_reactivate(loaded, tmp_path, capsys):
    assert cli(capsys, "load", _pci(tmp_path, 2019, 1.01), "--db", loaded)[0] == 0
    assert cli(capsys, "rollback", "2", "--db", loaded, "--user", "lan")[0] == 0
    with store.reading(loaded) as con:
        assert set(queries.current_scores(con)["load_id"]) == {1}
    code, out, _ = cli(capsys, "reactivate", "2", "--db", loaded, "--user", "minh", "--lang", "en")
    assert code == 0 and "Load #2 is active again" in out
    with store.reading(loaded) as con:
        assert set(queries.current_scores(con)["load_id"]) == {2}
        row = queries.load_history(con).set_index("load_id").loc[2]
    assert row["status"] == "loaded" and row["reactivated_by"] == "minh" and row["rolled_back_by"] == "lan"
    code, _, err = cli(capsys, "reactivate", "2", "--db", loaded, "--lang", "en")
    assert code == 1 and "only a rolled-back load" in err
    code, _, err = cli(capsys, "reactivate", "9", "--db", loaded, "--lang", "en")
    assert code == 1 and "no load #9" in err


def test_history_has_provenance_and_the_original_of_every_load(loaded, tmp_path):
    with store.reading(loaded) as con:
        history = queries.load_history(con)
        name, sha = queries.load_file(con, 1)
    row = history.iloc[0]
    for column in ("user", "at", "file_name", "sha256", "rows", "status"):
        assert row[column] is not None, column
    assert name == "pci_2019.csv" and row["rows"] > 0
    assert originals.original_file(loaded, sha).read_bytes() == _pci(tmp_path, 2019).read_bytes()
    assert originals.original_file(loaded, "demo-seed-1") is None
    assert originals.original_of_load(loaded, 1) == ("pci_2019.csv", _pci(tmp_path, 2019).read_bytes())
    assert originals.original_of_load(loaded, 7) is None


def test_an_older_schema_is_read_as_is_and_migrated_explicitly(tmp_path, capsys):
    path = tmp_path / "old.duckdb"
    assert cli(capsys, "load", _pci(tmp_path, 2019), "--db", path)[0] == 0
    legacy = tmp_path / "legacy.duckdb"
    legacy.write_bytes(path.read_bytes())  # a plain file of an "earlier version"
    con = duckdb.connect(str(legacy))
    con.execute('ALTER TABLE "load" DROP COLUMN reactivated_at')
    con.execute('ALTER TABLE "load" DROP COLUMN reactivated_by')
    con.execute("UPDATE meta SET value = 'older' WHERE key = 'schema_sha'")
    con.close()
    before = legacy.read_bytes()
    code, out, _ = cli(capsys, "history", "--db", legacy, "--json")
    assert code == 0 and '"reactivated_by": null' in out
    assert legacy.read_bytes() == before and store.needs_migration(legacy)
    code, out, _ = cli(capsys, "migrate", "--db", legacy, "--lang", "en")
    assert code == 0 and "Upgraded" in out and not store.needs_migration(legacy)
    code, out, _ = cli(capsys, "migrate", "--db", legacy, "--lang", "en")
    assert code == 0 and "nothing to upgrade" in out


def test_a_newer_schema_is_refused_by_readers_and_writers(loaded, capsys):
    legacy = loaded.with_name("newer.duckdb")
    legacy.write_bytes(loaded.read_bytes())
    con = duckdb.connect(str(legacy))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(SchemaTooNew):
        with store.reading(legacy):
            pass
    before = legacy.read_bytes()
    code, _, err = cli(capsys, "rollback", "1", "--db", legacy, "--lang", "en")
    assert code == 1 and "newer" in err and str(legacy) in err
    assert legacy.read_bytes() == before and not legacy.is_symlink()
