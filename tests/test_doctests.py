"""The examples in the core modules' docstrings run and print what they show."""

import doctest
import importlib

import pytest

CORE = ["activations", "layers", "losses", "metrics", "network", "optimizers", "schedules",
        "training", "init"]  # fmt: skip


@pytest.mark.parametrize("name", CORE)
def test_docstring_examples(name):
    module = importlib.import_module(f"mlpkit.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
