"""The administration page: users (list, add, change role, disable, reset password) and the audit log.

Every change goes through ``provindex.users`` (which audits it in the same transaction) as the signed-in
administrator; the page's gate (:func:`provindex.ui.auth.require_role`) runs on every click, so a role
taken away meanwhile stops the next action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from provindex import audit, users
from provindex.auth import ROLES, User
from provindex.i18n import t
from provindex.ui.auth import require_role
from provindex.ui.navigation import page_spec
from provindex.ui.state import current_lang, language_switch

_FLASH = "pv_admin_flash"
#: The page shows at most this many entries (filters narrow it; the CLI exports everything).
SHOWN_ENTRIES = 5000


@dataclass(frozen=True)
class AdminContext:
    """Language and the administrator acting."""

    lang: str
    user: User


def admin_setup() -> AdminContext:
    """Gate (admin role), language switch and title; the page needs no index data, so an empty database is fine."""
    user = require_role(page_spec("admin").min_role, current_lang())
    lang = language_switch(current_lang())
    st.title(t("admin.title", lang))
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    return AdminContext(lang, user)


def _role_label(role: str, lang: str) -> str:
    return t(f"auth.role.{role}", lang)


def users_table(rows: list[users.StoredUser], lang: str) -> pd.DataFrame:
    """The users as the page lists them: labels in ``lang``, times in Vietnam time, never a hash."""
    return pd.DataFrame([{t("admin.col_name", lang): u.name, t("admin.col_role", lang): _role_label(u.role, lang),
                          t("admin.col_state", lang): t("users.active" if u.active else "users.inactive", lang),
                          t("admin.col_created", lang): audit.local_time(u.created_at),
                          t("admin.col_changed", lang): audit.local_time(u.changed_at),
                          t("admin.col_changed_by", lang): u.changed_by} for u in rows])


def _apply(ctx: AdminContext, change, message_key: str, **params) -> None:
    """Run one store change; success is shown after the rerun (the table reloads), a refusal right here."""
    try:
        change()
    except users.UserError as exc:
        st.error(exc.message(ctx.lang))
        return
    st.session_state[_FLASH] = t(message_key, ctx.lang, **params)
    st.rerun()


def render_users(ctx: AdminContext) -> None:
    """The users' table and the forms that add and change them."""
    lang = ctx.lang
    st.header(t("admin.users", lang))
    rows = users.list_users()
    if rows:
        st.dataframe(users_table(rows, lang), hide_index=True, width="stretch")
    else:
        st.info(t("admin.users_empty", lang))
    left, right = st.columns(2)
    with left:
        _add_form(ctx)
    with right:
        if rows:
            _change_form(ctx, [u.name for u in rows])


def _add_form(ctx: AdminContext) -> None:
    lang = ctx.lang
    with st.form("pv_admin_add", clear_on_submit=True):
        st.subheader(t("admin.add", lang))
        name = st.text_input(t("admin.name", lang), max_chars=64, key="pv_admin_add_name")
        role = st.selectbox(t("admin.role", lang), ROLES, format_func=lambda r: _role_label(r, lang),
                            key="pv_admin_add_role")
        password = st.text_input(t("admin.password", lang, minimum=users.MIN_PASSWORD), type="password",
                                 max_chars=users.MAX_PASSWORD, key="pv_admin_add_password", autocomplete="new-password")
        if st.form_submit_button(t("admin.add_submit", lang), type="primary"):
            _apply(ctx, lambda: users.add_user(name, role, password, ctx.user.name), "admin.added",
                   name=users.normalise_name(name), role=_role_label(role, lang))


def _change_form(ctx: AdminContext, names: list[str]) -> None:
    lang = ctx.lang
    st.subheader(t("admin.change", lang))
    who = st.selectbox(t("admin.who", lang), names, key="pv_admin_who")
    with st.form("pv_admin_role"):
        role = st.selectbox(t("admin.new_role", lang), ROLES, format_func=lambda r: _role_label(r, lang),
                            key="pv_admin_new_role")
        if st.form_submit_button(t("admin.role_submit", lang)):
            _apply(ctx, lambda: users.set_role(who, role, ctx.user.name), "admin.role_done", name=who,
                   role=_role_label(role, lang))
    with st.form("pv_admin_password", clear_on_submit=True):
        password = st.text_input(t("admin.new_password", lang, minimum=users.MIN_PASSWORD), type="password",
                                 max_chars=users.MAX_PASSWORD, key="pv_admin_new_password", autocomplete="new-password")
        if st.form_submit_button(t("admin.password_submit", lang)):
            _apply(ctx, lambda: users.set_password(who, password, ctx.user.name), "admin.password_done", name=who)
    disable, enable = st.columns(2)
    if disable.button(t("admin.disable", lang), key="pv_admin_disable", icon=":material/block:"):
        _apply(ctx, lambda: users.set_active(who, False, ctx.user.name), "admin.disable_done", name=who)
    if enable.button(t("admin.enable", lang), key="pv_admin_enable", icon=":material/check:"):
        _apply(ctx, lambda: users.set_active(who, True, ctx.user.name), "admin.enable_done", name=who)


def render_audit(ctx: AdminContext) -> None:
    """The audit log, newest first, filtered by action, actor and days, with CSV and XLSX downloads."""
    lang = ctx.lang
    st.header(t("admin.audit", lang))
    every = t("admin.filter_all", lang)
    kind, actor, since, until = st.columns(4)
    action = kind.selectbox(t("admin.filter_action", lang), [every, *audit.ACTIONS], key="pv_audit_action",
                            format_func=lambda a: a if a == every else t(f"audit.action.{a}", lang))
    who = actor.selectbox(t("admin.filter_actor", lang), [every, *audit.actors()], key="pv_audit_actor")
    start: date | None = since.date_input(t("admin.filter_from", lang), value=None, key="pv_audit_from",
                                          format="DD/MM/YYYY")
    end: date | None = until.date_input(t("admin.filter_to", lang), value=None, key="pv_audit_to",
                                        format="DD/MM/YYYY")
    rows = audit.entries(limit=SHOWN_ENTRIES, action=None if action == every else action,
                         actor=None if who == every else who, since=start, until=end)
    if not rows:
        st.info(t("admin.audit_empty", lang))
        return
    frame = audit.table(rows, lang)
    st.caption(t("admin.shown", lang, count=len(frame)))
    st.dataframe(frame, hide_index=True, width="stretch")
    csv_col, xlsx_col = st.columns(2)
    csv_col.download_button(t("admin.download_csv", lang), audit.csv_bytes(frame), "provindex-audit.csv",
                            mime="text/csv", icon=":material/download:", key="pv_audit_csv")
    xlsx_col.download_button(t("admin.download_xlsx", lang), audit.xlsx_bytes(frame, t("audit.sheet", lang)),
                             "provindex-audit.xlsx", icon=":material/download:", key="pv_audit_xlsx",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
