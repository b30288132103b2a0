"""The user store, password hashing and sign-in throttling, in the workspace file (``provindex.workspace``).

Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher``, its RFC 9106 defaults) and checked
with the library's constant-time verification; a hash made with older parameters is replaced on the next
successful sign-in. Names are compared case-blind (NFC, case-folded).

Throttling: :data:`MAX_FAILURES` wrong passwords for one name, or from one browser session, lock that name
(or session) for :data:`LOCK_STEPS` seconds, growing with each lock (1, 5, then 15 minutes). Failures count
in the workspace, so a restart does not clear them and every server process sees the same count. A name
that does not exist, or a disabled user, is answered exactly like a wrong password — same message, same
hashing work, same counting — so the form never tells whether a user exists. A successful sign-in, or a
day without failures, clears the counts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from provindex import audit, workspace
from provindex.auth import ROLES, User
from provindex.errors import ProvindexError

#: Shortest password accepted (characters). Long passphrases beat complexity rules (NIST SP 800-63B).
MIN_PASSWORD = 10
#: Longest password accepted, so a pasted file cannot make a form slow.
MAX_PASSWORD = 256
#: Wrong passwords in a row (per name, per session) before a lock.
MAX_FAILURES = 5
#: Length of the first, second and every later lock, in seconds.
LOCK_STEPS: tuple[int, ...] = (60, 300, 900)
#: A day without failures forgets the failures and the locks of a name or session.
QUIET_RESET = timedelta(hours=24)

_NAME = re.compile(r"^[\w.@+-]{2,64}$")

HASHER = PasswordHasher()

workspace.register_ddl(
    f"""CREATE TABLE IF NOT EXISTS users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ({", ".join(repr(r) for r in ROLES)})),
        hash TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS signin_throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL DEFAULT 0,
        locks INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        last_failure TEXT
    )""",
)


class UserError(ProvindexError):
    """A user command that cannot be done (unknown role, duplicate or unknown name, weak password)."""

    key = "users.error.generic"


@dataclass(frozen=True)
class StoredUser:
    """One row of the user store (never the hash)."""

    name: str
    role: str
    active: bool
    created_at: str
    created_by: str
    changed_at: str
    changed_by: str


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in attempt: ``ok`` (with the user), ``refused`` or ``locked`` (seconds to wait)."""

    status: str
    user: User | None = None
    retry_after: int = 0


def utcnow() -> datetime:
    """The current time in UTC (the clock the tests set by replacing this function)."""
    return datetime.now(timezone.utc)


def normalise_name(name: str) -> str:
    """The stored form of a user name: NFC, trimmed, case-folded (``Lan.Nguyen`` signs in as ``lan.nguyen``)."""
    return unicodedata.normalize("NFC", str(name or "")).strip().casefold()


def check_name(name: str) -> str:
    """The normalised name, or :class:`UserError` naming what is allowed."""
    normal = normalise_name(name)
    if not _NAME.match(normal):
        raise UserError("users.error.bad_name", name=str(name)[:80])
    return normal


def check_role(role: str) -> str:
    """``role`` when it is one of :data:`provindex.auth.ROLES`, else :class:`UserError` listing them."""
    if role not in ROLES:
        raise UserError("users.error.bad_role", role=str(role)[:40], roles=", ".join(ROLES))
    return role


def check_password(password: str) -> str:
    """``password`` when its length is within bounds (blank-only counts as empty), else :class:`UserError`."""
    if not password or not password.strip():
        raise UserError("users.error.empty_password")
    if len(password) < MIN_PASSWORD:
        raise UserError("users.error.short_password", minimum=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise UserError("users.error.long_password", maximum=MAX_PASSWORD)
    return password


def _stamp(now: datetime | None = None) -> str:
    return (now or utcnow()).astimezone(timezone.utc).isoformat(timespec="seconds")


def _stored(row) -> StoredUser:
    return StoredUser(row["name"], row["role"], bool(row["active"]), row["created_at"], row["created_by"],
                      row["changed_at"], row["changed_by"])


# -- the store -------------------------------------------------------------------------------------
def add_user(name: str, role: str, password: str, actor: str, path: str | Path | None = None) -> StoredUser:
    """Create an active user; audited as ``user_add``. Nothing is written when any check fails."""
    name, role, password = check_name(name), check_role(role), check_password(password)
    digest = HASHER.hash(password)  # slow on purpose: done before the write lock is taken
    stamp = _stamp()
    with workspace.connection(path) as con:
        if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise UserError("users.error.duplicate", name=name)
        con.execute("INSERT INTO users (name, role, hash, active, created_at, created_by, changed_at, changed_by)"
                    " VALUES (?, ?, ?, 1, ?, ?, ?, ?)", (name, role, digest, stamp, actor, stamp, actor))
        audit.record("user_add", actor, name, {"role": role}, con=con)
        row = con.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    return _stored(row)


def list_users(path: str | Path | None = None) -> list[StoredUser]:
    """Every user, by name (none when the workspace does not exist yet; reading never creates it)."""
    if not workspace.workspace_path(path).exists():
        return []
    with workspace.connection(path, write=False) as con:
        return [_stored(r) for r in con.execute("SELECT * FROM users ORDER BY name").fetchall()]


def get_user(name: str, path: str | Path | None = None) -> StoredUser | None:
    """The stored user of that name (any case), or None."""
    if not workspace.workspace_path(path).exists():
        return None
    with workspace.connection(path, write=False) as con:
        row = con.execute("SELECT * FROM users WHERE name = ?", (normalise_name(name),)).fetchone()
    return _stored(row) if row else None


def admin_count(path: str | Path | None = None) -> int:
    """Active administrators (the store refuses to lose the last one)."""
    return sum(1 for u in list_users(path) if u.active and u.role == "admin")


def _change(name: str, actor: str, path, assignments: dict, detail: dict) -> StoredUser:
    """Apply column ``assignments`` to one user and audit it as ``user_change``, in one transaction."""
    name = normalise_name(name)
    stamp = _stamp()
    columns = ", ".join(f"{column} = ?" for column in assignments)  # names come from this module only
    with workspace.connection(path) as con:
        row = con.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UserError("users.error.unknown", name=name)
        before = _stored(row)
        losing_admin = before.role == "admin" and before.active and (
            assignments.get("role", "admin") != "admin" or assignments.get("active", 1) == 0)
        if losing_admin and con.execute("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1"
                                        ).fetchone()[0] <= 1:
            raise UserError("users.error.last_admin", name=name)
        con.execute(f"UPDATE users SET {columns}, changed_at = ?, changed_by = ? WHERE name = ?",
                    (*assignments.values(), stamp, actor, name))
        audit.record("user_change", actor, name, detail, con=con)
        return _stored(con.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone())


def set_role(name: str, role: str, actor: str, path: str | Path | None = None) -> StoredUser:
    """Give a user another role (audited with the old and new role)."""
    check_role(role)
    before = get_user(name, path)
    return _change(name, actor, path, {"role": role},
                   {"change": "role", "from": before.role if before else None, "to": role})


def set_active(name: str, active: bool, actor: str, path: str | Path | None = None) -> StoredUser:
    """Disable (or enable again) a user; a disabled user cannot sign in and is signed out on the next click."""
    return _change(name, actor, path, {"active": int(bool(active))},
                   {"change": "enable" if active else "disable"})


def set_password(name: str, password: str, actor: str, path: str | Path | None = None) -> StoredUser:
    """Replace a user's password (audited without the password, of course)."""
    digest = HASHER.hash(check_password(password))
    return _change(name, actor, path, {"hash": digest}, {"change": "password"})


# -- sign-in ---------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    """A hash to verify against when the name is unknown, so an unknown name costs the same work."""
    return HASHER.hash("decoy password that is never stored")


def _verify(digest: str, password: str) -> bool:
    try:
        return HASHER.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


def _keys(name: str, session: str | None) -> list[str]:
    return [f"name:{name}"] + ([f"session:{session}"] if session else [])


def _wait(con, keys: list[str], now: datetime) -> int:
    """Seconds until every one of ``keys`` is unlocked (0 when none is locked)."""
    wait = 0
    for key in keys:
        row = con.execute("SELECT locked_until FROM signin_throttle WHERE key = ?", (key,)).fetchone()
        if row and row["locked_until"]:
            left = (datetime.fromisoformat(row["locked_until"]) - now).total_seconds()
            wait = max(wait, int(left + 0.999))
    return wait


def authenticate(name: str, password: str, session: str | None = None, path: str | Path | None = None,
                 now: datetime | None = None) -> SignIn:
    """Check a name and password against the store, honouring and updating the throttling counts.

    ``session`` identifies the browser session (its failures count too); ``now`` is the clock (tests).
    """
    now = now or utcnow()
    normal = normalise_name(name)
    keys = _keys(normal, session)
    with workspace.connection(path, write=False) as con:
        wait = _wait(con, keys, now)
        row = con.execute("SELECT * FROM users WHERE name = ?", (normal,)).fetchone()
    if wait:
        return SignIn("locked", retry_after=wait)
    known = row is not None and bool(row["active"]) and len(password or "") <= MAX_PASSWORD
    right = _verify(row["hash"] if known else _decoy_hash(), (password or "")[:MAX_PASSWORD]) and known
    rehashed = HASHER.hash(password) if right and HASHER.check_needs_rehash(row["hash"]) else None
    with workspace.connection(path) as con:
        wait = _wait(con, keys, now)  # another process may have locked it while we hashed
        if wait:
            return SignIn("locked", retry_after=wait)
        if right:
            con.execute(f"DELETE FROM signin_throttle WHERE key IN ({', '.join('?' for _ in keys)})", keys)
            if rehashed:  # the hasher's parameters changed since this hash was made
                con.execute("UPDATE users SET hash = ? WHERE name = ?", (rehashed, normal))
            return SignIn("ok", User(normal, row["role"]))
        locked = max(_fail(con, key, normal, now) for key in keys)
    return SignIn("locked", retry_after=locked) if locked else SignIn("refused")


def _fail(con, key: str, name: str, now: datetime) -> int:
    """Count one failure on ``key``; returns the lock's length in seconds when this failure starts one."""
    row = con.execute("SELECT failures, locks, last_failure FROM signin_throttle WHERE key = ?", (key,)).fetchone()
    failures, locks = (row["failures"], row["locks"]) if row else (0, 0)
    if row and row["last_failure"] and now - datetime.fromisoformat(row["last_failure"]) > QUIET_RESET:
        failures, locks = 0, 0
    failures += 1
    seconds, until = 0, None
    if failures >= MAX_FAILURES:
        seconds = LOCK_STEPS[min(locks, len(LOCK_STEPS) - 1)]
        until, failures, locks = _stamp(now + timedelta(seconds=seconds)), 0, locks + 1
        audit.record("sign_in_locked", name or "?", key.split(":", 1)[0],
                     {"minutes": seconds // 60, "lock": locks}, con=con)
    con.execute("INSERT INTO signin_throttle (key, failures, locks, locked_until, last_failure)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET failures = excluded.failures,"
                " locks = excluded.locks, locked_until = excluded.locked_until, last_failure = excluded.last_failure",
                (key, failures, locks, until, _stamp(now)))
    return seconds


def session_user(user: User, path: str | Path | None = None) -> User | None:
    """The signed-in ``user`` as the store has them now: a role change applies, a disabled user is None.

    A name the store does not hold keeps its session: users are never deleted, so only a session seeded
    directly (a test, another page's code) gets here, and the store cannot say anything about it.
    """
    stored = get_user(user.name, path)
    if stored is None:
        return user
    if not stored.active:
        return None
    return user if stored.role == user.role else User(stored.name, stored.role)


def oidc_user(claims: dict, path: str | Path | None = None) -> User | None:
    """The local user an OIDC identity maps to: the first active user named like its e-mail, login or subject.

    A provider identity with no matching local user gets None: it is refused (decision in ARCHITECTURE), so
    an office's identity provider cannot hand out roles the administrator did not give.
    """
    for claim in ("email", "preferred_username", "sub"):
        value = claims.get(claim)
        if not value or (claim == "email" and claims.get("email_verified") is False):
            continue
        stored = get_user(str(value), path)
        if stored is not None and stored.active:
            return User(stored.name, stored.role)
    return None
