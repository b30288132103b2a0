"""Issue 10: ``python -m etl user …`` and ``python -m etl audit`` — designed messages, nothing written on refusal."""

import csv
import io
import json
import subprocess
import sys

import pytest

from helpers import ROOT, cli, file_sha
from provindex import users

GOOD = "correct horse battery"


@pytest.fixture
def ws(tmp_path, monkeypatch, cheap_hasher):
    """A database path whose workspace file sits beside it (the default place)."""
    monkeypatch.setenv("PROVINDEX_DB", str(tmp_path / "p.duckdb"))
    monkeypatch.delenv("PROVINDEX_WORKSPACE", raising=False)
    monkeypatch.setenv("PROVINDEX_USER", "root-admin")
    return tmp_path / "provindex-workspace.sqlite"


def _stdin(monkeypatch, text):
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_add_list_role_and_audit_export(ws, capsys, monkeypatch, tmp_path):
    _stdin(monkeypatch, GOOD + "\n")
    code, out, err = cli(capsys, "user", "add", "Lan", "--role", "analyst", "--password-stdin")
    assert code == 0 and out.strip() == "Đã thêm người dùng lan với vai trò chuyên viên phân tích." and err == ""
    assert users.authenticate("lan", GOOD, path=ws).status == "ok"  # the line's newline is not in the password
    code, out, _ = cli(capsys, "user", "list")
    assert code == 0 and "lan" in out and "chuyên viên phân tích" in out and "root-admin" in out
    code, out, _ = cli(capsys, "user", "list", "--json")
    assert [(u["name"], u["role"], u["active"]) for u in json.loads(out)] == [("lan", "analyst", True)]
    code, out, _ = cli(capsys, "user", "role", "lan", "admin", "--lang", "en")
    assert code == 0 and out.strip() == "lan now has the role administrator."
    assert users.get_user("lan", ws).role == "admin"
    code, out, _ = cli(capsys, "audit", "--json")
    entries = json.loads(out)
    assert [e["action"] for e in entries] == ["user_change", "user_add"] and entries[0]["actor"] == "root-admin"
    target = tmp_path / "audit.csv"
    code, out, _ = cli(capsys, "audit", "--csv", target, "--xlsx", tmp_path / "audit.xlsx")
    assert code == 0 and "2" in out and (tmp_path / "audit.xlsx").stat().st_size > 0
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Thời điểm (giờ VN)", "Người thực hiện", "Thao tác", "Đối tượng", "Chi tiết"]
    assert [r[2] for r in rows[1:]] == ["Thay đổi người dùng", "Thêm người dùng"]
    code, out, _ = cli(capsys, "audit")
    assert code == 0 and "Thêm người dùng" in out and "{" not in out


@pytest.mark.parametrize("args,needle_vi,needle_en", [
    (["user", "add", "minh", "--role", "boss"], 'Vai trò "boss" không có', 'There is no role "boss"'),
    (["user", "add", "lan", "--role", "viewer"], 'Đã có người dùng tên "lan"', 'A user named "lan" already exists'),
    (["user", "add", "LAN", "--role", "viewer"], 'Đã có người dùng tên "lan"', 'A user named "lan" already exists'),
    (["user", "role", "lan", "owner"], 'Vai trò "owner" không có', 'There is no role "owner"'),
    (["user", "disable", "ghost"], 'Không có người dùng tên "ghost"', 'There is no user named "ghost"'),
    (["user", "passwd", "ghost"], 'Không có người dùng tên "ghost"', 'There is no user named "ghost"'),
])
def test_refusals_are_designed_messages_and_write_nothing(ws, capsys, monkeypatch, args, needle_vi, needle_en):
    _stdin(monkeypatch, GOOD + "\n")
    assert cli(capsys, "user", "add", "lan", "--role", "analyst", "--password-stdin")[0] == 0
    before = file_sha(ws)
    for lang, needle in (("vi", needle_vi), ("en", needle_en)):
        _stdin(monkeypatch, GOOD + "\n")
        code, out, err = cli(capsys, *args, "--password-stdin", "--lang", lang) if args[1] in ("add", "passwd") \
            else cli(capsys, *args, "--lang", lang)
        assert code == 1 and needle in err and "Traceback" not in err + out and out == ""
    assert file_sha(ws) == before


def test_wrong_role_on_a_fresh_install_creates_no_file(ws, capsys, monkeypatch):
    _stdin(monkeypatch, GOOD + "\n")
    code, _, err = cli(capsys, "user", "add", "minh", "--role", "superuser", "--password-stdin")
    assert code == 1 and "viewer, analyst, admin" in err and not ws.exists()


@pytest.mark.parametrize("password,key", [("", "users.error.no_password"), ("\n", "users.error.empty_password"),
                                          ("short\n", "users.error.short_password")])
def test_bad_passwords_from_stdin(ws, capsys, monkeypatch, password, key):
    from provindex.i18n import t

    _stdin(monkeypatch, password)
    code, _, err = cli(capsys, "user", "add", "minh", "--role", "viewer", "--password-stdin")
    assert code == 1 and err.strip() == t(key, "vi", minimum=users.MIN_PASSWORD) and not ws.exists()


def test_prompted_passwords_must_match(ws, capsys, monkeypatch):
    answers = iter(["one long password", "another long one"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = cli(capsys, "user", "add", "minh", "--role", "viewer")
    assert code == 1 and "không khớp" in err and not ws.exists()
    answers = iter([GOOD, GOOD])
    code, out, _ = cli(capsys, "user", "add", "minh", "--role", "viewer")
    assert code == 0 and users.get_user("minh", ws).role == "viewer"
    answers = iter(["a new long password"] * 2)
    code, out, _ = cli(capsys, "user", "passwd", "minh", "--lang", "en")
    assert code == 0 and out.strip() == "Set a new password for minh."
    assert users.authenticate("minh", "a new long password", path=ws).status == "ok"


def test_disable_and_enable(ws, capsys, monkeypatch):
    _stdin(monkeypatch, GOOD + "\n")
    cli(capsys, "user", "add", "thu", "--role", "viewer", "--password-stdin")
    assert cli(capsys, "user", "disable", "thu")[0] == 0
    assert users.authenticate("thu", GOOD, path=ws).status == "refused"
    assert cli(capsys, "user", "enable", "thu")[0] == 0
    assert users.authenticate("thu", GOOD, path=ws).status == "ok"


def test_missing_name_is_a_usage_error(ws, capsys):
    code, _, err = cli(capsys, "user", "add", "--role", "admin")
    assert code == 2 and "TÊN" in err and "Traceback" not in err
    assert cli(capsys, "audit")[1].strip() == "Nhật ký thay đổi chưa có mục nào."
    assert cli(capsys, "user", "list")[1].startswith("Chưa có người dùng nào.")


def test_the_real_command_line_creates_the_first_admin(tmp_path):
    """The fresh-install recipe, as a process: `python -m etl user add NAME --role admin --password-stdin`."""
    env = {**__import__("os").environ, "PROVINDEX_DB": str(tmp_path / "p.duckdb")}
    env.pop("PROVINDEX_WORKSPACE", None)
    done = subprocess.run([sys.executable, "-m", "etl", "user", "add", "admin", "--role", "admin", "--password-stdin"],
                          input=GOOD + "\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0 and "admin" in done.stdout and done.stderr == ""
    assert users.get_user("admin", tmp_path / "provindex-workspace.sqlite").role == "admin"
    again = subprocess.run([sys.executable, "-m", "etl", "user", "add", "admin", "--role", "admin",
                            "--password-stdin"], input=GOOD + "\n", capture_output=True, text=True, cwd=ROOT,
                           env=env, timeout=120)
    assert again.returncode == 1 and "Traceback" not in again.stderr and 'Đã có người dùng tên "admin"' in again.stderr
