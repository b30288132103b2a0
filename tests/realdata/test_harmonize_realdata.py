"""Issue 11 on the published files: PCI 2016 and PAPI 2017 back-cast onto the 34 units.

Unchanged units equal their source exactly; merged units equal the hand-computed population-weighted
mean (GSO 2020 shares) of their former provinces; the members' min–max contains it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from etl.pipeline import LoadOptions, process_file
from provindex import harmonize
from provindex.catalog import get_catalog

pytestmark = pytest.mark.realdata
CAT = get_catalog()
#: Rows of GSO's own 2020 population table (shared realdata) for the five former provinces of the two cases.
GSO_NAMES = {"48": "Da Nang", "49": "Quang  Nam", "79": "Ho Chi Minh city", "74": "Binh  Duong",
             "77": "Ba Ria - Vung Tau"}
FILES = {"PCI": ("pci_official_xls_mdtrinh", "PCI 2016.xlsx", "PCI:TOTAL"),
         "PAPI": ("papi_official_xlsx_mdtrinh", "PAPI 2017 vie.xlsx", "PAPI:TOTAL")}


def _published(realdata: Path, index: str) -> pd.DataFrame:
    folder, name, _ = FILES[index]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = process_file(realdata / folder / name, LoadOptions())
    assert result.ok
    return result.load.frame.drop(columns=["_row", "_col"], errors="ignore")


def _gso_population(realdata: Path) -> dict[str, float]:
    table = pd.read_csv(realdata / "pop_gso2020_letung3105" / "vietnam-2020-average-population-by-province.csv")
    by_name = dict(zip(table.iloc[:, 0], table.iloc[:, 1]))
    return {code: float(by_name[name]) for code, name in GSO_NAMES.items()}


@pytest.mark.parametrize("index", ["PCI", "PAPI"])
def test_backcast_of_the_published_edition(realdata, index):
    pop = _gso_population(realdata)
    published = _published(realdata, index)
    composite = FILES[index][2]
    back = harmonize.backcast(published, CAT)
    for component, rows in back.groupby("component"):
        source = published[published["component"] == component].set_index("unit_code")["value"]
        mine = rows.set_index("unit_code")
        for code in ("01", "22", "40"):  # Hà Nội, Quảng Ninh, Nghệ An kept their territory
            assert mine.loc[code, "value"] == source[code]
        assert (mine["lo"] <= mine["value"] + 1e-12).all() and (mine["value"] <= mine["hi"] + 1e-12).all()
        if component != composite:
            continue
        danang = (source["48"] * pop["48"] + source["49"] * pop["49"]) / (pop["48"] + pop["49"])
        hcmc = sum(source[c] * pop[c] for c in ("79", "74", "77")) / sum(pop[c] for c in ("79", "74", "77"))
        assert mine.loc["48", "value"] == pytest.approx(danang, abs=1e-4)  # crosswalk shares have 6 decimals
        assert mine.loc["79", "value"] == pytest.approx(hcmc, abs=1e-4)
        assert mine.loc["48", "n_present"] == 2 and mine.loc["79", "n_present"] == 3
    assert back["unit_code"].nunique() == 34
