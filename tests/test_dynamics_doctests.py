"""The Examples in the dynamics package's docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import interdep.science.dynamics as package

MODULES = sorted(m.name for m in pkgutil.iter_modules(package.__path__, package.__name__ + "."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_every_public_function_has_an_example():
    missing = [
        name
        for name in package.__all__
        if callable(obj := getattr(package, name))
        and not isinstance(obj, type)
        and ">>>" not in (obj.__doc__ or "")
    ]
    assert missing == []
