"""Issue 10 under AppTest: guests and viewers cannot reach the admin page (nor an analyst page) nor change a user;
signing in sets the user and role and the menu grows; five wrong passwords lock the name (a clock we set)."""

from datetime import datetime, timedelta, timezone

import pytest
from streamlit.testing.v1 import AppTest

from helpers import ROOT, page_text
from provindex import audit, users
from provindex.auth import User
from provindex.ui import navigation

DASHBOARD = str(ROOT / "dashboard.py")
GOOD = "correct horse battery"
ANALYST_PAGE = """
from provindex.ui.auth import require_role
import streamlit as st
require_role("analyst", "vi")
st.write("ANALYST CONTENT")
"""


@pytest.fixture
def store(tmp_path, monkeypatch, cheap_hasher):
    path = tmp_path / "ws.sqlite"
    monkeypatch.setenv("PROVINDEX_WORKSPACE", str(path))
    users.add_user("boss", "admin", GOOD, "setup", path)
    users.add_user("lan", "analyst", GOOD, "setup", path)
    users.add_user("thu", "viewer", GOOD, "setup", path)
    return path


@pytest.fixture
def menus(monkeypatch):
    """The pages each run put in the visible menu (the real navigation_pages, observed)."""
    seen = []
    real = navigation.navigation_pages

    def observed(lang, role="viewer"):
        pages = real(lang, role)
        seen.append([p.url_path or "overview" for p in pages if p.visibility == "visible"])  # "" = the default page
        return pages

    monkeypatch.setattr(navigation, "navigation_pages", observed)
    return seen


def _app(db, monkeypatch, user: User | None = None, anonymous: bool = True) -> AppTest:
    monkeypatch.setenv("PROVINDEX_DB", str(db))
    monkeypatch.setenv("PROVINDEX_ANONYMOUS_VIEWERS", "1" if anonymous else "0")
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    if user is not None:
        app.session_state["pv_user"] = user
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _open(app, script):
    app.switch_page(f"app_pages/{script}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _sign_in(app, name, password, where="main"):
    app.text_input(key=f"pv_signin_name_{where}").input(name)
    app.text_input(key=f"pv_signin_password_{where}").input(password)
    next(b for b in app.button if b.label in ("Đăng nhập", "Sign in")).click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _admin_content(app) -> bool:
    return any(h.value in ("Người dùng", "Users") for h in app.header) or bool(app.get("download_button"))


@pytest.mark.parametrize("user", [None, User("thu", "viewer"), User("lan", "analyst")], ids=["guest", "viewer", "analyst"])
def test_non_admins_are_refused_the_admin_page(demo_db, monkeypatch, store, user):
    app = _open(_app(demo_db, monkeypatch, user), "admin")
    assert "quản trị viên trở lên" in app.error[0].value
    assert not _admin_content(app) and not app.dataframe
    with pytest.raises(KeyError):
        app.text_input(key="pv_admin_add_name")
    shows_form = any(ti.key == "pv_signin_name_main" for ti in app.text_input)
    assert shows_form == (user is None)  # a guest may sign in right there


def test_guests_and_viewers_are_refused_an_analyst_page(store, monkeypatch):
    for user in (None, User("thu", "viewer")):
        app = AppTest.from_string(ANALYST_PAGE, default_timeout=30)
        if user:
            app.session_state["pv_user"] = user
        app.run()
        assert "ANALYST CONTENT" not in page_text(app) and "chuyên viên phân tích" in app.error[0].value
    app = AppTest.from_string(ANALYST_PAGE, default_timeout=30)
    app.session_state["pv_user"] = User("lan", "analyst")
    app.run()
    assert "ANALYST CONTENT" in page_text(app) and not app.error


def test_the_admin_sees_users_and_the_audit_log(demo_db, monkeypatch, store):
    app = _open(_app(demo_db, monkeypatch, User("boss", "admin")), "admin")
    assert not app.error and _admin_content(app)
    assert set(app.dataframe[0].value["Tên"]) == {"boss", "lan", "thu"}
    assert len(app.dataframe[1].value) == 3 and [b.label for b in app.get("download_button")] == [
        "Tải nhật ký (CSV)", "Tải nhật ký (Excel)"]


def test_admin_adds_changes_and_disables_users_and_each_change_is_audited(demo_db, monkeypatch, store):
    app = _open(_app(demo_db, monkeypatch, User("boss", "admin")), "admin")
    app.text_input(key="pv_admin_add_name").input("Minh")
    app.selectbox(key="pv_admin_add_role").set_value("analyst")
    app.text_input(key="pv_admin_add_password").input(GOOD)
    next(b for b in app.button if b.label == "Thêm").click().run()
    assert app.success[0].value == "Đã thêm minh (chuyên viên phân tích)."
    assert users.get_user("minh", store).role == "analyst"
    app.selectbox(key="pv_admin_who").set_value("minh").run()
    app.selectbox(key="pv_admin_new_role").set_value("viewer")
    next(b for b in app.button if b.label == "Đổi vai trò").click().run()
    assert users.get_user("minh", store).role == "viewer"
    app.button(key="pv_admin_disable").click().run()
    assert users.get_user("minh", store).active is False
    log = audit.entries(store)
    assert [(e["action"], e["actor"], e["target"]) for e in log[:3]] == [
        ("user_change", "boss", "minh"), ("user_change", "boss", "minh"), ("user_add", "boss", "minh")]


def test_admin_form_refusals_are_designed_messages(demo_db, monkeypatch, store):
    app = _open(_app(demo_db, monkeypatch, User("boss", "admin")), "admin")
    app.text_input(key="pv_admin_add_name").input("lan")
    app.text_input(key="pv_admin_add_password").input(GOOD)
    next(b for b in app.button if b.label == "Thêm").click().run()
    assert app.error[0].value == 'Đã có người dùng tên "lan". Không ghi gì thêm.'
    app.text_input(key="pv_admin_add_name").input("minh")
    app.text_input(key="pv_admin_add_password").input("short")
    next(b for b in app.button if b.label == "Thêm").click().run()
    assert "ít nhất 10 ký tự" in app.error[0].value and users.get_user("minh", store) is None


def test_a_demoted_admin_cannot_make_the_next_change(demo_db, monkeypatch, store):
    app = _open(_app(demo_db, monkeypatch, User("boss", "admin")), "admin")
    users.add_user("root", "admin", GOOD, "setup", store)
    users.set_role("boss", "viewer", "root", store)  # meanwhile, in another session
    before = len(audit.entries(store))
    app.text_input(key="pv_admin_add_name").input("eve")
    app.text_input(key="pv_admin_add_password").input(GOOD)
    next(b for b in app.button if b.label == "Thêm").click().run()
    assert users.get_user("eve", store) is None and len(audit.entries(store)) == before
    assert app.error and "quản trị viên" in app.error[0].value and app.session_state["pv_user"] == User("boss", "viewer")


def test_with_guests_off_every_page_shows_only_the_sign_in_form(demo_db, monkeypatch, store):
    app = _app(demo_db, monkeypatch, anonymous=False)
    assert app.title[0].value == "Đăng nhập" and not app.metric and not app.get("plotly_chart")
    app.sidebar.radio(key="pv_lang").set_value("en").run()  # the language switch works before signing in
    assert app.title[0].value == "Sign in" and app.caption[0].value.startswith("This dashboard needs you to sign in")
    app = _open(app, "rankings")
    assert app.title[0].value == "Sign in" and not app.dataframe


def test_signing_in_sets_the_user_and_the_menu_grows(demo_db, monkeypatch, store, menus):
    app = _app(demo_db, monkeypatch, anonymous=False)
    assert menus[-1] == navigation.menu_keys("viewer")
    _sign_in(app, "BOSS", GOOD)
    assert app.session_state["pv_user"] == User("boss", "admin")
    assert "admin" in menus[-1] and len(menus[-1]) > len(navigation.menu_keys("viewer"))
    assert any("**boss** · quản trị viên" in m.value for m in app.sidebar.markdown)
    assert app.title[0].value.startswith("Tổng quan")  # the page itself now runs
    _open(app, "admin")
    assert _admin_content(app)
    next(b for b in app.sidebar.button if b.key == "pv_sign_out").click().run()
    assert "pv_user" not in app.session_state and app.title[0].value == "Đăng nhập"
    assert "admin" not in menus[-1]


def test_guest_signs_in_from_the_sidebar(demo_db, monkeypatch, store, menus):
    app = _app(demo_db, monkeypatch)
    assert app.title[0].value.startswith("Tổng quan") and "admin" not in menus[-1]
    _sign_in(app, "lan", GOOD, where="sidebar")
    assert app.session_state["pv_user"] == User("lan", "analyst")
    assert any("**lan** · chuyên viên phân tích" in m.value for m in app.sidebar.markdown)


def test_five_wrong_passwords_lock_even_the_right_one_until_the_lock_passes(demo_db, monkeypatch, store):
    clock = [datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)]
    monkeypatch.setattr(users, "utcnow", lambda: clock[0])
    app = _app(demo_db, monkeypatch, anonymous=False)
    for attempt in range(4):
        _sign_in(app, "lan", f"wrong password {attempt}")
        assert app.error[0].value == "Tên người dùng hoặc mật khẩu không đúng."
    _sign_in(app, "lan", "wrong password 5")
    assert app.error[0].value == "Đăng nhập sai quá nhiều lần nên tạm bị khoá. Thử lại sau 1 phút."
    clock[0] += timedelta(seconds=20)
    _sign_in(app, "lan", GOOD)
    assert "pv_user" not in app.session_state and "40 giây" in app.error[0].value
    assert [e["action"] for e in audit.entries(store)][0] == "sign_in_locked"
    clock[0] += timedelta(seconds=41)
    _sign_in(app, "lan", GOOD)
    assert app.session_state["pv_user"] == User("lan", "analyst") and not app.error


def test_an_unknown_name_reads_exactly_like_a_wrong_password(demo_db, monkeypatch, store):
    app = _app(demo_db, monkeypatch, anonymous=False)
    _sign_in(app, "ghost", GOOD)
    unknown = app.error[0].value
    _sign_in(app, "lan", "not the password")
    assert unknown == app.error[0].value


def test_a_disabled_user_is_signed_out_on_the_next_click(demo_db, monkeypatch, store):
    app = _app(demo_db, monkeypatch, User("lan", "analyst"), anonymous=False)
    assert app.session_state["pv_user"] == User("lan", "analyst")
    users.set_active("lan", False, "boss", store)
    app.run()
    assert "pv_user" not in app.session_state and app.title[0].value == "Đăng nhập"


def test_the_admin_page_works_on_an_empty_database(tmp_path, monkeypatch, store):
    """User management must not wait for data: a fresh install has users before it has scores."""
    app = _open(_app(tmp_path / "none.duckdb", monkeypatch, User("boss", "admin")), "admin")
    assert _admin_content(app) and app.title[0].value == "Quản trị"


def test_an_unusable_store_is_said_not_raised(demo_db, monkeypatch, store, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("PROVINDEX_WORKSPACE", str(blocker / "ws.sqlite"))
    app = _app(demo_db, monkeypatch, anonymous=False)
    _sign_in(app, "lan", GOOD)
    assert app.error[0].value.startswith("Không mở được kho người dùng") and "pv_user" not in app.session_state
