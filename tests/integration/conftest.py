"""Fixtures of the import tests: a database holding one earlier load, so a rejection is seen to change nothing."""

import shutil

import pytest

from corpus import PCI_HEADER, csv_text, pci_rows, write_bytes


@pytest.fixture(scope="module")
def base_db(tmp_path_factory):
    """A database holding one earlier load (PCI 2019), built once per module."""
    folder = tmp_path_factory.mktemp("base")
    path = folder / "base.duckdb"
    source = write_bytes(folder / "pci_2019.csv", csv_text(PCI_HEADER, pci_rows()).encode("utf-8"))
    from etl.cli import main

    assert main(["load", str(source), "--db", str(path)]) == 0
    return path


@pytest.fixture
def db(base_db, tmp_path):
    """A copy of ``base_db`` this test may write to."""
    target = tmp_path / "db.duckdb"
    shutil.copy(base_db, target)
    return target
