"""``python -m etl user …`` and ``python -m etl audit``: the dashboard's users and the audit log (issue 10).

Registered into ``etl.cli`` by :func:`add_parsers`; every refusal is a ``UserError`` (a ``ProvindexError``),
so the CLI's one error path prints a message in the user's language, never a traceback.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from provindex import audit, users, workspace
from provindex.i18n import t

USER_ACTIONS = ("add", "list", "role", "disable", "enable", "passwd")


def add_parsers(sub, common, lang: str) -> dict:
    """Add the ``user`` and ``audit`` commands to the ``python -m etl`` parser; returns their handlers."""
    user = sub.add_parser("user", help=t("users.help", lang))
    user.add_argument("action", choices=USER_ACTIONS, help=t("users.help_action", lang))
    user.add_argument("name", nargs="?", metavar="NAME")
    user.add_argument("new_role", nargs="?", metavar="ROLE")
    user.add_argument("--role", help=t("users.help_role", lang))
    user.add_argument("--password-stdin", action="store_true", help=t("users.help_password_stdin", lang))
    user.add_argument("--by", help=t("users.help_by", lang))
    common(user)

    log = sub.add_parser("audit", help=t("audit.help", lang))
    log.add_argument("--csv", metavar="OUT.csv", help=t("audit.help_csv", lang))
    log.add_argument("--xlsx", metavar="OUT.xlsx", help=t("audit.help_xlsx", lang))
    log.add_argument("--limit", type=int, metavar="N", help=t("audit.help_limit", lang))
    common(log)
    return {"user": cmd_user, "audit": cmd_audit}


def _actor(args) -> str:
    from etl.load import current_user

    return current_user(args.by)


def read_password(args, name: str) -> str:
    """The new password: first line of stdin with ``--password-stdin``, else asked twice without echo."""
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise users.UserError("users.error.no_password")
        return line.rstrip("\r\n")
    try:
        first = getpass.getpass(t("users.prompt", args.lang, name=name))
        second = getpass.getpass(t("users.prompt_again", args.lang))
    except (EOFError, KeyboardInterrupt):
        raise users.UserError("users.error.cancelled") from None
    if first != second:
        raise users.UserError("users.error.mismatch")
    return first


def cmd_user(args) -> int:
    """Add, list, change the role of, disable, enable, or set the password of a user."""
    lang = args.lang
    if args.action == "list":
        return _list(args)
    if not args.name:
        return _usage(t("users.needs_name", lang), lang)
    name, store = users.check_name(args.name), workspace.workspace_path(db=args.db)
    if args.action == "add":
        role = users.check_role(args.role or args.new_role or "")
        if users.get_user(name, store) is not None:  # say so before asking for a password
            raise users.UserError("users.error.duplicate", name=name)
        users.add_user(name, role, read_password(args, name), _actor(args), store)
        return _done(args, "users.added", name=name, role=t(f"auth.role.{role}", lang))
    if args.action == "role":
        role = args.new_role or args.role
        if not role:
            return _usage(t("users.needs_role", lang), lang)
        users.set_role(name, users.check_role(role), _actor(args), store)
        return _done(args, "users.role_set", name=name, role=t(f"auth.role.{role}", lang))
    if args.action in ("disable", "enable"):
        users.set_active(name, args.action == "enable", _actor(args), store)
        return _done(args, f"users.{args.action}d", name=name)
    if users.get_user(name, store) is None:  # say so before asking for a password
        raise users.UserError("users.error.unknown", name=name)
    users.set_password(name, read_password(args, name), _actor(args), store)
    return _done(args, "users.password_set", name=name)


def _usage(message: str, lang: str) -> int:
    print(t("cli.usage_error", lang, detail=message), file=sys.stderr)
    return 2


def _done(args, key: str, **params) -> int:
    message = t(key, args.lang, **params)
    print(json.dumps({"status": "ok", "message": message}, ensure_ascii=False) if args.json else message)
    return 0


def _list(args) -> int:
    rows = users.list_users(workspace.workspace_path(db=args.db))
    if args.json:
        print(json.dumps([{"name": u.name, "role": u.role, "active": u.active, "created_at": u.created_at,
                           "created_by": u.created_by, "changed_at": u.changed_at, "changed_by": u.changed_by}
                          for u in rows], ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(t("users.list_empty", args.lang))
        return 0
    print(t("users.list_header", args.lang))
    for u in rows:
        state = t("users.active" if u.active else "users.inactive", args.lang)
        print(f"{u.name:<19} {t(f'auth.role.{u.role}', args.lang):<22} {state:<12} "
              f"{audit.local_time(u.created_at):<21} {u.created_by}")
    return 0


def cmd_audit(args) -> int:
    """Print the audit log newest first, as JSON, or write it to CSV / XLSX (formula cells neutralised)."""
    lang = args.lang
    rows = audit.entries(workspace.workspace_path(db=args.db), limit=args.limit)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    frame = audit.table(rows, lang)
    written = [(out, audit.csv_bytes(frame)) for out in [args.csv] if out]
    written += [(out, audit.xlsx_bytes(frame, t("audit.sheet", lang))) for out in [args.xlsx] if out]
    for out, payload in written:
        Path(out).write_bytes(payload)
        print(t("audit.exported", lang, rows=len(frame), path=out))
    if written:
        return 0
    if frame.empty:
        print(t("audit.empty", lang))
        return 0
    for row in frame.itertuples(index=False):
        print("  ".join(str(value) for value in row))
    return 0
