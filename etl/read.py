"""Bytes -> sheets of cells. Limits, decoding, delimiter sniffing and workbook reading live here.

Every cell of text is NFC-normalised and trimmed; trailing empty cells are dropped. Each row
keeps the 1-based row number the analyst sees in the file, so problems can point at it. Files
are checked against the limits in :mod:`etl.guards` before they are opened, and CSVs are read as
a stream, so memory stays bounded on any input.
"""

from __future__ import annotations

import csv
import hashlib
import io
import warnings
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from etl import encoding as enc
from etl.guards import CellBudget, LimitExceeded, check_size, check_xls, check_zip
from etl.problems import Problem
from provindex.text import nfc

SNIFF_CHARS = 64 * 1024
#: A CSV field longer than this is not a score table (csv's own default is 128 KB).
MAX_FIELD_CHARS = 64 * 1024
SHARED_TEXTS = 50_000
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Sheet:
    """One table of cells: ``rows`` holds (row number in the file, cells)."""

    name: str | None
    rows: list[tuple[int, list]]
    #: Extra facts about the source: shown in load records (encoding, delimiter, ...) and, for a CSV, the
    #: lines that may be cut off: ``short_lines`` (fewer fields than the widest line, the last one not
    #: empty — a writer that keeps empty cells ends such a line with a delimiter) and
    #: ``unterminated_line`` (the last line, when the file does not end with a line break).
    info: dict = field(default_factory=dict)


@dataclass
class Source:
    """A file read into sheets, with what the load record keeps (size, hash, kind, encoding)."""

    path: Path
    display_name: str
    size: int
    sha256: str
    kind: str  # csv | xlsx | xls
    encoding: str | None
    sheets: list[Sheet]


class ReadFailed(Exception):
    """The file cannot be read at all; ``problem`` says why."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.rule)


def file_digest(path: Path) -> tuple[int, str]:
    """Size and sha256, streamed so a large file is never held whole."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def read_source(path: Path, max_bytes: int, display_name: str | None = None,
                budget: CellBudget | None = None) -> Source:
    """Read a CSV or workbook into sheets, or raise :class:`ReadFailed` with the reason."""
    name = display_name or path.name
    budget = budget or CellBudget()
    if not path.is_file():
        raise ReadFailed(Problem("file_missing", name))
    try:
        check_size(path, max_bytes)
        if path.stat().st_size == 0:
            raise ReadFailed(Problem("empty_file", name))
        size, sha = file_digest(path)
        kind = detect_kind(path)
        if kind == "xlsx":
            check_zip(path)
            return Source(path, name, size, sha, kind, None, read_xlsx(path, name, budget))
        if kind == "xls":
            check_xls(path)
            return Source(path, name, size, sha, kind, None, read_xls(path, name, budget))
        detected = enc.detect(path)
        sheet = read_delimited(path, detected, name, budget)
        return Source(path, name, size, sha, "csv", detected.label, [sheet])
    except LimitExceeded as limit:
        raise ReadFailed(Problem(limit.rule, name, params=limit.params)) from limit
    except enc.EncodingRefused as refused:
        raise ReadFailed(Problem(refused.rule, name, params=refused.params)) from refused


def detect_kind(path: Path) -> str:
    """By content, never by name: a zip is a workbook, an OLE2 file a legacy .xls, else text."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE2_MAGIC):
        return "xls"
    return "csv"


def sniff_delimiter(text: str) -> str:
    """',', ';' or tab: the one that splits the first lines into the most consistent columns."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ",", -1.0
    for delimiter in (",", ";", "\t"):
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        if not counts or max(counts) < 2:
            continue
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * common
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_delimited(path: Path, detected: enc.Detected, name: str, budget: CellBudget) -> Sheet:
    """Stream a delimited text file into a sheet (blank lines dropped, row numbers kept)."""
    with open(path, "rb") as raw:
        raw.seek(detected.skip)
        sample = io.TextIOWrapper(raw, encoding=detected.codec, errors="strict", newline="").read(SNIFF_CHARS)
    delimiter = sniff_delimiter(sample)
    rows: list[tuple[int, list]] = []
    csv.field_size_limit(MAX_FIELD_CHARS)
    widest, value_lines, value_fields = 0, array("L"), array("L")  # lines whose last field holds a value
    with open(path, "rb") as raw:
        raw.seek(detected.skip)
        text = io.TextIOWrapper(raw, encoding=detected.codec, errors="strict", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        start = 1
        shared: dict[str, str] = {}
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    kept = _trim([_shared(nfc(cell.strip()), shared) for cell in cells])
                    budget.spend(len(kept))
                    rows.append((start, kept))
                    widest = max(widest, len(cells))
                    if len(kept) == len(cells):
                        value_lines.append(start)
                        value_fields.append(len(cells))
                start = reader.line_num + 1
        except csv.Error as exc:
            raise ReadFailed(Problem("not_tabular", name, row=reader.line_num, params={"detail": str(exc)[:120]}))
    label = {"\t": "tab"}.get(delimiter, delimiter)
    info = {"delimiter": label, "encoding": detected.label,
            "short_lines": frozenset(line for line, fields in zip(value_lines, value_fields) if fields < widest)}
    if rows and not _ends_with_newline(path):
        info["unterminated_line"] = rows[-1][0]
    return Sheet(None, rows, info)


def _ends_with_newline(path: Path) -> bool:
    """Whether the file's last line is terminated (a download cut short is not).

    Also right for UTF-16, whose newline is a NUL byte beside the line feed.
    """
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - 4))
        tail = handle.read().rstrip(b"\x00")
    return tail.endswith((b"\n", b"\r"))


def _shared(text: str, shared: dict[str, str]) -> str:
    """One object per repeated label ("PCI", "vn63", a province name).

    A long-layout file repeats them on every row. Short numbers (years, codes, ranks) repeat too;
    longer ones (scores) are mostly unique and are not kept in the table, which stays bounded.
    """
    if not text or (len(text) > 4 and text[0].isdigit()) or len(shared) >= SHARED_TEXTS:
        return text
    return shared.setdefault(text, text)


def _trim(cells: list) -> list:
    """Without trailing empty cells (Excel pads rows to the sheet's width)."""
    end = len(cells)
    while end and (cells[end - 1] is None or cells[end - 1] == ""):
        end -= 1
    return cells[:end] if end != len(cells) else cells


def _cell(value):
    if isinstance(value, str):
        return nfc(value.strip())
    return value


def kept_rows(value_rows, budget: CellBudget) -> list[tuple[int, list]]:
    """(row number, cells) of every row that holds something, cells cleaned and counted against the budget.

    The one row loop of both workbook readers (calamine and openpyxl), so they keep the same rows.
    """
    rows = []
    for number, values in enumerate(value_rows, start=1):
        cells = _trim([_cell(v) for v in values])
        if cells:
            budget.spend(len(cells))
            rows.append((number, cells))
    return rows


def read_xlsx(path: Path, name: str, budget: CellBudget) -> list[Sheet]:
    """Every sheet of an .xlsx workbook (values, not formulas), within the cell budget."""
    with warnings.catch_warnings():
        # "Unknown extension is not supported": Excel features we do not read (slicers, …), not a problem
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        return _read_xlsx(path, name, budget)


def _read_xlsx(path: Path, name: str, budget: CellBudget) -> list[Sheet]:
    """Calamine when it reads the workbook within the budget (fast), else openpyxl's streaming reader."""
    from etl import xlsx_fast

    sheets = xlsx_fast.read_sheets(path, budget, Sheet, kept_rows)
    return sheets if sheets is not None else _read_xlsx_openpyxl(path, name, budget)


def _read_xlsx_openpyxl(path: Path, name: str, budget: CellBudget) -> list[Sheet]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except LimitExceeded:
        raise
    except Exception as exc:  # corrupt or foreign zips raise many unrelated types
        raise ReadFailed(Problem("corrupt_workbook", name, params={"detail": _short(exc)})) from exc
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            sheets.append(Sheet(worksheet.title, kept_rows(worksheet.iter_rows(values_only=True), budget)))
    except LimitExceeded:
        raise
    except Exception as exc:  # a truncated part shows up only while iterating
        raise ReadFailed(Problem("corrupt_workbook", name, params={"detail": _short(exc)})) from exc
    finally:
        workbook.close()
    return sheets


def read_xls(path: Path, name: str, budget: CellBudget) -> list[Sheet]:
    """Every sheet of a legacy .xls workbook, within the cell budget."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises many unrelated types on corrupt files
        raise ReadFailed(Problem("corrupt_workbook", name, params={"detail": _short(exc)})) from exc
    sheets = []
    try:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception as exc:  # a sheet cut off by truncation
                raise ReadFailed(Problem("corrupt_workbook", name, params={"detail": _short(exc)})) from exc
            rows = []
            for r in range(sheet.nrows):
                cells = _trim([_xls_value(v, t, xlrd) for v, t in zip(sheet.row_values(r), sheet.row_types(r))])
                if cells:
                    budget.spend(len(cells))
                    rows.append((r + 1, cells))
            sheets.append(Sheet(sheet.name, rows))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return sheets


def _xls_value(value, ctype: int, xlrd):
    """A cell value; an error cell (stored by xlrd as its numeric code) shown as Excel does, never a number."""
    if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR")
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    return _cell(value)


def _short(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:120]
