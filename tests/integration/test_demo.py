"""The synthetic demo: deterministic, realistic gaps, labelled, with a planted truth that is really there."""

import duckdb
import numpy as np
import pandas as pd
import pytest

from helpers import cli
from etl.demo import DEFAULT_SEED, PLANTED, build_demo


@pytest.fixture(scope="module")
def con(demo_db):
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def frame(con, sql, params=()):
    return con.execute(sql, list(params)).df()


def test_demo_is_deterministic(tmp_path, demo_db, capsys):
    again = tmp_path / "again.duckdb"
    build_demo(again, seed=DEFAULT_SEED)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    cli(capsys, "export", a, "--db", demo_db)
    cli(capsys, "export", b, "--db", again)
    assert a.read_bytes() == b.read_bytes()


def test_demo_refuses_to_overwrite_without_force(demo_copy, capsys):
    code, _, err = cli(capsys, "demo", "--db", demo_copy)
    assert code == 1 and "--force" in err
    assert cli(capsys, "demo", "--db", demo_copy, "--force")[0] == 0


def test_years_and_unit_sets(con):
    spans = frame(con, 'SELECT "index", min(year) a, max(year) b FROM score_current GROUP BY 1').set_index("index")
    assert spans.loc["PCI"].tolist() == [2006, 2025] and spans.loc["PAPI"].tolist() == [2011, 2025]
    assert spans.loc["PAR"].tolist() == [2012, 2025] and spans.loc["SIPAS"].tolist() == [2017, 2025]
    sets = frame(con, "SELECT DISTINCT year, unit_set FROM score_current")
    assert set(sets.loc[sets["year"] <= 2024, "unit_set"]) == {"vn63"}
    assert set(sets.loc[sets["year"] == 2025, "unit_set"]) == {"vn34"}


def test_gaps_where_the_real_indices_have_them(con):
    papi = frame(con, "SELECT year, count(*) n FROM score_current WHERE component IN ('PAPI:D7','PAPI:D8')"
                      " GROUP BY 1")
    assert papi["year"].min() == 2018
    pci = frame(con, "SELECT year, count(*) n FROM score_current WHERE component = 'PCI:TOTAL' GROUP BY 1"
                     " ORDER BY 1").set_index("year")["n"]
    assert (pci.loc[2023:] == 30).all() and (pci.loc[:2022] == 63).all()
    papi_units = frame(con, "SELECT year, count(DISTINCT unit_code) n FROM score_current WHERE \"index\"='PAPI'"
                            " AND year <= 2024 GROUP BY 1")
    assert (papi_units["n"] < 63).sum() >= 1  # genuine missing province-years stay missing
    soe = frame(con, "SELECT DISTINCT year FROM score_current WHERE component = 'PCI:SOE_BIAS'")
    assert sorted(soe["year"]) == [2006, 2007, 2008]


def test_levels_and_spreads_are_plausible(con):
    stats = frame(con, "SELECT component, avg(value) m, stddev(value) sd FROM score_current WHERE year = 2020"
                       " GROUP BY 1").set_index("component")
    assert 55 < stats.loc["PCI:TOTAL", "m"] < 70 and 2 < stats.loc["PCI:TOTAL", "sd"] < 8
    assert 35 < stats.loc["PAPI:TOTAL", "m"] < 55
    assert 70 < stats.loc["PAR:TOTAL", "m"] < 95 and 70 < stats.loc["SIPAS:TOTAL", "m"] < 95
    regional = frame(con, "SELECT u.region, avg(s.value) m FROM score_current s JOIN unit u ON u.unit_set ="
                          " s.unit_set AND u.code = s.unit_code WHERE s.component = 'PCI:TOTAL' AND s.year < 2023"
                          " GROUP BY 1").set_index("region")["m"]
    assert regional["SE"] > regional["NMM"] + 1  # regional differences exist


def test_year_to_year_persistence(con):
    wide = frame(con, "SELECT unit_code, year, value FROM score_current WHERE component = 'PCI:TOTAL' AND"
                      " year BETWEEN 2013 AND 2022").pivot(index="unit_code", columns="year", values="value")
    correlations = [wide[y].corr(wide[y + 1]) for y in range(2013, 2022)]
    assert min(correlations) > 0.5


def test_composites_follow_the_known_weights(con):
    rows = frame(con, "SELECT unit_code, component, value FROM score_current WHERE year = 2014 AND"
                      " \"index\" = 'PCI'").pivot(index="unit_code", columns="component", values="value")
    weights = {"PCI:ENTRY_COSTS": .05, "PCI:LAND_ACCESS": .05, "PCI:TRANSPARENCY": .2, "PCI:TIME_COSTS": .05,
               "PCI:INFORMAL_CHARGES": .1, "PCI:POLICY_BIAS": .05, "PCI:PROACTIVITY": .05,
               "PCI:BUSINESS_SUPPORT": .2, "PCI:LABOR_TRAINING": .2, "PCI:LEGAL_INSTITUTIONS": .05}
    rebuilt = 10 * sum(w * rows[c] for c, w in weights.items())
    assert np.allclose(rebuilt, rows["PCI:TOTAL"], atol=0.006)


def test_meta_register_and_truth_are_recorded(con):
    assert dict(con.execute("SELECT key, value FROM meta").fetchall())["dataset"] == "demo"
    effects = frame(con, "SELECT action_type, component, effect FROM demo_effect")
    assert len(effects) == len(PLANTED)
    ct29 = frame(con, "SELECT * FROM action_current WHERE action_id = 'DNG-2013-CT29'").iloc[0]
    assert str(ct29["date"])[:10] == "2013-11-06" and not ct29["is_synthetic"] and ct29["unit_code"] == "48"
    approx = frame(con, "SELECT date_precision FROM action_current WHERE action_id = 'DNG-QD2090'")
    assert approx["date_precision"].iloc[0] == "approximate"
    synthetic = frame(con, "SELECT count(*) n FROM action_current WHERE is_synthetic AND title_vi LIKE '%mô phỏng%'")
    total_synthetic = frame(con, "SELECT count(*) n FROM action_current WHERE is_synthetic")
    assert synthetic["n"].iloc[0] == total_synthetic["n"].iloc[0] > 100
    targets = frame(con, "SELECT DISTINCT component FROM action_target")
    assert set(targets["component"]) == {c for _, c, _, _ in PLANTED}


def _twfe(panel: pd.DataFrame) -> float:
    """Two-way demeaned OLS slope of value on treated (a quick check, not the impact module)."""
    y = panel.pivot(index="unit_code", columns="year", values="value")
    d = panel.pivot(index="unit_code", columns="year", values="treated")
    keep = y.notna().all(axis=1)
    y, d = y[keep], d[keep]

    def dm(m):  # two-way demeaning
        return m - m.mean(axis=1).values[:, None] - m.mean(axis=0).values[None, :] + m.values.mean()

    yy, dd = dm(y).values.ravel(), dm(d).values.ravel()
    return float(yy @ dd / (dd @ dd))


@pytest.mark.parametrize("action_type,component,placebo", [
    ("OSS_CENTRE", "PCI:TIME_COSTS", "PCI:LAND_ACCESS"),
    ("DDCI_LAUNCH", "PCI:PROACTIVITY", "PCI:ENTRY_COSTS"),
])
def test_planted_effects_are_in_the_data(con, action_type, component, placebo):
    adoption = frame(con, "SELECT unit_code, min(year) + 1 AS g FROM action_current WHERE action_type = ?"
                          " GROUP BY 1", [action_type]).set_index("unit_code")["g"]
    estimates = {}
    for target in (component, placebo):
        panel = frame(con, "SELECT unit_code, year, value FROM score_current WHERE component = ? AND"
                           " year BETWEEN 2013 AND 2022", [target])
        panel["treated"] = [(year >= adoption.get(u, 9999)) * 1.0 for u, year in zip(panel["unit_code"], panel["year"])]
        estimates[target] = _twfe(panel)
    size = dict(((a, c), e) for a, c, e, _ in PLANTED)[(action_type, component)]
    assert estimates[component] > 0.5 * size
    assert abs(estimates[placebo]) < 0.25 * size
