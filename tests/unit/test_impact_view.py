"""provindex.impact.view and the shared rules behind it: pickers, domain defaults, the card, one p formatter."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from provindex import impact
from provindex.catalog import get_catalog
from provindex.impact import view
from provindex.impact.design import DesignSpec, build_design
from provindex.impact.verdict import placebo_fails
from provindex.impact.wording import p_value

pytestmark = pytest.mark.filterwarnings("ignore")
CATALOG = get_catalog()


# -- one formatter, one placebo rule ----------------------------------------------------------------------------------
def test_one_p_value_formatter():
    assert p_value(0.0004, "vi") == "< 0,001" and p_value(0.0004, "en") == "< 0.001"
    assert p_value(0.0456, "vi") == "0,046" and p_value(0.5, "en") == "0.500"
    assert p_value(None, "vi") == "–" and p_value(float("nan"), "en") == "–"


def test_placebo_rule_reads_only_placebo_rows():
    frame = pd.DataFrame({"component": ["A", "B"], "p_adj": [0.01, 0.5], "role": ["registered", "placebo"]})
    assert not placebo_fails(frame)
    assert placebo_fails(frame.assign(role="placebo"))
    assert not placebo_fails(None) and not placebo_fails(frame.iloc[:0])


# -- domain defaults -------------------------------------------------------------------------------------------------
def test_default_action_type_is_the_most_adopted_reform():
    actions = pd.DataFrame({"unit_code": ["01", "02", "03", "01", "01"],
                            "action_type": ["DDCI_LAUNCH", "DDCI_LAUNCH", "OSS_CENTRE", "OSS_CENTRE", "OSS_CENTRE"]})
    types = view.reform_types(CATALOG, actions)
    assert types == ["OSS_CENTRE", "DDCI_LAUNCH"]                  # catalogue order, present types only
    assert view.default_action_type(actions, types) == "OSS_CENTRE"  # 2 units each: catalogue order breaks the tie
    more = pd.concat([actions, pd.DataFrame({"unit_code": ["04"], "action_type": ["DDCI_LAUNCH"]})])
    assert view.default_action_type(more, types) == "DDCI_LAUNCH"    # units, not rows, are counted
    empty = actions.iloc[:0]
    assert view.default_action_type(empty, view.reform_types(CATALOG, empty)) == "OSS_CENTRE"


def test_sub_indices_offered_are_those_of_the_estimation_era():
    comps = view.component_choices(CATALOG, "PCI", ["PCI:TRANSPARENCY"], "vi")
    assert "PCI:SOE_BIAS" not in comps.codes and "PCI:CENTRAL_POLICY" not in comps.codes  # ended 2008 / 2005
    assert "PCI:POLICY_BIAS" in comps.codes and comps.codes[-1] == "PCI:TOTAL"
    assert comps.default == "PCI:TRANSPARENCY" and comps.labels["PCI:TRANSPARENCY"].endswith(view.PRIMARY_MARK)
    assert not comps.labels["PCI:LAND_ACCESS"].endswith(view.PRIMARY_MARK)


def test_action_and_outcome_choices():
    actions = pd.DataFrame({"action_id": ["a1", "a2"], "unit_code": ["48", "01"], "year": [2017, 2018],
                            "action_type": ["DDCI_LAUNCH", "DDCI_LAUNCH"], "title_vi": ["DDCI Đà Nẵng", None],
                            "title_en": ["Da Nang DDCI", None]})
    targets = pd.DataFrame({"action_id": ["a1"], "component": ["PCI:PROACTIVITY"], "role": ["primary"]})
    choices = view.action_choices(CATALOG, actions, "48", "en")
    assert choices.registered == ["", "a1"] and choices.registered_labels["a1"] == "Da Nang DDCI (2017)"
    assert choices.registered_type["a1"] == "DDCI_LAUNCH" and choices.default_type == "DDCI_LAUNCH"
    assert choices.registered_caption["a1"].startswith("Action type: ")
    outcomes = view.outcome_choices(CATALOG, actions, targets, "DDCI_LAUNCH", "en")
    assert outcomes.default_index == "PCI" and outcomes.primary == ["PCI:PROACTIVITY"]
    assert outcomes.index_labels["PCI"] == CATALOG.index_row("PCI")["short_en"]


def test_requests_give_the_unit_only_to_one_unit_rungs(cs_result, staggered):
    _, _, actions = staggered
    choice = view.ImpactChoice("OSS_CENTRE", "PCI:TIME_COSTS", "cs", 0)
    assert choice.request("48")["unit"] is None and choice.request("48", method="its")["unit"] == "48"
    acted = actions["unit_code"].iloc[0]
    assert view.unit_request(choice, cs_result, actions, acted) == choice.request(acted, method="scm")
    never = sorted(set(f"{i:02d}" for i in range(1, 64)) - set(actions["unit_code"]))[0]
    assert view.unit_request(choice, cs_result, actions, never) is None
    assert view.unit_request(choice, None, actions, acted) is None


# -- the card --------------------------------------------------------------------------------------------------------
def test_staggered_card_is_fully_formatted(cs_result):
    card = view.card_view(cs_result, CATALOG, "Đà Nẵng", "vi")
    assert card.heading == ":material/check_circle: Bằng chứng khá rõ" and card.sentence == cs_result.sentence_vi
    head = card.headline
    assert head.metric_label == "Ước tính" and head.metric_value.endswith(" điểm")
    assert head.interval.startswith("Khoảng tin cậy 95%: ")
    assert "36" in head.n_line and "2013" in head.n_line
    assert card.figure is not None and card.chart_key == f"es_{cs_result.spec_hash}"
    assert any(p_value(cs_result.pretrend_p, "vi") in line for line in card.diagnostics)
    assert any("tham khảo thô, không phải kết quả chính" in line for line in card.diagnostics)  # TWFE benchmark
    placebo = card.tables[0]
    assert len(placebo.frame) == 9 and placebo.caption == "Không chỉ số đối chứng nào có p đã điều chỉnh < 0,05."


def test_descriptive_and_screening_cards_state_no_number(staggered):
    _, scores, actions = staggered
    unit = actions["unit_code"].iloc[0]
    its = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="its", unit=unit)
    card = view.card_view(its, CATALOG, "X", "vi")
    assert card.headline.metric_value == "Không nêu con số" and card.headline.interval is None
    assert not any("p =" in line for line in card.diagnostics + [card.sentence])
    lone = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="lasso")
    card = view.card_view(lone, CATALOG, "X", "en")  # one action type: cannot be screened, and no crash
    assert lone.verdict == "not_assessable" and card.figure is None and card.tables == []


def test_notes_exist_in_both_languages(staggered):
    _, scores, actions = staggered
    holes = scores[~((scores["unit_code"] == "05") & (scores["year"] == 2015))]
    r = impact.estimate(holes, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE")
    vi, en = r.warning_texts("vi"), r.warning_texts("en")
    assert len(vi) == len(en) >= 1 and vi != en
    assert any("provinces with missing editions are left out" in w for w in en)
    assert any("tỉnh thiếu số liệu trong giai đoạn" in w for w in vi)
    card = view.card_view(r, CATALOG, "X", "en")
    assert card.warnings_line.startswith("Notes on the data: ")
    payload = json.loads(r.to_json())
    assert {"key", "params", "vi", "en"} <= set(payload["warnings"][0])
    assert payload["details"]["control_group"] == "nevertreated" and payload["details"]["attgt"]


def test_design_spec_builds_the_design(staggered):
    _, scores, actions = staggered
    design = build_design(scores, actions, DesignSpec("PCI:TIME_COSTS", "OSS_CENTRE"), catalog=CATALOG)
    assert design.years == list(range(2013, 2023)) and design.n_treated == 36 and design.control == "nevertreated"
    assert len(design.family) == 9 and design.Y.shape == (63, 10) and not design.reasons
    assert np.array_equal(np.sort(np.unique(design.G[design.G > 0])), np.arange(2016, 2022))
