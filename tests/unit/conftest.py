"""Fixtures of the impact unit tests: one seeded staggered panel and its CS result, built once per module."""

import pytest

from provindex import impact

from .impact_fixture import pci_fixture


@pytest.fixture(scope="module")
def staggered():
    return pci_fixture()


@pytest.fixture(scope="module")
def cs_result(staggered):
    _, scores, actions = staggered
    return impact.estimate(scores, actions, outcome="PCI:TIME_COSTS", action_type="OSS_CENTRE", method="cs", seed=3)
