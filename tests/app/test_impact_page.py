"""The Tác động page on the demo database, read as a leader would (issues 5 and 13).

The page starts from the unit: its own card when it took the action, the other adopters' average as
context, and "chưa đăng ký" when it did not. Planted effects read "fairly clear" (or "weak" with the
pre-period doubt named), placebos "not enough evidence"; the outcome follows the chosen action; the
headline is never TWFE; a one-province before/after card has no p-value; no sentence says "caused".
"""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from helpers import FORBIDDEN, ROOT

IMPACT = str(ROOT / "app_pages" / "impact.py")
pytestmark = pytest.mark.filterwarnings("ignore")
VERDICT_MARKS = ("Đánh giá:", "Không đánh giá được", "Verdict:", "Cannot be assessed")


def open_page(db, monkeypatch, unit="48", lang=None, **params) -> AppTest:
    monkeypatch.setenv("PROVINDEX_DB", str(db))
    app = AppTest.from_file(IMPACT, default_timeout=120)
    app.query_params["unit"] = unit
    app.query_params["year"] = "2022"
    if lang:
        app.query_params["lang"] = lang
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def choose(app: AppTest, action_type: str, outcome: str | None = None) -> AppTest:
    app.selectbox(key="imp_type").set_value(action_type).run()
    if outcome:
        app.selectbox(key="imp_component").set_value(outcome).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def sentences(app: AppTest) -> list[str]:
    """The cards' sentences, in page order (the unit's own card first)."""
    return [m.value for m in app.markdown if any(mark in m.value for mark in VERDICT_MARKS)]


def context(app: AppTest) -> tuple[str, str]:
    """Verdict and sentence of the last card: the average of the units that acted."""
    return app.subheader[-1].value, sentences(app)[-1]


def demo_rows(demo_db, sql: str) -> list[tuple]:
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return [tuple(r) for r in con.execute(sql).fetchall()]
    finally:
        con.close()


@pytest.fixture(scope="module")
def page(demo_db):
    mp = pytest.MonkeyPatch()
    app = open_page(demo_db, mp)
    yield app
    mp.undo()


def test_every_planted_effect_reads_clear_or_weak_with_its_doubt_named(page, demo_db):
    effects = demo_rows(demo_db, "SELECT action_type, component FROM demo_effect ORDER BY 1, 2")
    assert len(effects) == 7
    verdicts = []
    for action_type, outcome in effects:
        choose(page, action_type, outcome)
        verdict, sentence = context(page)
        verdicts.append(verdict)
        assert verdict.endswith(("Bằng chứng khá rõ", "Bằng chứng yếu")), (action_type, outcome, sentence)
        if verdict.endswith("Bằng chứng yếu"):
            assert "không cao hơn vì" in sentence and "trước khi thực hiện" in sentence
        assert "con số thực có thể từ" in sentence and "khoảng tin cậy" not in sentence
        assert not FORBIDDEN.search(sentence)
    assert sum(v.endswith("Bằng chứng khá rõ") for v in verdicts) >= 5


PLACEBOS = [("OSS_CENTRE", "PCI:LAND_ACCESS"), ("OSS_CENTRE", "SIPAS:RESULTS"), ("DDCI_LAUNCH", "PCI:TRANSPARENCY"),
            ("DISCIPLINE_DIRECTIVE", "PAR:F3"), ("DISCIPLINE_DIRECTIVE", "PCI:LABOR_TRAINING"),
            ("ONLINE_SERVICES", "PAPI:D5"), ("ONLINE_SERVICES", "SIPAS:FEEDBACK")]


def test_placebo_sub_indices_read_not_enough_evidence_and_are_labelled_exploratory(page):
    for action_type, outcome in PLACEBOS:
        choose(page, action_type, outcome)
        verdict, sentence = context(page)
        assert verdict.endswith("Chưa đủ bằng chứng"), (action_type, outcome, sentence)
        assert "chỉ những thay đổi từ khoảng" in sentence  # what could have been missed, not "no effect"
        assert any("thăm dò" in w.value for w in page.warning)


def test_a_unit_that_acted_and_one_that_did_not_get_different_sentences(demo_db, monkeypatch):
    acted = demo_rows(demo_db, "SELECT unit_code FROM action_current WHERE action_type = 'OSS_CENTRE' "
                               "AND year BETWEEN 2019 AND 2020 ORDER BY unit_code LIMIT 1")[0][0]
    mine = open_page(demo_db, monkeypatch, unit=acted, imp_type="OSS_CENTRE")
    assert mine.selectbox(key="imp_component").value == "PCI:TIME_COSTS"
    own, average = sentences(mine)
    captions = [c.value for c in mine.caption]
    assert any(c.startswith("Riêng ") and "có thể thấy trong số liệu từ kỳ PCI" in c for c in captions)
    assert any(c.startswith("Để tham khảo: trung bình ở 36 tỉnh đã thực hiện (có ") for c in captions)
    assert "tổng hợp" in own and "chưa đăng ký" not in own + average
    assert mine.metric[0].label.startswith("Riêng ") and mine.metric[-1].label == "Trung bình ở 36 tỉnh đã thực hiện"

    danang = open_page(demo_db, monkeypatch, unit="48", imp_type="OSS_CENTRE")
    (only,) = sentences(danang)
    assert only.startswith("Đà Nẵng chưa đăng ký hành động này. Ở 36 tỉnh đã thành lập")
    assert "không phải kết luận về Đà Nẵng; Đà Nẵng nằm trong nhóm tỉnh chưa thực hiện dùng để so sánh" in only
    assert danang.metric[0].label == "Trung bình ở 36 tỉnh đã thực hiện" and len(danang.subheader) == 1
    assert "Hành động đã đăng ký của Đà Nẵng" in danang.markdown[0].value


def test_the_outcome_follows_the_action_unless_the_reader_chose_it(demo_db, monkeypatch):
    app = open_page(demo_db, monkeypatch, unit="48")
    assert app.selectbox(key="imp_type").value == "DISCIPLINE_DIRECTIVE"  # Đà Nẵng's first registered action
    assert app.selectbox(key="imp_component").value == "PCI:INFORMAL_CHARGES"
    for action_type, target in (("DDCI_LAUNCH", "PCI:PROACTIVITY"), ("ONLINE_SERVICES", "PAPI:D8"),
                                ("OSS_CENTRE", "PCI:TIME_COSTS")):
        choose(app, action_type)
        assert app.selectbox(key="imp_component").value == target, action_type
        assert app.query_params["imp_component"] == [target] or app.query_params["imp_component"] == target
        assert not any("thăm dò" in w.value for w in app.warning)
    choose(app, "OSS_CENTRE", "PCI:LAND_ACCESS")   # the reader's own choice survives a change of action
    choose(app, "DDCI_LAUNCH")
    assert app.selectbox(key="imp_component").value == "PCI:LAND_ACCESS"
    assert any("thăm dò" in w.value for w in app.warning)


def test_leader_headline_is_never_twfe(page):
    choose(page, "OSS_CENTRE", "PCI:TIME_COSTS")
    assert page.metric[-1].label == "Trung bình ở 36 tỉnh đã thực hiện"
    assert "hai chiều cố định" not in context(page)[1]  # the TWFE benchmark lives only in the diagnostics
    body = "\n".join(m.value for m in page.markdown)
    assert "tham khảo thô, không phải kết quả chính" in body


def test_single_province_before_after_shows_no_p_value(demo_db, monkeypatch):
    app = open_page(demo_db, monkeypatch, unit="48", imp_type="DDCI_LAUNCH")
    app.radio(key="imp_method").set_value("its").run()
    assert not app.exception
    own = sentences(app)[0]
    assert app.subheader[0].value.endswith("Chưa đủ bằng chứng")
    assert "không đủ để kết luận" in own and "p =" not in own and app.metric[0].value == "Không nêu con số"


def test_too_few_editions_for_a_synthetic_province_still_show_its_own_path(demo_db, monkeypatch):
    app = open_page(demo_db, monkeypatch, unit="48", imp_type="ONLINE_SERVICES")
    own = sentences(app)[0]
    assert own.startswith("Trước khi thực hiện có chưa đủ 5 kỳ số liệu để ghép một 'Đà Nẵng tổng hợp'")
    assert app.metric[0].value == "Không nêu con số" and "p =" not in own


def test_province_card_uses_synthetic_control_with_its_floor(demo_db, monkeypatch):
    app = open_page(demo_db, monkeypatch, unit="48", imp_type="DDCI_LAUNCH")
    assert len(app.subheader) == 2  # Đà Nẵng's own card, then the other adopters' average
    own = sentences(app)[0]
    assert "'Đà Nẵng tổng hợp'" in own and "p =" not in own and "trong 32 tỉnh" in own
    assert any("p nhỏ nhất có thể đạt" in m.value for m in app.markdown)  # the floor, in the analyst's view


def test_english_switch(demo_db, monkeypatch):
    app = open_page(demo_db, monkeypatch, lang="en", imp_type="ONLINE_SERVICES")
    verdict, sentence = context(app)
    assert verdict.endswith("Fairly clear evidence") and "anywhere from" in sentence and "95% CI" not in sentence
    assert app.title[0].value.startswith("Impact") and "Da Nang" in app.markdown[0].value
    assert not FORBIDDEN.search(sentence)


def test_dashboard_registers_the_page(demo_db, monkeypatch):
    monkeypatch.setenv("PROVINDEX_DB", str(demo_db))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    assert not app.exception
    from provindex.ui.navigation import PAGES

    assert "impact" in [page.key for page in PAGES]
    assert "warm_impact()" in (ROOT / "dashboard.py").read_text()


def test_the_card_is_reproduced_from_its_url(demo_db, monkeypatch):
    """State lives in the URL as codes: opening the link shows the same card."""
    app = open_page(demo_db, monkeypatch, unit="48", imp_type="DDCI_LAUNCH", imp_component="PCI:PROACTIVITY")
    assert app.selectbox(key="imp_component").value == "PCI:PROACTIVITY"
    assert "Bằng chứng khá rõ" in context(app)[0]
