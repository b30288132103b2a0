"""Small pure pieces of the importer: numbered headers, header variants, encoding heuristics."""

from __future__ import annotations

import pytest

from etl.encoding import has_control_chars, mojibake_repair
from etl.headers import position_map, resolve_column, split_position, variants
from etl.values import looks_like_formula, parse_number
from provindex.catalog import get_catalog

CAT = get_catalog()


@pytest.mark.parametrize("text,position,name", [
    ("Sub-Index 3: Transparency", "3", "transparency"), ("Sub-Index2", "2", ""), ("CSTP3", "3", ""),
    ("Chỉ số thành phần 3", "3", ""), ("CHỈ SỐ THÀNH PHẦN  5", "5", ""), ("1: Participation at Local Levels", "1",
                                                                            "participation at local levels"),
    ("2.1: Access to Information", "2.1", "access to information"), ("Chỉ số 1_ gia nhập thị trường", "1",
                                                                     "gia nhap thi truong"),
    ("Lĩnh vực 4", "4", ""), ("Nội dung 6", "6", ""),
    ("2019", None, None), ("3", None, None), ("Chỉ số PCI", None, None), ("9.598", "9", "598"),
    ("Nhóm chỉ tiêu thành phần 2.1+2.2", None, None), ("3 tỉnh", None, None),
])
def test_split_position(text, position, name):
    parts = split_position(text)
    assert parts.position == position
    if name is not None:
        assert parts.name == name


def test_variants_drop_year_brackets_and_index_name():
    keys = [key for key, _ in variants("Chỉ số PCI 2007 đã có trọng số")]
    assert "chi so pci da co trong so" in keys
    keys = dict(variants("PCI 2013 ranking"))
    assert keys["ranking"] is True  # found only after removing the index name


@pytest.mark.parametrize("texts,index,year,code", [
    (["2.1: Access to Information"], "PAPI", 2011, "PAPI:D2.2"),  # number wins over the 2018-era words
    (["2.1: Access to Information"], "PAPI", 2019, "PAPI:D2.1"),
    (["3.2: Governments Responsive to Citizen Appeals"], "PAPI", 2014, "PAPI:D3.4"),
    (["3.2: Governments Responsive to Citizen Appeals"], "PAPI", 2017, "PAPI:D3.2"),
    (["Chỉ số thành phần 6", "Tính năng động"], "PCI", 2010, "PCI:PROACTIVITY"),
    (["Sub-Index 6"], "PCI", 2015, "PCI:POLICY_BIAS"),
    (["Chỉ số 6"], "PCI", 2007, "PCI:SOE_BIAS"),
    (["Nhóm chỉ tiêu thành phần 2.1+2.2", "Chỉ số 2: Tiếp cận đất đai"], "PCI", 2008, "PCI:LAND_ACCESS"),
])
def test_resolve_column(texts, index, year, code):
    meaning = resolve_column(texts, CAT, index, year)
    assert meaning.code == code


def test_position_maps_name_existing_components_only():
    positions = position_map(CAT)
    for index, first, last, position, code in positions.rows:
        assert CAT.has_component(code), code
        assert CAT.component(code)["index"] == index


def test_no_catalogue_name_is_mistaken_for_mojibake():
    texts = list(CAT.units["name_vi"]) + list(CAT.units["full_name_vi"].dropna()) + list(CAT.components["name_vi"])
    texts += list(CAT.aliases["alias"])
    flagged = [t for t in texts if mojibake_repair(t) is not None or has_control_chars(t)]
    assert flagged == []


@pytest.mark.parametrize("good", ["Đà Nẵng", "Thừa Thiên Huế", "Bà Rịa - Vũng Tàu", "Chỉ số thành phần"])
@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_mojibake_is_spotted_and_repaired(good, codec):
    """UTF-8 bytes shown through a Western code page (bytes it leaves undefined pass through as-is,
    as Windows editors do)."""
    bad = "".join(bytes([b]).decode(codec, errors="ignore") or chr(b) for b in good.encode("utf-8"))
    assert mojibake_repair(bad) == good


@pytest.mark.parametrize("text,expected", [("7,25", 7.25), ("7.25", 7.25), ("85,5%", 85.5), ("1.234,5", 1234.5),
                                           ("-", None), ("cao", None), (6, 6.0)])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text,formula", [("=1+1", True), ("+cmd", True), ("-2+3+cmd", True), ("@SUM(A1)", True),
                                          ("-", False), ("-5", False), ("+7,5", False), ("Đà Nẵng", False)])
def test_formula_prefixes(text, formula):
    assert looks_like_formula(text) is formula
