"""provindex.impact.view / focus and the shared rules behind them: pickers, whose number, the card, one p formatter."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from provindex import impact
from provindex.catalog import get_catalog
from provindex.impact import focus, view
from provindex.impact.design import DesignSpec, build_design
from provindex.impact.verdict import placebo_fails
from provindex.impact.wording import p_value

from .impact_fixture import pci_fixture

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


REGISTER = pd.DataFrame({"action_id": ["a1", "a2", "a3", "a4"], "unit_code": ["48", "01", "48", "02"],
                         "year": [2017, 2018, 2019, 2019],
                         "action_type": ["DDCI_LAUNCH", "DDCI_LAUNCH", "LEADERSHIP_CHANGE", "OSS_CENTRE"],
                         "date": [pd.Timestamp("2017-06-01"), None, None, None],
                         "date_precision": ["day", "year", "year", "year"],
                         "title_vi": ["DDCI Đà Nẵng", None, None, None], "title_en": ["Da Nang DDCI", None, None, None],
                         "persistence": ["absorbing"] * 4})
TARGETS = pd.DataFrame({"action_id": ["a1", "a1", "a4"], "component": ["PAR:F5", "PCI:PROACTIVITY", "PCI:TIME_COSTS"],
                        "role": ["secondary", "primary", "primary"]})


def test_sub_indices_offered_are_those_of_the_estimation_era_targets_first():
    outcomes = focus.outcome_options(CATALOG, REGISTER, TARGETS, "DDCI_LAUNCH", "vi")
    assert outcomes.codes[:2] == ["PCI:PROACTIVITY", "PAR:F5"]  # primary, then secondary target
    assert outcomes.default == "PCI:PROACTIVITY" and outcomes.registered == ("PCI:PROACTIVITY", "PAR:F5")
    assert "PCI:SOE_BIAS" not in outcomes.codes and "PCI:CENTRAL_POLICY" not in outcomes.codes  # ended 2008 / 2005
    assert "PCI:POLICY_BIAS" in outcomes.codes and "PCI:TOTAL" in outcomes.codes and "PAPI:D8" in outcomes.codes
    assert outcomes.labels["PCI:PROACTIVITY"].startswith("★ ") and "đăng ký trước" in outcomes.labels["PAR:F5"]
    assert outcomes.labels["PCI:LAND_ACCESS"].endswith("(thăm dò)")
    other = focus.outcome_options(CATALOG, REGISTER, TARGETS, "OSS_CENTRE", "en")
    assert other.default == "PCI:TIME_COSTS" and other.labels["PCI:PROACTIVITY"].endswith("(exploratory)")


def test_unit_actions_and_the_action_picker_start_from_the_unit():
    mine = focus.unit_actions(CATALOG, REGISTER, TARGETS, "48", "en")
    assert [a.action_type for a in mine] == ["DDCI_LAUNCH"]  # a leadership change is a confounder, not a reform
    ddci = mine[0]
    assert ddci.titles == ("Da Nang DDCI (2017)",) and ddci.index == "PCI"
    assert ddci.edition == 2018  # June 2017 is after PCI 2017's fieldwork cut-off: first visible in 2018
    options = focus.action_options(CATALOG, REGISTER, mine, "Da Nang", "en")
    assert options.codes[0] == "DDCI_LAUNCH" and options.default == "DDCI_LAUNCH"
    assert options.labels["DDCI_LAUNCH"].endswith("Da Nang acted (2017)")
    assert options.labels["OSS_CENTRE"].endswith("not registered by Da Nang")
    none = focus.action_options(CATALOG, REGISTER, [], "X", "vi")
    assert none.default in none.codes and all("X chưa đăng ký" in v for v in none.labels.values())
    untargeted = focus.outcome_options(CATALOG, REGISTER, TARGETS, "LEADERSHIP_CHANGE", "vi")
    assert untargeted.default == "PCI:TOTAL" and untargeted.registered == ()  # no target: the headline score
    assert untargeted.labels["PCI:TOTAL"] == "Chỉ số PCI (có trọng số) (thăm dò)"


def test_requests_give_the_unit_only_to_its_own_card():
    choice = focus.FocusChoice("OSS_CENTRE", "PCI:TIME_COSTS", "cs", 0)
    assert choice.context_request()["unit"] is None and choice.context_request()["method"] == "cs"
    assert choice.own_request("48", took=True) == choice.request("scm", "48")
    assert choice.own_request("48", took=False) is None
    assert choice.path_request("48", None) is None
    analyst = focus.FocusChoice("OSS_CENTRE", "PCI:TIME_COSTS", "its", 0)
    assert analyst.own_request("48", True)["method"] == "its" and analyst.context_request()["method"] == "cs"


def test_cards_say_whose_number_it_is(cs_result, staggered):
    _, _, actions = staggered
    acted = cs_result.details.treated_units[0]
    never = cs_result.details.control_units[0]
    cards = focus.focus_cards(None, cs_result, action=None, exploratory=True, catalog=CATALOG, unit_code=never,
                              unit_name="Đà Nẵng", lang="vi")
    assert len(cards) == 1 and cards[0].sentence.startswith("Đà Nẵng chưa đăng ký hành động này. Ở 36 tỉnh đã")
    assert "Đà Nẵng nằm trong nhóm tỉnh chưa thực hiện dùng để so sánh" in cards[0].sentence
    assert cards[0].title == "Trung bình ở 36 tỉnh đã thực hiện" and "thăm dò" in cards[0].notice
    action = focus.UnitAction("OSS_CENTRE", "Trung tâm", ("TT (2016)",), 2016, "PCI", 2017)
    own = impact.estimate(*staggered[1:], outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="scm",
                          unit=acted)
    cards = focus.focus_cards(own, cs_result, action=action, exploratory=False, catalog=CATALOG, unit_code=acted,
                              unit_name="Đà Nẵng", lang="vi")
    assert cards[0].title == "Riêng Đà Nẵng — Trung tâm, có thể thấy trong số liệu từ kỳ PCI 2017"
    assert cards[0].headline.metric_label == "Riêng Đà Nẵng so với Đà Nẵng tổng hợp"
    assert cards[1].title == "Để tham khảo: trung bình ở 36 tỉnh đã thực hiện (có Đà Nẵng)"
    assert not cards[1].sentence.startswith("Đà Nẵng chưa") and cards[1].notice is None


# -- the card --------------------------------------------------------------------------------------------------------
def test_staggered_card_is_fully_formatted(cs_result):
    card = view.card_view(cs_result, CATALOG, "Đà Nẵng", "vi")
    assert card.heading == ":material/check_circle: Bằng chứng khá rõ" and card.sentence == cs_result.sentence_vi
    head = card.headline
    assert head.metric_label == "Trung bình ở 36 tỉnh đã thực hiện" and head.metric_value.endswith(" điểm")
    assert head.interval == f"Có thể từ +{cs_result.ci[0]:.2f} đến +{cs_result.ci[1]:.2f} điểm".replace(".", ",")
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


def test_too_few_editions_for_a_synthetic_unit_show_the_unit_s_own_path():
    _, scores, actions = pci_fixture(seed=2, cohorts=[(1, 2017)], delta=0.5)  # 4 editions before: SCM needs 5
    unit = actions["unit_code"].iloc[0]
    choice = focus.FocusChoice("OSS_CENTRE", "PCI:TIME_COSTS", "cs", 0)
    own = impact.estimate(scores, actions, **choice.own_request(unit, True))
    assert own.verdict == "not_assessable" and "few_pre" in own.details.reasons
    path = impact.estimate(scores, actions, **choice.path_request(unit, own))
    assert path.rung == "A" and path.series is not None
    action = focus.UnitAction("OSS_CENTRE", "Trung tâm", ("TT (2016)",), 2016, "PCI", 2017)
    (card,) = focus.focus_cards(own, None, action=action, exploratory=False, catalog=CATALOG, unit_code=unit,
                                unit_name="Đà Nẵng", lang="vi", path=path)
    assert card.sentence.startswith("Trước khi thực hiện có chưa đủ 5 kỳ số liệu để ghép một 'Đà Nẵng tổng hợp'")
    assert card.figure is not None and card.headline.metric_value == "Không nêu con số"
    assert card.verdict == "Chưa đủ bằng chứng" and "Đánh giá: Chưa đủ bằng chứng." in card.sentence
