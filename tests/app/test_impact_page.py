"""The Tác động page on the demo database: planted effects read "fairly clear", placebos "not enough evidence".

Leader-view rules checked here: the headline of a staggered design comes from rung D (never TWFE), a
single-province before/after card carries no p-value, and no sentence says "caused" / "gây ra".
"""

from __future__ import annotations


import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from helpers import FORBIDDEN, ROOT

IMPACT = str(ROOT / "app_pages" / "impact.py")
pytestmark = pytest.mark.filterwarnings("ignore")


def open_page(db, monkeypatch, unit="48", lang=None) -> AppTest:
    monkeypatch.setenv("PROVINDEX_DB", str(db))
    app = AppTest.from_file(IMPACT, default_timeout=120)
    app.query_params["unit"] = unit
    app.query_params["year"] = "2022"
    if lang:
        app.query_params["lang"] = lang
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def choose(app: AppTest, action_type: str, outcome: str) -> AppTest:
    app.selectbox(key="imp_type").set_value(action_type).run()
    index = outcome.split(":")[0]
    app.selectbox(key="imp_index").set_value(index).run()
    app.selectbox(key="imp_component").set_value(outcome).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def headline(app: AppTest) -> tuple[str, str]:
    return app.subheader[0].value, app.markdown[0].value


def planted(demo_db) -> list[tuple[str, str]]:
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return [tuple(r) for r in con.execute("SELECT action_type, component FROM demo_effect ORDER BY 1, 2").fetchall()]
    finally:
        con.close()


@pytest.fixture(scope="module")
def page(demo_db):
    mp = pytest.MonkeyPatch()
    app = open_page(demo_db, mp)
    yield app
    mp.undo()


def test_every_planted_effect_reads_fairly_clear(page, demo_db):
    effects = planted(demo_db)
    assert len(effects) == 7
    for action_type, outcome in effects:
        choose(page, action_type, outcome)
        verdict, sentence = headline(page)
        assert verdict.endswith("Bằng chứng khá rõ"), (action_type, outcome, sentence)
        assert "khoảng tin cậy 95%" in sentence and "tỉnh đã thực hiện" in sentence
        assert not FORBIDDEN.search(sentence)


PLACEBOS = [("OSS_CENTRE", "PCI:LAND_ACCESS"), ("OSS_CENTRE", "SIPAS:RESULTS"), ("DDCI_LAUNCH", "PCI:TRANSPARENCY"),
            ("DISCIPLINE_DIRECTIVE", "PAR:F3"), ("DISCIPLINE_DIRECTIVE", "PCI:LABOR_TRAINING"),
            ("ONLINE_SERVICES", "PAPI:D5"), ("ONLINE_SERVICES", "SIPAS:FEEDBACK")]


def test_placebo_sub_indices_read_not_enough_evidence(page):
    for action_type, outcome in PLACEBOS:
        choose(page, action_type, outcome)
        verdict, sentence = headline(page)
        assert verdict.endswith("Chưa đủ bằng chứng"), (action_type, outcome, sentence)
        assert "Không phát hiện tác động lớn hơn" in sentence  # the MDE, not "no effect"


def test_leader_headline_is_never_twfe(page):
    choose(page, "OSS_CENTRE", "PCI:TIME_COSTS")
    assert page.metric[0].label == "Ước tính"
    sentence = headline(page)[1]
    assert "hai chiều cố định" not in sentence  # the TWFE benchmark lives only in the diagnostics
    body = "\n".join(m.value for m in page.markdown)
    assert "tham khảo thô, không phải kết quả chính" in body


def test_single_province_before_after_shows_no_p_value(demo_db, monkeypatch):
    app = open_page(demo_db, monkeypatch, unit="48")
    choose(app, "DDCI_LAUNCH", "PCI:PROACTIVITY")
    app.radio(key="imp_method").set_value("its").run()
    assert not app.exception
    verdict, sentence = headline(app)
    assert verdict.endswith("Chưa đủ bằng chứng")
    shown = "\n".join([m.value for m in app.markdown] + [c.value for c in app.caption] + [x.value for x in app.metric])
    assert "p =" not in shown and "p (" not in shown
    assert "không đủ để kết luận" in sentence and app.metric[0].value == "Không nêu con số"


def test_province_card_uses_synthetic_control_with_its_floor(demo_db, monkeypatch):
    app = open_page(demo_db, monkeypatch, unit="48")
    choose(app, "DDCI_LAUNCH", "PCI:PROACTIVITY")
    assert len(app.subheader) == 2  # the cross-province card and Đà Nẵng's own card
    unit_sentence = app.markdown[[i for i, m in enumerate(app.markdown) if "tổng hợp" in m.value][0]].value
    assert "mức p nhỏ nhất có thể đạt" in unit_sentence or "Không đánh giá được" in unit_sentence


def test_english_switch(demo_db, monkeypatch):
    app = open_page(demo_db, monkeypatch, lang="en")
    choose(app, "ONLINE_SERVICES", "PAPI:D8")
    verdict, sentence = headline(app)
    assert verdict.endswith("Fairly clear evidence") and "95% CI" in sentence
    assert app.title[0].value.startswith("Impact")
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
    monkeypatch.setenv("PROVINDEX_DB", str(demo_db))
    app = AppTest.from_file(IMPACT, default_timeout=120)
    for key, value in {"unit": "48", "year": "2022", "imp_type": "DDCI_LAUNCH", "imp_index": "PCI",
                       "imp_component": "PCI:PROACTIVITY"}.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    assert app.selectbox(key="imp_component").value == "PCI:PROACTIVITY"
    assert "Bằng chứng khá rõ" in headline(app)[0]
