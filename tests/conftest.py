"""Shared test fixtures: reference libraries and the real Torch7 files."""
import os

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

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
    from tests.t7_files import T7_DIR
    if T7_DIR is None:
        pytest.skip("../shared/t7 (real Torch7 files) is not present")
    return T7_DIR


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
