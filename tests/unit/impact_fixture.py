"""The seeded staggered panel of IMPACT-METHOD §5.1 on the PCI 2013–2022 sub-indices, shared by the
impact unit tests (the Monte Carlo generator itself is ``bench/impact_mc.py``)."""

from bench import impact_mc as mc

PCI10 = ["PCI:TIME_COSTS", "PCI:ENTRY_COSTS", "PCI:LAND_ACCESS", "PCI:TRANSPARENCY", "PCI:INFORMAL_CHARGES",
         "PCI:POLICY_BIAS", "PCI:PROACTIVITY", "PCI:BUSINESS_SUPPORT", "PCI:LABOR_TRAINING", "PCI:LEGAL_INSTITUTIONS"]
WINDOW = list(range(2013, 2023))


def pci_fixture(seed=1, cohorts=None, delta=0.8, **kwargs):
    """The §5.1 fixture on the PCI 2013–2022 sub-indices (si0 = Time costs carries the effect)."""
    design = cohorts or [(6, g) for g in range(2016, 2022)]
    fx = mc.make(seed, cohorts=design, delta=delta, hetero=False, **kwargs)
    scores = mc.long_scores(fx, PCI10, "PCI", WINDOW)
    actions = mc.fixture_actions(fx, "OSS_CENTRE")
    actions["action_id"] = [f"A{i}" for i in range(len(actions))]
    actions["target_components"] = "PCI:TIME_COSTS"
    return fx, scores, actions
