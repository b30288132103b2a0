"""Who is using the dashboard and what their role lets them do.

Roles are ordered: a viewer reads every chart, an analyst also changes data (loads, mappings, the
register, rollback), an admin also manages users and reads the audit log. The user store, password
hashing and throttling live beside this (issue 10); pages only ask :func:`allows`.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")


@dataclass(frozen=True)
class User:
    """A signed-in person (``anonymous`` when the deployment lets viewers in without signing in)."""

    name: str
    role: str

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")

    @property
    def anonymous(self) -> bool:
        return self.name == ANONYMOUS.name


ANONYMOUS = User("anonymous", "viewer")


def allows(role: str, needed: str) -> bool:
    """True when ``role`` includes everything ``needed`` may do."""
    return ROLES.index(role) >= ROLES.index(needed)
