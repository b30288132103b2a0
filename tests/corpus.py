"""Generators for the import corpus: odd and bad files made by code (nothing fetched).

CSV bytes are written by hand in every encoding an analyst's machine produces; workbooks are
built with openpyxl (merged cells, title rows, several sheets). Legacy .xls files cannot be
generated here: tests that need one derive it from the shared official workbooks.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import openpyxl

#: Province rows used across the corpus: (name as an analyst types it, GSO code).
PROVINCES = [("Đà Nẵng", "48"), ("TP.HCM", "79"), ("Thừa Thiên Huế", "46"), ("Hoà Bình", "17"),
             ("Bà Rịa - Vũng Tàu", "77"), ("Đắk Lắk", "66"), ("Quảng Nam", "49"), ("Hà Nội", "01")]
PCI_HEADER = ["Tỉnh", "Tính minh bạch", "Chi phí thời gian", "Chi phí không chính thức", "Điểm PCI"]


def pci_rows(n: int = len(PROVINCES)) -> list[list]:
    """Deterministic plausible scores for the first ``n`` provinces."""
    rows = []
    for i, (name, _) in enumerate(PROVINCES[:n]):
        rows.append([name, round(5 + 0.37 * i, 2), round(6.1 - 0.21 * i, 2), round(4.4 + 0.13 * i, 2),
                     round(60 + 1.7 * i, 2)])
    return rows


def csv_text(header: list, rows: list[list], delimiter: str = ",", decimal: str = ".") -> str:
    def cell(value) -> str:
        text = f"{value}" if not isinstance(value, float) else f"{value:g}".replace(".", decimal)
        return '"' + text.replace('"', '""') + '"' if delimiter in text or '"' in text else text
    lines = [delimiter.join(cell(v) for v in header)]
    lines += [delimiter.join(cell(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes Vietnamese: base letters precomposed (â, ơ, ư…), tone marks
    as separate combining characters."""
    clusters: list[list[str]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and clusters:
            clusters[-1].append(ch)
        else:
            clusters.append([ch])
    out = []
    for base, *marks in clusters:
        shape = [m for m in marks if m in "\u0302\u0306\u031b"]  # circumflex, breve, horn
        tones = [m for m in marks if m not in shape]
        out.append(unicodedata.normalize("NFC", base + "".join(shape)) + "".join(tones))
    return "".join(out).encode("cp1258")


def encoded(text: str, encoding: str) -> bytes:
    if encoding == "utf-8":
        return text.encode("utf-8")
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig")
    if encoding == "utf-16":  # Excel "Unicode text": BOM + UTF-16LE, tab-separated
        return text.replace(",", "\t").encode("utf-16")
    if encoding == "cp1258":
        return to_cp1258(text)
    if encoding == "nfd":  # macOS
        return unicodedata.normalize("NFD", text).encode("utf-8")
    raise ValueError(encoding)


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def xlsx(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook with the given sheets (rows may be empty lists for blank rows)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
        for cell_range in (merges or {}).get(title, []):
            sheet.merge_cells(cell_range)
    book.save(path)
    return path


def zip_bomb(path: Path, megabytes: int = 40) -> Path:
    """An .xlsx-shaped zip whose worksheet expands ~1000:1 (generated in a stream, ~40 KB)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"<row>" + b" " * (1 << 20) + b"</row>"
            for _ in range(megabytes):
                member.write(block)
    return path


def truncated_copy(source: Path, target: Path, keep: float = 0.5) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target


def png_bytes() -> bytes:
    """The start of a PNG image: binary, not a table."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(range(256))


def docx_like(path: Path) -> Path:
    """A zip that is a Word document, not a workbook."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return path


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(buffer)
    return buffer.getvalue()
