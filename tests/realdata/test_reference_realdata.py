"""Our reference facts (data/reference) checked against the published files in ../shared/realdata.

Skipped cleanly when ../shared is absent; the facts themselves live in the repository.
"""

import json

import numpy as np
import pandas as pd
import pytest

from provindex.catalog import get_catalog
from provindex.text import fold

pytestmark = pytest.mark.realdata
CAT = get_catalog()
REGIONS = {"Red River Delta": "RRD", "Northern midlands and mountain areas": "NMM",
           "Northern Central area and Central coastal area": "NCC", "Central Highlands": "CH",
           "South East": "SE", "Mekong River Delta": "MRD"}


def _csv(realdata, name):
    return pd.read_csv(realdata / "derived_helper" / name, dtype=str, keep_default_na=False)


def test_63_provinces_match_reference(realdata):
    ref = _csv(realdata, "provinces_63_reference.csv").set_index("gso_code")
    ours = CAT.units_of("vn63").set_index("code")
    assert set(ref.index) == set(ours.index)
    for code, row in ref.iterrows():
        mine = ours.loc[code]
        assert mine["name_vi"] == row["name_vi"], code
        assert mine["name_ascii"] == row["name_ascii"], code
        assert mine["region"] == REGIONS[row["region_gso"]], code
        assert mine["iso_3166_2"] == row["iso_3166_2"], code
        assert CAT.successor(code) == row["new_code_2025"], code


def test_34_units_and_members_match_reference(realdata):
    ref = _csv(realdata, "provinces_34_2025.csv").set_index("new_code_2025")
    ours = CAT.units_of("vn34").set_index("code")
    assert set(ref.index) == set(ours.index)
    for code, row in ref.iterrows():
        assert ours.loc[code]["full_name_vi"] == row["name_vi"], code
        assert sorted(CAT.members(code)["from_code"]) == sorted(row["old_gso_codes"].split(";")), code


def test_34_units_match_the_2025_administrative_list(realdata):
    units = json.loads((realdata / "admin2025_thanglequoc" / "donvi_tinhthanh.json").read_text(encoding="utf-8"))
    codes = {u["ma"] for u in units if u["magoc"] == "0"}  # provinces; the file also lists communes
    assert codes == set(CAT.units_of("vn34")["code"])


def test_crosswalk_weights_match_reference(realdata):
    ref = _csv(realdata, "crosswalk_63_to_34_2025.csv").set_index("old_gso_code")
    ours = CAT.crosswalk.set_index("from_code")
    for code, row in ref.iterrows():
        assert ours.loc[code, "to_code"] == row["new_code_2025"]
        assert ours.loc[code, "weight"] == pytest.approx(float(row["pop2020_share_in_new_unit"]), abs=1e-9)


def test_every_spelling_in_the_code_table_resolves(realdata):
    """The vietnamcode table (GSO/PCI/PAPI) carries 'BRVT', 'TP HCM', ASCII and diacritic names."""
    table = pd.read_csv(realdata / "ref_vietnamcode" / "vietnamcode_data.csv", dtype=str, keep_default_na=False)
    table = table[(table["enterprise_census_c"] != "") & (table["province_name"] != "NA")]
    for row in table.to_dict("records"):
        for spelling in (row["province_name"], row["province_name_full"], row["province_name_diacritics"]):
            assert CAT.unit_resolver.resolve(spelling, "vn63") == row["enterprise_census_c"], spelling


def test_names_used_in_pci_workbooks_resolve(realdata):
    tidy = _csv(realdata, "pci_2005_2016_tidy.csv")
    for name, code in set(zip(tidy["name_in_source"], tidy["gso_code"])):
        assert CAT.unit_resolver.resolve(name, "vn63") == code, name


def test_pci_weights_reproduce_published_composites(realdata):
    """weights.csv was recovered from the workbooks; it must rebuild pci_weighted (2011 has known noise)."""
    tidy = pd.read_csv(realdata / "derived_helper" / "pci_2005_2016_tidy.csv", dtype={"gso_code": str})
    columns = {"PCI:ENTRY_COSTS": "entry_costs", "PCI:LAND_ACCESS": "land_access", "PCI:TRANSPARENCY": "transparency",
               "PCI:TIME_COSTS": "time_costs", "PCI:INFORMAL_CHARGES": "informal_charges",
               "PCI:SOE_BIAS": "soe_bias_old", "PCI:POLICY_BIAS": "policy_bias", "PCI:PROACTIVITY": "proactivity",
               "PCI:BUSINESS_SUPPORT": "business_support", "PCI:LABOR_TRAINING": "labor_training",
               "PCI:LEGAL_INSTITUTIONS": "legal_institutions"}
    checked = 0
    for year, group in tidy.groupby("year"):
        weights = CAT.weights_for("PCI:TOTAL", int(year))
        if not weights or year == 2011:
            continue
        expected = 10 * sum(w * group[columns[c]] for c, w in weights.items())
        assert np.allclose(expected, group["pci_weighted"], atol=1e-3), year
        checked += 1
    assert checked == 10


def test_pci_components_exist_exactly_when_published(realdata):
    tidy = pd.read_csv(realdata / "derived_helper" / "pci_2005_2016_tidy.csv")
    mapping = {"PCI:SOE_BIAS": "soe_bias_old", "PCI:POLICY_BIAS": "policy_bias", "PCI:LABOR_TRAINING": "labor_training",
               "PCI:CENTRAL_POLICY": "implementation_central_policy_2005", "PCI:UNWEIGHTED": "pci_unweighted"}
    for code, column in mapping.items():
        published = set(tidy.loc[tidy[column].notna(), "year"])
        for year in range(2005, 2017):
            if year in published:
                assert CAT.component_valid_in(code, year), (code, year)
            elif code != "PCI:UNWEIGHTED":  # unweighted PCI is optional, not a different period
                assert not CAT.component_valid_in(code, year), (code, year)


def test_papi_subdimension_map_follows_the_published_labels(realdata):
    """Same label in two periods -> same component; different labels -> different components."""
    labels = _csv(realdata, "papi_subdimension_labels_by_period.csv")
    mapping = CAT.papi_subdimension_map
    label_to_code: dict[str, str] = {}
    for row in labels.to_dict("records"):
        if "not used" in row["label_en"] or "not measured" in row["label_en"]:
            continue
        first = int(row["period"][:4])
        position = f"{row['column'][2]}.{row['column'][3]}"
        hits = mapping[(mapping["position"] == position) & (mapping["first_year"] <= first) &
                       (mapping["last_year"].isna() | (mapping["last_year"] >= first))]
        assert len(hits) == 1, (row["period"], row["column"])
        code = hits.iloc[0]["component"]
        key = fold(row["label_en"].replace("Responsiveness to citizen actions/appeals",
                                           "Local government's response to citizens' appeals"))
        assert label_to_code.setdefault(key, code) == code, (row, label_to_code[key])
    assert len(set(label_to_code.values())) == len(label_to_code)


@pytest.mark.parametrize("year", [2013, 2014, 2015, 2016])
def test_weights_derived_from_the_pci_workbooks_equal_the_recovered_ones(realdata, year):
    """etl.weights recovers, from each shared workbook alone, exactly the weights weights.csv records."""
    from etl.pipeline import LoadOptions, process_file
    from etl.weights import derive_weights

    result = process_file(realdata / "pci_official_xls_mdtrinh" / f"PCI {year}.xlsx", LoadOptions())
    frame = result.load.frame[result.load.frame["year"] == year]
    children = list(CAT.components_of("PCI", year=year, level=1)["code"])
    derived = derive_weights(frame, "PCI:TOTAL", children, year)
    assert derived.exact and derived.scale == pytest.approx(10.0, abs=1e-6)
    assert derived.weights == pytest.approx(CAT.weights_for("PCI:TOTAL", year), abs=1e-12)
