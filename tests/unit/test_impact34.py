"""The Impact ladder on the 34 post-merger units with the dose (issue 11 item 4).

A former province's action attaches to its new unit with the province's population weight as dose; an action
of a 34-unit (after July 2025) with weight 1. The panel is the harmonised (back-cast) scores; rung D refuses
partial doses (IMPACT-METHOD §3.10), rungs B/C take the dose, E/A/F read dose > 0 as treated and say so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from provindex import harmonize, impact
from provindex.catalog import get_catalog
from provindex.impact import estimators as est
from provindex.impact import exposure, units34
from provindex.impact.view import card_view
from .impact_fixture import pci_fixture

CAT = get_catalog()
WEIGHTS = harmonize.member_weights(CAT)
W49 = float(WEIGHTS.loc[WEIGHTS["from_code"] == "49", "weight"].iloc[0])  # Quảng Nam's share of the new Đà Nẵng


def on_real_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """The §5.1 fixture's units 01..63 renamed to the 63 real province codes (so the crosswalk applies)."""
    codes = sorted(WEIGHTS["from_code"])
    mapping = {f"{i + 1:02d}": code for i, code in enumerate(codes)}
    return frame.assign(unit_code=frame["unit_code"].map(mapping))


@pytest.fixture(scope="module")
def fixture():
    _, scores, actions = pci_fixture(seed=1)
    return on_real_codes(scores), on_real_codes(actions)


def test_a_former_province_action_is_its_member_weight_of_the_new_unit():
    actions = pd.DataFrame({"unit_code": ["49", "48"], "year": [2016, 2019], "action_type": ["OSS_CENTRE"] * 2})
    attached = units34.attached(actions, CAT)
    assert list(attached["unit_code"]) == ["48", "48"] and list(attached["member_code"]) == ["49", "48"]
    dose = units34.dose_matrix(attached, "OSS_CENTRE", "PCI", [2016, 2017, 2018, 2019, 2020, 2021], ["48", "01"])
    # Quảng Nam (date unknown → from the edition after 2016), then the old Đà Nẵng too: the whole unit
    assert dose[0] == pytest.approx([0, W49, W49, W49, 1.0, 1.0])
    assert (dose[1] == 0).all() and units34.partial_units(dose) == 1


def test_an_action_after_july_2025_attaches_to_the_new_unit_with_weight_one():
    actions = pd.DataFrame({"unit_code": ["48"], "year": [2025], "action_type": ["OSS_CENTRE"], "unit_set": ["vn34"],
                            "date": [pd.Timestamp("2025-08-01")], "date_precision": ["day"]})
    attached = units34.attached(actions, CAT)
    assert attached["member_weight"].tolist() == [1.0] and attached["member_code"].isna().all()
    dose = units34.dose_matrix(attached, "OSS_CENTRE", "PCI", [2025, 2026, 2027], ["48"])
    assert dose[0].tolist() == [0.0, 1.0, 1.0]
    assert units34.partial_units(dose) == 0


def test_a_former_province_is_read_as_its_new_unit():
    assert units34.new_unit("49", CAT) == "48" and units34.new_unit("48", CAT) == "48"
    assert units34.new_unit(None, CAT) is None


def test_the_34_unit_panel_is_the_back_cast_and_says_so(fixture):
    scores, actions = fixture
    result = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="fd",
                             units="vn34", ri_reps=99)
    assert result.unit_set == "vn34" and result.n_units <= 34
    keys = [m.key for m in result.warnings]
    assert "impact.note.panel_vn34" in keys and "impact.note.dose_share" in keys
    expected = harmonize.harmonized(scores, CAT)
    da_nang = expected[(expected["unit_code"] == "48") & (expected["component"] == "PCI:TIME_COSTS")]
    hand = (scores.query("unit_code == '48' and component == 'PCI:TIME_COSTS'").set_index("year")["value"]
            * (1 - W49) + scores.query("unit_code == '49' and component == 'PCI:TIME_COSTS'")
            .set_index("year")["value"] * W49)
    assert da_nang.set_index("year")["value"].to_numpy() == pytest.approx(hand.sort_index().to_numpy())
    card = card_view(result, CAT, "Đà Nẵng", "vi")
    assert card.panel.startswith("Ước tính trên 34 đơn vị quy đổi") and "không phải số liệu công bố" in card.panel


def test_the_default_stays_on_the_63_provinces_with_the_same_request_hash(fixture):
    scores, actions = fixture
    default = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="twfe",
                              ri_reps=99)
    explicit = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="twfe",
                               ri_reps=99, units="vn63")
    on34 = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="twfe",
                           ri_reps=99, units="vn34")
    assert default.to_json() == explicit.to_json() and default.unit_set == "vn63" and default.n_units == 63
    assert on34.spec_hash != default.spec_hash
    assert card_view(default, CAT, "Đà Nẵng", "en").panel == "Estimated on the 63 former provinces, editions up to 2024."
    with pytest.raises(impact.ImpactError):
        impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", units="vn99")


def test_staggered_did_refuses_a_partial_dose_and_runs_on_full_ones(fixture):
    scores, actions = fixture
    partial = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", units="vn34",
                              ri_reps=99)
    assert partial.verdict == "not_assessable" and "partial_dose" in partial.details.reasons
    unchanged = set(WEIGHTS.groupby("to_code").filter(lambda g: len(g) == 1)["from_code"])
    full = impact.estimate(scores, actions[actions["unit_code"].isin(unchanged)], outcome="PCI:TIME_COSTS",
                           action_type="OSS_CENTRE", units="vn34", ri_reps=99)
    assert "partial_dose" not in full.details.reasons and full.estimate is not None


def test_one_unit_rungs_read_a_partial_dose_as_treated_and_say_how_much(fixture):
    scores, actions = fixture
    acted = set(actions["unit_code"])
    merged = WEIGHTS[WEIGHTS.groupby("to_code")["from_code"].transform("size") > 1]
    unit = next(to for to, rows in merged.groupby("to_code") if 0 < len(set(rows["from_code"]) & acted) < len(rows))
    result = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="its",
                             unit=unit, units="vn34")
    notes = [m for m in result.warnings if m.key == "impact.note.dose_binary_unit"]
    assert result.n_treated == 1 and len(notes) == 1 and 0 < notes[0].params["share"] < 100


def test_full_doses_give_the_binary_first_differences():
    rng = np.random.default_rng(3)
    G = np.array([0, 0, 0, 2016, 2016, 2018, 2018, 0])
    times = np.arange(2013, 2021)
    Y = rng.normal(size=(len(G), len(times))) + 0.5 * est.status_matrix(G, times)
    units = [f"{i:02d}" for i in range(len(G))]
    binary = est.first_differences(est.long_panel(Y, G, times, units))
    dosed = est.first_differences(est.long_panel(Y, G, times, units, dose=est.status_matrix(G, times)))
    assert dosed["estimate"] == pytest.approx(binary["estimate"]) and dosed["se"] == pytest.approx(binary["se"])
    half = est.first_differences(est.long_panel(Y, G, times, units, dose=0.5 * est.status_matrix(G, times)))
    assert half["estimate"] == pytest.approx(2 * binary["estimate"])  # the effect of a full dose


def test_randomization_inference_on_the_dose_permutes_whole_dose_paths():
    rng = np.random.default_rng(0)
    G = np.array([0, 0, 2016, 2017, 0, 0])
    times = np.arange(2013, 2020)
    dose = est.status_matrix(G, times) * np.array([[0], [0], [0.4], [1.0], [0], [0]])
    Y = rng.normal(size=dose.shape) + 2.0 * dose
    ri = est.randomization_inference(Y, G, times, est.permuted_doses(dose, 199, rng), dose=dose)
    assert ri["reps"] == 199 and 0 < ri["p"] <= 1 and ri["p_min"] == pytest.approx(1 / 30)


def test_on_vn34_keeps_register_columns_for_the_page():
    actions = exposure.normalise_actions(pd.DataFrame({"unit_code": ["49"], "year": [2016],
                                                       "action_type": ["OSS_CENTRE"], "title_vi": ["Trung tâm"]}))
    attached = units34.attached(actions, CAT)
    assert attached["title_vi"].tolist() == ["Trung tâm"] and attached["member_weight"].iloc[0] == pytest.approx(W49)


def test_cli_runs_on_the_34_units(tmp_path, fixture, capsys):
    import json

    scores, actions = fixture
    scores.to_csv(tmp_path / "s.csv", index=False)
    actions.to_csv(tmp_path / "a.csv", index=False)
    args = ["--scores", str(tmp_path / "s.csv"), "--actions", str(tmp_path / "a.csv"), "--outcome", "PCI:TIME_COSTS",
            "--action-type", "OSS_CENTRE", "--method", "fd", "--ri-reps", "99", "--json"]
    assert impact.main(args + ["--units", "vn34"]) == 0
    on34 = json.loads(capsys.readouterr().out)
    assert impact.main(args) == 0
    on63 = json.loads(capsys.readouterr().out)
    assert (on34["unit_set"], on63["unit_set"]) == ("vn34", "vn63") and on34["n_units"] < on63["n_units"] == 63
