"""The review-conference deck from real database files: opened back with python-pptx, rendered by LibreOffice.

Decks for three units in both languages from the demo database; a deck from a real published PCI workbook
(no simulated-data stamp); an office template; the command line; the server-side PNG through Chromium.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import duckdb
import pytest
from pptx import Presentation

from etl.cli import main as etl_main
from provindex import config, png
from provindex.deck import build_story, read, write_deck
from provindex.deck.cli import main as deck_main
from provindex.catalog import get_catalog
from provindex.deck.figures import export_figure, figure

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "deck"
CASES = [("48", 2024, "vi"), ("48", 2024, "en"), ("01", 2025, "vi"), ("01", 2025, "en"), ("79", 2024, "vi"),
         ("79", 2024, "en")]


def _require(path: str, what: str) -> None:
    if shutil.which(path) is None and not Path(path).exists():
        if config.read("PROVINDEX_REQUIRE_BROWSER"):
            pytest.fail(f"{what} is missing ({path}); make test installs it")
        pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def decks(demo_db):
    data = read(demo_db)
    out = {}
    for unit, year, lang in CASES:
        story = build_story(data, unit, year, lang)
        out[(unit, year, lang)] = (story, Presentation(io.BytesIO(write_deck(story))))
    return out


def _texts(slide) -> str:
    parts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    for shape in slide.shapes:
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def _charts(slide):
    return [shape.chart for shape in slide.shapes if shape.has_chart]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}")
def test_slides_titles_stamp_and_notes(decks, case):
    story, prs = decks[case]
    assert prs.slide_width * 9 == prs.slide_height * 16  # 16:9
    assert [s.shapes.title.text for s in prs.slides] == story.titles()
    keys = [s.key for s in story.slides]
    assert keys[:2] == ["title", "summary"] and keys[-2:] == ["reforms", "sources"]
    assert {"trend_PCI", "profile_PCI", "peers_PCI", "changed"} <= set(keys)
    assert any(k.startswith("plan_") for k in keys)
    stamp = "DỮ LIỆU MÔ PHỎNG" if case[2] == "vi" else "SIMULATED DATA"
    for slide in prs.slides:
        assert stamp in _texts(slide)  # on every slide of a simulated deck
        assert slide.notes_slide.notes_text_frame.text.strip()  # the narrative and sources are in the notes
    for text in (_texts(s) + s.notes_slide.notes_text_frame.text for s in prs.slides):
        assert "{" not in text and "None" not in text and "nan" not in text.split()


def test_vietnamese_text_is_intact(decks):
    story, prs = decks[("48", 2024, "vi")]
    title = prs.slides[0].shapes.title.text
    assert title == "Chỉ số quản trị và năng lực cạnh tranh — Đà Nẵng, 2024"
    assert unicodedata.is_normalized("NFC", title)
    changed = next(s for s in prs.slides if s.shapes.title.text == "Điều gì thay đổi năm nay")
    assert "Đà Nẵng" in _texts(changed)
    assert prs.slides[0].shapes.title.text_frame.paragraphs[0].runs[0].font.name == "Arial"


def test_trend_chart_holds_the_database_numbers(decks, demo_db):
    story, prs = decks[("48", 2024, "vi")]
    slide = prs.slides[[s.key for s in story.slides].index("trend_PCI")]
    (chart,) = _charts(slide)
    plot = chart.plots[0]
    years = [int(c) for c in plot.categories]
    con = duckdb.connect(str(demo_db), read_only=True)
    rows = dict(con.execute("""SELECT year, value FROM score_current WHERE "index" = 'PCI' AND component = 'PCI:TOTAL'
                               AND unit_code = '48' AND year BETWEEN ? AND ?""", [years[0], years[-1]]).fetchall())
    medians = dict(con.execute("""SELECT year, median(value) FROM score_current WHERE component = 'PCI:TOTAL'
                                  AND year BETWEEN ? AND ? GROUP BY year""", [years[0], years[-1]]).fetchall())
    con.close()
    unit, median, _ = plot.series
    assert unit.name == "Đà Nẵng" and years[-1] == 2024 and len(years) == 10
    assert list(unit.values) == pytest.approx([rows[y] for y in years], abs=1e-4)
    assert list(median.values) == pytest.approx([medians[y] for y in years], abs=1e-4)


def test_sub_index_bars_and_radar_are_native_charts(decks, demo_db):
    story, prs = decks[("79", 2024, "en")]
    slide = prs.slides[[s.key for s in story.slides].index("profile_PAPI")]
    bars, radar = _charts(slide)
    assert bars.chart_type == 51 and radar.chart_type == 81  # COLUMN_CLUSTERED, RADAR_MARKERS
    con = duckdb.connect(str(demo_db), read_only=True)
    values = dict(con.execute("""SELECT component, value FROM score_current WHERE "index" = 'PAPI' AND year = 2024
                                 AND unit_code = '79' AND component LIKE 'PAPI:D_'""").fetchall())
    con.close()
    mine = bars.plots[0].series[0]
    assert mine.name == "Ho Chi Minh City"
    assert list(mine.values) == pytest.approx([values[f"PAPI:D{k}"] for k in range(1, 9)], abs=1e-4)
    assert all(0 <= v <= 100 for v in radar.plots[0].series[0].values)


def test_plan_slide_table_and_reform_verdicts(decks):
    story, prs = decks[("48", 2024, "vi")]
    keys = [s.key for s in story.slides]
    plan = prs.slides[next(i for i, k in enumerate(keys) if k.startswith("plan_"))]
    text = _texts(plan)
    assert "Mục tiêu: hạng 3" in text and "Cao nhất cả nước" in text and len(_charts(plan)) == 1
    reforms = prs.slides[keys.index("reforms")]
    text = _texts(reforms)
    assert "Kết luận" in text and ("Chưa đủ bằng chứng" in text or "Không đánh giá được" in text)
    assert "không chứng minh quan hệ nhân quả" in text


def test_a_real_workbook_makes_a_deck_without_the_stamp(realdata, tmp_path):
    db = tmp_path / "real.duckdb"
    for name in ("PCI 2013.xlsx", "PCI 2014.xlsx"):
        assert etl_main(["load", str(realdata / "pci_official_xls_mdtrinh" / name), "--db", str(db)]) == 0
    story = build_story(read(db), "48", 2014, "vi")
    prs = Presentation(io.BytesIO(write_deck(story)))
    assert story.stamp is None
    texts = "\n".join(_texts(s) + s.notes_slide.notes_text_frame.text for s in prs.slides)
    assert "MÔ PHỎNG" not in texts and "Đà Nẵng" in texts
    assert "trend_PCI" in [s.key for s in story.slides] and "trend_PAPI" not in [s.key for s in story.slides]


def test_office_template_supplies_layouts_and_size(demo_db, tmp_path):
    template = Presentation()
    template.slide_width, template.slide_height = 12192000, 6858000
    layout = template.slide_layouts[5]
    layout.name = "Title Only"
    template.slides.add_slide(template.slide_layouts[0]).shapes.title.text = "Mẫu của Sở"
    path = tmp_path / "so.pptx"
    template.save(path)
    story = build_story(read(demo_db), "48", 2024, "vi")
    prs = Presentation(io.BytesIO(write_deck(story, path)))
    assert len(prs.slides) == len(story.slides)  # the template's own slide is not kept
    assert prs.slide_width == 12192000
    assert {s.slide_layout.name for s in prs.slides} == {"Title Only"}
    assert prs.slides[0].shapes.title.text_frame.paragraphs[0].runs[0].font.name is None  # theme font wins


def test_command_line_writes_the_deck_and_explains_a_bad_unit(demo_db, tmp_path, capsys):
    out = tmp_path / "deck.pptx"
    assert deck_main(["--unit", "48", "--year", "2024", "--db", str(demo_db), "--out", str(out)]) == 0
    assert "Đã ghi" in capsys.readouterr().out
    assert len(Presentation(str(out)).slides) >= 15
    assert deck_main(["--unit", "99", "--year", "2024", "--db", str(demo_db), "--out", str(out), "--lang",
                      "en"]) == 1
    assert "No unit with code 99" in capsys.readouterr().err
    assert deck_main(["--unit", "79", "--year", "2025", "--units", "vn63", "--db", str(demo_db), "--out",
                      str(out)]) == 0  # the 63-province set's last edition
    assert "2024" in Presentation(str(out)).slides[0].shapes.title.text


def _libreoffice(pptx: Path, out: Path) -> Path:
    profile = out / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(pptx)], check=True, capture_output=True, timeout=180)
    return out / (pptx.stem + ".pdf")


@pytest.mark.parametrize("case", [("48", 2024, "vi"), ("01", 2025, "en")], ids=lambda c: f"{c[0]}-{c[2]}")
def test_libreoffice_renders_every_slide(decks, case, tmp_path):
    _require("soffice", "LibreOffice")
    _require("pdftoppm", "poppler-utils")
    from PIL import Image

    story, _ = decks[case]
    pptx = tmp_path / f"deck_{case[0]}_{case[2]}.pptx"
    pptx.write_bytes(write_deck(story))
    pdf = _libreoffice(pptx, tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert f"Pages:           {len(story.slides)}" in info
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert story.unit_name in text  # Vietnamese glyphs survive into the rendered pages
    subprocess.run(["pdftoppm", "-png", "-r", "96", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(story.slides)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(pages, start=1):
        image = Image.open(page).convert("L")
        dark = sum(image.histogram()[:200]) / (image.width * image.height)
        assert dark > 0.01, f"page {number} is blank"
        assert abs(image.width / image.height - 16 / 9) < 0.02
        shutil.copy(page, ARTIFACTS / f"deck_{case[0]}_{case[2]}_{number:02d}.png")


def test_server_png_at_presentation_resolution(decks):
    _require(str(config.read("PROVINDEX_CHROMIUM")), "Chromium")
    from PIL import Image

    story, _ = decks[("48", 2024, "vi")]
    picture = export_figure(story.charts()[0], get_catalog(), story.unit_name, story.year, "vi", simulated=True)
    title = picture.layout.title.text
    assert story.charts()[0].title in title and "Đà Nẵng" in title and "2024" in title and "VCCI" in title
    assert "DỮ LIỆU MÔ PHỎNG" in title  # the demo's numbers are synthetic
    data = png.to_png(picture)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (png.WIDTH, png.HEIGHT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "chart_trend_PCI.png").write_bytes(data)


def test_png_without_chromium_says_so_in_both_languages(decks, monkeypatch, tmp_path):
    monkeypatch.setenv("PROVINDEX_CHROMIUM", str(tmp_path / "no-chromium"))
    story, _ = decks[("48", 2024, "vi")]
    with pytest.raises(png.ChromiumMissing) as caught:
        png.to_png(figure(story.charts()[0], "vi"))
    message = caught.value.message("vi")
    assert "chưa cài Chromium" in message and "Chromium is not installed" in message
    assert os.fspath(tmp_path) not in caught.value.message("en").split("(")[0]
