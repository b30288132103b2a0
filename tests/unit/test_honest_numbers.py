"""Issue 12, pure logic: medians keyed on coverage, lines that break where the app says the series does,
a comparable PAPI series, each index's latest edition, and charts that carry their own labels for export."""

import numpy as np
import pandas as pd
import pytest

from provindex import analysis, charts, views
from provindex.catalog import get_catalog

CAT = get_catalog()
VN63 = CAT.units_of("vn63")["code"].tolist()


def _rows(index, component, year, codes, values, unit_set="vn63"):
    return pd.DataFrame({"index": index, "year": year, "unit_set": unit_set, "unit_code": codes,
                         "component": component, "value": values, "rank": pd.array([pd.NA] * len(codes), "Int64")})


def _pci_with_top30():
    """2022: all 63 (values 1..63); 2023: only the top 30 published (values 34..63)."""
    full = _rows("PCI", "PCI:TOTAL", 2022, VN63, np.arange(1.0, 64.0))
    top = _rows("PCI", "PCI:TOTAL", 2023, VN63[33:], np.arange(34.0, 64.0))
    return pd.concat([full, top], ignore_index=True)


def test_the_median_of_a_top30_year_is_labelled_and_has_no_quartiles():
    band = analysis.national_band(_pci_with_top30(), "PCI:TOTAL", CAT).set_index("year")
    assert not band.loc[2022, "partial"] and band.loc[2022, "median"] == 32 and band.loc[2022, "q1"] == 16.5
    assert band.loc[2023, "partial"] and band.loc[2023, "n"] == 30 and band.loc[2023, "total"] == 63
    assert np.isnan(band.loc[2023, "q1"]) and np.isnan(band.loc[2023, "q3"])


def test_coverage_rule_is_a_share_not_a_year():
    assert analysis.partial_coverage(30, 63) and analysis.partial_coverage(20, 34)
    assert not analysis.partial_coverage(61, 63) and not analysis.partial_coverage(34, 34)


def test_trend_chart_breaks_the_median_where_coverage_changes():
    scores = _pci_with_top30()
    view = views.trend_view(scores, None, CAT, "PCI:TOTAL", "01", [], False, "vi", "vn63")
    medians = [tr for tr in view.figure.data if tr.name and tr.name.startswith("Trung vị")]
    assert {tr.name for tr in medians} == {"Trung vị cả nước", "Trung vị 30 tỉnh được công bố"}
    assert all(len(tr.x) == 1 for tr in medians)  # one year each: no line joins 2022 to 2023
    assert any("chỉ 30/63 tỉnh được công bố" in note for note in view.notes)


def test_segments_split_at_cut_years():
    assert analysis.segments([2016, 2017, 2018, 2019], [2018]) == [[2016, 2017], [2018, 2019]]
    assert analysis.segments([2016, 2017], []) == [[2016, 2017]]


def test_papi_total_breaks_in_2018_and_offers_the_six_common_dimensions():
    years = list(range(2015, 2021))
    assert analysis.line_breaks(CAT, "PAPI", "PAPI:TOTAL") == [2018]
    assert analysis.common_parts(CAT, "PAPI", years) == [f"PAPI:D{i}" for i in range(1, 7)]
    rows = [_rows("PAPI", "PAPI:TOTAL", y, ["01", "48"], [36.0 + (y >= 2018) * 8, 37.0 + (y >= 2018) * 8])
            for y in years]
    rows += [_rows("PAPI", f"PAPI:D{i}", y, ["01", "48"], [6.0, 6.1]) for y in years for i in range(1, 7)]
    scores = pd.concat(rows, ignore_index=True)
    assert views.comparable_parts(CAT, scores, "PAPI:TOTAL") == [f"PAPI:D{i}" for i in range(1, 7)]
    broken = views.trend_view(scores, None, CAT, "PAPI:TOTAL", "48", [], False, "en", "vn63")
    focal = [tr for tr in broken.figure.data if tr.legendgroup == "48"]
    assert [list(tr.x) for tr in focal] == [[2015, 2016, 2017], [2018, 2019, 2020]]
    comparable = views.trend_view(scores, None, CAT, "PAPI:TOTAL", "48", [], False, "en", "vn63", comparable=True)
    focal = [tr for tr in comparable.figure.data if tr.legendgroup == "48"]
    assert len(focal) == 1 and list(focal[0].y) == pytest.approx([36.6] * 6)


def test_an_index_without_the_chosen_year_shows_its_latest_edition():
    scores = pd.concat([_rows("PCI", "PCI:TOTAL", 2026, ["01", "48", "79"], [60.0, 65.0, 62.0], "vn34"),
                        _rows("SIPAS", "SIPAS:TOTAL", 2025, ["01", "48", "79"], [80.0, 85.0, 82.0], "vn34")])
    year, note = views.shown_year(scores, CAT, "SIPAS", 2026, "vi")
    assert year == 2025 and "SIPAS chưa có số liệu năm 2026" in note and "2025" in note
    assert views.shown_year(scores, CAT, "PCI", 2026, "vi") == (2026, None)
    view = views.map_view(scores, CAT, "SIPAS:TOTAL", 2026, "value", "en")
    assert view.empty_message is None and view.year == 2025 and "no data for 2026" in view.fallback_note


def test_export_decoration_carries_title_unit_year_source_and_stamp():
    info = views.export_info(CAT, "PCI:TOTAL", "PCI — Đà Nẵng", "2024", "vi")
    assert info.unit == "điểm" and "VCCI" in info.source
    figure = charts.decorate_for_export(charts.base_layout(charts.go.Figure(), "vi"),
                                        charts.ExportInfo(info.title, info.unit, info.year, info.source, True), "vi",
                                        fixed_size=True)
    title = figure.layout.title.text
    assert "PCI — Đà Nẵng" in title and "điểm · 2024 · Nguồn:" in title and "DỮ LIỆU MÔ PHỎNG" in title
    assert (figure.layout.width, figure.layout.height) == charts.EXPORT_SIZE and 16 * 900 == 9 * 1600
    real = charts.decorate_for_export(charts.go.Figure(), info, "vi")
    assert "MÔ PHỎNG" not in real.layout.title.text
    assert charts.chart_config("x")["toImageButtonOptions"]["width"] == 1600
