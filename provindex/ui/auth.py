"""The signed-in user of this browser session, and the gate every page passes.

The sign-in form, the user store and the anonymous-viewer setting build on this (issue 10); pages
never check roles themselves: ``page_setup`` refuses a page whose ``PageSpec.min_role`` the user
lacks, so a page opened by URL is refused as surely as a page absent from the menu.
"""

from __future__ import annotations

import streamlit as st

from provindex.auth import ANONYMOUS, User, allows
from provindex.i18n import t

#: Session-state key of the signed-in :class:`provindex.auth.User`.
USER_KEY = "pv_user"


def current_user() -> User:
    """The user signed in in this session, else the anonymous viewer."""
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else ANONYMOUS


def require_role(needed: str, lang: str) -> User:
    """The current user when their role covers ``needed``; otherwise a refusal and the run stops."""
    user = current_user()
    if not allows(user.role, needed):
        st.error(t("auth.refused", lang, role=t(f"auth.role.{needed}", lang)), icon=":material/lock:")
        st.stop()
    return user
