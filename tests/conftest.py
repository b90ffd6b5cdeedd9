"""Shared test fixtures: reference libraries and the real Torch7 files."""
import os

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_T7 = os.path.join(ROOT, "..", "shared", "t7")

try:
    import torch as _torch  # PyTorch CPU: a test-only reference
except Exception:  # pragma: no cover
    _torch = None


@pytest.fixture
def ref_torch():
    """Real PyTorch, or skip."""
    if _torch is None:
        pytest.skip("PyTorch is not installed")
    return _torch


@pytest.fixture
def t7_dir():
    """../shared/t7 (files written by real Torch7), or skip."""
    if not os.path.isdir(SHARED_T7):
        pytest.skip("../shared/t7 is not present")
    return SHARED_T7


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
