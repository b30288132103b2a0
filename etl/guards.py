"""Limits checked before (and while) a file is read, so no input can exhaust memory.

- size: from ``stat()``, before a byte is read (``PROVINDEX_MAX_FILE_MB``, default 50 MB);
- workbooks (zip): the central directory is inspected before openpyxl opens anything — too many
  entries, too much uncompressed data, or an entry that expands far more than any real
  spreadsheet does (a zip bomb) is refused;
- cells: reading stops once a table holds more cells than any score file needs.

The thresholds are deliberately far above the shared official workbooks (largest expansion
ratio 26:1, 4.6 MB uncompressed) and far below what would threaten the 500 MB memory budget.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

MAX_ZIP_ENTRIES = 2000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: An entry that expands more than this (and is over 1 MB) is treated as a bomb.
MAX_EXPANSION_RATIO = 100
RATIO_APPLIES_ABOVE = 1024 * 1024
#: openpyxl reads the shared-strings part whole, so it gets its own, tighter bound.
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024
#: Cells kept in memory for one file: 8x a full export of every index (~250k long rows).
MAX_CELLS = 2_000_000
#: xlrd materialises a whole legacy sheet before we can count its cells (about 30 bytes a cell,
#: up to ~6 cells per byte of file): a tighter bound keeps that under the memory budget. The
#: official .xls workbooks are under 1 MB.
MAX_XLS_BYTES = 16 * 1024 * 1024


class LimitExceeded(Exception):
    """A file breaks a size, zip or cell limit; ``rule`` and ``params`` make the problem shown."""

    def __init__(self, rule: str, **params):
        self.rule, self.params = rule, params
        super().__init__(rule)


def check_size(path: Path, max_bytes: int) -> int:
    """The file's size, or :class:`LimitExceeded` above ``max_bytes`` (checked before reading)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise LimitExceeded("file_too_large", size_mb=round(size / 2**20, 1), limit_mb=round(max_bytes / 2**20, 1))
    return size


def check_xls(path: Path) -> None:
    """Refuse legacy .xls files above the tighter bound xlrd needs to stay within memory."""
    size = path.stat().st_size
    if size > MAX_XLS_BYTES:
        raise LimitExceeded("xls_too_large", size_mb=round(size / 2**20, 1), limit_mb=round(MAX_XLS_BYTES / 2**20))


def check_zip(path: Path) -> None:
    """Refuse a workbook whose zip directory promises more than a spreadsheet ever holds."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LimitExceeded("corrupt_workbook", detail=str(exc)[:120]) from exc
    if not any(e.filename.lower() == "xl/workbook.xml" for e in entries):
        raise LimitExceeded("not_a_workbook")
    if len(entries) > MAX_ZIP_ENTRIES:
        raise LimitExceeded("zip_bomb", detail=f"{len(entries)} entries")
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise LimitExceeded("zip_bomb", detail=f"{total / 2**20:.0f} MB uncompressed")
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_APPLIES_ABOVE and ratio > MAX_EXPANSION_RATIO:
            raise LimitExceeded("zip_bomb", detail=f"{entry.filename}: {ratio:.0f}:1")
        if entry.filename.lower().endswith("sharedstrings.xml") and entry.file_size > MAX_SHARED_STRINGS_BYTES:
            raise LimitExceeded("zip_bomb", detail=f"{entry.filename}: {entry.file_size / 2**20:.0f} MB")


class CellBudget:
    """Counts cells kept while reading; refuses the file once the budget is spent."""

    def __init__(self, limit: int = MAX_CELLS):
        self.limit, self.used = limit, 0

    @property
    def remaining(self) -> int:
        """Cells that may still be kept before the file is refused."""
        return self.limit - self.used

    def spend(self, cells: int) -> None:
        """Count ``cells`` more; past the limit the file is refused (LimitExceeded)."""
        self.used += cells
        if self.used > self.limit:
            raise LimitExceeded("too_many_cells", limit=f"{self.limit:,}".replace(",", "."))


def peak_rss_kb() -> int:
    """Peak resident memory of this process image, in KiB.

    Read from /proc (VmHWM), not ``ru_maxrss``: Linux carries ``ru_maxrss`` across ``exec``, so a
    child started from a large parent (a test runner holding a statistics stack) would report the
    parent's size. Falls back to ``ru_maxrss`` where /proc is absent.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
