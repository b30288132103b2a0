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


# -- the snapshot store (issue 10): faults at the operating-system boundary ---------------------------
class WriterBusy(ProvindexError):
    """Another load or edit holds the store's writer lock longer than a writer waits."""

    key = "store.busy"
    screen_key = "store.screen_busy"


class DiskFull(ProvindexError):
    """The disk (or the user's quota) is full: nothing was published."""

    key = "store.disk_full"
    screen_key = "store.screen_disk_full"


class ReadOnlyStore(ProvindexError):
    """The database's folder is on read-only media: reading works, changing does not."""

    key = "store.read_only"
    screen_key = "store.screen_read_only"


class PermissionDenied(ProvindexError):
    """This account may not write (or read) the database's folder."""

    key = "store.permission"
    screen_key = "store.screen_permission"


class SchemaOutdated(ProvindexError):
    """A database of an older schema lacks what a reader asked for: ``python -m etl migrate`` upgrades it."""

    key = "store.schema_outdated"
    screen_key = "store.screen_schema_outdated"
