"""Server-side PNG of a chart at presentation resolution (kaleido 1.x driving the system Chromium).

Kaleido is pointed at ``PROVINDEX_CHROMIUM`` (Debian's ``/usr/bin/chromium``) and never downloads a
browser; MathJax is switched off so the page it renders asks for nothing on the network (its default is
a CDN URL; STACK-NOTES §3.1). One export runs at a time (a lock): several users clicking at once would
otherwise start several browsers.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from provindex import config
from provindex.errors import ProvindexError

WIDTH, HEIGHT, SCALE = 1920, 1080, 1  # 16:9 at full-HD: sharp on a projector and in a slide
_LOCK = threading.Lock()


class ChromiumMissing(ProvindexError):
    """No Chromium where ``PROVINDEX_CHROMIUM`` points: the in-chart download still works."""

    key = "png.no_chromium"


class ExportFailed(ProvindexError):
    """Chromium started but the picture could not be made."""

    key = "png.failed"


def chromium() -> Path:
    """The Chromium kaleido drives; ``ChromiumMissing`` when the file is not there."""
    path = Path(config.read("PROVINDEX_CHROMIUM"))
    if not path.is_file():
        raise ChromiumMissing(path=str(path))
    return path


def to_png(figure, width: int = WIDTH, height: int = HEIGHT, scale: float = SCALE) -> bytes:
    """PNG bytes of a plotly figure rendered by the system Chromium (no network, one export at a time)."""
    browser = chromium()
    import kaleido

    for name in ("kaleido", "choreographer"):  # their INFO lines would flood the server log on every export
        logging.getLogger(name).setLevel(logging.WARNING)
    options = {"format": "png", "width": width, "height": height, "scale": scale}
    with _LOCK:
        try:
            return kaleido.calc_fig_sync(figure, opts=options, kopts={"mathjax": False, "path": str(browser)})
        except Exception as exc:  # kaleido and choreographer raise their own types; all mean "no picture"
            raise ExportFailed(detail=str(exc)[:200]) from exc
