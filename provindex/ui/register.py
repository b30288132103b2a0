"""The Register page (analyst): the current reform actions; add, edit, retire one; CSV import and export.

The form is one row of the register's import file: :func:`etl.register_edit.check_action` applies the
register's own rules, and saving goes through :mod:`etl.workspace_io`. A date in the future or a title a
spreadsheet would run as a formula is allowed only after the analyst ticks the confirmation.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from etl import register_edit, workspace_io
from etl.register_edit import RetireRefused
from provindex import schema
from provindex.catalog import unit_set_for_year
from provindex.i18n import localized, t
from provindex.ui.workspace import refused_on_fault

_DONE = "pv_reg_done"


def register_page(ctx) -> None:
    """The list of current actions, then the add / edit / retire form, then import and export."""
    lang = ctx.lang
    st.title(t("nav.register", lang))
    done = st.session_state.pop(_DONE, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    with refused_on_fault(lang):
        actions, targets = workspace_io.register()
    st.dataframe(register_table(actions, ctx.catalog, lang), hide_index=True, width="stretch")
    mode = st.radio(t("reg.mode", lang), ["add", "edit", "retire"], horizontal=True, key="pv_reg_mode",
                    format_func=lambda m: t(f"reg.mode_{m}", lang))
    ids = list(actions["action_id"]) if not actions.empty else []
    if mode == "add":
        action_form(ctx, {}, set(ids))
    elif not ids:
        st.info(t("reg.empty", lang))
    elif mode == "edit":
        chosen = st.selectbox(t("reg.pick", lang), ids, key="pv_reg_pick")
        row = actions[actions["action_id"] == chosen].iloc[0].to_dict()
        action_form(ctx, register_edit.form_values(row, targets), None)
    else:
        retire_form(ctx, ids)
    import_export(ctx, actions, targets)


def register_table(actions: pd.DataFrame, catalog, lang: str) -> pd.DataFrame:
    """Current actions as the analyst reads them (titles are shown as plain text by the table)."""
    if actions.empty:
        return pd.DataFrame()
    types = catalog.action_types.set_index("code")
    return pd.DataFrame({
        t("reg.col.id", lang): actions["action_id"],
        t("reg.col.unit", lang): [catalog.unit_name(s, c, lang) for s, c in zip(actions["unit_set"],
                                                                                 actions["unit_code"])],
        t("reg.col.year", lang): actions["year"].astype(int),
        t("reg.col.type", lang): [localized(types.loc[c], "name", lang) if c in types.index else c
                                  for c in actions["action_type"]],
        t("reg.col.title", lang): [localized(r, "title", lang) or "" for r in actions.to_dict("records")],
        t("reg.col.version", lang): actions["version"].astype(int),
        t("reg.col.by", lang): actions["created_by"].fillna(""),
    })


def action_form(ctx, values: dict, existing: set | None) -> None:
    """The fields of one action, the register's verdict, the confirmation of warnings and the save button."""
    lang, catalog = ctx.lang, ctx.catalog
    adding = existing is not None
    key = "add" if adding else f"edit_{values.get('action_id')}"
    raw = {**values, **_fields(ctx, values, key, adding)}  # an edit keeps the fields the form does not show
    check = register_edit.check_action(raw, catalog, existing=existing)
    for problem in check.problems:
        (st.error if problem.severity == "error" else st.warning)(problem.render(lang))
    confirmed = True
    if check.warnings:
        for warning_key, params in check.warnings:
            st.warning(t(warning_key, lang, **params), icon=":material/warning:")
        confirmed = st.checkbox(t("reg.confirm_warnings", lang), key=f"pv_reg_ok_{key}")
    if st.button(t("reg.save", lang), type="primary", disabled=not (check.ok and confirmed), key=f"pv_reg_save_{key}"):
        with refused_on_fault(lang):
            outcome = workspace_io.save_action(None, raw, ctx.user.name, adding)
        if outcome.status == "rejected":
            for problem in outcome.problems:
                st.error(problem.render(lang))
            return
        st.cache_data.clear()
        st.session_state[_DONE] = t(f"reg.saved_{outcome.status}", lang, action_id=raw["action_id"])
        st.rerun()


def _fields(ctx, values: dict, key: str, adding: bool) -> dict:
    """The widgets of the form; returns the row as the import file would hold it."""
    lang, catalog = ctx.lang, ctx.catalog
    left, right = st.columns(2)
    with left:
        action_id = st.text_input(t("reg.f.action_id", lang), values.get("action_id") or "", disabled=not adding,
                                  key=f"pv_reg_id_{key}")
        year = int(st.number_input(t("reg.f.year", lang), 1990, 2100, int(values.get("year") or ctx.year),
                                   key=f"pv_reg_year_{key}"))
        unit_set = unit_set_for_year(year)
        codes = list(catalog.units_of(unit_set)["code"])
        unit = values.get("unit_code") if values.get("unit_code") in codes else ctx.unit_code
        unit = st.selectbox(t("reg.f.unit", lang), codes, index=codes.index(unit) if unit in codes else 0,
                            format_func=lambda c: catalog.unit_name(unit_set, c, lang), key=f"pv_reg_unit_{key}")
        date = st.date_input(t("reg.f.date", lang), _date(values.get("date")), min_value=dt.date(1990, 1, 1),
                             max_value=dt.date(2100, 12, 31), key=f"pv_reg_date_{key}", format="DD/MM/YYYY")
        precision = _choice(t("reg.f.date_precision", lang), "date_precision", values, key, lang)
        types = catalog.action_types.set_index("code")
        type_codes = list(types.index)
        action_type = st.selectbox(t("reg.f.action_type", lang), type_codes,
                                   index=type_codes.index(values["action_type"])
                                   if values.get("action_type") in type_codes else 0,
                                   format_func=lambda c: localized(types.loc[c], "name", lang),
                                   key=f"pv_reg_type_{key}")
        grade = _choice(t("reg.f.evidence_grade", lang), "evidence_grade", values, key, lang)
    with right:
        title_vi = st.text_input(t("reg.f.title_vi", lang), values.get("title_vi") or "", key=f"pv_reg_tvi_{key}")
        title_en = st.text_input(t("reg.f.title_en", lang), values.get("title_en") or "", key=f"pv_reg_ten_{key}")
        components = list(catalog.components["code"])
        chosen = [c for c in str(values.get("target_components") or "").split(",") if c in components]
        targets = st.multiselect(t("reg.f.targets", lang), components, default=chosen,
                                 format_func=lambda c: catalog.component_label(c, lang, short=False),
                                 key=f"pv_reg_targets_{key}")
        sign = st.selectbox(t("reg.f.expected_sign", lang), [1, -1], index=0 if values.get("expected_sign", 1) == 1
                            else 1, format_func=lambda s: t(f"reg.sign_{'up' if s > 0 else 'down'}", lang),
                            key=f"pv_reg_sign_{key}")
        lag = int(st.number_input(t("reg.f.expected_lag", lang), 0, 10, int(values.get("expected_lag") or 1),
                                  key=f"pv_reg_lag_{key}"))
        persistence = _choice(t("reg.f.persistence", lang), "persistence", values, key, lang)
        end_date = st.date_input(t("reg.f.end_date", lang), _date(values.get("end_date")),
                                 min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31),
                                 key=f"pv_reg_end_{key}", format="DD/MM/YYYY")
        source = st.text_input(t("reg.f.source_document", lang), values.get("source_document") or "",
                               key=f"pv_reg_src_{key}")
    description = st.text_area(t("reg.f.description", lang), values.get("description") or "", key=f"pv_reg_desc_{key}")
    return {"action_id": action_id.strip(), "unit_code": unit, "unit_set": unit_set, "year": year, "date": date,
            "date_precision": precision, "action_type": action_type, "title_vi": title_vi.strip(),
            "title_en": title_en.strip(), "evidence_grade": grade, "target_components": ",".join(targets),
            "expected_sign": sign, "expected_lag": lag, "persistence": persistence, "end_date": end_date,
            "source_document": source.strip(), "description": description.strip()}


def _choice(label: str, column: str, values: dict, key: str, lang: str) -> str:
    """A picker over the values the schema allows for an ``action`` column."""
    allowed = list(schema.column("action", column).allowed)
    current = values.get(column)
    default = {"date_precision": "day", "evidence_grade": "A", "persistence": "absorbing"}[column]
    index = allowed.index(current) if current in allowed else allowed.index(default)
    return st.selectbox(label, allowed, index=index, key=f"pv_reg_{column}_{key}",
                        format_func=lambda v: t(f"reg.v.{column}.{v}", lang))


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def retire_form(ctx, ids: list[str]) -> None:
    """Withdraw one action from the register (a new version; its history stays)."""
    lang = ctx.lang
    chosen = st.selectbox(t("reg.pick", lang), ids, key="pv_reg_retire_pick")
    confirmed = st.checkbox(t("reg.retire_confirm", lang, action_id=chosen), key="pv_reg_retire_ok")
    if st.button(t("reg.retire", lang), disabled=not confirmed, key="pv_reg_retire", icon=":material/archive:"):
        try:
            with refused_on_fault(lang):
                workspace_io.retire_action(None, chosen, ctx.user.name)
        except RetireRefused:
            st.error(t("reg.retire_refused", lang, action_id=chosen))
            return
        st.cache_data.clear()
        st.session_state[_DONE] = t("reg.retired", lang, action_id=chosen)
        st.rerun()


def import_export(ctx, actions: pd.DataFrame, targets: pd.DataFrame) -> None:
    """CSV import (as ``python -m etl actions``) and the export of the current register."""
    lang = ctx.lang
    st.subheader(t("reg.import_title", lang))
    upload = st.file_uploader(t("reg.import_label", lang), type=["csv", "xlsx", "xls", "txt"], key="pv_reg_file")
    if upload is not None and st.button(t("reg.import", lang), key="pv_reg_import", icon=":material/upload:"):
        folder = Path(tempfile.mkdtemp(prefix="provindex-register-"))
        try:
            path = folder / (Path(upload.name).name or "register.csv")
            path.write_bytes(upload.getvalue())
            with refused_on_fault(lang):
                outcome = workspace_io.import_actions(None, path, path.name, ctx.user.name)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        for problem in outcome.problems:
            (st.error if problem.severity == "error" else st.warning)(problem.render(lang))
        if outcome.status != "rejected":
            st.cache_data.clear()
            st.success(t("reg.imported", lang, added=len(outcome.added), versioned=len(outcome.versioned),
                         unchanged=len(outcome.unchanged)))
    if not actions.empty:
        st.download_button(t("reg.export", lang), register_edit.export_csv(actions, targets),
                           file_name="provindex-register.csv", mime="text/csv", key="pv_reg_export",
                           icon=":material/download:", on_click="ignore")
