"""Every sentence, for each rung × verdict × language (issue 13 item 4): generated from the result's fields, no
contradiction between sentence, number and chart, no causal verb, no bare statistical term."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from helpers import FORBIDDEN
from provindex import impact
from provindex.catalog import get_catalog
from provindex.i18n import t
from provindex.impact import view
from provindex.impact.wording import signed

from .impact_fixture import pci_fixture
from .test_impact_doubts import planted_pretrend

pytestmark = pytest.mark.filterwarnings("ignore")
CATALOG = get_catalog()
#: Statistical terms a leader's sentence must not carry (they live in the analyst's diagnostics, with numbers).
BARE = {"vi": ["khoảng tin cậy", "kiểm định", "p =", "giá trị p", "hoán vị", "RMSPE", "DiD", "hồi quy",
               "ý nghĩa thống kê", "sai số chuẩn", "Holm"],
        "en": ["confidence interval", r"\bCI\b", "p =", "p-value", "pre-trend", "randomi[sz]ation", "regression",
               "DiD", "significan", "RMSPE", "standard error", "Holm"]}
TIME = "PCI:TIME_COSTS"


def run(scores, actions, **kwargs):
    return impact.estimate(scores, actions, outcome=kwargs.pop("outcome", TIME), action_type="OSS_CENTRE", **kwargs)


@pytest.fixture(scope="module")
def results(staggered, cs_result):
    _, scores, actions = staggered
    one = {seed: pci_fixture(seed=seed, cohorts=[(1, 2018)], delta=0.8) for seed in (2, 5)}
    single = {seed: (s, a, a["unit_code"].iloc[0]) for seed, (_, s, a) in one.items()}
    never = sorted(set(scores["unit_code"]) - set(actions["unit_code"]))[0]
    acted = actions["unit_code"].iloc[0]
    more = pd.concat([actions, actions.assign(action_type="DDCI_LAUNCH", year=actions["year"] + 1)])
    lifted = single[2][0].copy()
    lifted.loc[lifted["unit_code"] == single[2][2], "value"] += 3.0
    return [
        cs_result, run(*planted_pretrend(0.06)), run(scores, actions, outcome="PCI:LAND_ACCESS"),
        run(scores, actions.iloc[:0]), run(scores, actions, method="did2s"),
        run(*single[2][:2], method="scm", unit=single[2][2]), run(*single[5][:2], method="scm", unit=single[5][2]),
        run(*single[2][:2], outcome="PCI:LAND_ACCESS", method="scm", unit=single[2][2]),
        run(lifted, single[2][1], method="scm", unit=single[2][2]), run(scores, actions, method="scm", unit=never),
        run(scores, actions, method="its", unit=acted), run(scores, actions, method="its", unit=never),
        run(scores, actions, method="fd"), run(scores, actions, method="twfe"),
        run(scores, actions.iloc[:0], method="fd"), run(scores, actions.iloc[:0], method="twfe"),
        run(scores, more, method="lasso"), run(scores, actions, method="lasso"),
    ]


def test_every_rung_and_verdict_is_covered(results):
    covered = {(r.rung, r.verdict) for r in results}
    expected = {("D", v) for v in impact.VERDICTS} | {("E", v) for v in impact.VERDICTS}
    expected |= {(rung, v) for rung in "ABCF" for v in ("insufficient", "not_assessable")}
    assert expected <= covered, expected - covered


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sentences_follow_the_leader_rules(results, lang):
    for r in results:
        text = r.sentence(lang)
        where = (r.rung, r.verdict, lang, text)
        assert text and not FORBIDDEN.search(text), where
        assert "{" not in text and "None" not in text and "nan" not in text.lower().split(), where
        for term in BARE[lang]:
            assert not re.search(term, text), (term, *where)
        verdicts = {v: t(f"impact.verdict.{v}", lang) for v in impact.VERDICTS}
        assert verdicts[r.verdict] in text, where
        assert not any(label in text for v, label in verdicts.items() if v != r.verdict), where


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sentence_number_and_chart_agree(results, lang):
    for r in results:
        card = view.card_view(r, CATALOG, "X", lang)
        head = card.headline
        if head.metric_value and r.estimate is not None:
            assert signed(r.estimate, lang) in card.sentence and head.metric_value.startswith(signed(r.estimate, lang))
            lo, hi = signed(r.ci[0], lang), signed(r.ci[1], lang)
            assert lo in head.interval and hi in head.interval and f"{lo} " in card.sentence and hi in card.sentence
        if r.verdict == "clear":
            assert r.ci[0] > 0 or r.ci[1] < 0  # a clear verdict never stands beside an interval across zero
        if r.rung == "D" and r.verdict != "not_assessable":
            _event_chart_agrees(r, card, lang)
        if r.rung == "E" and r.estimate is not None:
            post = r.series[r.series["year"] >= r.details.g]["gap"]
            assert post.mean() == pytest.approx(r.estimate)  # the chart's gap line averages to the number
            gap = [tr for tr in card.figure.data if tr.showlegend is False][-1]
            assert list(gap.y) == pytest.approx(list(r.series["gap"]))


def _event_chart_agrees(r, card, lang):
    """The pre-trend sentence matches the leads the chart draws; the years after match its last point."""
    trace = card.figure.data[0]
    x = np.array(trace.x)
    est = np.array(trace.y)
    lo, hi = est - np.array(trace.error_y.arrayminus), est + np.array(trace.error_y.array)
    off_zero = [int(e) for e, a, b in zip(x, lo, hi) if e < 0 and (a > 0 or b < 0)]
    alike, roughly = t("impact.sentence.d_pre_alike", lang), t("impact.sentence.d_pre_roughly", lang)
    if alike in card.sentence:
        assert not off_zero and r.pretrend_p >= 0.10
    if off_zero:
        assert alike not in card.sentence and (roughly in card.sentence
                                                or t("impact.sentence.d_pre_different", lang) in card.sentence)
        assert r.verdict != "clear"
    assert min(r.details.k_post - 1, 5) == x.max()
