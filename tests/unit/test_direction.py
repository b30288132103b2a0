"""Rankings follow each component's ``higher_is_better``: a catalogue where lower scores are better.

The published catalogue declares every component higher-is-better (checked below), so these tests
use a copy of ``data/reference`` with PCI's composite and one sub-index turned lower-is-better.
A lower-is-better score ``v`` must rank exactly as a higher-is-better score ``-v`` does.
"""

import csv
import shutil

import pandas as pd
import pytest

from provindex import analysis, narrative, overview, views
from provindex.catalog import get_catalog

CAT = get_catalog()
LOWER = ("PCI:TOTAL", "PCI:ENTRY_COSTS")
CODES = CAT.units_of("vn63")["code"].tolist()[:12]


@pytest.fixture(scope="module")
def low_cat(tmp_path_factory):
    """The real catalogue with ``LOWER`` declared lower-is-better."""
    folder = tmp_path_factory.mktemp("reference")
    shutil.copytree(CAT.reference_dir, folder, dirs_exist_ok=True)
    path = folder / "components.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["code"] in LOWER:
            row["higher_is_better"] = "false"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return get_catalog(str(folder))


def scores(sign: float = 1.0) -> pd.DataFrame:
    """Twelve units, PCI 2014-2015: composite and two sub-indices; ``sign=-1`` negates every value."""
    rows = []
    for position, code in enumerate(CODES):
        rows += [("PCI", 2014, "vn63", code, "PCI:TOTAL", 50.0 + position, None),
                 ("PCI", 2015, "vn63", code, "PCI:TOTAL", 50.0 + (position * 7) % 12, None),
                 ("PCI", 2015, "vn63", code, "PCI:ENTRY_COSTS", 5.0 + 0.25 * position, None),
                 ("PCI", 2015, "vn63", code, "PCI:TRANSPARENCY", 4.0 + 0.5 * ((position * 5 + 3) % 12), None)]
    frame = pd.DataFrame(rows, columns=["index", "year", "unit_set", "unit_code", "component", "value", "rank"])
    frame["rank"] = frame["rank"].astype("Int64")
    frame["value"] = frame["value"] * sign
    return frame


def test_the_published_catalogue_is_all_higher_is_better():
    """So every real ranking is unchanged by honouring the direction."""
    assert all(analysis.higher_is_better(CAT, code) for code in CAT.components["code"])


def test_lowest_value_ranks_first_and_fills_quartile_one(low_cat):
    table = analysis.league_table(scores(), low_cat, "PCI:TOTAL", 2015)
    assert table["value"].tolist() == sorted(table["value"])
    assert table["rank"].tolist() == list(range(1, 13))
    assert table.loc[table["quartile"] == 1, "value"].max() < table.loc[table["quartile"] == 2, "value"].min()
    assert table.loc[table["quartile"] == 4, "value"].min() == table["value"].max() - 2


def test_lower_is_better_ranks_as_the_negated_higher_is_better(low_cat):
    columns = ["unit_code", "rank", "prev_rank", "rank_change", "quartile"]
    low = analysis.league_table(scores(), low_cat, "PCI:TOTAL", 2015)[columns]
    high = analysis.league_table(scores(-1.0), CAT, "PCI:TOTAL", 2015)[columns]
    pd.testing.assert_frame_equal(low, high)


def test_movers_climb_when_the_value_falls(low_cat):
    table = analysis.league_table(scores(), low_cat, "PCI:TOTAL", 2015)
    up, down = analysis.movers(table, higher_better=False)
    assert (up["value_change"] < 0).all() and (down["value_change"] > 0).all()
    high_up, high_down = analysis.movers(analysis.league_table(scores(-1.0), CAT, "PCI:TOTAL", 2015))
    assert up["unit_code"].tolist() == high_up["unit_code"].tolist()
    assert down["unit_code"].tolist() == high_down["unit_code"].tolist()


def test_target_gaps_point_down_for_lower_is_better(low_cat):
    table = analysis.league_table(scores(), low_cat, "PCI:TOTAL", 2015).set_index("rank")
    last = table.loc[12]
    gap = analysis.target_gap(scores(), low_cat, "PCI", 2015, last["unit_code"])
    assert gap["rank"] == 12 and not gap["in_top10"]
    assert gap["to_next_rank"] == pytest.approx(last["value"] - table.loc[11, "value"])
    assert gap["to_top10"] == pytest.approx(last["value"] - table.loc[10, "value"])
    assert gap["value"] == last["value"]


def test_profile_best_is_the_lowest_and_the_gap_is_positive(low_cat):
    frame = scores()
    focal = CODES[-1]  # the highest entry cost: worst on a lower-is-better sub-index
    profile = analysis.profile(frame, low_cat, "PCI", 2015, focal, CODES).set_index("component")
    entry = profile.loc["PCI:ENTRY_COSTS"]
    assert entry["peer_best_unit"] == CODES[0] and entry["peer_best"] == 5.0
    assert entry["gap_to_best"] == pytest.approx(0.25 * 11) and entry["rank"] == 12 and entry["percentile"] == 0
    higher = analysis.profile(frame, CAT, "PCI", 2015, focal, CODES).set_index("component")
    assert higher.loc["PCI:ENTRY_COSTS", "percentile"] == 100  # same values, other direction
    assert profile.loc["PCI:TRANSPARENCY"].equals(higher.loc["PCI:TRANSPARENCY"])


def test_heatmap_percentiles_follow_each_sub_index(low_cat):
    matrix = analysis.heatmap_matrix(scores(), low_cat, "PCI", 2015, CODES)
    assert matrix.loc[CODES[0], "PCI:ENTRY_COSTS"] == 100 and matrix.loc[CODES[-1], "PCI:ENTRY_COSTS"] == 0
    higher = analysis.heatmap_matrix(scores(), CAT, "PCI", 2015, CODES)
    assert higher.loc[CODES[0], "PCI:ENTRY_COSTS"] == 0
    assert matrix["PCI:TRANSPARENCY"].equals(higher["PCI:TRANSPARENCY"])


def test_map_tiles_put_the_lowest_values_in_quartile_one(low_cat):
    tiles = analysis.tile_values(scores(), low_cat, "PCI:TOTAL", 2015).dropna(subset=["value"])
    assert tiles.loc[tiles["rank"] == 1, "value"].iloc[0] == tiles["value"].min()
    assert set(tiles.loc[tiles["quartile"] == 1, "value"]) == set(sorted(tiles["value"])[:3])


def test_overview_card_ranks_and_strengths_follow_the_direction(low_cat):
    frame = scores()
    card = overview.build_card(frame, low_cat, "PCI", "vn63", CODES[0], 2015)
    expected = int((frame[(frame["year"] == 2015) & (frame["component"] == "PCI:TOTAL")]["value"]
                    < frame.loc[(frame["year"] == 2015) & (frame["unit_code"] == CODES[0])
                                & (frame["component"] == "PCI:TOTAL"), "value"].iloc[0]).sum() + 1)
    assert card.rank == expected
    assert card.best.code == "PCI:ENTRY_COSTS" and card.best.rank == 1  # lowest entry cost is the best
    assert overview.build_card(frame, CAT, "PCI", "vn63", CODES[0], 2015).worst.code == "PCI:ENTRY_COSTS"


def test_a_falling_lower_is_better_sub_index_is_a_gain(low_cat):
    rows = [("PCI", y, "vn63", "48", c, v, None) for y, c, v in (
        (2014, "PCI:TOTAL", 60.0), (2015, "PCI:TOTAL", 61.0), (2014, "PCI:ENTRY_COSTS", 8.0),
        (2015, "PCI:ENTRY_COSTS", 6.5), (2014, "PCI:TRANSPARENCY", 6.0), (2015, "PCI:TRANSPARENCY", 5.0))]
    frame = pd.DataFrame(rows, columns=["index", "year", "unit_set", "unit_code", "component", "value", "rank"])
    frame["rank"] = frame["rank"].astype("Int64")
    card = overview.build_card(frame, low_cat, "PCI", "vn63", "48", 2015)
    moves = narrative.component_moves(frame, low_cat, card, "48")
    assert moves == [("PCI:ENTRY_COSTS", -1.5), ("PCI:TRANSPARENCY", -1.0)]
    text = narrative.what_changed(card, frame, low_cat, "48", "Đà Nẵng", "en")
    gains, falls = text.split("Largest gains:")[1].split("Largest falls:")
    assert "−1.50" in gains and "−1.00" in falls


def test_ranking_view_tiers_and_published_ranks(low_cat):
    frame = scores()
    view = views.ranking_view(frame, low_cat, "PCI:TOTAL", 2015, CODES[0], [], "en")
    lowest = view.table.loc[view.table["value"].idxmin(), "unit"]
    assert view.tiers[1][0] == lowest
    published = frame.copy()
    mask = (published["year"] == 2015) & (published["component"] == "PCI:TOTAL") & (published["unit_code"] == CODES[0])
    published.loc[mask, "rank"] = 7
    table = analysis.league_table(published, low_cat, "PCI:TOTAL", 2015).set_index("unit_code")
    assert table.loc[CODES[0], "rank"] == 7  # published ranks are kept as published
