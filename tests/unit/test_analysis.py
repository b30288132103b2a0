"""Pure computations of the pages, on small hand-made tables where the answer is known."""

import pandas as pd
import pytest

from provindex import analysis, charts
from provindex.catalog import get_catalog

CAT = get_catalog()


def frame(rows):
    out = pd.DataFrame(rows, columns=["index", "year", "unit_set", "unit_code", "component", "value", "rank"])
    out["rank"] = out["rank"].astype("Int64")
    return out


SCORES = frame([
    ("PCI", 2014, "vn63", "48", "PCI:TOTAL", 70.0, None), ("PCI", 2014, "vn63", "01", "PCI:TOTAL", 65.0, None),
    ("PCI", 2014, "vn63", "79", "PCI:TOTAL", 60.0, None),
    ("PCI", 2015, "vn63", "48", "PCI:TOTAL", 62.0, None), ("PCI", 2015, "vn63", "01", "PCI:TOTAL", 66.0, None),
    ("PCI", 2015, "vn63", "79", "PCI:TOTAL", 64.0, None),
    ("PCI", 2015, "vn63", "48", "PCI:TRANSPARENCY", 6.0, None), ("PCI", 2015, "vn63", "01", "PCI:TRANSPARENCY", 7.0, None),
    ("PCI", 2015, "vn63", "79", "PCI:TRANSPARENCY", 5.0, None),
    ("PCI", 2015, "vn63", "48", "PCI:ENTRY_COSTS", 9.0, None), ("PCI", 2015, "vn63", "01", "PCI:ENTRY_COSTS", 8.0, None),
    ("PCI", 2015, "vn63", "79", "PCI:ENTRY_COSTS", 7.0, None),
])


def test_league_table_ranks_changes_and_quartiles():
    table = analysis.league_table(SCORES, CAT, "PCI:TOTAL", 2015).set_index("unit_code")
    assert table.loc["01", "rank"] == 1 and table.loc["48", "rank"] == 3
    assert table.loc["48", "rank_change"] == -2 and table.loc["79", "rank_change"] == 1
    assert table.loc["48", "value_change"] == pytest.approx(-8.0)
    assert table.loc["01", "quartile"] == 2 and table.loc["48", "quartile"] == 4  # ceil(4*1/3), ceil(4*3/3)
    assert table.loc["48", "trend"] == [70.0, 62.0]
    up, down = analysis.movers(table.reset_index())
    assert up["unit_code"].tolist() == ["79", "01"] and down["unit_code"].tolist() == ["48"]


def test_published_rank_wins_over_computed():
    scores = SCORES.copy()
    scores.loc[(scores["year"] == 2015) & (scores["unit_code"] == "48") & (scores["component"] == "PCI:TOTAL"), "rank"] = 2
    table = analysis.league_table(scores, CAT, "PCI:TOTAL", 2015).set_index("unit_code")
    assert table.loc["48", "rank"] == 2


def test_target_gap_to_next_rank():
    gap = analysis.target_gap(SCORES, CAT, "PCI", 2015, "48")
    assert gap["rank"] == 3 and gap["to_next_rank"] == pytest.approx(2.0) and gap["in_top10"]
    assert analysis.target_gap(SCORES, CAT, "PCI", 2015, "92") is None


def test_top10_gap_on_a_full_year(demo_db):
    import duckdb

    from provindex import queries

    con = duckdb.connect(str(demo_db), read_only=True)
    scores = queries.current_scores(con)
    con.close()
    table = analysis.league_table(scores, CAT, "PCI:TOTAL", 2020)
    outsider = table[table["rank"] == 30].iloc[0]
    tenth = table[table["rank"] == 10].iloc[0]
    gap = analysis.target_gap(scores, CAT, "PCI", 2020, outsider["unit_code"])
    assert gap["to_top10"] == pytest.approx(tenth["value"] - outsider["value"])


def test_profile_percentiles_and_weighted_room():
    profile = analysis.profile(SCORES, CAT, "PCI", 2015, "48", ["48", "01", "79"]).set_index("component")
    assert profile.loc["PCI:ENTRY_COSTS", "percentile"] == 100 and profile.loc["PCI:TRANSPARENCY", "percentile"] == 50
    assert profile.loc["PCI:TRANSPARENCY", "gap_to_best"] == pytest.approx(1.0)
    assert profile.loc["PCI:TRANSPARENCY", "peer_best_unit"] == "01"
    # PCI 2015 transparency weight 20%: one point of sub-index = 2 composite points
    assert profile.loc["PCI:TRANSPARENCY", "room_composite"] == pytest.approx(2.0)


def test_peer_groups():
    region = analysis.peer_codes(CAT, "vn63", "48", "region")
    assert "49" in region and "01" not in region and "48" in region
    assert analysis.peer_codes(CAT, "vn63", "48", "cities") == ["01", "31", "48", "79", "92"]
    assert analysis.peer_codes(CAT, "vn34", "48", "cities") == ["01", "31", "46", "48", "79", "92"]
    assert analysis.peer_codes(CAT, "vn63", "48", "custom", ["22", "99"]) == ["22", "48"]


def test_national_band_is_the_interquartile_range():
    band = analysis.national_band(SCORES, "PCI:TOTAL").set_index("year")
    assert band.loc[2015, "median"] == 64 and band.loc[2015, "q1"] == 63 and band.loc[2015, "q3"] == 65


def test_tile_grid_covers_every_unit_once():
    for unit_set in ("vn63", "vn34"):
        tiles = CAT.tiles[CAT.tiles["unit_set"] == unit_set]
        assert sorted(tiles["code"]) == sorted(CAT.units_of(unit_set)["code"])
        assert not tiles.duplicated(["row", "col"]).any() and tiles["label"].is_unique


def test_charts_use_whole_years_and_language_separators():
    figure = charts.trend_chart(analysis.unit_series(SCORES, CAT, "PCI:TOTAL", ["48"]),
                                analysis.national_band(SCORES, "PCI:TOTAL"), None, "48", {("vn63", "48"): "Đà Nẵng"},
                                CAT.breaks.iloc[0:0], None, "vi", charts.TrendLabels("PCI", "PCI (điểm)"))
    assert figure.layout.xaxis.tickformat == "d" and figure.layout.separators == ",."
    assert charts.base_layout(figure, "en").layout.separators == ".,"
