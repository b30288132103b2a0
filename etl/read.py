"""Bytes -> sheets of cells. Decoding, delimiter sniffing and workbook reading live here.

Every cell of text is NFC-normalised. Each row keeps the 1-based row number the analyst
sees in the file, so problems can point at it.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from etl.problems import Problem
from provindex.text import nfc

TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
XLS_SUFFIXES = {".xls"}


@dataclass
class Sheet:
    """One table of cells: ``rows`` holds (row number in the file, cells)."""

    name: str | None
    rows: list[tuple[int, list]]
    #: Extra facts about the source, shown in load records (encoding, delimiter, ...).
    info: dict = field(default_factory=dict)


@dataclass
class Source:
    path: Path
    display_name: str
    size: int
    sha256: str
    kind: str  # csv | xlsx | xls
    encoding: str | None
    sheets: list[Sheet]


class ReadFailed(Exception):
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


def read_source(path: Path, max_bytes: int, display_name: str | None = None) -> Source:
    """Read a CSV or workbook into sheets, or raise :class:`ReadFailed` with the reason."""
    name = display_name or path.name
    if not path.exists():
        raise ReadFailed(Problem("file_missing", name))
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadFailed(Problem("file_too_large", name, params={"size_mb": round(size / 2**20, 1),
                                                                 "limit_mb": round(max_bytes / 2**20, 1)}))
    if size == 0:
        raise ReadFailed(Problem("empty_file", name))
    size, sha = file_digest(path)
    kind = detect_kind(path)
    if kind == "xlsx":
        sheets = read_xlsx(path, name)
        return Source(path, name, size, sha, kind, None, sheets)
    if kind == "xls":
        sheets = read_xls(path, name)
        return Source(path, name, size, sha, kind, None, sheets)
    data = path.read_bytes()
    text, encoding = decode_text(data, name)
    sheet = parse_delimited(text)
    sheet.info["encoding"] = encoding
    return Source(path, name, size, sha, "csv", encoding, [sheet])


def detect_kind(path: Path) -> str:
    """By content first (a zip is a workbook, an OLE2 file is a legacy .xls), then by suffix."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    return "csv"


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode by BOM, then strict UTF-8, then Windows-1258; NFC either way."""
    if data.startswith(codecs.BOM_UTF8):
        return nfc(data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return nfc(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReadFailed(Problem("undecodable", name, params={"detail": str(exc)})) from exc
    if b"\x00" in data[:4096]:
        raise ReadFailed(Problem("binary_file", name))
    try:
        return nfc(data.decode("utf-8", errors="strict")), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return nfc(data.decode("cp1258", errors="strict")), "windows-1258"
    except UnicodeDecodeError as exc:
        raise ReadFailed(Problem("undecodable", name, params={"detail": str(exc)})) from exc


def sniff_delimiter(text: str) -> str:
    """',', ';' or tab: the one that splits the first lines most consistently."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ",", -1.0
    for delimiter in (",", ";", "\t"):
        counts = [len(next(csv.reader([line], delimiter=delimiter))) for line in lines]
        if not counts or max(counts) < 2:
            continue
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * common
        if score > best_score:
            best, best_score = delimiter, score
    return best


def parse_delimited(text: str) -> Sheet:
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list]] = []
    start = 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            rows.append((start, [cell.strip() for cell in cells]))
        start = reader.line_num + 1
    return Sheet(None, rows, {"delimiter": {"\t": "tab"}.get(delimiter, delimiter)})


def read_xlsx(path: Path, name: str) -> list[Sheet]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadFailed(Problem("corrupt_workbook", name, params={"detail": str(exc)[:120]})) from exc
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            rows = []
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                cells = [nfc(v.strip()) if isinstance(v, str) else v for v in values]
                if any(c not in (None, "") for c in cells):
                    rows.append((number, cells))
            sheets.append(Sheet(worksheet.title, rows))
    finally:
        workbook.close()
    return sheets


def read_xls(path: Path, name: str) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises many unrelated types on corrupt files
        raise ReadFailed(Problem("corrupt_workbook", name, params={"detail": str(exc)[:120]})) from exc
    sheets = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = []
            for r in range(sheet.nrows):
                cells = [nfc(v.strip()) if isinstance(v, str) else v for v in sheet.row_values(r)]
                if any(c not in (None, "") for c in cells):
                    rows.append((r + 1, cells))
            sheets.append(Sheet(sheet.name, rows))
    finally:
        book.release_resources()
    return sheets
