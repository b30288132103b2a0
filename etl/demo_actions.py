"""The demo's reform-action register: Đà Nẵng's real entries, synthetic staggered adoption, planted effects.

Action types have *planted* effects on named components (``PLANTED``, stored in ``demo_effect``),
adopted in staggered cohorts so the impact models can be checked against a known truth; every
other component is a placebo. Random draws use the generator's own seeded ``rng`` in a fixed order.
The rows reach the database through the register's one writer (``etl.load.write_register``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import numpy as np

from provindex.catalog import Catalog

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
    """One register entry of the demo (the columns it fills; the writer adds version and audit fields)."""

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
               "Chỉ thị 29-CT/TU của Ban Thường vụ Thành ủy về đẩy mạnh cải cách hành chính, "
               "siết chặt kỷ luật, kỷ cương",
               "City Party Standing Committee Directive 29-CT/TU: push administrative reform, tighten discipline",
               "Xây dựng đội ngũ công chức đáp ứng yêu cầu phát triển của thành phố; tổng kết 10 năm năm 2023.",
               "29-CT/TU, Ban Thường vụ Thành ủy Đà Nẵng, 06/11/2013", "A", False),
    DemoAction("DNG-QD2090", "48", 2014, dt.date(2014, 1, 1), "approximate", "DISCIPLINE_DIRECTIVE",
               "Quyết định 2090/QĐ-UBND về trách nhiệm người đứng đầu trong cải cách hành chính (năm ước tính)",
               "Decision 2090/QĐ-UBND on agency heads' responsibility for administrative reform (approximate year)",
               "Ngày ban hành chưa xác minh; năm trong dữ liệu mô phỏng là ước tính.", "2090/QĐ-UBND, UBND thành phố",
               "B", False),
    DemoAction("DNG-CT34", "48", 2024, dt.date(2024, 1, 1), "approximate", "DISCIPLINE_DIRECTIVE",
               "Chỉ thị 34-CT/TU chống né tránh, đùn đẩy trách nhiệm (kế tục Chỉ thị 29; năm ước tính)",
               "Directive 34-CT/TU against avoidance and buck-passing (successor of Directive 29; approximate year)",
               "Ngày ban hành chưa xác minh.", "34-CT/TU, Ban Thường vụ Thành ủy Đà Nẵng", "B", False),
    DemoAction("DNG-KL364", "48", 2023, dt.date(2023, 1, 1), "approximate", "OFFICIALS_DISCIPLINED",
               "364 cán bộ, công chức, viên chức bị xử lý kỷ luật trong 10 năm thực hiện Chỉ thị 29",
               "364 officials and public employees disciplined over ten years of Directive 29",
               "Số liệu tổng hợp 2013–2023 từ báo cáo tổng kết của thành phố.",
               "Báo cáo tổng kết 10 năm Chỉ thị 29-CT/TU", "B", False, persistence="one_off", dose=364,
               dose_unit="officials_disciplined"),
    DemoAction("DNG-2018-DDCI", "48", 2018, dt.date(2018, 1, 1), "year", "DDCI_LAUNCH",
               "Công bố kết quả DDCI Đà Nẵng lần đầu", "First published round of Đà Nẵng's DDCI",
               "Đánh giá năng lực cạnh tranh các sở, ngành và quận, huyện.", "baodanang.vn (theo IMPACT-METHOD §1.2)",
               "C", False),
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


def draw_adoption(rng: np.random.Generator, codes: list[str], quality: np.ndarray) -> dict[str, dict[str, int]]:
    """Action type -> {unit code: action year}, drawn independently per type.

    Adoption does not depend on province quality (ADOPTION_SELECTION = 0): with quality-weighted
    draws the same reformist provinces adopt every type, so one type's planted effect leaks into
    another type's placebo sub-indices (correlated adoption). Selection on levels would be
    absorbed by unit fixed effects anyway; the Impact page's placebo check exists for real data.
    """
    adoption: dict[str, dict[str, int]] = {}
    fixed = {a.action_type: a for a in DA_NANG_ACTIONS if a.action_id in ("DNG-2013-CT29", "DNG-2018-DDCI")}
    for action_type, count, first, last in ADOPTION:
        weights = np.exp(ADOPTION_SELECTION * quality)
        weights = weights / weights.sum()
        chosen = rng.choice(len(codes), size=count, replace=False, p=weights)
        years = rng.integers(first, last + 1, size=count)
        adoption[action_type] = {codes[c]: int(y) for c, y in zip(chosen, years)}
        if action_type in fixed:  # Đà Nẵng's real dates replace any synthetic draw
            adoption[action_type]["48"] = fixed[action_type].year
    return adoption


def demo_actions(catalog: Catalog, rng: np.random.Generator, codes: list[str],
                 adoption: dict[str, dict[str, int]]) -> list[DemoAction]:
    """Đà Nẵng's entries, the adopters' synthetic actions, leadership changes and the 2025 mergers."""
    actions = list(DA_NANG_ACTIONS)
    fixed_ids = {("48", "DISCIPLINE_DIRECTIVE"), ("48", "DDCI_LAUNCH")}
    for action_type, units in adoption.items():
        for code, year in sorted(units.items()):
            if (code, action_type) in fixed_ids:
                continue
            actions.append(_synthetic(catalog, rng, code, action_type, year))
    leaders = rng.choice(len(codes), size=20, replace=False)
    for position in sorted(leaders):
        year = int(rng.integers(2010, 2024))
        actions.append(_synthetic(catalog, rng, codes[position], "LEADERSHIP_CHANGE", year, persistence="one_off"))
    for code in sorted(set(catalog.crosswalk["to_code"])):
        if len(catalog.members(code)) > 1:
            actions.append(DemoAction(f"MERGER-2025-{code}", code, 2025, dt.date(2025, 7, 1), "day", "MERGER_2025",
                                      f"Hợp nhất thành {catalog.unit('vn34', code)['full_name_vi']}",
                                      f"Merger forming {catalog.unit_name('vn34', code, 'en')}",
                                      "Nghị quyết 202/2025/QH15 (sinh tự động từ bảng chuyển đổi).",
                                      "202/2025/QH15", "A", False, unit_set="vn34"))
    return actions


def _synthetic(catalog: Catalog, rng: np.random.Generator, code: str, action_type: str, year: int,
               persistence: str = "absorbing") -> DemoAction:
    # Dates fall after mid-year fieldwork, so an action counts from the next edition.
    date = dt.date(year, 8, 1) + dt.timedelta(days=int(rng.integers(0, 130)))
    title_vi, title_en = _SYNTHETIC_TITLES[action_type]
    return DemoAction(f"SYN-{code}-{action_type}-{year}", code, year, date, "day", action_type,
                      title_vi.format(name=catalog.unit_name("vn63", code)),
                      title_en.format(name_en=catalog.unit_name("vn63", code, "en")),
                      "Hành động mô phỏng cho dữ liệu minh hoạ / simulated action for the demo data.",
                      None, "D", True, persistence=persistence)


def register_rows(actions: list[DemoAction], catalog: Catalog,
                  now: dt.datetime = dt.datetime(2025, 1, 1)) -> tuple[list[dict], list[dict]]:
    """Action rows (version 1) and their pre-registered targets: every planted component of the type."""
    planted_by_type: dict[str, list[str]] = {}
    for action_type, component, _, _ in PLANTED:
        planted_by_type.setdefault(action_type, []).append(component)
    action_rows, target_rows = [], []
    for action in actions:
        targets = planted_by_type.get(action.action_type, [])
        action_rows.append({**asdict(action), "version": 1, "target_components": ",".join(targets) or None,
                            "created_by": "demo", "created_at": now})
        target_rows += [{"action_id": action.action_id, "index": catalog.component(component)["index"],
                         "component": component, "role": "primary" if position == 0 else "secondary",
                         "expected_sign": 1, "expected_lag": 1, "registered_at": now}
                        for position, component in enumerate(targets)]
    return action_rows, target_rows


def effect_rows() -> list[dict]:
    """The planted truth as ``demo_effect`` rows."""
    note = "effect starts in the edition after the action year, phases in over ramp_years editions"
    return [{"action_type": action_type, "component": component, "effect": size, "ramp_years": ramp, "note": note}
            for action_type, component, size, ramp in PLANTED]
