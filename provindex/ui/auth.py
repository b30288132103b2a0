"""The signed-in user of this browser session, the sign-in form, and the gate every page passes.

Pages never check roles themselves: ``page_setup`` calls :func:`require_role` with the page's
``PageSpec.min_role``, so a page opened by URL is refused as surely as a page absent from the menu.
The user is re-read from the store on every run (:func:`refresh_user`): a role change applies on the
next click, a disabled user is signed out. A session is the browser tab's connection: reloading the
page signs out (no cookie is set; ARCHITECTURE decision 35).
"""

from __future__ import annotations

import secrets
import sqlite3

import streamlit as st

from provindex import config, users
from provindex.auth import ANONYMOUS, User, allows
from provindex.i18n import t

#: Session-state key of the signed-in :class:`provindex.auth.User`.
USER_KEY = "pv_user"
#: Session-state key of this session's random id (its failed sign-ins count together).
SESSION_KEY = "pv_signin_session"


def current_user() -> User:
    """The user signed in in this session, else the anonymous viewer."""
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else ANONYMOUS


def anonymous_allowed() -> bool:
    """Whether visitors who have not signed in read the dashboard as viewers (``PROVINDEX_ANONYMOUS_VIEWERS``)."""
    return config.anonymous_viewers()


def refresh_user() -> User:
    """The session's user as the store has them now; an office (OIDC) identity is mapped on its first run."""
    user = st.session_state.get(USER_KEY)
    try:
        if isinstance(user, User) and not user.anonymous:
            fresh = users.session_user(user)
            if fresh is None:
                st.session_state.pop(USER_KEY, None)
            elif fresh != user:
                st.session_state[USER_KEY] = fresh
        elif st.user.get("is_logged_in"):
            mapped = users.oidc_user(st.user.to_dict())
            if mapped is not None:
                st.session_state[USER_KEY] = mapped
    except (sqlite3.Error, OSError):  # an unreadable store signs nobody in; the form says so
        st.session_state.pop(USER_KEY, None)
    return current_user()


def may_browse(user: User) -> bool:
    """Whether ``user`` sees the pages at all (a signed-in user, or anyone when anonymous viewers are allowed)."""
    return not user.anonymous or anonymous_allowed()


def require_role(needed: str, lang: str) -> User:
    """The current user when their role covers ``needed``; otherwise a refusal (and a sign-in form) and the run stops.

    With anonymous viewers off, a visitor who has not signed in sees only the sign-in form, on every page.
    """
    user = refresh_user()
    if may_browse(user) and allows(user.role, needed):
        return user
    from provindex.ui.state import language_switch  # the refusal has no page frame: draw the switch here

    lang = language_switch(lang)
    if not may_browse(user):
        st.title(t("signin.title", lang))
        st.caption(t("signin.intro", lang))
    else:
        st.error(t("auth.refused", lang, role=t(f"auth.role.{needed}", lang)), icon=":material/lock:")
    if user.anonymous:
        signin_form(lang, "main")
    st.stop()


def wait_text(seconds: int, lang: str) -> str:
    """How long a lock lasts, for a person: whole minutes from a minute up, else seconds."""
    if seconds >= 60:
        return t("signin.wait_minutes", lang, minutes=-(-seconds // 60))
    return t("signin.wait_seconds", lang, seconds=max(1, seconds))


def _session_id() -> str:
    if SESSION_KEY not in st.session_state:
        st.session_state[SESSION_KEY] = secrets.token_hex(16)
    return st.session_state[SESSION_KEY]


def signin_form(lang: str, where: str) -> None:
    """Name and password form (``where`` keeps the sidebar's and the page's widgets apart); reruns once signed in."""
    with st.form(f"pv_signin_{where}", clear_on_submit=False):
        name = st.text_input(t("signin.name", lang), key=f"pv_signin_name_{where}", max_chars=64,
                             autocomplete="username")
        password = st.text_input(t("signin.password", lang), type="password", key=f"pv_signin_password_{where}",
                                 max_chars=users.MAX_PASSWORD, autocomplete="current-password")
        submitted = st.form_submit_button(t("signin.submit", lang), type="primary")
    if submitted:
        try:
            result = users.authenticate(name, password, session=_session_id())
        except (sqlite3.Error, OSError):  # e.g. the workspace folder is read-only
            st.error(t("signin.store_unavailable", lang))
            return
        if result.status == "ok":
            st.session_state[USER_KEY] = result.user
            st.rerun()
        elif result.status == "locked":
            st.error(t("signin.locked", lang, wait=wait_text(result.retry_after, lang)), icon=":material/lock_clock:")
        else:
            st.error(t("signin.wrong", lang))
    _oidc_button(lang, where)


def _oidc_button(lang: str, where: str) -> None:
    """``st.login`` when the office has an identity provider (``[auth]`` in ``.streamlit/secrets.toml``)."""
    if "is_logged_in" not in st.user:
        return
    if st.user.get("is_logged_in"):  # signed in at the provider, but no local user of that name
        name = st.user.get("email") or st.user.get("sub") or "?"
        st.warning(t("signin.oidc_unknown", lang, name=name))
        return
    if st.button(t("signin.oidc_button", lang), key=f"pv_oidc_{where}", icon=":material/badge:"):
        st.login()


def account_box(lang: str) -> None:
    """Sidebar: who is signed in, with the sign-out button; a guest gets the sign-in form folded away."""
    user = current_user()
    if user.anonymous:
        if not anonymous_allowed():
            return  # the page itself shows the form
        with st.sidebar.expander(t("signin.title", lang), icon=":material/login:"):
            st.caption(t("signin.viewing_as_guest", lang))
            signin_form(lang, "sidebar")
        return
    st.sidebar.markdown(t("signin.signed_in_as", lang, name=user.name, role=t(f"auth.role.{user.role}", lang)))
    if st.sidebar.button(t("signin.sign_out", lang), key="pv_sign_out", icon=":material/logout:"):
        sign_out()


def sign_out() -> None:
    """Forget the session's user (and the provider's cookie) and start the run again as a guest."""
    st.session_state.pop(USER_KEY, None)
    if st.user.get("is_logged_in"):
        st.logout()
    st.rerun()
