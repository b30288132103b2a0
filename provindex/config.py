"""Paths and settings: every environment variable the project reads, declared and read here only.

``SETTINGS`` is the one list (name, type, default, help in Vietnamese and English); README's settings
tables are checked against it by a test. Values come from the environment at each call (never from
Streamlit state), so a test or a shell can change them without reloading modules.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "data" / "reference"
DEFAULT_DB = ROOT / "data" / "provindex.duckdb"
DEFAULT_SHARED = ROOT.parent / "shared"
DEFAULT_GEO_DIR = ROOT / "data" / "geo"

#: Đà Nẵng: the first users' city. Overridden by PROVINDEX_FOCAL_UNIT.
DEFAULT_FOCAL_UNIT = "48"

#: Files above this size (megabytes) are refused before being read.
DEFAULT_MAX_FILE_MB = 50.0

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class SettingError(ValueError):
    """An environment variable holds a value its setting cannot use (the message names both)."""


@dataclass(frozen=True)
class Setting:
    """One environment variable: its type, its default and what it is for (shown in README).

    ``kind`` is ``path``, ``text``, ``number`` or ``flag``; ``default`` is the value used when the
    variable is unset or empty (``None``: nothing, the caller decides); ``default_text`` is how README
    shows it; ``audience`` is ``user`` (administrators, analysts) or ``developer`` (tests and benches).
    """

    name: str
    kind: str
    default: object
    default_text: str
    help_vi: str
    help_en: str
    audience: str = "user"


SETTINGS: tuple[Setting, ...] = (
    Setting("PROVINDEX_DB", "path", DEFAULT_DB, "data/provindex.duckdb",
            "Tệp CSDL DuckDB mà dashboard và dòng lệnh dùng.",
            "The DuckDB database file the dashboard and the command line use."),
    Setting("PROVINDEX_FOCAL_UNIT", "text", DEFAULT_FOCAL_UNIT, "48",
            "Mã GSO của đơn vị dashboard mở ra (mặc định Đà Nẵng).",
            "GSO code of the unit the dashboard opens on (default Đà Nẵng)."),
    Setting("PROVINDEX_MAX_FILE_MB", "number", DEFAULT_MAX_FILE_MB, "50",
            "Dung lượng tối đa (MB) của một tệp nạp vào; tệp lớn hơn bị từ chối trước khi đọc.",
            "Largest input file accepted (MB); bigger files are refused before reading."),
    Setting("PROVINDEX_USER", "text", None, "–",
            "Tên người nạp ghi vào lịch sử khi không có `--user` (mặc định tên đăng nhập).",
            "Name recorded with a load when `--user` is not given (default: the login name)."),
    Setting("PROVINDEX_GEO_DIR", "path", DEFAULT_GEO_DIR, "data/geo",
            "Thư mục GeoJSON ranh giới do quản trị viên đặt (bản đồ ranh giới).",
            "Folder of the administrator's boundary GeoJSON (boundary map)."),
    Setting("PROVINDEX_CACHE_DIR", "path", None, "~/.cache/provindex",
            "Thư mục lưu CSDL mẫu rỗng để tạo CSDL mới nhanh (xoá được bất cứ lúc nào).",
            "Folder holding an empty template database, so new databases are a file copy (safe to delete)."),
    Setting("PROVINDEX_WORKSPACE", "path", None, "provindex-workspace.sqlite",
            "Tệp SQLite lưu người dùng, khoá đăng nhập và nhật ký thay đổi (mặc định cạnh tệp CSDL).",
            "SQLite file holding users, sign-in throttling and the audit log (default: beside the database)."),
    Setting("PROVINDEX_ANONYMOUS_VIEWERS", "flag", False, "0",
            "`1`: khách chưa đăng nhập được xem mọi biểu đồ (vai trò người xem); `0`: mọi trang chỉ hiện ô đăng nhập. "
            "`make run` đặt `1` cho bản minh hoạ.",
            "`1`: visitors who have not signed in read every chart (viewer role); `0`: every page shows only the "
            "sign-in form. `make run` sets `1` for the demo."),
    Setting("PROVINDEX_DECK_TEMPLATE", "path", None, "–",
            "Mẫu PowerPoint (.pptx) của cơ quan cho bộ slide báo cáo: bố cục, phông và màu của mẫu được dùng.",
            "The office's PowerPoint template (.pptx) for the report deck: its masters, fonts and colours are used."),
    Setting("PROVINDEX_DEBUG", "flag", False, "0",
            "`1`: dòng lệnh in traceback đầy đủ thay vì thông báo ngắn khi có lỗi ngoài dự kiến.",
            "`1`: the command line shows the full traceback of an unexpected error.", "developer"),
    Setting("PROVINDEX_SHARED", "path", DEFAULT_SHARED, "../shared",
            "Thư mục chứa `realdata/` (tệp công bố thật) cho các kiểm thử đối chiếu.",
            "Folder holding `realdata/` (the published files) for the real-data tests.", "developer"),
    Setting("PROVINDEX_TEST_PAUSE_IN_LOAD", "number", None, "–",
            "Kiểm thử: số giây dừng bên trong giao dịch nạp (kiểm thử kill -9).",
            "Tests: seconds to pause inside the load transaction (kill -9 test).", "developer"),
    Setting("PROVINDEX_REQUIRE_BROWSER", "flag", False, "0",
            "Kiểm thử: `1` làm kiểm thử trình duyệt thất bại (thay vì bỏ qua) khi thiếu Chromium.",
            "Tests: `1` makes the browser tests fail (not skip) when Chromium is missing.", "developer"),
    Setting("PROVINDEX_CHROMIUM", "path", Path("/usr/bin/chromium"), "/usr/bin/chromium",
            "Kiểm thử: đường dẫn Chromium cho kiểm thử trình duyệt.",
            "Tests: the Chromium binary the browser tests drive.", "developer"),
    Setting("PROVINDEX_REGEN_GOLDEN", "flag", False, "0",
            "Kiểm thử: `1` ghi lại kết quả mẫu của kiểm thử tác động.",
            "Tests: `1` rewrites the impact golden results.", "developer"),
)

SETTING_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def _flag(text: str) -> bool:
    """A yes/no value: 1/true/yes/on or 0/false/no/off (any case)."""
    lowered = text.lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    raise ValueError(f"expected one of {'/'.join(_TRUE + _FALSE)}")


_CONVERTERS: dict[str, Callable[[str], object]] = {"path": Path, "text": str, "number": float, "flag": _flag}


def read(name: str, environ: Mapping[str, str] | None = None):
    """The typed value of setting ``name``: the environment's (stripped; empty = unset), else its default.

    Raises:
        KeyError: ``name`` is not declared in ``SETTINGS`` (every read must be documented).
        SettingError: the value cannot be converted to the setting's type.
    """
    setting = SETTING_BY_NAME[name]
    raw = (os.environ if environ is None else environ).get(name, "").strip()
    if not raw:
        return setting.default
    try:
        return _CONVERTERS[setting.kind](raw)
    except ValueError as exc:
        raise SettingError(f"{name}={raw!r} is not a valid {setting.kind} ({exc}). {setting.help_en}") from None


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database file: explicit argument, else $PROVINDEX_DB, else data/provindex.duckdb."""
    return Path(explicit) if explicit else read("PROVINDEX_DB")


def anonymous_viewers() -> bool:
    """Whether visitors who have not signed in may read the dashboard as viewers (off unless set)."""
    return bool(read("PROVINDEX_ANONYMOUS_VIEWERS"))


def focal_unit() -> str:
    """The unit the dashboard opens on (a GSO code)."""
    return read("PROVINDEX_FOCAL_UNIT")


def max_file_bytes() -> int:
    """Upper bound on an input file's size in bytes ($PROVINDEX_MAX_FILE_MB, 50 MB by default)."""
    return int(read("PROVINDEX_MAX_FILE_MB") * 1024 * 1024)


def geo_dir() -> Path:
    """Where the administrator's boundary GeoJSON lives ($PROVINDEX_GEO_DIR, else data/geo)."""
    return read("PROVINDEX_GEO_DIR")


def cache_dir() -> Path:
    """Where cached artefacts live ($PROVINDEX_CACHE_DIR, else $XDG_CACHE_HOME/provindex or ~/.cache/provindex)."""
    chosen = read("PROVINDEX_CACHE_DIR")
    if chosen is not None:
        return chosen
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "provindex"


def shared_realdata() -> Path | None:
    """``<PROVINDEX_SHARED>/realdata`` (default ../shared/realdata) when present; tests skip without it."""
    path = read("PROVINDEX_SHARED") / "realdata"
    return path if path.is_dir() else None
