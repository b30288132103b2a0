r"""The deck's command line.

Usage::

    python -m provindex.deck --unit 48 --year 2024 [--units vn34|vn63] [--lang vi|en] [--db PATH] \\
        [--template OFFICE.pptx] --out deck.pptx
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from provindex import config
from provindex.deck.data import read
from provindex.deck.pptx_writer import write_deck
from provindex.errors import ProvindexError
from provindex.i18n import LANGS, t


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m provindex.deck", description=t("deck.cli.description", "en"))
    parser.add_argument("--unit", required=True, help="GSO code of the unit, e.g. 48 (Đà Nẵng)")
    parser.add_argument("--year", required=True, type=int, help="edition year, e.g. 2024")
    parser.add_argument("--units", choices=("vn34", "vn63"), help="unit set (default: the year's own)")
    parser.add_argument("--lang", choices=LANGS, default="vi")
    parser.add_argument("--db", help="database file (default: PROVINDEX_DB or data/provindex.duckdb)")
    parser.add_argument("--template", help="office .pptx template (default: PROVINDEX_DECK_TEMPLATE)")
    parser.add_argument("--out", required=True, help="the .pptx file to write")
    return parser


def template_path(explicit: str | None = None) -> Path | None:
    """The office template to use: ``explicit``, else ``PROVINDEX_DECK_TEMPLATE`` when that file exists."""
    if explicit:
        return Path(explicit)
    configured = config.read("PROVINDEX_DECK_TEMPLATE")
    return Path(configured) if configured and Path(configured).is_file() else None


def main(argv: list[str] | None = None) -> int:
    """Write the deck; 0 on success, 1 with a message on stderr when it cannot be made."""
    from provindex.deck.story import build_story

    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        story = build_story(read(args.db), args.unit, args.year, args.lang, args.units)
        data = write_deck(story, template_path(args.template))
        Path(args.out).write_bytes(data)
    except ProvindexError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 1
    except OSError as exc:
        print(t("deck.cli.write_error", args.lang, path=args.out, detail=str(exc)[:300]), file=sys.stderr)
        return 1
    print(t("deck.cli.done", args.lang, path=args.out, n=len(story.slides),
            seconds=f"{time.perf_counter() - started:.1f}"))
    return 0
