"""The two .xlsx readers agree: calamine (fast path) gives the cells openpyxl gives, or hands over."""

import datetime as dt

import pytest

from corpus import xlsx
from etl import xlsx_fast
from etl.guards import CellBudget, LimitExceeded
from etl.read import Sheet, _read_xlsx, _read_xlsx_openpyxl, kept_rows


def _as_lists(sheets):
    return [(s.name, s.rows) for s in sheets]


@pytest.fixture(autouse=True)
def _quiet_openpyxl(recwarn):
    """openpyxl warns about Excel extensions it does not read (slicers…); not what these tests check."""


def _both(path):
    fast = xlsx_fast.read_sheets(path, CellBudget(), Sheet, kept_rows)
    slow = _read_xlsx_openpyxl(path, path.name, CellBudget())
    return fast, slow


def test_same_cells_types_and_row_numbers(tmp_path):
    path = xlsx(tmp_path / "pci_2020.xlsx", {
        "Title": [["KẾT QUẢ PCI 2020"], [], ["Tỉnh", "Điểm", "Hạng", "Ngày"],
                  [" Đà Nẵng ", 70.5, 1, dt.datetime(2021, 4, 1)], ["Hà Nội", 68, 2, None], [], ["Ghi chú", "-"]],
        "Second": [[None, None, "x"], [1.25, True, "KCDL"]]})
    fast, slow = _both(path)
    assert fast is not None
    assert _as_lists(fast) == _as_lists(slow)
    types = [[type(c) for c in cells] for _, cells in fast[0].rows]
    assert types == [[type(c) for c in cells] for _, cells in slow[0].rows]  # 68 is an int in both, the date a datetime


def test_a_sheet_beyond_the_cell_budget_is_left_to_the_streaming_reader(tmp_path):
    path = xlsx(tmp_path / "big.xlsx", {"S": [[i, i + 0.5, "t"] for i in range(200)]})
    budget = CellBudget(limit=300)
    assert xlsx_fast.read_sheets(path, budget, Sheet, kept_rows) is None
    assert budget.used == 0  # nothing counted twice when openpyxl reads it next
    with pytest.raises(LimitExceeded):
        _read_xlsx(path, path.name, budget)


def _with_dimension(path, ref):
    """The workbook rewritten with every sheet's dimension set to ``ref`` (as some editions publish)."""
    import re
    import zipfile

    members = {}
    with zipfile.ZipFile(path) as archive:
        for entry in archive.infolist():
            data = archive.read(entry)
            if entry.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), data)
            members[entry.filename] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("ref", ["1:4", "A:C"])
def test_dimension_references_calamine_rejects_are_repaired_in_memory(tmp_path, ref):
    path = _with_dimension(xlsx(tmp_path / "pci_2014.xlsx", {"S": [["Tỉnh", "Điểm"], ["Đà Nẵng", 70.5],
                                                                   [None, None], ["Huế", 61]]}), ref)
    fast, slow = _both(path)
    assert fast is not None and _as_lists(fast) == _as_lists(slow)
    assert fast[0].rows[-1] == (4, ["Huế", 61])


def test_a_workbook_calamine_cannot_parse_falls_back(tmp_path):
    path = tmp_path / "not_really.xlsx"
    path.write_bytes(b"PK\x03\x04 not a zip")
    assert xlsx_fast.read_sheets(path, CellBudget(), Sheet, kept_rows) is None


@pytest.mark.realdata
def test_every_shared_workbook_reads_the_same_both_ways(realdata):
    files = sorted(realdata.rglob("*.xlsx"))
    assert files
    read_fast = 0
    for path in files:
        fast, slow = _both(path)
        if fast is not None:
            read_fast += 1
            assert _as_lists(fast) == _as_lists(slow), path.name
            for a, b in zip(fast, slow):
                assert [[type(c) for c in r] for _, r in a.rows] == [[type(c) for c in r] for _, r in b.rows], path.name
    assert read_fast == len(files)  # PCI 2014's row-only dimension references are repaired, not a fallback

