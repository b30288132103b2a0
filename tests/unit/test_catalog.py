"""The reference catalogue is complete and internally consistent."""

import re

import pytest

from provindex import i18n
from provindex.catalog import get_catalog, unit_set_for_year

CAT = get_catalog()


def test_unit_sets_have_63_and_34_current_units():
    assert len(CAT.units_of("vn63")) == 63
    assert len(CAT.units_of("vn34")) == 34
    assert CAT.unit("vn63", "28")["merged_into"] == "01"  # Hà Tây, kept for PCI 2006–2008
    for unit_set in ("vn63", "vn34"):
        codes = CAT.units_of(unit_set, include_historic=True)["code"]
        assert codes.is_unique
        assert all(re.fullmatch(r"\d{2}", c) for c in codes)


def test_crosswalk_covers_every_province_and_weights_sum_to_one():
    cross = CAT.crosswalk
    assert set(cross["from_code"]) == set(CAT.units_of("vn63")["code"])
    assert set(cross["to_code"]) == set(CAT.units_of("vn34")["code"])
    sums = cross.groupby("to_code")["weight"].sum()
    assert ((sums - 1).abs() < 1e-4).all(), sums[(sums - 1).abs() >= 1e-4]
    assert sorted(CAT.members("48")["from_code"]) == ["48", "49"]  # Đà Nẵng + Quảng Nam


def test_unit_keys_are_unambiguous_within_each_set():
    for unit_set, keys in CAT.unit_resolver.keys.items():
        clashes = {k: v for k, v in keys.items() if len(v) > 1}
        assert not clashes, (unit_set, clashes)


def test_every_unit_alias_resolves_to_its_target():
    aliases = CAT.aliases[CAT.aliases["kind"] == "unit"]
    for row in aliases.to_dict("records"):
        sets = [row["unit_set"]] if row["unit_set"] else [s for s in ("vn63", "vn34") if CAT.has_unit(s, row["target"])]
        for unit_set in sets:
            assert CAT.unit_resolver.resolve(row["alias"], unit_set) == row["target"], row


@pytest.mark.parametrize("spelling,unit_set,code", [
    ("Đà Nẵng", "vn63", "48"), ("Da Nang", "vn63", "48"), ("Thành phố Đà Nẵng", "vn34", "48"),
    ("TP.HCM", "vn63", "79"), ("HCMC", "vn34", "79"), ("Thành phố Hồ Chí Minh", "vn63", "79"),
    ("BRVT", "vn63", "77"), ("Bà Rịa - Vũng Tàu", "vn63", "77"), ("TT-Huế", "vn63", "46"),
    ("Thừa Thiên Huế", "vn34", "46"), ("Hoà Bình", "vn63", "17"), ("Hòa Bình", "vn63", "17"),
    ("Khánh Hoà", "vn34", "56"), ("Tỉnh Đắk Lắk", "vn63", "66"), ("Daklak", "vn63", "66"),
    ("Hanoi", "vn63", "01"), ("Thủ đô Hà Nội", "vn34", "01"), ("48", "vn34", "48"), ("1", "vn63", "01"),
    ("VN-DN", "vn63", "48"), ("Tây Ninh", "vn63", "72"), ("Tây Ninh", "vn34", "80"), ("Long An", "vn63", "80"),
])
def test_spellings_resolve(spelling, unit_set, code):
    assert CAT.unit_resolver.resolve(spelling, unit_set) == code


def test_former_provinces_point_to_their_successor():
    assert CAT.unit_resolver.resolve("Quảng Nam", "vn34") is None
    assert CAT.unit_resolver.former_unit("Quảng Nam") == ("49", "48")
    assert CAT.unit_resolver.former_unit("Long An") == ("80", "80")
    assert "Quảng Nam" in CAT.unit_resolver.suggest("Quang Namm", "vn63")


def test_unit_set_boundary_is_2025():
    assert unit_set_for_year(2024) == "vn63"
    assert unit_set_for_year(2025) == "vn34"


def test_components_are_well_formed():
    comps = CAT.components
    assert comps["code"].is_unique
    assert all(re.fullmatch(r"(PCI|PAPI|PAR|SIPAS):[A-Z0-9_.]+", c) for c in comps["code"])
    parents = set(comps["parent"].dropna())
    assert parents <= set(comps["code"])
    assert (comps["scale_min"] < comps["scale_max"]).all()
    for index in CAT.index_codes():
        assert CAT.composite(index) in set(comps["code"])
        assert len(CAT.components_of(index, level=1)) >= 5
    assert not comps[["name_vi", "name_en", "short_vi", "short_en"]].isna().any().any()


def test_known_weights_sum_to_one_per_period():
    weights = CAT.weights[CAT.weights["parent"] == "PCI:TOTAL"]
    for (first, last), group in weights.groupby(["first_year", "last_year"], dropna=False):
        assert abs(group["weight"].sum() - 1) < 1e-9, (first, last)
    for component in CAT.weights["component"]:
        assert CAT.has_component(component)


def test_series_breaks_name_known_indices_and_components():
    for row in CAT.breaks.to_dict("records"):
        assert row["index"] in CAT.index_codes()
        assert row["component"] == "*" or CAT.has_component(row["component"])
        assert row["note_vi"] and row["note_en"]
    assert not CAT.breaks_between("PAPI", "PAPI:D1", 2017, 2018).empty
    assert CAT.breaks_between("PAPI", "PAPI:D1", 2018, 2019).empty


@pytest.mark.parametrize("header,index,year,code", [
    ("Tính minh bạch", "PCI", 2020, "PCI:TRANSPARENCY"), ("Transparency", "PCI", 2020, "PCI:TRANSPARENCY"),
    ("Transparency", "PAPI", 2020, "PAPI:D2"), ("Policy bias", "PCI", 2007, "PCI:SOE_BIAS"),
    ("Policy bias", "PCI", 2015, "PCI:POLICY_BIAS"), ("Tổng", "SIPAS", 2020, "SIPAS:TOTAL"),
    ("PAPI:D4", None, 2020, "PAPI:D4"), ("D4", "PAPI", 2020, "PAPI:D4"), ("Chỉ số CCHC", None, 2020, "PAR:TOTAL"),
    ("Thủ tục hành chính", "PAPI", 2020, "PAPI:D5"), ("Thủ tục hành chính", "SIPAS", 2020, "SIPAS:PROCEDURES"),
    ("Hiện đại hoá hành chính", "PAR", 2015, "PAR:F7"),
])
def test_component_headers_resolve(header, index, year, code):
    assert CAT.component_resolver.resolve(header, index, year) == code


def test_every_action_type_is_named_in_both_languages():
    frame = CAT.action_types
    assert frame["code"].is_unique
    assert not frame[["name_vi", "name_en", "kind"]].isna().any().any()


def test_locales_have_the_same_keys():
    vi, en = i18n.catalogue("vi"), i18n.catalogue("en")
    assert set(vi) == set(en), set(vi) ^ set(en)
    for key in vi:
        assert sorted(re.findall(r"{(\w+)}", vi[key])) == sorted(re.findall(r"{(\w+)}", en[key])), key
