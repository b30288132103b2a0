"""A new edition's weights derived from its own workbook: note and stored with provenance when exact,
a warning naming the worst province when the composite is not a weighted sum (issue 9)."""

import numpy as np

from corpus import PROVINCES, xlsx
from etl.weights import SOURCE
from helpers import cli, content_fingerprint, db_rows

SUBS = ["Tính minh bạch", "Chi phí thời gian", "Chi phí không chính thức", "Đào tạo lao động"]
CODES = ["PCI:TRANSPARENCY", "PCI:TIME_COSTS", "PCI:INFORMAL_CHARGES", "PCI:LABOR_TRAINING"]
SHARES = [0.3, 0.2, 0.15, 0.35]
NAMES = [name for name, _ in PROVINCES] + ["Cần Thơ", "Bắc Ninh", "Nghệ An", "Lào Cai", "Sơn La", "Gia Lai"]


def _workbook(path, break_row: int | None = None):
    rng = np.random.default_rng(7)
    rows = [["Tỉnh", *SUBS, "Điểm PCI"]]
    for number, name in enumerate(NAMES):
        subs = [round(float(v), 2) for v in rng.uniform(4, 9, len(SUBS))]
        total = round(10 * sum(w * s for w, s in zip(SHARES, subs)), 2)
        rows.append([name, *subs, total + (3.0 if number == break_row else 0.0)])
    return xlsx(path, {"PCI 2021": rows})


def _stored(db):
    return db_rows(db, "SELECT component, weight, scale, exact, n_units, source FROM derived_weight "
                       "WHERE parent = 'PCI:TOTAL' AND year = 2021 ORDER BY component")


def test_exact_weights_are_noted_and_stored_with_the_load(tmp_path, capsys):
    db = tmp_path / "db.duckdb"
    code, out, err = cli(capsys, "load", _workbook(tmp_path / "pci_2021.xlsx"), "--db", db, "--lang", "en")
    assert code == 0, err
    assert "PCI:TOTAL 2021: weights derived from the workbook" in out and "PCI:TRANSPARENCY 30%" in out
    assert "WARNING" not in out + err
    stored = _stored(db)
    assert [(c, w) for c, w, *_ in stored] == sorted(zip(CODES, SHARES))
    assert all(row[2] == 10.0 and row[3] and row[4] == len(NAMES) and row[5] == SOURCE for row in stored)


def test_a_composite_that_is_not_the_weighted_sum_is_a_warning_naming_the_province(tmp_path, capsys):
    db = tmp_path / "db.duckdb"
    code, out, err = cli(capsys, "load", _workbook(tmp_path / "pci_2021.xlsx", break_row=2), "--db", db,
                         "--lang", "en")
    assert code == 0, err  # a warning, not a rejection: the stored numbers are the published ones
    report = out + err
    assert "is not a weighted sum of its components" in report and NAMES[2].split()[-1] in report
    assert [row[3] for row in _stored(db)] == [False] * len(CODES)  # kept, flagged as inexact


def test_dry_run_derives_but_stores_nothing(tmp_path, capsys):
    db = tmp_path / "db.duckdb"
    cli(capsys, "demo", "--db", db)
    before = content_fingerprint(db)
    code, out, _ = cli(capsys, "load", _workbook(tmp_path / "pci_2021.xlsx"), "--db", db, "--dry-run", "--lang", "vi")
    assert code == 0 and "đã suy ra trọng số" in out
    assert content_fingerprint(db) == before
