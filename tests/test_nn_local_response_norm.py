"""nn.LocalResponseNorm / F.local_response_norm: forward and backward against PyTorch."""
import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like import nn


@pytest.mark.parametrize("shape,size,alpha,beta,k", [((2, 7, 3, 3), 5, 1e-2, 0.75, 2.0), ((2, 6, 4), 4, 0.5, 0.6, 1.0),
                                                     ((1, 3, 2, 2, 2), 2, 1.0, 0.75, 1.0),
                                                     ((2, 3, 4, 4), 7, 1e-4, 0.75, 1.0)])
def test_matches_pytorch(ref_torch, shape, size, alpha, beta, k):
    x = np.random.default_rng(len(shape) + size).standard_normal(shape)
    g = np.random.default_rng(1).standard_normal(shape)
    ours = torch.from_numpy(x.copy()).requires_grad_(True)
    y = nn.LocalResponseNorm(size, alpha, beta, k)(ours)
    (y * torch.from_numpy(g)).sum().backward()
    theirs = ref_torch.from_numpy(x.copy()).requires_grad_(True)
    ry = ref_torch.nn.LocalResponseNorm(size, alpha, beta, k)(theirs)
    (ry * ref_torch.from_numpy(g)).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), ry.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="3 or more dims"):
        nn.functional.local_response_norm(torch.ones(2, 3), 3)
    with pytest.raises(ValueError, match="size must be a positive integer"):
        nn.functional.local_response_norm(torch.ones(1, 2, 3), 0)
