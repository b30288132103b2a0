"""Issue 10, items 2–3, pure logic: formula neutralisation, the mapping choices of the Data page, the
register form's confirmations, and action titles shown as plain text in plotly hovers."""

import datetime as dt
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from etl import export, preview, register_edit
from provindex import views
from provindex.catalog import get_catalog
from provindex.text import neutralise_formula, neutralise_frame

CAT = get_catalog()


@pytest.mark.parametrize("value,expected", [("=1+1", "'=1+1"), ("+84 90", "'+84 90"), ("-2", "'-2"),
                                            ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
                                            ("Đà Nẵng", "Đà Nẵng"), ("", ""), (-2.5, -2.5), (None, None)])
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_neutralise_frame_keeps_numbers_numeric():
    frame = pd.DataFrame({"=name": ["=HYPERLINK(\"x\")", "Huế"], "value": [-1.5, 2.0]})
    out = neutralise_frame(frame)
    assert list(out.columns) == ["'=name", "value"]
    assert out.iloc[0, 0] == "'=HYPERLINK(\"x\")" and out.iloc[1, 0] == "Huế"
    assert out["value"].tolist() == [-1.5, 2.0] and frame.iloc[0, 0].startswith("=")  # the input is untouched


def _export_frame():
    return pd.DataFrame({"index": ["PCI"], "year": [2024], "unit_set": ["vn63"], "unit_code": ["48"],
                         "unit_name": ["=cmd|'/c calc'!A1"], "component": ["PCI:TOTAL"], "value": [-0.5],
                         "rank": pd.array([3], "Int64"), "ci_low": [np.nan], "ci_high": [np.nan]})


def test_export_csv_and_xlsx_are_neutralised():
    csv_text = export.export_bytes(_export_frame(), "csv").decode("utf-8-sig")
    assert "'=cmd|'/c calc'!A1" in csv_text and ",-0.5," in csv_text
    sheet = openpyxl.load_workbook(io.BytesIO(export.export_bytes(_export_frame(), "xlsx"))).active
    rows = list(sheet.values)
    assert rows[0][4] == "unit_name" and rows[1][4] == "'=cmd|'/c calc'!A1" and rows[1][6] == -0.5


def test_register_export_is_neutralised():
    actions = pd.DataFrame([{"action_id": "X-1", "unit_code": "48", "year": 2020, "title_vi": "=1+2",
                             "title_en": "@x", "action_type": "OSS_CENTRE", "date": pd.Timestamp("2020-03-01")}])
    targets = pd.DataFrame([{"action_id": "X-1", "component": "PCI:TOTAL", "role": "primary",
                             "expected_sign": -1, "expected_lag": 2}])
    text = register_edit.export_csv(actions, targets).decode("utf-8-sig")
    header, row = text.splitlines()
    values = dict(zip(header.split(","), row.split(",")))
    assert values["title_vi"] == "'=1+2" and values["title_en"] == "'@x"
    assert values["date"] == "2020-03-01" and values["expected_sign"] == "-1" and values["expected_lag"] == "2"


@pytest.mark.parametrize("header,index,expected", [
    ("Đào tạo LĐ (mới)", "PCI", "PCI:LABOR_TRAINING"),
    ("dao tao lao dong", "PCI", "PCI:LABOR_TRAINING"),
    ("Labor training", "PCI", "PCI:LABOR_TRAINING"),
    ("Minh bạch cận dưới", "PCI", "ci_low:PCI:TRANSPARENCY"),
    ("Transparency CI high", "PCI", "ci_high:PCI:TRANSPARENCY"),
    ("Ghi chú 17", "PCI", "ignore"),
])
def test_closest_target_is_by_name_in_both_languages_without_accents(header, index, expected):
    assert preview.closest_target(header, index, CAT) == expected


def test_map_choices_are_the_map_targets_with_labels():
    choices = preview.map_choices("PCI", CAT, "vi")
    assert list(choices)[0] == "ignore" and "PCI:TOTAL" in choices and "ci_high:PCI:TOTAL" in choices
    assert all(code == "ignore" or CAT.component(code.split(":", 1)[1] if code.startswith("ci_") else code)["index"]
               == "PCI" for code in choices)
    assert choices["PCI:LABOR_TRAINING"] == "Đào tạo lao động"
    assert choices["ci_low:PCI:TOTAL"] == "Cận dưới khoảng tin cậy 95% của Chỉ số PCI (có trọng số)"
    assert not any(label.startswith("PCI:") for label in choices.values())  # labels, never codes


def test_labelled_message_parameters_show_names_and_drop_the_command_line():
    params = preview.labelled({"target": "PCI:TOTAL", "weights": "PCI:ENTRY_COSTS 46.1%", "fix": " → python -m"},
                              CAT, "en")
    assert params["target"] == "PCI (weighted)" and params["fix"] == ""
    assert "PCI:ENTRY_COSTS" not in params["weights"] and "46.1%" in params["weights"]


def _form(**changes):
    form = {"action_id": "DNG-2030-X", "unit_code": "48", "year": 2024, "action_type": "OSS_CENTRE",
            "title_vi": "Trung tâm một cửa", "evidence_grade": "A", "target_components": "PCI:TIME_COSTS",
            "expected_sign": 1, "expected_lag": 1, "date": dt.date(2024, 5, 1), "date_precision": "day"}
    return {**form, **changes}


def test_a_clean_form_passes_the_register_rules():
    check = register_edit.check_action(_form(), CAT, today=dt.date(2025, 1, 1))
    assert check.ok and check.warnings == []


def test_the_register_rules_apply_to_the_form():
    check = register_edit.check_action(_form(action_type="NOPE", target_components="PCI:NOPE", expected_sign=3,
                                             date=dt.date(2023, 5, 1)), CAT, today=dt.date(2025, 1, 1))
    rules = {p.rule for p in check.problems}
    assert {"register_choice", "register_component", "register_date_year"} <= rules and not check.ok


def test_an_id_already_registered_is_refused_when_adding():
    check = register_edit.check_action(_form(), CAT, today=dt.date(2025, 1, 1), existing={"DNG-2030-X"})
    assert [p.rule for p in check.problems] == ["register_id_taken"]


def test_future_dates_and_formula_titles_must_be_confirmed():
    check = register_edit.check_action(_form(title_vi="=HYPERLINK(1)", title_en="-x"), CAT,
                                       today=dt.date(2024, 4, 30))
    keys = [key for key, _ in check.warnings]
    assert check.ok and keys == ["reg.warn_future", "reg.warn_formula", "reg.warn_formula"]
    assert check.warnings[0][1] == {"column": "date", "date": "2024-05-01"}


def test_action_titles_are_plain_text_in_the_trend_hover():
    scores = pd.DataFrame({"index": "PCI", "year": [2020, 2021], "unit_set": "vn63", "unit_code": "48",
                           "component": "PCI:TOTAL", "value": [60.0, 61.0], "rank": pd.array([pd.NA] * 2, "Int64")})
    actions = pd.DataFrame([{"action_id": "A", "unit_code": "48", "unit_set": "vn63", "year": 2020,
                             "action_type": "OSS_CENTRE", "title_vi": '<a href="http://x">bấm</a> <b>đậm</b>',
                             "title_en": None}])
    view = views.trend_view(scores, actions, CAT, "PCI:TOTAL", "48", [], False, "vi", "vn63")
    marker = next(tr for tr in view.figure.data if tr.marker and tr.marker.symbol == "triangle-up")
    assert marker.hovertemplate == "%{text}<extra></extra>"
    assert list(marker.text) == ['&lt;a href=&quot;http://x&quot;&gt;bấm&lt;/a&gt; &lt;b&gt;đậm&lt;/b&gt;']


def test_the_grid_colours_the_cells_problems_name(tmp_path):
    from helpers import pci_file

    path = tmp_path / "PCI_2026.csv"
    path.write_bytes(pci_file("Đào tạo LĐ (mới)", bad_unit="Tỉnh Atlantis"))
    rows = [preview.ProblemRow("error", "", "", None, 6, "A"), preview.ProblemRow("error", "", "", None, None, "D")]
    grid = preview.raw_grid(path, path.name, rows)
    assert grid.loc[6, "A"] == "Tỉnh Atlantis" and grid.loc[1, "D"] == "Đào tạo LĐ (mới)"
    css = preview.highlighted(grid, rows)._compute().ctx  # the Styler's record of the CSS per cell
    coloured = {(grid.index[r], grid.columns[c]) for (r, c), rules in css.items() if rules}
    assert (6, "A") in coloured and (1, "D") in coloured and (6, "D") in coloured
    assert (2, "A") not in coloured and (6, "B") not in coloured
