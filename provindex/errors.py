"""Typed errors raised by the library; only pages and the CLI turn them into text."""

from __future__ import annotations


class ProvindexError(Exception):
    """Base class. ``key`` is an i18n key, ``params`` fill its placeholders."""

    key = "error.generic"
    #: The dashboard's wording, when the CLI's names what only an administrator should see (a server path,
    #: a process id); a reader gets the same advice without them.
    screen_key: str | None = None

    def __init__(self, key: str | None = None, **params):
        self.key = key or self.key
        self.params = params
        super().__init__(f"{self.key} {params}")

    def message(self, lang: str = "vi") -> str:
        """The error as a user reads it, in ``lang`` (Vietnamese by default)."""
        from provindex.i18n import t

        return t(self.key, lang, **self.params)

    def screen_message(self, lang: str = "vi") -> str:
        """The error as a dashboard reader sees it: no server path or process detail."""
        from provindex.i18n import t

        return t(self.screen_key, lang, **self.params) if self.screen_key else self.message(lang)


class DatabaseBusy(ProvindexError):
    """Another process holds the database's write lock."""

    key = "error.db_busy"
    screen_key = "error.screen_db_busy"


class DatabaseMissing(ProvindexError):
    """No database file where one was expected."""

    key = "error.db_missing"
    screen_key = "error.screen_db_missing"


class SchemaTooNew(ProvindexError):
    """The database was made by a newer provindex (higher schema version): opening it could damage it."""

    key = "error.schema_newer"
    screen_key = "error.screen_schema_newer"
