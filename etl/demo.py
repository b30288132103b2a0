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
  against a known truth; every other component is a placebo.
Đà Nẵng's entries from the city's own review (DESIGN §8) are real; their unknown dates are
marked approximate. Every other action is synthetic and flagged ``is_synthetic``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from etl import load as loader
from provindex import db as dbmod
from provindex import queries
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

#: The planted truth: (action type, component, full effect in points, editions to phase in).
PLANTED = [
    ("OSS_CENTRE", "PCI:TIME_COSTS", 0.70, 2), ("OSS_CENTRE", "SIPAS:PROCEDURES", 3.0, 1),
    ("DDCI_LAUNCH", "PCI:PROACTIVITY", 0.75, 2),
    ("DISCIPLINE_DIRECTIVE", "PCI:INFORMAL_CHARGES", 0.60, 2), ("DISCIPLINE_DIRECTIVE", "PAR:F5", 4.0, 1),
    ("ONLINE_SERVICES", "PAPI:D8", 0.45, 1), ("ONLINE_SERVICES", "SIPAS:ACCESS", 2.5, 1),
]
#: Staggered adoption: (action type, number of adopting provinces, first and last action year).
#: Windows sit inside clean methodology periods so every cohort has >= 3 comparable editions before
#: its first exposed edition (the edition after the action year) and >= 1 after: PCI sub-indices
#: 2013-2022 (top-30 only from 2023), PAR 2012-2021 (Decision 876 from 2022), PAPI 2018-2024
#: (8 dimensions), SIPAS 2017-2024. OSS centres (PCI and SIPAS targets) therefore act in 2019-2021.
ADOPTION_SELECTION = 0.0
ADOPTION = [("OSS_CENTRE", 36, 2019, 2021), ("DDCI_LAUNCH", 30, 2015, 2020),
            ("DISCIPLINE_DIRECTIVE", 28, 2014, 2019), ("ONLINE_SERVICES", 32, 2020, 2022)]


@dataclass
class DemoAction:
    action_id: str
    unit_code: str
    year: int
    date: dt.date
    date_precision: str
    action_type: str
    title_vi: str
    title_en: str
    description: str
    source_document: str | None
    evidence_grade: str
    is_synthetic: bool
    persistence: str = "absorbing"
    dose: float | None = None
    dose_unit: str | None = None
    unit_set: str = "vn63"


# -- Đà Nẵng's entries (DESIGN §8); dates other than Directive 29's are unknown -> approximate.
DA_NANG_ACTIONS = [
    DemoAction("DNG-2013-CT29", "48", 2013, dt.date(2013, 11, 6), "day", "DISCIPLINE_DIRECTIVE",
               "Chỉ thị 29-CT/TU của Ban Thường vụ Thành ủy về đẩy mạnh cải cách hành chính, siết chặt kỷ luật, kỷ cương",
               "City Party Standing Committee Directive 29-CT/TU: push administrative reform, tighten discipline",
               "Xây dựng đội ngũ công chức đáp ứng yêu cầu phát triển của thành phố; tổng kết 10 năm năm 2023.",
               "29-CT/TU, Ban Thường vụ Thành ủy Đà Nẵng, 06/11/2013", "A", False),
    DemoAction("DNG-QD2090", "48", 2014, dt.date(2014, 1, 1), "approximate", "DISCIPLINE_DIRECTIVE",
               "Quyết định 2090/QĐ-UBND về trách nhiệm người đứng đầu trong cải cách hành chính (năm ước tính)",
               "Decision 2090/QĐ-UBND on agency heads' responsibility for administrative reform (approximate year)",
               "Ngày ban hành chưa xác minh; năm trong dữ liệu mô phỏng là ước tính.", "2090/QĐ-UBND, UBND thành phố", "B",
               False),
    DemoAction("DNG-CT34", "48", 2024, dt.date(2024, 1, 1), "approximate", "DISCIPLINE_DIRECTIVE",
               "Chỉ thị 34-CT/TU chống né tránh, đùn đẩy trách nhiệm (kế tục Chỉ thị 29; năm ước tính)",
               "Directive 34-CT/TU against avoidance and buck-passing (successor of Directive 29; approximate year)",
               "Ngày ban hành chưa xác minh.", "34-CT/TU, Ban Thường vụ Thành ủy Đà Nẵng", "B", False),
    DemoAction("DNG-KL364", "48", 2023, dt.date(2023, 1, 1), "approximate", "OFFICIALS_DISCIPLINED",
               "364 cán bộ, công chức, viên chức bị xử lý kỷ luật trong 10 năm thực hiện Chỉ thị 29",
               "364 officials and public employees disciplined over ten years of Directive 29",
               "Số liệu tổng hợp 2013–2023 từ báo cáo tổng kết của thành phố.", "Báo cáo tổng kết 10 năm Chỉ thị 29-CT/TU",
               "B", False, persistence="one_off", dose=364, dose_unit="officials_disciplined"),
    DemoAction("DNG-2018-DDCI", "48", 2018, dt.date(2018, 1, 1), "year", "DDCI_LAUNCH",
               "Công bố kết quả DDCI Đà Nẵng lần đầu", "First published round of Đà Nẵng's DDCI",
               "Đánh giá năng lực cạnh tranh các sở, ngành và quận, huyện.", "baodanang.vn (theo IMPACT-METHOD §1.2)", "C",
               False),
    DemoAction("DNG-SMARTCITY", "48", 2019, dt.date(2019, 1, 1), "approximate", "SMART_CITY",
               "Chương trình đô thị thông minh và chuyển đổi số (năm ước tính)",
               "Smart-city and digital-transformation programme (approximate year)",
               "Một trong các đòn bẩy thành phố nêu trong tổng kết; ngày bắt đầu chưa xác minh.", None, "B", False),
    DemoAction("DNG-CT26-TTG", "48", 2016, dt.date(2016, 1, 1), "approximate", "CENTRAL_MANDATE",
               "Chỉ thị 26/CT-TTg của Thủ tướng về kiểm tra công vụ, kỷ luật kỷ cương (yêu cầu chung toàn quốc)",
               "Prime Minister's Directive 26/CT-TTg on inspection of public duty (nationwide)",
               "Ghi nhận làm yếu tố nhiễu, không phải cải cách riêng của thành phố.", "26/CT-TTg", "A", False),
    DemoAction("DNG-CD280-TTG", "48", 2023, dt.date(2023, 1, 1), "approximate", "CENTRAL_MANDATE",
               "Công điện 280/CĐ-TTg về trách nhiệm và kỷ luật (yêu cầu chung toàn quốc; năm ước tính)",
               "Official Dispatch 280/CĐ-TTg on responsibility and discipline (nationwide; approximate year)",
               "Ghi nhận làm yếu tố nhiễu.", "280/CĐ-TTg", "A", False),
    DemoAction("DNG-CD968-TTG", "48", 2023, dt.date(2023, 1, 1), "approximate", "CENTRAL_MANDATE",
               "Công điện 968/CĐ-TTg về trách nhiệm và kỷ luật (yêu cầu chung toàn quốc; năm ước tính)",
               "Official Dispatch 968/CĐ-TTg on responsibility and discipline (nationwide; approximate year)",
               "Ghi nhận làm yếu tố nhiễu.", "968/CĐ-TTg", "A", False),
]
_SYNTHETIC_TITLES = {
    "OSS_CENTRE": ("Thành lập Trung tâm Phục vụ hành chính công {name} (mô phỏng)",
                   "Public administrative service centre opens in {name_en} (simulated)"),
    "DDCI_LAUNCH": ("{name} công bố DDCI lần đầu (mô phỏng)", "{name_en} publishes its first DDCI (simulated)"),
    "DISCIPLINE_DIRECTIVE": ("Chỉ thị của Tỉnh ủy/Thành ủy {name} về kỷ luật, kỷ cương hành chính (mô phỏng)",
                             "{name_en} party committee directive on administrative discipline (simulated)"),
    "ONLINE_SERVICES": ("{name} đưa toàn bộ thủ tục đủ điều kiện lên dịch vụ công trực tuyến toàn trình (mô phỏng)",
                        "{name_en} puts all eligible procedures fully online (simulated)"),
    "LEADERSHIP_CHANGE": ("Thay đổi Bí thư hoặc Chủ tịch UBND {name} (mô phỏng)",
                          "New party secretary or chair in {name_en} (simulated)"),
}


class DemoRefused(ProvindexError):
    key = "error.demo_exists"


def build_demo(path: Path, seed: int = DEFAULT_SEED, force: bool = False) -> dict:
    """Create the demo database at ``path``; refuses to overwrite data unless ``force``."""
    started = time.perf_counter()
    path = Path(path)
    if path.exists():
        if not force:
            con = dbmod.connect(path)
            try:
                if queries.has_scores(con):
                    raise DemoRefused(path=str(path), dataset=dbmod.get_meta(con, "dataset") or "?")
            finally:
                con.close()
        else:
            for candidate in (path, path.with_name(path.name + ".wal")):
                candidate.unlink(missing_ok=True)
    catalog = get_catalog()
    generator = DemoGenerator(catalog, seed)
    frames = generator.scores()
    actions = generator.actions()
    con = dbmod.connect(path)
    try:
        loads = [loader.FileLoad(frame, f"demo:{index} (dữ liệu mô phỏng / simulated)", 0, f"demo-seed-{seed}",
                                 None, "synthetic", None) for index, frame in frames.items()]
        loader.apply_loads(con, loads, "demo")
        write_register(con, actions, catalog)
        with dbmod.transaction(con):
            dbmod.set_meta(con, "dataset", "demo")
            dbmod.set_meta(con, "demo_seed", str(seed))
        con.execute("CHECKPOINT")
    finally:
        con.close()
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
        self.adoption = self._draw_adoption()

    # -- adoption and the register ---------------------------------------------------------
    def _draw_adoption(self) -> dict[str, dict[str, int]]:
        """action type -> {unit code: action year}, drawn independently per type.

        Adoption does not depend on province quality (ADOPTION_SELECTION = 0): with quality-weighted
        draws the same reformist provinces adopt every type, so one type's planted effect leaks into
        another type's placebo sub-indices (correlated adoption). Selection on levels would be
        absorbed by unit fixed effects anyway; the Impact page's placebo check exists for real data.
        """
        adoption: dict[str, dict[str, int]] = {}
        fixed = {a.action_type: a for a in DA_NANG_ACTIONS if a.action_id in ("DNG-2013-CT29", "DNG-2018-DDCI")}
        for action_type, count, first, last in ADOPTION:
            weights = np.exp(ADOPTION_SELECTION * self.quality)
            weights = weights / weights.sum()
            chosen = self.rng.choice(len(self.codes), size=count, replace=False, p=weights)
            years = self.rng.integers(first, last + 1, size=count)
            adoption[action_type] = {self.codes[c]: int(y) for c, y in zip(chosen, years)}
            if action_type in fixed:  # Đà Nẵng's real dates replace any synthetic draw
                adoption[action_type]["48"] = fixed[action_type].year
        return adoption

    def actions(self) -> list[DemoAction]:
        actions = list(DA_NANG_ACTIONS)
        fixed_ids = {("48", "DISCIPLINE_DIRECTIVE"), ("48", "DDCI_LAUNCH")}
        for action_type, units in self.adoption.items():
            for code, year in sorted(units.items()):
                if (code, action_type) in fixed_ids:
                    continue
                actions.append(self._synthetic(code, action_type, year))
        leaders = self.rng.choice(len(self.codes), size=20, replace=False)
        for position in sorted(leaders):
            year = int(self.rng.integers(2010, 2024))
            actions.append(self._synthetic(self.codes[position], "LEADERSHIP_CHANGE", year, persistence="one_off"))
        for code in sorted(set(self.catalog.crosswalk["to_code"])):
            if len(self.catalog.members(code)) > 1:
                actions.append(DemoAction(f"MERGER-2025-{code}", code, 2025, dt.date(2025, 7, 1), "day", "MERGER_2025",
                                          f"Hợp nhất thành {self.catalog.unit('vn34', code)['full_name_vi']}",
                                          f"Merger forming {self.catalog.unit_name('vn34', code, 'en')}",
                                          "Nghị quyết 202/2025/QH15 (sinh tự động từ bảng chuyển đổi).",
                                          "202/2025/QH15", "A", False, unit_set="vn34"))
        return actions

    def _synthetic(self, code: str, action_type: str, year: int, persistence: str = "absorbing") -> DemoAction:
        # Dates fall after mid-year fieldwork, so an action counts from the next edition.
        date = dt.date(year, 8, 1) + dt.timedelta(days=int(self.rng.integers(0, 130)))
        name = self.catalog.unit_name("vn63", code)
        title_vi, title_en = _SYNTHETIC_TITLES[action_type]
        return DemoAction(f"SYN-{code}-{action_type}-{year}", code, year, date, "day", action_type,
                          title_vi.format(name=name), title_en.format(name_en=self.catalog.unit_name("vn63", code, "en")),
                          "Hành động mô phỏng cho dữ liệu minh hoạ / simulated action for the demo data.",
                          None, "D", True, persistence=persistence)

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
        return long[loader.SCORE_COLUMNS]

    def _drop_papi_gaps(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Real PAPI has a few province-years with no data; keep them missing, never imputed."""
        years = [y for y in range(YEARS["PAPI"][0], LAST_VN63_YEAR + 1)]
        picks = [(int(self.rng.choice(years)), self.codes[int(self.rng.integers(len(self.codes)))]) for _ in range(3)]
        mask = pd.Series(False, index=frame.index)
        for year, code in picks:
            mask |= (frame["year"] == year) & (frame["unit_code"] == code) & (frame["unit_code"] != "48")
        return frame[~mask].reset_index(drop=True)


def write_register(con, actions: list[DemoAction], catalog: Catalog) -> None:
    """Actions, their pre-registered targets and the planted truth, in one transaction."""
    now = dt.datetime(2025, 1, 1)
    planted_by_type: dict[str, list[tuple[str, float, int]]] = {}
    for action_type, component, size, ramp in PLANTED:
        planted_by_type.setdefault(action_type, []).append((component, size, ramp))
    with dbmod.transaction(con):
        for a in actions:
            targets = planted_by_type.get(a.action_type, [])
            con.execute(
                "INSERT INTO action (action_id, version, unit_set, unit_code, year, date, date_precision, action_type,"
                " title_vi, title_en, description, target_components, dose, dose_unit, persistence, end_date,"
                " evidence_grade, source_document, is_synthetic, created_by, created_at)"
                " VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, 'demo', ?)",
                [a.action_id, a.unit_set, a.unit_code, a.year, a.date, a.date_precision, a.action_type, a.title_vi,
                 a.title_en, a.description, ",".join(t[0] for t in targets) or None, a.dose, a.dose_unit,
                 a.persistence, a.evidence_grade, a.source_document, a.is_synthetic, now])
            for position, (component, _, ramp) in enumerate(targets):
                con.execute("INSERT INTO action_target VALUES (?, ?, ?, ?, 1, ?, ?)",
                            [a.action_id, catalog.component(component)["index"], component,
                             "primary" if position == 0 else "secondary", 1, now])
        for action_type, component, size, ramp in PLANTED:
            con.execute("INSERT INTO demo_effect VALUES (?, ?, ?, ?, ?)",
                        [action_type, component, size, ramp,
                         "effect starts in the edition after the action year, phases in over ramp_years editions"])
