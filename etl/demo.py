"""``python -m etl demo``: a seeded synthetic dataset that behaves like the real indices.

What it imitates (so every page and model has something honest to show):
- levels, spreads and regional differences of PCI 2006–2025, PAPI 2011–2025, PAR Index
  2012–2025 and SIPAS 2017–2025; persistent province quality plus AR(1) year-to-year noise;
  level shifts at each methodology break;
- vn63 through 2024 and the 34 merged units in 2025 (members' latent scores, population-weighted);
- what real releases leave out: PAPI dimensions 7–8 before 2018, a few missing PAPI
  province-years, PCI scores for the top 30 only from 2023;
- a reform-action register whose action types have *planted* effects on named components
  (table ``demo_effect``), with staggered adoption, so the impact models can be checked
  against a known truth; every other component is a placebo (``etl/demo_actions.py``).
Đà Nẵng's entries from the city's own review (DESIGN §8) are real; their unknown dates are
marked approximate. Every other action is synthetic and flagged ``is_synthetic``.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from etl import load as loader
from etl.demo_actions import PLANTED, DemoAction, demo_actions, draw_adoption, effect_rows, register_rows
from provindex import db as dbmod
from provindex import queries, schema, store
from provindex.catalog import Catalog, get_catalog
from provindex.errors import ProvindexError

DEFAULT_SEED = 20250701
YEARS = {"PCI": (2006, 2025), "PAPI": (2011, 2025), "PAR": (2012, 2025), "SIPAS": (2017, 2025)}
LAST_VN63_YEAR = 2024
PCI_TOP_ONLY_FROM = 2023
PCI_TOP_N = 30
LAST_KNOWN_PCI_WEIGHTS_YEAR = 2016
AR_RHO = 0.4

#: (start level, trend per year, between-unit SD, within-unit SD, rounding) per component.
PARAMS: dict[str, tuple[float, float, float, float, int]] = {
    "PCI:ENTRY_COSTS": (7.5, 0.02, 0.45, 0.40, 2), "PCI:LAND_ACCESS": (6.1, 0.02, 0.50, 0.45, 2),
    "PCI:TRANSPARENCY": (5.9, 0.03, 0.45, 0.40, 2), "PCI:TIME_COSTS": (6.0, 0.03, 0.60, 0.50, 2),
    "PCI:INFORMAL_CHARGES": (5.6, 0.05, 0.50, 0.45, 2), "PCI:POLICY_BIAS": (5.4, 0.02, 0.55, 0.50, 2),
    "PCI:SOE_BIAS": (6.0, 0.00, 0.70, 0.50, 2), "PCI:PROACTIVITY": (4.9, 0.03, 0.70, 0.55, 2),
    "PCI:BUSINESS_SUPPORT": (5.2, 0.04, 0.70, 0.45, 2), "PCI:LABOR_TRAINING": (5.5, 0.03, 0.55, 0.45, 2),
    "PCI:LEGAL_INSTITUTIONS": (5.2, 0.04, 0.60, 0.50, 2),
    "PAPI:D1": (5.1, 0.01, 0.30, 0.22, 4), "PAPI:D2": (5.5, 0.01, 0.35, 0.25, 4),
    "PAPI:D3": (5.3, 0.01, 0.30, 0.22, 4), "PAPI:D4": (6.1, 0.02, 0.35, 0.25, 4),
    "PAPI:D5": (7.0, 0.01, 0.20, 0.18, 4), "PAPI:D6": (6.9, 0.02, 0.25, 0.18, 4),
    "PAPI:D7": (3.6, 0.01, 0.30, 0.20, 4), "PAPI:D8": (1.2, 0.25, 0.35, 0.22, 4),
    **{f"PAR:F{k}": (73.0 + k, 0.5, 4.0, 3.0, 2) for k in range(1, 9)},
    "SIPAS:ACCESS": (80.0, 0.5, 3.0, 2.5, 2), "SIPAS:PROCEDURES": (79.0, 0.6, 3.0, 2.5, 2),
    "SIPAS:CIVIL_SERVANTS": (81.0, 0.5, 3.0, 2.5, 2), "SIPAS:RESULTS": (80.5, 0.5, 3.0, 2.5, 2),
    "SIPAS:FEEDBACK": (76.0, 0.7, 3.5, 3.0, 2),
}
#: Synthetic weights of the PAR fields in the total (the real point scales are not in the catalogue).
PAR_DEMO_WEIGHTS = dict(zip([f"PAR:F{k}" for k in range(1, 9)], [0.06, 0.07, 0.10, 0.07, 0.12, 0.10, 0.13, 0.35]))
REGION_EFFECT = {"NMM": -0.5, "RRD": 0.2, "NCC": 0.0, "CH": -0.35, "SE": 0.35, "MRD": -0.05}


class DemoRefused(ProvindexError):
    """The target database already holds data and ``--force`` was not given."""

    key = "error.demo_exists"


def build_demo(path: Path, seed: int = DEFAULT_SEED, force: bool = False) -> dict:
    """Create the demo database at ``path``; refuses to overwrite data unless ``force``.

    Built as a new snapshot of the store (:func:`provindex.store.writing`, from an empty database when
    ``force``): a failed build publishes nothing and leaves no partial file.
    """
    started = time.perf_counter()
    path = Path(path)
    if not force and store.current_file(path) is not None:
        with store.reading(path) as con:
            if queries.has_scores(con):
                raise DemoRefused(path=str(path), dataset=dbmod.get_meta(con, "dataset") or "?")
    catalog = get_catalog()
    generator = DemoGenerator(catalog, seed)
    frames = generator.scores()
    actions = generator.actions()
    with store.writing(path, fresh=force) as con:
        loads = [loader.FileLoad(frame, f"demo:{index} (dữ liệu mô phỏng / simulated)", 0, f"demo-seed-{seed}",
                                 None, "synthetic", None) for index, frame in frames.items()]
        loader.apply_loads(con, loads, "demo")
        with dbmod.transaction(con):
            loader.write_register(con, *register_rows(actions, catalog))
            dbmod.insert_rows(con, "demo_effect", effect_rows())
        with dbmod.transaction(con):
            dbmod.set_meta(con, "dataset", "demo")
            dbmod.set_meta(con, "demo_seed", str(seed))
    rows = sum(len(f) for f in frames.values())
    return {"rows": rows, "actions": len(actions), "seconds": time.perf_counter() - started,
            "size_mb": path.stat().st_size / 2**20}


class DemoGenerator:
    """All random draws happen here, in a fixed order, from one seeded generator."""

    def __init__(self, catalog: Catalog, seed: int):
        self.catalog = catalog
        self.rng = np.random.default_rng(seed)
        self.units = catalog.units_of("vn63").reset_index(drop=True)
        self.codes = list(self.units["code"])
        region = self.units["region"].map(REGION_EFFECT).to_numpy()
        city = (self.units["unit_type"] == "city").to_numpy() * 0.5
        self.quality = self.rng.normal(0, 0.6, len(self.codes)) + region + city
        self.adoption = draw_adoption(self.rng, self.codes, self.quality)

    def actions(self) -> list[DemoAction]:
        return demo_actions(self.catalog, self.rng, self.codes, self.adoption)

    # -- scores --------------------------------------------------------------------------------
    def scores(self) -> dict[str, pd.DataFrame]:
        frames = {}
        for index in ("PCI", "PAPI", "PAR", "SIPAS"):
            frames[index] = self._index_frame(index)
        return frames

    def _index_frame(self, index: str) -> pd.DataFrame:
        first, last = YEARS[index]
        years = list(range(first, last + 1))
        parts = [c for c in self.catalog.components_of(index, level=1)["code"] if c in PARAMS]
        latent = {c: self._component_path(index, c, years) for c in parts}
        rows = []
        for year in years:
            values = {c: latent[c][year] for c in parts if self.catalog.component_valid_in(c, year)}
            if year <= LAST_VN63_YEAR:
                table = pd.DataFrame(values, index=self.codes)
                unit_set = "vn63"
            else:
                table = self._merge_to_vn34(values, parts)
                unit_set = "vn34"
            table = self._finish(index, year, table)
            rows.append(self._long(index, year, unit_set, table))
        frame = pd.concat(rows, ignore_index=True)
        if index == "PAPI":
            frame = self._drop_papi_gaps(frame)
        return frame

    def _component_path(self, index: str, component: str, years: list[int]) -> dict[int, np.ndarray]:
        start, trend, sd_between, sd_within, _ = PARAMS[component]
        n = len(self.codes)
        own = self.rng.normal(0, 1, n)
        drift = self.rng.normal(0, 0.02, n) * sd_between
        level = start + sd_between * (0.75 * self.quality + 0.65 * own)
        breaks = set(self.catalog.breaks_for(index, component).query("kind == 'methodology'")["year"].astype(int))
        shift = 0.0
        noise = self.rng.normal(0, sd_within, n)
        path = {}
        first_year = years[0]
        for year in years:
            if year in breaks:
                shift += self.rng.normal(0, 0.8 * sd_within)
            if year > first_year:
                noise = AR_RHO * noise + self.rng.normal(0, sd_within * np.sqrt(1 - AR_RHO**2), n)
            shock = self.rng.normal(0, 0.35 * sd_within)
            path[year] = level + trend * (year - first_year) + shift + shock + drift * (year - first_year) + noise
            path[year] = path[year] + self._planted(component, year)
        return path

    def _planted(self, component: str, year: int) -> np.ndarray:
        effect = np.zeros(len(self.codes))
        for action_type, target, size, ramp in PLANTED:
            if target != component:
                continue
            for code, action_year in self.adoption[action_type].items():
                event_time = year - (action_year + 1)
                if event_time >= 0:
                    effect[self.codes.index(code)] += size * min(1.0, (event_time + 1) / ramp)
        return effect

    def _merge_to_vn34(self, values: dict[str, np.ndarray], parts: list[str]) -> pd.DataFrame:
        table = pd.DataFrame(values, index=self.codes)
        cross = self.catalog.crosswalk[self.catalog.crosswalk["to_set"] == "vn34"].set_index("from_code")
        table["_to"] = cross.loc[table.index, "to_code"].to_numpy()
        table["_w"] = cross.loc[table.index, "weight"].to_numpy()
        merged = {}
        for code, group in table.groupby("_to"):
            weights = group["_w"] / group["_w"].sum()
            merged[code] = {c: float((group[c] * weights).sum()) for c in values}
        out = pd.DataFrame.from_dict(merged, orient="index")
        for component in values:
            out[component] += self.rng.normal(0, 0.3 * PARAMS[component][3], len(out))
        return out.sort_index()

    def _finish(self, index: str, year: int, table: pd.DataFrame) -> pd.DataFrame:
        """Clip and round components, compute the composite the way each index does, rank."""
        for component in table.columns:
            spec = self.catalog.component(component)
            table[component] = table[component].clip(spec["scale_min"], spec["scale_max"]).round(PARAMS[component][4])
        composite = self.catalog.composite(index)
        if index == "PCI":
            # Later PCI weights are not published in our catalogue: the demo assumes the last known ones.
            weights = self.catalog.weights_for(composite, year) or \
                self.catalog.weights_for(composite, LAST_KNOWN_PCI_WEIGHTS_YEAR)
            total = 10 * sum(w * table[c] for c, w in weights.items() if c in table)
            table[composite] = total.round(2)
        elif index == "PAPI":
            table[composite] = table.sum(axis=1).round(4)
        elif index == "PAR":
            table[composite] = sum(w * table[c] for c, w in PAR_DEMO_WEIGHTS.items()).round(2)
        else:
            table[composite] = table.mean(axis=1).round(2)
        table["_rank"] = table[composite].rank(ascending=False, method="min").astype(int)
        if index == "PCI" and year >= PCI_TOP_ONLY_FROM:
            table = table[table["_rank"] <= PCI_TOP_N]
        return table

    def _long(self, index: str, year: int, unit_set: str, table: pd.DataFrame) -> pd.DataFrame:
        composite = self.catalog.composite(index)
        long = table.drop(columns="_rank").reset_index(names="unit_code").melt(
            id_vars="unit_code", var_name="component", value_name="value")
        long["rank"] = pd.array([pd.NA] * len(long), dtype="Int64")
        is_composite = long["component"] == composite
        long.loc[is_composite, "rank"] = long.loc[is_composite, "unit_code"].map(table["_rank"]).astype("Int64")
        long.insert(0, "index", index)
        long.insert(1, "year", year)
        long.insert(2, "unit_set", unit_set)
        long["ci_low"] = np.nan
        long["ci_high"] = np.nan
        return long[list(schema.SCORE_COLUMNS)]

    def _drop_papi_gaps(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Real PAPI has a few province-years with no data; keep them missing, never imputed."""
        years = [y for y in range(YEARS["PAPI"][0], LAST_VN63_YEAR + 1)]
        picks = [(int(self.rng.choice(years)), self.codes[int(self.rng.integers(len(self.codes)))]) for _ in range(3)]
        mask = pd.Series(False, index=frame.index)
        for year, code in picks:
            mask |= (frame["year"] == year) & (frame["unit_code"] == code) & (frame["unit_code"] != "48")
        return frame[~mask].reset_index(drop=True)

