"""Issue 11: the back-cast onto the 34 units (weighted mean of the members present, flagged, bounds, weights)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from provindex import analysis, harmonize
from provindex.catalog import get_catalog

CAT = get_catalog()


def _vn63(year: int = 2020, component: str = "PAPI:TOTAL", seed: int = 1) -> pd.DataFrame:
    """One component of every former province with distinct values (a published 63-province edition)."""
    codes = CAT.crosswalk.loc[CAT.crosswalk["from_set"] == "vn63", "from_code"].tolist()
    values = np.random.default_rng(seed).uniform(30, 50, len(codes))
    return pd.DataFrame({"index": component.split(":")[0], "year": year, "unit_set": "vn63", "unit_code": codes,
                         "component": component, "value": values,
                         "rank": pd.array(range(1, len(codes) + 1), dtype="Int32")})


def _vn34(year: int = 2025, component: str = "PAPI:TOTAL") -> pd.DataFrame:
    codes = CAT.units_of("vn34")["code"].tolist()
    return pd.DataFrame({"index": component.split(":")[0], "year": year, "unit_set": "vn34", "unit_code": codes,
                         "component": component, "value": np.linspace(40, 47, len(codes)),
                         "rank": pd.array(range(1, len(codes) + 1), dtype="Int32")})


@pytest.mark.parametrize("weights", harmonize.WEIGHT_CHOICES)
def test_weights_of_each_new_unit_sum_to_one(weights):
    shares = harmonize.member_weights(CAT, weights)
    assert shares.groupby("to_code")["weight"].sum().to_numpy() == pytest.approx(1.0, abs=1e-12)
    assert shares["to_code"].nunique() == 34


def test_equal_weights_are_equal_shares():
    shares = harmonize.member_weights(CAT, "equal").set_index("from_code")["weight"]
    assert shares["79"] == pytest.approx(1 / 3) and shares["48"] == pytest.approx(0.5) and shares["01"] == 1.0


def test_unchanged_units_equal_their_source_and_merged_units_the_weighted_mean():
    source = _vn63()
    back = harmonize.backcast(source, CAT).set_index("unit_code")
    values = source.set_index("unit_code")["value"]
    shares = harmonize.member_weights(CAT)
    for code, group in shares.groupby("to_code"):
        expected = sum(values[m] * w for m, w in zip(group["from_code"], group["weight"]))
        if len(group) == 1:
            assert back.loc[code, "value"] == values[group["from_code"].iloc[0]]  # exactly
        assert back.loc[code, "value"] == pytest.approx(expected, rel=1e-12)
        assert back.loc[code, "lo"] <= back.loc[code, "value"] <= back.loc[code, "hi"]
        assert back.loc[code, "n_present"] == back.loc[code, "n_members"] == len(group)
    assert back["rank"].isna().all() and back["backcast"].all()


def test_a_missing_member_renormalises_the_others_and_flags_the_cell():
    source = _vn63()
    source = source[source["unit_code"] != "49"]  # Quảng Nam missing: Đà Nẵng (48) alone
    source.loc[source["unit_code"] == "74", "value"] = np.nan  # Bình Dương empty: TP.HCM (79) from two members
    back = harmonize.backcast(source, CAT).set_index("unit_code")
    values = source.set_index("unit_code")["value"]
    assert back.loc["48", "value"] == pytest.approx(values["48"], rel=1e-12)
    shares = CAT.members("79").set_index("from_code")["weight"]
    expected = (values["79"] * shares["79"] + values["77"] * shares["77"]) / (shares["79"] + shares["77"])
    assert back.loc["79", "value"] == pytest.approx(expected, rel=1e-12)
    flags = harmonize.flagged(back)
    assert flags["48"] and flags["79"] and not flags["01"]
    assert (back["value"] > 0).all()  # never a silent zero


def test_a_unit_without_any_member_gets_no_backcast():
    source = _vn63()
    source = source[~source["unit_code"].isin(CAT.members("48")["from_code"])]
    assert "48" not in set(harmonize.backcast(source, CAT)["unit_code"])


def test_official_values_from_2025_are_never_altered():
    official = _vn34()
    combined = harmonize.harmonized(pd.concat([_vn63(2024), official], ignore_index=True), CAT)
    after = combined[combined["year"] == 2025].reset_index(drop=True)
    pd.testing.assert_frame_equal(after[official.columns], official.sort_values("unit_code").reset_index(drop=True),
                                  check_dtype=False)
    assert not after["backcast"].any()
    assert combined.loc[combined["year"] == 2024, "backcast"].all()


def test_the_units_choice_frames_one_unit_set():
    scores = pd.concat([_vn63(2024), _vn34()], ignore_index=True)
    on34 = harmonize.on_units(scores, CAT, "vn34")
    on63 = harmonize.on_units(scores, CAT, "vn63")
    assert set(on34["unit_set"]) == {"vn34"} and set(on63["unit_set"]) == {"vn63"}
    assert analysis.unit_set_in(on34, 2016) == "vn34" and analysis.unit_set_in(on63, 2025) == "vn63"
    assert analysis.unit_set_in(scores, 2016) == "vn63" and analysis.unit_set_in(scores, 2025) == "vn34"
    assert harmonize.default_units(2025) == "vn34" and harmonize.default_units(2024) == "vn63"


def test_the_2025_league_table_continues_from_the_backcast():
    scores = harmonize.on_units(pd.concat([_vn63(2024), _vn34()], ignore_index=True), CAT, "vn34")
    table = analysis.league_table(scores, CAT, "PAPI:TOTAL", 2025)
    assert len(table) == 34 and table["rank_change"].notna().all() and table["value_change"].notna().all()
    assert table["trend"].map(len).eq(2).all()


def test_actions_of_a_former_province_attach_to_its_new_unit_with_its_weight_as_dose():
    from provindex.impact.exposure import on_vn34

    register = pd.DataFrame({
        "action_id": ["QNA-2019", "DNG-2013", "DNG-2026", "HTY-2007"], "unit_set": ["vn63", "vn63", "vn34", "vn63"],
        "unit_code": ["49", "48", "48", "28"], "year": [2019, 2013, 2026, 2007],
        "action_type": ["one_stop_shop"] * 4, "dose": [np.nan, 50.0, np.nan, np.nan]})
    shares = harmonize.member_weights(CAT).set_index("from_code")["weight"]
    moved = on_vn34(register, harmonize.member_weights(CAT)).set_index("action_id")
    assert set(moved["unit_code"]) == {"48"} and set(moved["unit_set"]) == {"vn34"}
    assert moved.loc["QNA-2019", "dose"] == pytest.approx(shares["49"]) and moved.loc["QNA-2019", "member_code"] == "49"
    assert moved.loc["DNG-2013", "dose"] == pytest.approx(50 * shares["48"])
    assert moved.loc["DNG-2026", "dose"] == 1.0 and pd.isna(moved.loc["DNG-2026", "member_code"])
    assert "HTY-2007" not in moved.index  # Hà Tây is outside the 2025 crosswalk
