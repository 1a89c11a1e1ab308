"""Every Examples section in mlpkit.datasets runs as a doctest."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "mlpkit.datasets._common",
    "mlpkit.datasets.toy2d",
    "mlpkit.datasets.playground",
    "mlpkit.datasets.regression",
    "mlpkit.datasets.images",
    "mlpkit.datasets.digits",
    "mlpkit.datasets.mnist",
    "mlpkit.datasets.registry",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
    if name != "mlpkit.datasets._common":
        assert result.attempted > 0, f"no examples found in {name}"
