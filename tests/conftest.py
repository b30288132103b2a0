"""Shared fixtures: a real demo database built once per session, copies for tests that write.

Helper functions live in ``helpers.py`` (imported as ``from helpers import ...``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.demo import build_demo
from provindex import config


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Templates of new databases go to a folder of this run (children started by tests inherit it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PROVINDEX_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session", autouse=True)
def _anonymous_viewers():
    """Pages read as a guest unless a test says otherwise (the sign-in tests of issue 10 switch it off)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PROVINDEX_ANONYMOUS_VIEWERS", "1")
        yield


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The seeded demo database (read-only use: copy it with ``demo_copy`` before writing)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path)
    return path


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    target = tmp_path / "demo_copy.duckdb"
    shutil.copy(demo_db, target)
    return target


@pytest.fixture
def db_file(tmp_path) -> Path:
    """Path for a database that does not exist yet."""
    return tmp_path / "test.duckdb"


@pytest.fixture
def realdata() -> Path:
    path = config.shared_realdata()
    if path is None:
        pytest.skip("../shared/realdata is not present")
    return path


@pytest.fixture
def cheap_hasher(monkeypatch):
    """Real argon2id with small parameters (the default costs seconds on a busy test machine); a private store."""
    from argon2 import PasswordHasher

    from provindex import users

    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    users._decoy_hash.cache_clear()
    yield users.HASHER
    users._decoy_hash.cache_clear()
