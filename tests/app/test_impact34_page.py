"""The Tác động page's estimation units (issue 11 item 4): 63 former provinces by default, or 34 units with the dose.

Switching the choice changes the panel every card states, the URL keeps the code, and nothing crashes on the
demo, in either language.
"""

from __future__ import annotations

import re

import pytest

from helpers import FORBIDDEN

from .test_impact_page import open_page, sentences

pytestmark = pytest.mark.filterwarnings("ignore")
PLACEHOLDER = re.compile(r"\bNone\b|\bnan\b|\{[a-z_]+\}|vn34|vn63")
PANEL_63 = "Ước tính trên 63 tỉnh cũ"
PANEL_34 = "Ước tính trên 34 đơn vị quy đổi, có liều"


def captions(app) -> list[str]:
    return [c.value for c in app.caption]


def test_switching_the_units_changes_the_panel_each_card_states(demo_db, monkeypatch):
    app = open_page(demo_db, monkeypatch, unit="49")  # Quảng Nam: part of the new Đà Nẵng
    n_cards = len(app.subheader)
    assert n_cards >= 1 and sum(c.startswith(PANEL_63) for c in captions(app)) == n_cards
    assert app.query_params.get("imp_units", "vn63") in ("vn63", ["vn63"])
    app.radio(key="imp_units").set_value("vn34").run()
    assert not app.exception, [e.value for e in app.exception]
    stated = [c for c in captions(app) if c.startswith(PANEL_34)]
    assert len(stated) == len(app.subheader) >= 1 and not any(c.startswith(PANEL_63) for c in captions(app))
    assert all("không phải số liệu công bố chính thức" in c for c in stated)
    assert app.query_params["imp_units"] in ("vn34", ["vn34"])
    page = " ".join(m.value for m in app.markdown) + " ".join(captions(app))
    assert "Hành động đã đăng ký của Đà Nẵng" in page  # Quảng Nam is read as its new unit, members' actions included
    assert not PLACEHOLDER.search(page) and not any(FORBIDDEN.search(s) for s in sentences(app))


@pytest.mark.parametrize("method", ["cs", "fd", "scm", "lasso"])
def test_every_page_method_runs_on_the_34_units_in_english(demo_db, monkeypatch, method):
    app = open_page(demo_db, monkeypatch, unit="48", lang="en", imp_units="vn34", imp_method=method)
    assert any(c.startswith("Estimated on the 34 converted units") for c in captions(app))
    page = " ".join(m.value for m in app.markdown) + " ".join(captions(app))
    assert not PLACEHOLDER.search(page) and not any(FORBIDDEN.search(s) for s in sentences(app))


def test_the_dose_rung_gives_a_number_on_the_34_units(demo_db, monkeypatch):
    app = open_page(demo_db, monkeypatch, unit="48", imp_units="vn34", imp_method="fd")
    assert app.metric and all(m.value for m in app.metric)
    notes = " ".join(captions(app))
    assert "Liều = tỷ trọng dân số của đơn vị đã thực hiện" in notes
