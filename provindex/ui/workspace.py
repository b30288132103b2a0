"""The Data page (analyst): upload, review, map, confirm; the history of loads with rollback; downloads.

Layout only: the review is :func:`etl.preview.review_upload` (the ``load --dry-run`` of the files), every
read and write goes through :mod:`etl.workspace_io`. Uploaded files are kept in a private temporary
folder of the session (mode 0700) under their own names, so messages name the file the analyst chose.
"""

from __future__ import annotations

import hashlib
import math
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd
import streamlit as st

from etl import preview, workspace_io
from provindex import config
from provindex.errors import ProvindexError
from provindex.i18n import t
from provindex.text import format_number, ranges_text

_UPLOAD = "pv_dp_upload"  # session: {"signature", "dir", "paths", "names"}
_APPLIED = "pv_dp_applied"  # session: {header: target} mappings the analyst applied
_REVIEW = "pv_dp_review"  # session: (key, UploadReview) of the last dry run
_DONE = "pv_dp_done"  # session: the message of the last load or rollback, shown once


@contextmanager
def refused_on_fault(lang: str) -> Iterator[None]:
    """A database fault (busy, newer schema, a refused rollback) ends the run with its designed message."""
    try:
        yield
    except ProvindexError as exc:
        st.error(exc.screen_message(lang), icon=":material/error:")
        st.stop()


def data_page(ctx) -> None:
    """The whole page: three tabs (upload and review, history, download)."""
    st.title(t("nav.data", ctx.lang))
    done = st.session_state.pop(_DONE, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    upload, history, download = st.tabs([t("dp.tab_upload", ctx.lang), t("dp.tab_history", ctx.lang),
                                         t("dp.tab_download", ctx.lang)])
    with upload:
        upload_tab(ctx)
    with history:
        history_tab(ctx)
    with download:
        download_tab(ctx)


def upload_tab(ctx) -> None:
    """File picker, then the review of what was uploaded and the confirm button."""
    lang = ctx.lang
    limit = config.max_file_bytes()
    files = st.file_uploader(t("dp.upload_label", lang), type=["csv", "txt", "xlsx", "xls"],
                             accept_multiple_files=True, key="pv_dp_files",
                             max_upload_size=max(1, math.ceil(limit / 2**20)),
                             help=t("dp.upload_help", lang, limit=format_number(limit / 2**20, lang, 0)))
    if not files:
        _forget_upload()
        return
    saved = _saved(files)
    review = _review(saved, lang, ctx.catalog)
    for file_review in review.files:
        render_file(file_review, lang)
    _mapping_controls(review, lang, ctx.catalog)
    if review.status != "dry-run":
        st.error(t("dp.rejected", lang), icon=":material/block:")
        return
    render_diff(review, lang)
    if not review.can_load:
        st.info(t("dp.nothing_new", lang))
        return
    if st.button(t("dp.confirm", lang), type="primary", key="pv_dp_confirm", icon=":material/upload:"):
        _confirm(saved, ctx)


def _saved(files) -> dict:
    """The uploads written once per distinct set of files into the session's private folder."""
    signature = hashlib.sha256(b"".join(hashlib.sha256(f.getvalue()).digest() + f.name.encode()
                                        for f in files)).hexdigest()
    saved = st.session_state.get(_UPLOAD)
    if saved and saved["signature"] == signature:
        return saved
    _forget_upload()
    folder = Path(tempfile.mkdtemp(prefix="provindex-upload-"))
    paths, names = [], []
    for position, upload in enumerate(files):
        safe = Path(upload.name).name or f"upload-{position}"
        target = folder / str(position) / safe  # one folder per file: two uploads may share a name
        target.parent.mkdir(mode=0o700)
        target.write_bytes(upload.getvalue())
        paths.append(target)
        names.append(safe)
    saved = {"signature": signature, "dir": str(folder), "paths": paths, "names": names}
    st.session_state[_UPLOAD] = saved
    return saved


def _forget_upload() -> None:
    saved = st.session_state.pop(_UPLOAD, None)
    st.session_state.pop(_APPLIED, None)
    st.session_state.pop(_REVIEW, None)
    if saved:
        shutil.rmtree(saved["dir"], ignore_errors=True)


def _review(saved: dict, lang: str, catalog) -> preview.UploadReview:
    """The dry run of the uploads with the applied mappings, kept until the files, mappings or language change."""
    applied = st.session_state.get(_APPLIED, {})
    key = (saved["signature"], tuple(sorted(applied.items())), lang)
    cached = st.session_state.get(_REVIEW)
    if cached and cached[0] == key:
        return cached[1]
    with st.spinner(t("dp.reviewing", lang)), refused_on_fault(lang):
        review = preview.review_upload(saved["paths"], saved["names"], None,
                                       preview.given_mappings(applied, catalog), lang, catalog)
    st.session_state[_REVIEW] = (key, review)
    return review


def render_file(review: preview.FileReview, lang: str) -> None:
    """One file: verdict, what was detected, its problems (cells highlighted), notes and the tidy preview."""
    icon = ":material/check_circle:" if review.ok else ":material/error:"
    with st.expander(f"{review.name} — {t('dp.file_ok' if review.ok else 'dp.file_refused', lang)}",
                     expanded=True, icon=icon):
        if review.detected:
            st.markdown(" · ".join(f"**{t(f'dp.detected.{k}', lang)}:** {v}" for k, v in review.detected.items()))
        for problem in review.problems:
            show = st.error if problem.severity == "error" else st.warning
            show(f"{problem.where}: {problem.message}")
        for note in review.notes:
            st.caption(note)
        if review.grid is not None:
            st.caption(t("dp.grid_caption", lang))
            st.dataframe(preview.highlighted(review.grid, review.problems), width="stretch")
        if not review.tidy.empty:
            st.caption(t("dp.tidy_caption", lang, n=len(review.tidy)))
            st.dataframe(review.tidy, hide_index=True, width="stretch",
                         column_config={t("dp.col.value", lang): st.column_config.NumberColumn(format="%.2f")})


def _mapping_controls(review: preview.UploadReview, lang: str, catalog) -> None:
    """One picker per unknown column (the ``--map`` choices, closest first) and the button that applies them."""
    unknown = {u.header: u for f in review.files for u in f.unknown}
    applied = dict(st.session_state.get(_APPLIED, {}))
    if not unknown and not applied:
        return
    st.subheader(t("dp.map_title", lang))
    st.caption(t("dp.map_help", lang))
    picks = {}
    for position, column in enumerate(unknown.values()):
        options = list(column.choices)
        picks[column.header] = st.selectbox(
            t("dp.map_pick", lang, header=column.header, column=column.column), options,
            index=options.index(column.default), format_func=column.choices.get, key=f"pv_dp_map_{position}")
    if applied:
        st.caption(t("dp.map_applied", lang, mappings="; ".join(
            f"{h} → {preview.target_label(v, catalog, lang)}" for h, v in applied.items())))
    if picks and st.button(t("dp.map_apply", lang), key="pv_dp_map_apply", icon=":material/rule:"):
        st.session_state[_APPLIED] = {**applied, **picks}
        st.rerun()


def render_diff(review: preview.UploadReview, lang: str) -> None:
    """What a load would change: per index and year, then every changed value old → new."""
    st.subheader(t("dp.diff_title", lang))
    st.dataframe(review.scopes.drop(columns=["status_code"]), hide_index=True, width="stretch")
    if not review.changes.empty:
        st.caption(t("dp.changes_caption", lang, n=len(review.changes)))
        st.dataframe(review.changes, hide_index=True, width="stretch")


def _confirm(saved: dict, ctx) -> None:
    """Load as the signed-in analyst, drop every cached read so each session sees the new data, report."""
    lang = ctx.lang
    applied = st.session_state.get(_APPLIED, {})
    with st.spinner(t("dp.loading", lang)), refused_on_fault(lang):
        outcome = workspace_io.load_files(saved["paths"], saved["names"], None, ctx.user.name,
                                          preview.given_mappings(applied, ctx.catalog))
    st.cache_data.clear()
    if outcome.status not in ("loaded", "unchanged"):
        st.error(t("dp.rejected", lang))
        return
    scopes, _ = preview.diff_tables(outcome.diffs, ctx.catalog, lang)
    lines = [f"{row[0]} {row[1]}: {row[2]}" for row in scopes.itertuples(index=False)]
    notes = preview.outcome_notes(outcome, ctx.catalog, lang)
    st.session_state[_DONE] = "\n\n".join([t(f"dp.done_{outcome.status}", lang, n=outcome.rows), *lines, *notes])
    st.session_state.pop(_REVIEW, None)
    st.rerun()


def history_tab(ctx) -> None:
    """Every load (who, when, file, sha256, rows, status); rollback, re-activation, the original file."""
    lang = ctx.lang
    with refused_on_fault(lang):
        history = workspace_io.load_history()
    if history.empty:
        st.info(t("dp.history_empty", lang))
        return
    st.dataframe(history_table(history, lang), hide_index=True, width="stretch")
    # pickers keyed by the history's state: after a load or a rollback they start again from the newest load
    state = f"{history['load_id'].max()}_{(history['status'] == 'rolled_back').sum()}"
    rolled = history["status"] == "rolled_back"
    _undo_controls(ctx, history[~rolled], "rollback", state)
    _undo_controls(ctx, history[rolled], "reactivate", state)
    _original_controls(history, lang, state)


def _undo_controls(ctx, loads: pd.DataFrame, kind: str, state: str) -> None:
    """Pick a load, confirm, then roll it back (``rollback``) or re-activate a rolled-back one (``reactivate``)."""
    lang = ctx.lang
    if loads.empty:
        return
    st.subheader(t(f"dp.{kind}_title", lang))
    choice = st.selectbox(t(f"dp.{kind}_pick", lang), list(loads["load_id"]), key=f"pv_dp_{kind}_pick_{state}",
                          format_func=lambda i: _load_label(loads, i))
    confirmed = st.checkbox(t(f"dp.{kind}_confirm", lang, load_id=choice), key=f"pv_dp_{kind}_ok_{choice}")
    if st.button(t(f"dp.{kind}", lang), disabled=not confirmed, key=f"pv_dp_{kind}",
                 icon=":material/undo:" if kind == "rollback" else ":material/redo:"):
        with refused_on_fault(lang):
            getattr(workspace_io, kind)(None, int(choice), ctx.user.name)
        st.cache_data.clear()
        st.session_state[_DONE] = t(f"dp.{kind}_done", lang, load_id=choice)
        st.rerun()


def _original_controls(history: pd.DataFrame, lang: str, state: str) -> None:
    """The file a load read, byte for byte, for the loads whose original was kept."""
    kept = history[[workspace_io.original_kept(None, sha) for sha in history["sha256"]]]
    st.subheader(t("dp.original_title", lang))
    if kept.empty:
        st.caption(t("dp.original_none", lang))
        return
    choice = int(st.selectbox(t("dp.original_pick", lang), list(kept["load_id"]), key=f"pv_dp_original_{state}",
                              format_func=lambda i: _load_label(kept, i)))
    name = Path(str(kept.set_index("load_id").loc[choice, "file_name"])).name or "original"
    st.download_button(t("dp.original_download", lang, file=name), lambda: workspace_io.original(None, choice)[1],
                       file_name=name, key=f"pv_dp_original_dl_{choice}", icon=":material/download:",
                       on_click="ignore")


def history_table(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The history with readable headers and states."""
    state = ["rolled_back" if s == "rolled_back" else ("current" if c == n else ("replaced" if c == 0 else "partly"))
             for s, c, n in zip(history["status"], history["current_scopes"], history["scopes"])]
    return pd.DataFrame({
        t("dp.h.id", lang): history["load_id"], t("dp.h.at", lang): history["at"].astype(str).str[:19],
        t("dp.h.user", lang): history["user"].fillna(""), t("dp.h.file", lang): history["file_name"],
        t("dp.h.index", lang): history["index"], t("dp.h.years", lang): history["years"].map(_years),
        t("dp.h.rows", lang): history["rows"], t("dp.h.state", lang): [t(f"dp.state.{s}", lang) for s in state],
        t("dp.h.sha256", lang): history["sha256"].fillna(""),
    })


def _load_label(frame: pd.DataFrame, load_id) -> str:
    row = frame[frame["load_id"] == load_id].iloc[0]
    return f"#{load_id} · {row['file_name']} · {row['index']} {_years(row['years'])} · {str(row['at'])[:16]}"


def _years(years: str) -> str:
    """'2006,2007,2008,2010' -> '2006–2008, 2010'."""
    return ranges_text(int(y) for y in str(years).split(",") if y.strip().isdigit())


def download_tab(ctx) -> None:
    """Current data as CSV and XLSX (the ``etl export`` layout), built when clicked, formulas neutralised."""
    lang = ctx.lang
    st.caption(t("dp.download_help", lang))
    left, right = st.columns(2)
    with left:
        st.download_button(t("dp.download_csv", lang), lambda: workspace_io.current_data(None, "csv"),
                           file_name="provindex-data.csv", mime="text/csv", key="pv_dp_csv",
                           icon=":material/download:", on_click="ignore")
    with right:
        st.download_button(t("dp.download_xlsx", lang), lambda: workspace_io.current_data(None, "xlsx"),
                           file_name="provindex-data.xlsx", key="pv_dp_xlsx", icon=":material/download:",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           on_click="ignore")
