"""Issue 10: the user store, argon2id hashing, throttling with a clock we set, OIDC mapping, audit export."""

import sqlite3
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest
from argon2 import PasswordHasher

from provindex import audit, users
from provindex.auth import User
from provindex.text import neutralise_formula, neutralise_frame
from provindex.ui.navigation import PAGES, menu_keys

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
GOOD = "correct horse battery"


@pytest.fixture
def store(tmp_path, cheap_hasher):
    path = tmp_path / "ws.sqlite"
    users.add_user("Lan", "analyst", GOOD, "setup", path)
    return path


def _row(path, sql, *params):
    with sqlite3.connect(path) as con:
        return con.execute(sql, params).fetchall()


def test_users_are_stored_with_an_argon2id_hash_and_audited(store):
    (name, role, digest, active, created_by), = _row(store, "SELECT name, role, hash, active, created_by FROM users")
    assert (name, role, active, created_by) == ("lan", "analyst", 1, "setup")
    assert digest.startswith("$argon2id$") and GOOD not in digest
    entry = audit.entries(store)[0]
    assert (entry["action"], entry["actor"], entry["target"], entry["detail"]) == ("user_add", "setup", "lan",
                                                                                   {"role": "analyst"})


@pytest.mark.parametrize("name,role,password,key", [
    ("minh", "boss", GOOD, "users.error.bad_role"),
    ("lan", "viewer", GOOD, "users.error.duplicate"),
    ("LAN", "viewer", GOOD, "users.error.duplicate"),
    ("a b", "viewer", GOOD, "users.error.bad_name"),
    ("minh", "viewer", "", "users.error.empty_password"),
    ("minh", "viewer", "          ", "users.error.empty_password"),
    ("minh", "viewer", "short", "users.error.short_password"),
    ("minh", "viewer", "x" * 300, "users.error.long_password"),
])
def test_refused_users_write_nothing(store, name, role, password, key):
    before = _row(store, "SELECT * FROM users"), len(audit.entries(store))
    with pytest.raises(users.UserError) as refused:
        users.add_user(name, role, password, "setup", store)
    assert refused.value.key == key
    for lang in ("vi", "en"):
        assert "{" not in refused.value.message(lang)
    assert (_row(store, "SELECT * FROM users"), len(audit.entries(store))) == before


def test_short_password_message_names_the_minimum():
    with pytest.raises(users.UserError) as refused:
        users.check_password("abc")
    assert str(users.MIN_PASSWORD) in refused.value.message("vi") and "10" in refused.value.message("en")


def test_role_change_disable_and_password_are_audited(store):
    users.add_user("boss", "admin", GOOD, "setup", store)
    users.set_role("lan", "admin", "boss", store)
    users.set_active("lan", False, "boss", store)
    users.set_password("lan", "another long phrase", "boss", store)
    details = [e["detail"] for e in audit.entries(store) if e["action"] == "user_change"]
    assert details == [{"change": "password"}, {"change": "disable"},
                       {"change": "role", "from": "analyst", "to": "admin"}]
    assert users.get_user("LAN", store).active is False and users.get_user("lan", store).changed_by == "boss"
    with pytest.raises(users.UserError, match="unknown"):
        users.set_role("nobody", "viewer", "boss", store)


def test_the_last_active_admin_cannot_be_lowered_or_disabled(store):
    users.add_user("boss", "admin", GOOD, "setup", store)
    for change in (lambda: users.set_role("boss", "viewer", "boss", store),
                   lambda: users.set_active("boss", False, "boss", store)):
        with pytest.raises(users.UserError) as refused:
            change()
        assert refused.value.key == "users.error.last_admin"
    users.set_role("lan", "admin", "boss", store)
    users.set_role("boss", "viewer", "lan", store)  # another admin remains: allowed
    assert users.admin_count(store) == 1


def test_right_password_signs_in_and_wrong_is_refused(store):
    ok = users.authenticate("  LAN ", GOOD, path=store, now=T0)
    assert ok.status == "ok" and ok.user == User("lan", "analyst")
    assert users.authenticate("lan", GOOD + "x", path=store, now=T0).status == "refused"


def test_unknown_and_disabled_users_get_the_same_answer_as_a_wrong_password(store):
    users.add_user("thu", "viewer", GOOD, "setup", store)
    users.set_active("thu", False, "setup", store)
    answers = {users.authenticate(name, GOOD, path=store, now=T0) for name in ("ghost", "thu")}
    answers.add(users.authenticate("lan", "wrong password!", path=store, now=T0))
    assert answers == {users.SignIn("refused")}


def test_five_wrong_passwords_lock_the_name_for_growing_periods(store):
    for _ in range(4):
        assert users.authenticate("lan", "nope nope nope", path=store, now=T0).status == "refused"
    fifth = users.authenticate("lan", "nope nope nope", path=store, now=T0)
    assert (fifth.status, fifth.retry_after) == ("locked", 60)
    still = users.authenticate("lan", GOOD, path=store, now=T0 + timedelta(seconds=30))  # right password, refused
    assert (still.status, still.retry_after) == ("locked", 30)
    later = T0 + timedelta(seconds=61)
    for _ in range(4):
        users.authenticate("lan", "nope nope nope", path=store, now=later)
    second = users.authenticate("lan", "nope nope nope", path=store, now=later)
    assert (second.status, second.retry_after) == ("locked", 300)
    third_at = later + timedelta(seconds=301)
    for _ in range(5):
        third = users.authenticate("lan", "nope nope nope", path=store, now=third_at)
    assert third.retry_after == 900
    assert users.authenticate("lan", GOOD, path=store, now=third_at + timedelta(seconds=901)).status == "ok"
    locks = [e for e in audit.entries(store) if e["action"] == "sign_in_locked"]
    assert [e["detail"]["minutes"] for e in locks] == [15, 5, 1] and {e["actor"] for e in locks} == {"lan"}
    # a success clears the counts: the next lock is a short one again
    for _ in range(5):
        again = users.authenticate("lan", "nope nope nope", path=store, now=third_at + timedelta(seconds=902))
    assert again.retry_after == 60


def test_unknown_names_are_locked_like_real_ones(store):
    for _ in range(5):
        answer = users.authenticate("ghost", "nope nope nope", path=store, now=T0)
    assert (answer.status, answer.retry_after) == ("locked", 60)


def test_a_session_trying_many_names_is_locked(store):
    for name in ("a1", "b2", "c3", "d4", "e5"):
        answer = users.authenticate(name, "nope nope nope", session="tab-1", path=store, now=T0)
    assert answer.status == "locked"
    blocked = users.authenticate("lan", GOOD, session="tab-1", path=store, now=T0)
    assert blocked.status == "locked"
    assert users.authenticate("lan", GOOD, session="tab-2", path=store, now=T0).status == "ok"


def test_the_count_lives_in_the_workspace_file(store):
    """A restart (a new process) sees the same count: here, a fresh reading of the same file."""
    for _ in range(5):
        users.authenticate("lan", "nope nope nope", path=store, now=T0)
    (key, failures, locks, until), = _row(store, "SELECT key, failures, locks, locked_until FROM signin_throttle")
    assert (key, failures, locks) == ("name:lan", 0, 1) and until.startswith("2026-11-30T08:01:00")


def test_a_quiet_day_forgets_failures(store):
    for _ in range(4):
        users.authenticate("lan", "nope nope nope", path=store, now=T0)
    next_day = T0 + timedelta(hours=25)
    assert users.authenticate("lan", "nope nope nope", path=store, now=next_day).status == "refused"


def test_a_hash_made_with_old_parameters_is_replaced_on_sign_in(store, monkeypatch):
    (old,), = _row(store, "SELECT hash FROM users WHERE name = 'lan'")
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    assert users.authenticate("lan", GOOD, path=store, now=T0).status == "ok"
    (new,), = _row(store, "SELECT hash FROM users WHERE name = 'lan'")
    assert new != old and "m=2048,t=2,p=1" in new and "m=1024,t=1,p=1" in old
    assert users.authenticate("lan", GOOD, path=store, now=T0).status == "ok"
    (same,), = _row(store, "SELECT hash FROM users WHERE name = 'lan'")
    assert same == new


def test_session_user_follows_the_store(store):
    signed = User("lan", "analyst")
    assert users.session_user(signed, store) == signed
    users.set_role("lan", "viewer", "x", store)
    assert users.session_user(signed, store) == User("lan", "viewer")
    users.set_active("lan", False, "x", store)
    assert users.session_user(signed, store) is None
    seeded = User("not-in-store", "analyst")
    assert users.session_user(seeded, store) == seeded


def test_oidc_identity_maps_to_a_local_user_or_is_refused(store):
    users.add_user("hoa@danang.gov.vn", "admin", GOOD, "setup", store)
    assert users.oidc_user({"email": "Hoa@DaNang.gov.vn", "sub": "123"}, store) == User("hoa@danang.gov.vn", "admin")
    assert users.oidc_user({"email": "x@y.vn", "preferred_username": "lan"}, store) == User("lan", "analyst")
    assert users.oidc_user({"email": "stranger@y.vn", "sub": "999"}, store) is None
    assert users.oidc_user({"email": "hoa@danang.gov.vn", "email_verified": False}, store) is None
    users.set_active("lan", False, "x", store)
    assert users.oidc_user({"sub": "lan"}, store) is None


def test_reading_an_absent_store_creates_nothing(tmp_path):
    path = tmp_path / "none.sqlite"
    assert users.list_users(path) == [] and users.get_user("lan", path) is None and audit.actors(path) == []
    assert not path.exists()


def test_audit_filters_by_action_actor_and_vietnam_day(tmp_path, monkeypatch):
    path = tmp_path / "ws.sqlite"
    audit.record("load", "lan", "PCI 2024", path=path)
    audit.record("rollback", "minh", "#3", path=path)
    assert [e["actor"] for e in audit.entries(path, action="load")] == ["lan"]
    assert [e["action"] for e in audit.entries(path, actor="minh")] == ["rollback"]
    today = datetime.now(audit.VIETNAM).date()
    assert len(audit.entries(path, since=today, until=today)) == 2
    assert audit.entries(path, until=today - timedelta(days=1)) == []
    assert audit.entries(path, since=today + timedelta(days=1)) == []
    assert audit.actors(path) == ["lan", "minh"]
    assert audit.local_time("2026-11-30T17:05:09+00:00") == "2026-12-01 00:05:09"
    assert audit._utc_text(date(2026, 12, 1)) == "2026-11-30T17:00:00+00:00"


def test_audit_exports_neutralise_formulas(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "ws.sqlite"
    audit.record("action_edit", "=cmd|' /C calc'!A0", "+SUM(A1)", {"title": "@evil"}, path=path)
    frame = audit.table(audit.entries(path), "en")
    assert list(frame.columns) == ["Time (Vietnam)", "By", "Action", "Target", "Detail"]
    text = audit.csv_bytes(frame).decode("utf-8-sig")
    assert "'=cmd" in text and "'+SUM(A1)" in text and "\n=" not in text and ",=" not in text
    out = tmp_path / "a.xlsx"
    out.write_bytes(audit.xlsx_bytes(frame, "Audit log"))
    sheet = load_workbook(out).active
    cells = [c.value for c in sheet[2]]
    assert cells[1] == "'=cmd|' /C calc'!A0" and cells[3] == "'+SUM(A1)" and cells[2] == "Reform action edited"
    assert all(sheet.cell(2, col).data_type == "s" for col in range(1, 6))


@pytest.mark.parametrize("value,expected", [("=1+1", "'=1+1"), ("+84 90", "'+84 90"), ("-x", "'-x"), ("@a", "'@a"),
                                            ("\tx", "'\tx"), ("\rx", "'\rx"), ("Đà Nẵng", "Đà Nẵng"), ("", ""),
                                            (-1.5, -1.5), (None, None), ("a=b", "a=b")])
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_neutralise_frame_keeps_numbers_and_copies():
    frame = pd.DataFrame({"=title": ["=HYPERLINK(\"x\")", "ok"], "score": [-1.0, 2.0]})
    out = neutralise_frame(frame)
    assert list(out.columns) == ["'=title", "score"] and out.iloc[0, 0].startswith("'=")
    assert out["score"].tolist() == [-1.0, 2.0] and frame.iloc[0, 0].startswith("=")


def test_menu_grows_with_the_role():
    assert "admin" not in menu_keys("viewer") and "admin" not in menu_keys("analyst")
    assert menu_keys("admin") == [spec.key for spec in PAGES]
    assert len(menu_keys("viewer")) < len(menu_keys("admin"))
