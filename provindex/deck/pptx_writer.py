"""A :class:`~provindex.deck.model.Story` as an editable 16:9 PowerPoint file (python-pptx).

Charts are native chart objects holding the story's numbers, tables are native tables, the narrative
and the source of each figure go to the speaker notes. Text is set in Arial, which has every Vietnamese
glyph in PowerPoint and maps to Liberation Sans in LibreOffice. An office template (``--template`` or
``PROVINDEX_DECK_TEMPLATE``) supplies its own masters, layouts, fonts and colours: then the writer only
places content and leaves styling to the template's theme.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.exc import PackageNotFoundError
from pptx.util import Emu, Inches, Pt

from provindex.deck.model import ChartSpec, DeckError, Slide, Story, TableSpec
from provindex.i18n import t

FONT = "Arial"
WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in: PowerPoint's own 16:9
MARGIN = Inches(0.5)
TOP = Inches(1.45)
BOTTOM = Inches(7.0)
#: Okabe–Ito, the dashboard's palette (focal unit first); used only without an office template.
PALETTE = ("0072B2", "999999", "E69F00", "009E73", "CC79A7", "56B4E9")
CHART_TYPES = {"line": XL_CHART_TYPE.LINE_MARKERS, "bar": XL_CHART_TYPE.COLUMN_CLUSTERED,
               "radar": XL_CHART_TYPE.RADAR_MARKERS}


@dataclass
class Box:
    """A rectangle on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int


def _open(template: Path | None) -> Presentation:
    """The office template without its own slides, or python-pptx's default resized to 16:9."""
    if template is None:
        prs = Presentation()
        prs.slide_width, prs.slide_height = WIDTH, HEIGHT
        return prs
    try:
        prs = Presentation(str(template))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, PackageNotFoundError) as exc:
        raise DeckError("deck.error.template", path=template.name, detail=str(exc)[:200]) from exc
    slide_ids = prs.slides._sldIdLst
    for slide_id in list(slide_ids):
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)
    return prs


def _layout(prs: Presentation):
    """The 'Title Only' layout (by name, else the one with a title and the fewest placeholders)."""
    layouts = list(prs.slide_layouts)
    for layout in layouts:
        if layout.name.lower().replace(" ", "") in ("titleonly", "chỉtiêuđề"):
            return layout
    titled = [lay for lay in layouts if any(p.placeholder_format.type == 1 for p in lay.placeholders)]
    return min(titled or layouts, key=lambda lay: len(lay.placeholders))


def _style_runs(frame, size: int | None, styled: bool, bold: bool = False, color: str | None = None) -> None:
    """Font of every run in a text frame (name only without a template: a template's theme font wins)."""
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            if styled:
                run.font.name = FONT
            if size:
                run.font.size = Pt(size)
            run.font.bold = bold or None
            if color:
                run.font.color.rgb = RGBColor.from_string(color)


def _text(slide, box: Box, lines: list[str], size: int, styled: bool, bold: bool = False,
          color: str | None = None, align=None) -> None:
    """A text box of ``lines`` (one paragraph each), wrapped."""
    shape = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
    frame = shape.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line
        if align is not None:
            paragraph.alignment = align
        paragraph.space_after = Pt(6)
    _style_runs(frame, size, styled, bold, color)


def _chart(slide, box: Box, spec: ChartSpec, styled: bool) -> None:
    """A native chart of ``spec`` (the numbers are the chart's own data, editable in PowerPoint)."""
    data = CategoryChartData(number_format="0" if spec.decimals == 0 else "0." + "0" * spec.decimals)
    data.categories = [str(c) for c in spec.categories]
    for name, values in spec.series:
        data.add_series(name, values)
    chart = slide.shapes.add_chart(CHART_TYPES[spec.kind], box.left, box.top, box.width, box.height, data).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = spec.title
    _style_runs(chart.chart_title.text_frame, 14, styled, bold=True)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.font.size = Pt(11)
    if styled:
        chart.font.name = FONT
        for i, series in enumerate(chart.plots[0].series):
            color = RGBColor.from_string(PALETTE[i % len(PALETTE)])
            if spec.kind == "bar":
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = color
            else:
                series.format.line.color.rgb = color
                series.format.line.width = Pt(3.0 if i == 0 else 1.75)
    if spec.kind != "radar":
        axis = chart.value_axis
        axis.tick_labels.number_format = "0" if spec.decimals == 0 else "0.0"
        axis.tick_labels.number_format_is_linked = False
        axis.has_major_gridlines = True


def _table(slide, box: Box, spec: TableSpec, styled: bool) -> None:
    """A native table; the focal unit's row in bold."""
    rows = len(spec.rows) + 1
    height = min(box.height, Inches(0.4) * rows)
    table = slide.shapes.add_table(rows, len(spec.columns), box.left, box.top, box.width, height).table
    size = 12 if rows <= 10 else 10
    for j, width in enumerate(_column_widths(spec, box.width, size)):
        table.columns[j].width = width
    for j, name in enumerate(spec.columns):
        table.cell(0, j).text = name
        _style_runs(table.cell(0, j).text_frame, size, styled, bold=True)
    for i, row in enumerate(spec.rows, start=1):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = value
            _style_runs(cell.text_frame, size, styled, bold=(i - 1 == spec.highlight))


def _column_widths(spec: TableSpec, total: int, size: int) -> list[int]:
    """Each column at least as wide as its longest word ("2023" never breaks), the rest by text length.

    Longer texts get more of the remaining width (square root of their length), so rows wrap less.
    """
    texts = [[spec.columns[j]] + [r[j] for r in spec.rows] for j in range(len(spec.columns))]
    floors = [int(Pt(size) * 0.62 * max(len(w) for t in column for w in t.split() or [""])) + int(Inches(0.22))
              for column in texts]
    weights = [max(len(t) for t in column) ** 0.5 for column in texts]
    spare = total - sum(floors)
    if spare <= 0:
        return [int(total * f / sum(floors)) for f in floors]
    return [f + int(spare * w / sum(weights)) for f, w in zip(floors, weights)]


def _regions(slide: Slide, width: int) -> tuple[list[Box], Box | None]:
    """Boxes for the visuals (charts, then the table) and for the bullets, by what the slide holds."""
    visuals = len(slide.charts) + (slide.table is not None)
    full = Box(MARGIN, TOP, width - 2 * MARGIN, BOTTOM - TOP)
    if not visuals:
        return [], full
    bullets = bool(slide.bullets)
    if visuals == 1 and bullets:
        split = int(full.width * 0.58)
        return [Box(full.left, full.top, split, full.height)], \
            Box(full.left + split + Inches(0.3), full.top, full.width - split - Inches(0.3), full.height)
    top_height = int(full.height * (0.68 if bullets and visuals > 1 else 1.0))
    gap = Inches(0.3)
    each = int((full.width - gap * (visuals - 1)) / visuals)
    boxes = [Box(full.left + k * (each + gap), full.top, each, top_height) for k in range(visuals)]
    text = Box(full.left, full.top + top_height + Inches(0.1), full.width, full.height - top_height - Inches(0.1)) \
        if bullets else None
    return boxes, text


def _fill(prs: Presentation, slide: Slide, number: int, story: Story, styled: bool) -> None:
    """One slide: title, subtitle, visuals, bullets, stamp, page number and speaker notes."""
    page = prs.slides.add_slide(_layout(prs))
    width = prs.slide_width
    title = page.shapes.title
    if title is not None:
        title.text = slide.title
        if styled:
            title.left, title.top, title.width, title.height = MARGIN, Inches(0.3), width - 2 * MARGIN, Inches(0.9)
        _style_runs(title.text_frame, 30 if styled else None, styled, bold=styled)
    if slide.subtitle:
        _text(page, Box(MARGIN, Inches(1.05), width - 2 * MARGIN, Inches(0.4)), [slide.subtitle], 16, styled)
    boxes, text_box = _regions(slide, width)
    for box, chart in zip(boxes, slide.charts):
        _chart(page, box, chart, styled)
    if slide.table is not None:
        _table(page, boxes[len(slide.charts)], slide.table, styled)
    if text_box is not None and slide.bullets:
        size = 20 if not boxes else (14 if len(slide.bullets) > 4 or len(boxes) > 1 else 16)
        _text(page, text_box, slide.bullets, size, styled)
    if story.stamp:
        _text(page, Box(width - Inches(4.6), Inches(0.05), Inches(4.4), Inches(0.35)), [story.stamp], 14, True,
              bold=True, color="C00000", align=PP_ALIGN.RIGHT)
    _text(page, Box(width - Inches(1.6), Inches(7.05), Inches(1.3), Inches(0.35)),
          [t("deck.slide_of", story.lang, n=number, total=len(story.slides))], 11, styled, align=PP_ALIGN.RIGHT)
    page.notes_slide.notes_text_frame.text = "\n".join(slide.notes)


def write_deck(story: Story, template: Path | str | None = None) -> bytes:
    """The story as .pptx bytes (16:9 unless the office template says otherwise)."""
    path = Path(template) if template else None
    prs = _open(path)
    for number, slide in enumerate(story.slides, start=1):
        _fill(prs, slide, number, story, styled=path is None)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def slide_size(data: bytes) -> tuple[int, int]:
    """Width and height (EMU) of a saved deck."""
    prs = Presentation(io.BytesIO(data))
    return Emu(prs.slide_width), Emu(prs.slide_height)
