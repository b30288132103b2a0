"""Command line: argument parsing and printing only; the work happens in the etl modules.

Exit codes: 0 done (or a clean dry run), 1 refused (bad input, busy database), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from etl import load as loader
from etl import mappings, users_cli
from etl.export import EXPORT_COLUMNS, UNIT_CHOICES, export_frame, write_csv
from etl.pipeline import LoadOptions, LoadOutcome, run_load
from etl.problems import ERROR, condensed, errors, warnings
from provindex import config, queries, schema, store
from provindex.catalog import Catalog, get_catalog
from provindex.errors import ProvindexError
from provindex.i18n import t
from provindex.text import format_number, ranges_text

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors in the user's language and exit code 2."""

    lang = "vi"

    def error(self, message: str):
        self.print_usage(sys.stderr)
        print(t("cli.usage_error", self.lang, detail=message), file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _lang_from_argv(argv: list[str]) -> str:
    for position, arg in enumerate(argv):
        if arg == "--lang" and position + 1 < len(argv):
            return argv[position + 1] if argv[position + 1] in ("vi", "en") else "vi"
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1] if arg.split("=", 1)[1] in ("vi", "en") else "vi"
    return "vi"


def build_parser(lang: str, catalog: Catalog | None = None) -> argparse.ArgumentParser:
    """The ``python -m etl`` parser with help in ``lang``; ``--index`` accepts the indices of ``indices.csv``."""
    _Parser.lang = lang
    index_choices = (catalog or get_catalog()).index_codes()
    parser = _Parser(prog="python -m etl", description=t("cli.description", lang))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p, json_flag=True):
        p.add_argument("--db", help=t("cli.help_db", lang))
        p.add_argument("--lang", choices=("vi", "en"), default=lang, help=t("cli.help_lang", lang))
        if json_flag:
            p.add_argument("--json", action="store_true", help=t("cli.help_json", lang))

    demo = sub.add_parser("demo", help=t("cli.help_demo", lang))
    common(demo, json_flag=False)
    demo.add_argument("--force", action="store_true", help=t("cli.help_force", lang))
    demo.add_argument("--seed", type=int, default=None, help=t("cli.help_seed", lang))

    load = sub.add_parser("load", help=t("cli.help_load", lang))
    load.add_argument("files", nargs="+", metavar="FILE")
    load.add_argument("--index", type=str.upper, choices=index_choices)
    load.add_argument("--year", type=int)
    load.add_argument("--dry-run", action="store_true", help=t("cli.help_dry_run", lang))
    load.add_argument("--user", help=t("cli.help_user", lang))
    load.add_argument("--map", action="append", metavar="HEADER=TARGET", help=t("cli.help_map", lang))
    load.add_argument("--map-file", metavar="F.csv", help=t("cli.help_map_file", lang))
    common(load)

    mapping = sub.add_parser("mappings", help=t("cli.help_mappings", lang))  # remembered --map (issue 9)
    mapping.add_argument("action", nargs="?", choices=("list", "remove"), default="list",
                         help=t("cli.help_mappings_action", lang))
    mapping.add_argument("header", nargs="?", metavar="HEADER")
    mapping.add_argument("--all", action="store_true", help=t("cli.help_mappings_all", lang))
    mapping.add_argument("--user", help=t("cli.help_user", lang))
    common(mapping)

    history = sub.add_parser("history", help=t("cli.help_history", lang))
    common(history)

    for name, help_key in (("rollback", "cli.help_rollback"), ("reactivate", "store.help_reactivate")):
        undo = sub.add_parser(name, help=t(help_key, lang))
        undo.add_argument("load_id", type=int, metavar="LOAD_ID")
        undo.add_argument("--user", help=t("cli.help_user", lang))
        common(undo)
    common(sub.add_parser("migrate", help=t("store.help_migrate", lang)), json_flag=False)

    export = sub.add_parser("export", help=t("cli.help_export", lang))
    export.add_argument("out", metavar="OUT.csv")
    export.add_argument("--index", type=str.upper, choices=index_choices)
    export.add_argument("--units", choices=UNIT_CHOICES)
    common(export, json_flag=False)

    actions = sub.add_parser("actions", help=t("register.help", lang))  # reform-action register (issue 5)
    actions.add_argument("file", metavar="FILE")
    actions.add_argument("--dry-run", action="store_true", help=t("cli.help_dry_run", lang))
    actions.add_argument("--user", help=t("cli.help_user", lang))
    common(actions)
    parser.handlers = users_cli.add_parsers(sub, common, lang)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one ``python -m etl`` command; returns the exit code (errors become messages, not tracebacks)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_from_argv(argv)
    parser = build_parser(lang)
    args = parser.parse_args(argv)
    handlers = {"demo": cmd_demo, "load": cmd_load, "history": cmd_history, "rollback": cmd_rollback,
                "export": cmd_export, "actions": cmd_actions, "mappings": cmd_mappings,
                "reactivate": cmd_rollback, "migrate": cmd_migrate, **parser.handlers}
    try:
        return handlers[args.command](args)
    except ProvindexError as exc:
        _emit_error(args, exc.message(args.lang))
        return EXIT_REFUSED
    except Exception as exc:  # a bug must not show analysts a traceback; PROVINDEX_DEBUG=1 shows it
        designed = store.fault(exc, args.db)
        if designed is not None:  # disk full, read-only media, permission: a designed message, not a bug
            _emit_error(args, designed.message(args.lang))
            return EXIT_REFUSED
        if config.read("PROVINDEX_DEBUG"):
            raise
        _emit_error(args, t("cli.unexpected", args.lang, kind=type(exc).__name__, detail=str(exc)[:200]))
        return EXIT_REFUSED


def _emit_error(args, message: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps({"status": "error", "message": message}, ensure_ascii=False))
    else:
        print(message, file=sys.stderr)


# -- demo ------------------------------------------------------------------------------------
def cmd_demo(args) -> int:
    """Build the simulated database and say where, how big and how fast."""
    from etl.demo import DEFAULT_SEED, build_demo

    lang = args.lang
    path = config.db_path(args.db)
    summary = build_demo(path, seed=DEFAULT_SEED if args.seed is None else args.seed, force=args.force)
    print(t("cli.demo_done", lang, path=str(path), rows=summary["rows"], actions=summary["actions"],
            seconds=format_number(summary["seconds"], lang, 1), size_mb=format_number(summary["size_mb"], lang, 1)))
    return EXIT_OK


# -- load ------------------------------------------------------------------------------------
def cmd_load(args) -> int:
    """Validate and load score files; exit 1 when any file is rejected."""
    try:
        given = mappings.from_args(args.map, args.map_file, get_catalog())
    except mappings.MappingError as exc:
        print(t("cli.usage_error", args.lang, detail=exc.message(args.lang)), file=sys.stderr)
        return EXIT_USAGE
    options = LoadOptions(index=args.index, year=args.year, db=args.db, dry_run=args.dry_run, user=args.user,
                          mappings=given)
    outcome = run_load([Path(f) for f in args.files], options)
    if args.json:
        print(json.dumps(outcome_json(outcome, args.lang), ensure_ascii=False, indent=2))
    else:
        print_outcome(outcome, args.lang)
    return EXIT_REFUSED if outcome.status == "rejected" else EXIT_OK


def outcome_json(outcome: LoadOutcome, lang: str) -> dict:
    """The ``--json`` report of a load (status, rows, problems, scope diffs, notes per file)."""
    return {"status": "loaded" if outcome.status == "unchanged" else outcome.status,
            "unchanged": outcome.status == "unchanged",
            "load_id": outcome.load_ids[0] if len(outcome.load_ids) == 1 else (outcome.load_ids or None),
            "rows": outcome.rows if outcome.status != "rejected" else 0,
            "problems": [p.to_json(lang) for p in outcome.problems],
            "scopes": [d.to_json() for d in outcome.diffs],
            "files": [{"file": f.name, "notes": [t(k, lang, **p) for k, p in f.notes],
                       "mappings": [{"header": m.header, "target": m.target, "source": m.source,
                                     "version": m.version} for m in f.mappings]} for f in outcome.files]}


def print_outcome(outcome: LoadOutcome, lang: str) -> None:
    """The human report of a load: notes, problems, per-scope changes and the result line."""
    for result in outcome.files:
        for key, params in result.notes:
            print(f"{result.name}: {t(key, lang, **params)}")
    if outcome.status == "rejected":
        print(t("cli.rejected", lang, count=len(errors(outcome.problems))), file=sys.stderr)
        for problem in errors(outcome.problems):
            print("  " + problem.render(lang), file=sys.stderr)
    for line in condensed(warnings(outcome.problems), lang):
        print("  " + line)
    if outcome.status == "rejected":
        return
    for diff in outcome.diffs:
        _print_diff(diff, outcome.status == "dry-run", lang)
    if outcome.status == "loaded":
        print(t("cli.loaded", lang, ids=", ".join(f"#{i}" for i in outcome.load_ids), rows=outcome.rows))
    elif outcome.status == "unchanged":
        print(t("cli.unchanged", lang))
    else:
        print(t("cli.dry_run_done", lang))


def _print_diff(diff: loader.ScopeDiff, show_changes: bool, lang: str) -> None:
    """One scope's counts and, for a dry run, the first 20 changed values."""
    print(t(f"cli.scope_{diff.status}", lang, index=diff.index, year=diff.year, added=diff.added,
            changed=diff.changed, unchanged=diff.unchanged, removed=diff.removed))
    if not show_changes:
        return
    catalog = get_catalog()
    for change in diff.changes[:20]:
        unit = catalog.unit_name(change["unit_set"], change["unit_code"], lang)
        print(f"    {unit} · {change['component']}: {format_number(change['old'], lang, 3)}"
              f" → {format_number(change['new'], lang, 3)}")
    if len(diff.changes) > 20:
        print("    " + t("cli.more_changes", lang, count=len(diff.changes) - 20))


# -- history / rollback / export ----------------------------------------------------------------
def cmd_history(args) -> int:
    """List every load, newest first, with whether it still provides current values."""
    frame = _read_or_none(args.db, queries.load_history)
    if frame is None:  # no database yet: nothing loaded, and nothing is created by looking
        frame = pd.DataFrame()
    lang = args.lang
    if args.json:
        records = []
        for row in frame.to_dict("records"):
            records.append({**{k: (None if _isna(v) else v) for k, v in row.items()},
                            "at": str(row["at"]), "rolled_back_at": None if _isna(row["rolled_back_at"])
                            else str(row["rolled_back_at"]), "state": _state(row)})
        print(json.dumps(records, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    if frame.empty:
        print(t("cli.history_empty", lang))
        return EXIT_OK
    print(t("cli.history_header", lang))
    for row in frame.to_dict("records"):
        print(f"#{row['load_id']:<4} {str(row['at'])[:19]}  {row['user'] or '':<12} {row['index']:<10}"
              f" {years_label(row['years']):<12} {row['rows']:>6}  {t('cli.state_' + _state(row), lang):<18}"
              f" {row['file_name']}")
    return EXIT_OK


def _read_or_none(db: str | None, work):
    """``work(con)`` on the current snapshot, read only; None when there is no database yet."""
    return None if store.current_file(db) is None else store.read(db, work)


def years_label(years: str) -> str:
    """'2006,2007,2008,2010' -> '2006–2008, 2010'."""
    return ranges_text(y for y in str(years).split(",") if y.strip().isdigit())


def _isna(value) -> bool:
    try:
        return value is None or bool(value != value)
    except (TypeError, ValueError):
        return False


def _state(row: dict) -> str:
    if row["status"] == "rolled_back":
        return "rolled_back"
    if row["current_scopes"] == row["scopes"]:
        return "current"
    return "replaced" if row["current_scopes"] == 0 else "partly_current"


def cmd_rollback(args) -> int:
    """Deactivate a load (``rollback``) or undo that (``reactivate``); say which load now provides each scope."""
    undo = loader.rollback if args.command == "rollback" else loader.reactivate
    after = store.write(args.db, lambda con: undo(con, args.load_id, loader.current_user(args.user)))
    lang = args.lang
    status = "rolled_back" if args.command == "rollback" else "reactivated"
    if args.json:
        print(json.dumps({"status": status, "load_id": args.load_id, "scopes": after}, ensure_ascii=False))
        return EXIT_OK
    print(t("cli.rolled_back" if status == "rolled_back" else "store.reactivated", lang, load_id=args.load_id))
    for scope in after:
        key = "cli.scope_now_from" if scope["current_load"] else "cli.scope_now_empty"
        print("  " + t(key, lang, index=scope["index"], year=scope["year"], load_id=scope["current_load"]))
    return EXIT_OK


def cmd_export(args) -> int:
    """Write current scores as a CSV that ``load`` accepts back."""
    frame = _read_or_none(args.db, lambda con: export_frame(con, args.index, args.units))
    if frame is None:
        frame = pd.DataFrame(columns=EXPORT_COLUMNS)
    rows = write_csv(frame, Path(args.out))
    print(t("cli.exported", args.lang, rows=rows, path=args.out))
    return EXIT_OK


# -- actions (reform-action register, issue 5) ----------------------------------------------------
def cmd_actions(args) -> int:
    """Import a reform-action register file; exit 1 when any row is rejected."""
    from etl.register import import_register

    def work(con):
        outcome = import_register(con, Path(args.file), user=loader.current_user(args.user), dry_run=args.dry_run)
        if outcome.status != "loaded":  # rejected, unchanged or a dry run: nothing to publish
            raise store.NoChange(outcome)
        return outcome

    outcome = store.write(args.db, work)
    lang = args.lang
    if args.json:
        print(json.dumps(outcome.to_json(lang), ensure_ascii=False, indent=2))
        return EXIT_REFUSED if outcome.status == "rejected" else EXIT_OK
    for problem in outcome.problems:
        print("  " + problem.render(lang), file=sys.stderr if problem.severity == ERROR else sys.stdout)
    if outcome.status == "rejected":
        print(t("register.rejected", lang, count=len([p for p in outcome.problems if p.severity == ERROR])),
              file=sys.stderr)
        return EXIT_REFUSED
    print(t("register.done_" + outcome.status.replace("-", "_"), lang, added=len(outcome.added),
            versioned=len(outcome.versioned), unchanged=len(outcome.unchanged), hypotheses=outcome.hypotheses))
    return EXIT_OK


# -- mappings (remembered --map, issue 9) ------------------------------------------------------------
def cmd_mappings(args) -> int:
    """List the remembered column mappings, or remove one (a new inactive version; history kept)."""
    lang = args.lang
    if args.action == "remove":
        if not args.header:
            print(t("cli.usage_error", lang, detail=t("map.remove_needs_header", lang)), file=sys.stderr)
            return EXIT_USAGE
        removed = store.write(args.db, lambda con: mappings.remove(con, args.header, loader.current_user(args.user)))
        if args.json:
            print(json.dumps({"status": "removed", "header": removed.header, "target": removed.target,
                              "version": removed.version}, ensure_ascii=False))
        else:
            print(t("map.removed", lang, header=removed.header, target=removed.target, version=removed.version))
        return EXIT_OK
    _print_mappings(_mapping_rows(args.db, args.all), args.json, lang)
    return EXIT_OK


def _mapping_rows(db: str | None, every_version: bool) -> list[dict]:
    """The active mappings (or every version), read only; none when there is no database yet."""
    rows = _read_or_none(db, lambda con: queries.column_mappings(con, every_version=every_version)) or []
    return rows if every_version else [r for r in rows if r["active"]]


def _print_mappings(rows: list[dict], as_json: bool, lang: str) -> None:
    if as_json:
        print(json.dumps([{**r, "at": None if r["at"] is None else str(r["at"])} for r in rows], ensure_ascii=False,
                         indent=2))
        return
    print(t("map.list_header", lang) if rows else t("map.list_empty", lang))
    for r in rows:
        state = "" if r["active"] else " " + t("map.list_removed", lang)
        print(f'  "{r["header"]}" → {r["target"]} · v{r["version"]} · {r["user"] or "—"} · {str(r["at"])[:16]}'
              f' · {r["file_name"] or "—"}{state}')


# -- migrate (issue 10) --------------------------------------------------------------------------------
def cmd_migrate(args) -> int:
    """Upgrade the schema of the current database in a new snapshot (readers never migrate)."""
    path = config.db_path(args.db)
    if not store.needs_migration(args.db):
        print(t("store.migrate_current", args.lang, path=str(path), version=schema.SCHEMA_VERSION))
        return EXIT_OK
    with store.writing(args.db):
        pass  # opening the private copy read-write migrates it
    print(t("store.migrated", args.lang, path=str(path), version=schema.SCHEMA_VERSION))
    return EXIT_OK
