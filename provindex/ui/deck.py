"""Streamlit side of the review-conference deck: the Report page, the presentation mode and the PNG export.

The story (``provindex.deck.story``) is built once per (data version, unit, year, language) and cached;
the Report page offers it as PowerPoint and each chart as a PNG, the presentation mode shows it slide by
slide. Next/previous are buttons bound to the arrow keys (``st.button(shortcut=...)``, Streamlit 1.67), so
no script of our own runs in the browser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from provindex import store
from provindex.deck import figures
from provindex.deck.cli import template_path
from provindex.deck.data import DeckData
from provindex.deck.model import Slide, Story, TableSpec
from provindex.deck.pptx_writer import write_deck
from provindex.catalog import get_catalog
from provindex.deck.story import build_story
from provindex.errors import ProvindexError
from provindex.i18n import t
from provindex.ui.data import load_register

if TYPE_CHECKING:
    from provindex.ui import PageContext

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
#: Presentation mode: no sidebar, no header, the whole width, projector-size type.
PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
.block-container {max-width: 100% !important; padding: 1.2rem 2.5rem 1rem 2.5rem !important;}
.block-container h1 {font-size: 2.4rem !important;}
.block-container p, .block-container li, .block-container td, .block-container th {font-size: 1.3rem !important;}
</style>"""


@st.cache_data(max_entries=16, show_spinner=False)
def _cached_story(version: str, unit_code: str, year: int, lang: str, _data: DeckData) -> Story:
    return build_story(_data, unit_code, year, lang)


def deck_story(ctx: PageContext) -> Story:
    """The story of the page's unit and year in the page's language (cached per data version)."""
    targets = load_register()[1]
    data = DeckData(ctx.scores, ctx.meta, ctx.actions, targets)
    return _cached_story(store.current_version(), ctx.unit_code, ctx.year, ctx.lang, data)


@st.cache_data(max_entries=8, show_spinner=False)
def _cached_pptx(version: str, unit_code: str, year: int, lang: str, template: str, _story: Story) -> bytes:
    return write_deck(_story, template or None)


def _file_stem(story: Story) -> str:
    return f"provindex_{story.unit_code}_{story.year}_{story.lang}"


def render_report(story: Story, ctx: PageContext) -> None:
    """The Report page: the slide list, the PowerPoint download, the presentation link and the PNG export."""
    lang = ctx.lang
    st.title(t("report.title", lang, unit=story.unit_name, year=story.year))
    st.caption(t("report.caption", lang, n=len(story.slides)))
    template = template_path()
    try:
        data = _cached_pptx(store.current_version(), story.unit_code, story.year, lang, str(template or ""), story)
    except ProvindexError as exc:
        st.error(exc.screen_message(lang))
        return
    left, right = st.columns(2)
    with left:
        st.download_button(t("report.download", lang), data, file_name=f"{_file_stem(story)}.pptx", mime=PPTX_MIME,
                           key="deck_pptx", on_click="ignore", icon=":material/slideshow:", type="primary")
    with right:
        st.markdown(f"[{t('report.present_link', lang)}](present?unit={story.unit_code}&year={story.year}"
                    f"&lang={lang})")
    if template:
        st.caption(t("report.template", lang, name=template.name))
    st.subheader(t("report.slides", lang))
    st.markdown("\n".join(f"{k}. {s.title}" for k, s in enumerate(story.slides, start=1)))
    render_png_export(story, lang)


def render_png_export(story: Story, lang: str) -> None:
    """Any chart of the story as a 1920×1080 PNG made on the server (besides each chart's own download)."""
    from provindex import png

    st.subheader(t("png.title", lang))
    specs = {c.key: c for c in story.charts()}
    if not specs:
        return
    key = st.selectbox(t("png.chart", lang), list(specs), format_func=lambda k: specs[k].title, key="png_chart")
    if st.button(t("png.make", lang), key="png_make", icon=":material/image:"):
        try:
            with st.spinner(t("png.working", lang)):
                picture = figures.export_figure(specs[key], get_catalog(), story.unit_name, story.year, lang,
                                                simulated=story.stamp is not None)
                st.session_state["png_bytes"] = (key, png.to_png(picture))
        except ProvindexError as exc:
            st.session_state.pop("png_bytes", None)
            st.warning(exc.screen_message(lang))
    made = st.session_state.get("png_bytes")
    if made and made[0] == key:
        st.download_button(t("png.download", lang), made[1], file_name=f"{_file_stem(story)}_{key}.png",
                           mime="image/png", key="png_download", on_click="ignore", icon=":material/download:")


# -- presentation mode ---------------------------------------------------------------------------------------
def _slide_number(total: int) -> int:
    """The shown slide (1-based): this session's, else ``?slide=`` from the URL, else the first."""
    if "pv_slide" not in st.session_state:
        raw = st.query_params.get("slide", "1")
        st.session_state["pv_slide"] = int(raw) if raw.isdigit() and len(raw) < 4 else 1
    number = min(max(1, int(st.session_state["pv_slide"])), total)
    st.session_state["pv_slide"] = number
    return number


def _step(delta: int, total: int) -> None:
    st.session_state["pv_slide"] = min(max(1, st.session_state.get("pv_slide", 1) + delta), total)


def _table_frame(spec: TableSpec) -> pd.DataFrame:
    return pd.DataFrame(spec.rows, columns=spec.columns)


def render_slide(slide: Slide, lang: str) -> None:
    """One slide as a full-width page: title, subtitle, charts, table and bullets in large type."""
    st.title(slide.title)
    if slide.subtitle:
        st.subheader(slide.subtitle)
    visuals = [("chart", c) for c in slide.charts] + ([("table", slide.table)] if slide.table else [])
    if visuals and slide.bullets and len(visuals) == 1:
        main, side = st.columns([3, 2])
    else:
        main, side = st.container(), st.container()
    with main:
        columns = st.columns(len(visuals)) if len(visuals) > 1 else [st.container()] * len(visuals)
        for column, (kind, item) in zip(columns, visuals):
            with column:
                if kind == "chart":
                    st.plotly_chart(figures.figure(item, lang, height=480), key=f"present_{item.key}", theme=None,
                                    config={"displaylogo": False, "displayModeBar": False})
                else:
                    st.table(_table_frame(item).set_index(item.columns[0]))
    with side:
        if slide.bullets:
            st.markdown("\n".join(f"- {line}" for line in slide.bullets))


def render_presentation(story: Story, lang: str) -> None:
    """The presentation mode: one slide, then previous/next buttons bound to the arrow keys."""
    st.html(PRESENT_CSS)
    total = len(story.slides)
    number = _slide_number(total)
    if st.query_params.get("slide") != str(number):
        st.query_params["slide"] = str(number)
    render_slide(story.slides[number - 1], lang)
    back, counter, forward = st.columns([1, 4, 1])
    with back:
        st.button(t("present.previous", lang), key="present_prev", shortcut="Left", on_click=_step, args=(-1, total),
                  disabled=number == 1)
    with counter:
        st.caption(t("present.counter", lang, n=number, total=total) + f" · [{t('present.exit', lang)}]"
                   f"(report?unit={story.unit_code}&year={story.year}&lang={lang})")
    with forward:
        st.button(t("present.next", lang), key="present_next", shortcut="Right", on_click=_step, args=(1, total),
                  disabled=number == total)
