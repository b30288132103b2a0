"""Typed errors raised by the library; only pages and the CLI turn them into text."""

from __future__ import annotations


class ProvindexError(Exception):
    """Base class. ``key`` is an i18n key, ``params`` fill its placeholders."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **params):
        self.key = key or self.key
        self.params = params
        super().__init__(f"{self.key} {params}")

    def message(self, lang: str = "vi") -> str:
        """The error as a user reads it, in ``lang`` (Vietnamese by default)."""
        from provindex.i18n import t

        return t(self.key, lang, **self.params)


class DatabaseBusy(ProvindexError):
    """Another process holds the database's write lock."""

    key = "error.db_busy"


class DatabaseMissing(ProvindexError):
    """No database file where one was expected."""

    key = "error.db_missing"


class SchemaTooNew(ProvindexError):
    """The database was made by a newer provindex (higher schema version): opening it could damage it."""

    key = "error.schema_newer"
