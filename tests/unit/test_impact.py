"""provindex.impact: exposure rules, verdict and wording rules, inference routing, determinism, CLI."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from bench import impact_mc as mc
from helpers import FORBIDDEN
from provindex import impact
from provindex.impact import exposure
from provindex.impact import estimators as est

from .impact_fixture import WINDOW, pci_fixture

pytestmark = pytest.mark.filterwarnings("ignore")



# -- statistics helpers --------------------------------------------------------------------------------------
def test_holm_step_down():
    adjusted = est.holm([0.01, 0.04, 0.03, np.nan, 0.5])
    assert np.allclose(adjusted[[0, 2, 1, 4]], [0.04, 0.09, 0.09, 0.5])
    assert np.isnan(adjusted[3])


def test_randomization_inference_p_min_and_seed():
    fx = mc.make(0, cohorts=[(1, 2017)], delta=0.0)
    designs = est.permuted_designs(fx.G, fx.times, 999, np.random.default_rng(5))
    ri = est.randomization_inference(fx.Y[0], fx.G, fx.times, designs)
    assert ri["p_min"] == pytest.approx(1 / 63)  # only 63 distinct assignments of one treated unit
    again = est.randomization_inference(fx.Y[0], fx.G, fx.times,
                                        est.permuted_designs(fx.G, fx.times, 999, np.random.default_rng(5)))
    assert again == ri


def test_scm_weights_are_a_simplex_and_recover_a_mixture():
    rng = np.random.default_rng(0)
    donors = rng.normal(size=(8, 12))
    weights = np.array([0.5, 0.3, 0.2, 0, 0, 0, 0, 0])
    w = est.scm_weights(donors.T, weights @ donors)
    assert w.min() >= 0 and w.sum() == pytest.approx(1.0)
    assert np.allclose(w, weights, atol=1e-4)


# -- exposure rules (§1.3) ----------------------------------------------------------------------------------------
def first_edition(year, date, precision, index, **kwargs) -> int:
    """The exposure edition as production computes it: one register row through ``action_editions``."""
    row = pd.DataFrame([{"unit_code": "01", "year": year, "action_type": "OSS_CENTRE", "date": date,
                         "date_precision": precision}])
    return int(exposure.action_editions(row, index, **kwargs)["g"].iloc[0])


def test_exposure_edition_follows_fieldwork_and_precision():
    # PCI fieldwork starts 1 April (approximate), lead 90 days -> cut-off 1 January of the same year.
    assert first_edition(2015, dt.date(2015, 1, 1), "day", "PCI") == 2015
    assert first_edition(2015, dt.date(2015, 1, 2), "day", "PCI") == 2016
    assert first_edition(2015, dt.date(2015, 1, 2), "day", "PCI", lead_days=0) == 2015
    # PAPI fieldwork from 1 August: an action on 3 May counts for the same year's edition
    assert first_edition(2015, dt.date(2015, 5, 3), "day", "PAPI") == 2015
    assert first_edition(2015, dt.date(2015, 5, 4), "day", "PAPI") == 2016
    # known only to the year (or approximate): conservative, the next edition
    for precision in ("year", "approximate", None):
        assert first_edition(2015, dt.date(2015, 1, 1), precision, "PCI") == 2016
    assert first_edition(2015, None, "day", "PCI") == 2016


def test_cohorts_and_flags():
    actions = pd.DataFrame([
        {"action_id": "a", "unit_code": "01", "year": 2012, "action_type": "OSS_CENTRE"},          # g 2013 = first year
        {"action_id": "b", "unit_code": "02", "year": 2016, "action_type": "OSS_CENTRE"},
        {"action_id": "b2", "unit_code": "02", "year": 2018, "action_type": "OSS_CENTRE"},        # repeat: first counts
        {"action_id": "c", "unit_code": "04", "year": 2030, "action_type": "OSS_CENTRE"},         # after the window
        {"action_id": "d", "unit_code": "06", "year": 2016, "action_type": "OSS_CENTRE", "persistence": "temporary",
         "end_date": "2018-12-31"},
        {"action_id": "e", "unit_code": "02", "year": 2017, "action_type": "DISCIPLINE_DIRECTIVE"},  # other type
    ])
    targets = pd.DataFrame([{"action_id": "e", "component": "PCI:TIME_COSTS", "role": "primary"}])
    frame = exposure.cohorts(actions, "OSS_CENTRE", "PCI", WINDOW, ["01", "02", "04", "06", "08"], targets=targets,
                             component="PCI:TIME_COSTS", breaks=[2013, 2023]).set_index("unit_code")
    assert frame.loc["01", "always_treated"] and frame.loc["01", "g"] == 2013
    assert frame.loc["02", "g"] == 2017 and frame.loc["02", "n_pre"] == 4
    assert frame.loc["04", "g"] == 0 and frame.loc["08", "g"] == 0
    assert frame.loc["06", "temporary_only"] and frame.loc["06", "g"] == 0
    assert frame.loc["02", "contaminated"] and not frame.loc["01", "contaminated"]
    assert frame.loc["02", "straddles_break"]  # 2017 ± 5 reaches the 2013 and 2023 breaks


def test_exposure_panel_view():
    actions = pd.DataFrame([{"unit_code": "02", "year": 2015, "action_type": "ONLINE_SERVICES", "dose": 40.0,
                             "intensity_kind": "stock_at_year_end"},
                            {"unit_code": "02", "year": 2017, "action_type": "ONLINE_SERVICES", "dose": 80.0,
                             "intensity_kind": "stock_at_year_end"}])
    grid = exposure.panel(actions, "ONLINE_SERVICES", "PAPI", list(range(2011, 2025)), ["02", "03"])
    two = grid[grid["unit_code"] == "02"].set_index("year")
    assert two.loc[2015, "D"] == 0 and two.loc[2016, "D"] == 1 and two.loc[2024, "D"] == 1
    assert two.loc[2011, "rel"] == -5 and two.loc[2024, "rel_binned"] == 5 and two.loc[2011, "rel_binned"] == -5
    assert two.loc[2016, "years_since"] == 1 and two.loc[2015, "years_since"] == 0
    assert (two.loc[2016, "a0"], two.loc[2017, "a1"], two.loc[2018, "a2"]) == (1, 1, 1)
    assert two.loc[2017, "dose_level"] == 40.0 and two.loc[2018, "dose_level"] == 80.0
    assert two.loc[2020, "dose_cum"] == 120.0
    assert grid.loc[grid["unit_code"] == "03", "D"].sum() == 0


# -- rung D end to end ----------------------------------------------------------------------------------------------
def test_staggered_design_gives_a_clear_computed_verdict(cs_result, staggered):
    fx, _, _ = staggered
    r = cs_result
    assert (r.rung, r.method, r.estimand) == ("D", "cs_nevertreated_reg", "ATT_simple")
    assert r.verdict == "clear" and r.p_adj < 0.05 and r.p_method == "analytic"
    assert r.family == "registered:PCI" and r.p_adj == r.p  # one pre-registered target in this index
    assert r.n_treated == 36 and r.n_control == 27 and r.editions == (2013, 2022)
    assert r.cohorts == {g: 6 for g in range(2016, 2022)}
    assert r.ci[0] < r.estimate < r.ci[1] and r.ci[0] > 0
    assert -1 in set(r.event_study["e"]) and r.pretrend_p is not None
    assert set(r.placebo["role"]) == {"placebo"} and len(r.placebo) == 9
    assert (r.placebo["p_adj"] >= r.placebo["p"]).all()
    assert r.details.twfe["estimate"] != r.estimate and r.details.did2s is not None
    assert r.mde == pytest.approx(est.MDE_FACTOR * r.se)


def test_sentences_follow_the_wording_rules(cs_result):
    vi, en = cs_result.sentence_vi, cs_result.sentence_en
    assert "Bằng chứng khá rõ" in vi and "Fairly clear evidence" in en
    assert "Ở 36 tỉnh đã" in vi and "so với 27 tỉnh chưa thực hiện" in vi and "In the 36 provinces that" in en
    lo = cs_result.ci[0]
    assert f"có thể từ +{lo:.2f}".replace(".", ",") in vi  # the interval in words, decimal comma in Vietnamese
    assert f"anywhere from +{lo:.2f}" in en
    for text in (vi, en):
        assert not FORBIDDEN.search(text)
        assert "95%" not in text and "p =" not in text  # statistics stay in the analyst's view


def test_not_significant_result_states_the_mde_not_no_effect(staggered):
    _, scores, actions = staggered
    r = impact.estimate(scores, actions, outcome="PCI:LAND_ACCESS", action_type="OSS_CENTRE")
    assert r.verdict == "insufficient" and r.family == "exploratory:PCI"
    assert "chỉ những thay đổi từ khoảng" in r.sentence_vi and "may have gone unnoticed" in r.sentence_en
    assert "không có tác động" not in r.sentence_vi.lower()
    placebo = r.placebo.set_index("component")
    assert placebo.loc["PCI:TIME_COSTS", "role"] == "registered"   # the real target is not a placebo


def test_few_treated_switch_to_randomization_inference():
    _, scores, actions = pci_fixture(seed=4, cohorts=[(2, 2017), (2, 2019)], delta=1.5)
    r = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", seed=11, ri_reps=499)
    assert r.n_treated == 4 and r.p_method == "RI-499" and r.p_min_achievable == pytest.approx(1 / 500)
    assert r.details.twfe_p_hidden
    assert "few_treated" in r.details.failed_checks and r.verdict in ("weak", "insufficient")
    assert "Chỉ có 4 tỉnh thực hiện" in r.sentence_vi and "Only 4 provinces acted" in r.sentence_en
    assert "dưới 6 tỉnh thực hiện" in r.sentence_vi  # the verdict names why it is not stronger
    from provindex.impact.rungs import rung_of
    assert any("Hoán vị ngẫu nhiên" in line for line in rung_of(r).diagnostics(r, "vi"))  # RI p for the analyst


def test_determinism_same_seed_same_bytes():
    _, scores, actions = pci_fixture(seed=4, cohorts=[(2, 2017), (2, 2019)])
    runs = [impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", seed=s, ri_reps=199)
            for s in (7, 7, 8)]
    assert runs[0].to_json() == runs[1].to_json()
    assert json.loads(runs[0].to_json())["seed"] == 7 and runs[2].seed == 8
    assert runs[0].spec_hash != runs[2].spec_hash


def test_cannot_be_assessed_cases(staggered):
    _, scores, actions = staggered
    crossing = impact.estimate(scores.assign(year=scores["year"] - 5), actions.assign(year=actions["year"] - 5),
                               outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", window=(2008, 2017))
    assert crossing.verdict == "not_assessable" and "break" in crossing.details.reasons
    everyone = actions.copy()
    everyone = pd.DataFrame({"unit_code": [f"{i:02d}" for i in range(1, 64)], "year": 2017,
                             "action_type": "OSS_CENTRE"})
    same = impact.estimate(scores, everyone, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", control="auto")
    assert same.verdict == "not_assessable" and same.details.reasons == ("same_year",)
    assert "Không đánh giá được" in same.sentence_vi
    none = impact.estimate(scores, actions.iloc[:0], outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE")
    assert none.verdict == "not_assessable" and none.details.reasons == ("no_treated",)


# -- rungs A, B, C, E, F ---------------------------------------------------------------------------------------------
def test_single_province_before_after_has_no_p_value(staggered):
    _, scores, actions = staggered
    unit = actions["unit_code"].iloc[0]
    r = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="its", unit=unit)
    assert r.rung == "A" and r.p is None and r.ci is None and r.estimate is None and r.verdict == "insufficient"
    assert "không đủ để kết luận" in r.sentence_vi and "p =" not in r.sentence_vi and "p =" not in r.sentence_en
    assert {"actual", "trend"} <= set(r.series.columns)


def test_synthetic_control_reports_the_smallest_achievable_p():
    _, scores, actions = pci_fixture(seed=2, cohorts=[(1, 2018)], delta=0.0)
    unit = actions["unit_code"].iloc[0]
    r = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="scm", unit=unit)
    assert r.rung == "E" and r.n_control == 62
    assert r.p_min_achievable == pytest.approx(1 / 63)
    assert r.verdict != "not_assessable", r.details.reasons
    if r.verdict != "not_assessable":
        assert r.p >= r.p_min_achievable
        assert r.p_method == "placebo-rank" and "p =" not in r.sentence_vi
        assert f"trong {r.details.J} tỉnh" in r.sentence_vi  # the rank in words; the p and its floor for the analyst
        from provindex.impact.rungs import rung_of
        assert any("p nhỏ nhất có thể đạt = 0,016" in line for line in rung_of(r).diagnostics(r, "vi"))
        assert r.details.weights["weight"].sum() == pytest.approx(1.0, abs=1e-3)
    auto = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="auto",
                           unit=unit)
    assert auto.rung == "E"  # one treated unit routes to synthetic control


def test_regression_rungs_say_associated_and_never_claim_evidence(staggered):
    _, scores, actions = staggered
    for method, rung in (("twfe", "C"), ("fd", "B")):
        r = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method=method)
        assert r.rung == rung and r.verdict == "insufficient"
        assert "liên quan" in r.sentence_vi and "associated" in r.sentence_en
        assert "ước tính tác động" not in r.sentence_vi.replace("không phải ước tính tác động", "")


def test_screening_has_no_p_values(staggered):
    _, scores, actions = staggered
    more = pd.concat([actions, actions.assign(action_type="DDCI_LAUNCH", year=actions["year"] + 1)])
    r = impact.estimate(scores, more, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="lasso")
    assert r.rung == "F" and r.p is None and r.p_adj is None and r.ci is None
    assert set(r.details.ranking.columns) == {"action_type", "lasso", "ridge", "adopters", "rank"}
    assert "không kèm mức chắc chắn nào" in r.sentence_vi


def test_verdict_rules_table():
    assert impact.verdict_d(0.01, 0.5, 0.5, False, 20)[0] == "clear"
    assert impact.verdict_d(0.07, 0.5, 0.5, False, 20)[0] == "weak"
    assert impact.verdict_d(0.01, 0.01, 0.5, False, 20) == ("weak", ["pretrend"])
    assert impact.verdict_d(0.01, 0.5, 0.5, False, 5) == ("weak", ["few_treated"])
    assert impact.verdict_d(0.01, 0.01, 0.01, False, 20)[0] == "insufficient"
    assert impact.verdict_d(0.07, 0.5, 0.5, True, 20)[0] == "insufficient"
    assert impact.verdict_d(0.2, None, None, False, 20)[0] == "insufficient"


def test_pre_period_doubts_cap_the_verdict_at_weak():
    from provindex.impact.verdict import cap_verdict, doubts_before, trend_grade

    event = pd.DataFrame({"e": [-3, -2, -1, 0], "lo": [0.03, -0.1, -0.2, 0.1], "hi": [0.45, 0.3, 0.2, 0.5]})
    calm = event.assign(lo=[-0.1, -0.1, -0.2, 0.1])
    assert doubts_before(0.059, event) == ["pretrend", "lead"]     # the card: p 0.059 and e = -3 off zero
    assert doubts_before(0.5, event) == ["lead"] and doubts_before(0.09, calm) == ["pretrend"]
    assert doubts_before(0.5, calm) == [] and doubts_before(None, None) == []
    assert doubts_before(0.5, event.assign(e=[-1, -2, -3, 0]), anticipation=1) == []  # e = -1 modelled
    assert cap_verdict("clear", ["lead"]) == "weak" and cap_verdict("insufficient", ["lead"]) == "insufficient"
    assert cap_verdict("clear", []) == "clear"
    assert trend_grade(0.5, []) == "alike" and trend_grade(0.07, ["pretrend"]) == "roughly"
    assert trend_grade(0.5, ["lead"]) == "roughly" and trend_grade(0.01, ["pretrend"]) == "different"
    assert trend_grade(None, []) is None


def test_mechanical_link_is_labelled(staggered):
    _, scores, actions = staggered
    r = impact.estimate(scores, actions, outcome="PCI:ENTRY_COSTS", action_type="OSS_CENTRE")
    assert r.details.mechanical and "kiểm tra thực hiện" in r.sentence_vi


# -- command line ------------------------------------------------------------------------------------------------------
def test_cli_prints_json(tmp_path, staggered, capsys):
    _, scores, actions = staggered
    scores.to_csv(tmp_path / "s.csv", index=False)
    actions[["unit_code", "year", "action_type"]].to_csv(tmp_path / "a.csv", index=False)
    code = impact.main(["--scores", str(tmp_path / "s.csv"), "--actions", str(tmp_path / "a.csv"), "--outcome",
                        "PCI:TIME_COSTS", "--action-type", "OSS_CENTRE", "--method", "cs", "--seed", "5", "--json"])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["rung"] == "D" and payload["seed"] == 5 and payload["verdict"] in impact.VERDICTS
    assert payload["n_treated"] == 36 and len(payload["ci"]) == 2 and payload["event_study"][0]["e"] < 0
    bad = tmp_path / "bad.csv"
    bad.write_text("unit_code,year\n01,2015\n", encoding="utf-8")
    code = impact.main(["--scores", str(tmp_path / "s.csv"), "--actions", str(bad), "--outcome", "PCI:TIME_COSTS",
                        "--action-type", "OSS_CENTRE"])
    assert code == 1 and "action_type" in capsys.readouterr().err


def test_scm_fit_gate_hides_the_effect_for_a_unit_outside_the_donors(staggered):
    _, scores, actions = pci_fixture(seed=2, cohorts=[(1, 2018)], delta=0.0)
    unit = actions["unit_code"].iloc[0]
    lifted = scores.copy()
    lifted.loc[lifted["unit_code"] == unit, "value"] += 3.0  # above every donor in every year
    r = impact.estimate(lifted, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="scm", unit=unit)
    assert r.verdict == "not_assessable" and r.estimate is None and r.p is None
    assert r.details.outside_hull and not r.details.fit_gate
    assert r.series is not None and "Biểu đồ chỉ cho thấy" in r.sentence_vi


def test_charts_use_integer_axes(cs_result):
    from provindex.impact import charts

    fig = charts.event_study_figure(cs_result.event_study, "vi")
    assert fig.layout.xaxis.tickformat == "d" and fig.layout.xaxis.dtick == 1
    assert fig.layout.title.text == "Biến động theo thời điểm so với năm thực hiện"
    assert list(fig.data[0].x) == list(cs_result.event_study["e"])
    trend = charts.its_figure(pd.DataFrame({"year": [2015, 2016, 2017], "actual": [1, 2, 3], "trend": [1, 2, 2.5]}),
                              "Đà Nẵng", 2017, "en")
    assert trend.data  # the before/after chart draws the series


def test_without_cross_checks_the_card_is_the_same_and_pyfixest_is_not_needed(cs_result, staggered):
    """The deck asks for verdicts only: did2s / TWFE benchmarks are skipped, nothing it shows changes."""
    _, scores, actions = staggered
    light = impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="cs", seed=3,
                            cross_checks=False)
    assert (light.verdict, light.estimate, light.ci, light.p_adj) == (cs_result.verdict, cs_result.estimate,
                                                                     cs_result.ci, cs_result.p_adj)
    assert light.sentence("vi") == cs_result.sentence("vi") and light.sentence("en") == cs_result.sentence("en")
    assert light.details.did2s is None and light.details.twfe is None


def test_the_deck_path_does_not_import_pyfixest():
    import subprocess
    import sys

    from helpers import ROOT

    code = ("import sys\nfrom tests.unit.impact_fixture import pci_fixture\nfrom provindex import impact\n"
            "_, s, a = pci_fixture()\n"
            "impact.estimate(s, a, outcome='PCI:TIME_COSTS', action_type='OSS_CENTRE', cross_checks=False, "
            "ri_reps=99)\nprint('pyfixest' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
