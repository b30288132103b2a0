r"""The impact command line: CSV files in, the sentence or the full JSON result out.

Usage::

    python -m provindex.impact --scores S.csv --actions A.csv --outcome PCI:TRANSPARENCY \\
        --action-type OSS_CENTRE --method cs|did2s|twfe|fd|scm|its|lasso [--unit 48] [--seed N] --json
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from provindex.errors import ProvindexError
from provindex.i18n import t
from provindex.impact import exposure
from provindex.impact.ladder import METHODS, estimate
from provindex.impact.units34 import UNIT_SETS
from provindex.impact.result import ImpactError


def read_scores_csv(path: str) -> pd.DataFrame:
    """A scores CSV in the export layout; ``unit_set`` inferred from the year when absent."""
    frame = pd.read_csv(path, dtype={"unit_code": str, "unit_set": str}, encoding="utf-8-sig")
    missing = {"index", "year", "unit_code", "component", "value"} - set(frame.columns)
    if missing:
        raise ImpactError("impact.error.columns", file=path, columns=", ".join(sorted(missing)))
    if "unit_set" not in frame:
        frame["unit_set"] = np.where(frame["year"] >= 2025, "vn34", "vn63")
    frame["unit_code"] = frame["unit_code"].str.zfill(2)
    return frame


def read_actions_csv(path: str) -> pd.DataFrame:
    """An actions CSV (unit_code, year, action_type at least) as normalised register rows."""
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False).replace({"": None})
    missing = {"unit_code", "year", "action_type"} - set(frame.columns)
    if missing:
        raise ImpactError("impact.error.columns", file=path, columns=", ".join(sorted(missing)))
    if "dose" in frame:
        frame["dose"] = pd.to_numeric(frame["dose"])
    return exposure.normalise_actions(frame)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m provindex.impact", description=t("impact.cli.description", "en"))
    parser.add_argument("--scores", required=True, help="scores CSV in the export layout (DESIGN §5)")
    parser.add_argument("--actions", required=True, help="actions CSV: unit_code, year, action_type [, date, ...]")
    parser.add_argument("--targets", help="optional action_target CSV (pre-registered hypotheses)")
    parser.add_argument("--outcome", required=True, help="component code, e.g. PCI:TRANSPARENCY")
    parser.add_argument("--action-type", required=True)
    parser.add_argument("--method", choices=METHODS, default="cs")
    parser.add_argument("--unit", help="GSO code of the unit (required for scm and its)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--anticipation", type=int, choices=(0, 1), default=0,
                        help="1 = exclude the year before the action (Ashenfelter dip)")
    parser.add_argument("--control", choices=("auto", "nevertreated", "notyettreated"), default="auto")
    parser.add_argument("--window", help="editions to use, e.g. 2013-2022")
    parser.add_argument("--ri-reps", type=int, default=999)
    parser.add_argument("--units", choices=UNIT_SETS, default=UNIT_SETS[0],
                        help="vn63: the 63 former provinces up to 2024 (default); vn34: the 34 units with the dose")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    return parser


def _run(args: argparse.Namespace):
    scores = read_scores_csv(args.scores)
    actions = read_actions_csv(args.actions)
    targets = pd.read_csv(args.targets, dtype=str, encoding="utf-8-sig") if args.targets else None
    window = tuple(int(x) for x in args.window.split("-")) if args.window else None
    return estimate(scores, actions, outcome=args.outcome, action_type=args.action_type, method=args.method,
                    unit=args.unit, seed=args.seed, anticipation=args.anticipation, control=args.control,
                    window=window, targets=targets, ri_reps=args.ri_reps, units=args.units)


def main(argv: list[str] | None = None) -> int:
    """Run the command; 0 on success, 1 with a message on stderr when the input cannot be used."""
    args = _parser().parse_args(argv)
    try:
        result = _run(args)
    except ProvindexError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError) as exc:
        print(t("impact.error.input", args.lang, detail=str(exc)[:300]), file=sys.stderr)
        return 1
    print(result.to_json() if args.json else result.sentence(args.lang))
    return 0
