"""Statistics: cov, corrcoef, quantile, nanquantile, bincount -- PyTorch's algorithms
(Correlation.cpp, Sorting.cpp's quantile_compute, SummaryOps.cpp) on the core ops, so the
floating ones are differentiable through sort/gather/lerp, mm and the pointwise ops."""
import builtins as _b
import numbers
import warnings

from .. import dtypes as _dt
from .._args import bool_arg, tensor_arg
from ..tensor import Tensor, _int_arg, _wrap_dim
from .contraction import half_product
from .pointwise import _TNAME, _into

__all__ = ["cov", "corrcoef", "quantile", "nanquantile", "bincount"]


def _P():
    import pytorch_like
    return pytorch_like


# ---------------------------------------------------------------------- covariance

def _check_weights(w, n, name, integral):
    kind = "integral" if integral else "floating point"
    tensor_arg(w, "cov", name)
    if w.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got {name} with {w.ndim} "
                           "dimensions")
    ok = (w.dtype.is_floating_point if not integral else
          (not w.dtype.is_floating_point and w.dtype is not _dt.bool))
    if not ok:
        raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} with {_TNAME[w.dtype.code]} "
                           "dtype")
    if w.numel() != n:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are observations in the input "
                           f"but got {w.numel()} != {n}")
    if n and bool((w.min() < 0).item()):
        raise RuntimeError(f"cov(): {name} cannot be negative")


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance matrix of the variables in input's rows (observations in columns), optionally weighted."""
    P = _P()
    tensor_arg(input, "cov")
    correction = _int_arg(correction, "cov(): correction")
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    if input.dtype is _dt.bool:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    n = x.shape[1]
    w = None
    if fweights is not None:
        _check_weights(fweights, n, "fweights", True)
        w = fweights
    if aweights is not None:
        _check_weights(aweights, n, "aweights", False)
        w = aweights if w is None else w * aweights
    w_sum = w.sum() if w is not None else P.tensor(n, dtype=_dt.int64)
    if w is not None and not bool((w_sum != 0).item()):
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = (x * w if w is not None else x).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if bool((norm <= 0).item()):
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=2)
        norm = norm * 0
    xc = x - avg.unsqueeze(1)
    c = half_product(Tensor.mm, xc, (xc * w if w is not None else xc).t())
    return P.true_divide(c, norm).squeeze()


def corrcoef(input):
    """Pearson correlation coefficients of the variables in input's rows, clipped to [-1, 1]."""
    tensor_arg(input, "corrcoef")
    if input.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    c = cov(input)
    if c.ndim == 0:
        return c / c        # nan for a zero, nan or inf variance, else 1
    std = c.diagonal().sqrt()
    c = c / std.view(-1, 1)
    c = c / std.view(1, -1)
    return c.clip(-1, 1)


# ---------------------------------------------------------------------- quantiles

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name, input, q, dim, keepdim, interpolation, out, ignore_nan):
    P = _P()
    tensor_arg(input, name)
    keepdim = bool_arg(keepdim, name, "keepdim")
    if out is not None and not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if not isinstance(interpolation, str) or interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"quantile() interpolation must be one of linear, lower, higher, midpoint or nearest. "
                           f"Got {interpolation}")
    if isinstance(q, Tensor):
        qt = q
    elif isinstance(q, numbers.Real) and not isinstance(q, _b.bool):
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
        qt = None
    else:
        raise TypeError(f"{name}(): argument 'q' must be a float or a Tensor, not {type(q).__name__}")
    if input.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if qt is not None and qt.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if input.dtype not in (_dt.float32, _dt.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if qt is None:
        qt = P.tensor(float(q), dtype=input.dtype)
    elif qt.dtype is not input.dtype:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    if not bool(((qt >= 0) & (qt <= 1)).all().item()):
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    wd = None if dim is None else _wrap_dim(dim, input.ndim)
    # output shape: q's length first, then the reduced shape
    if wd is not None and input.ndim > 0:
        shape = list(input.shape)
        if keepdim:
            shape[wd] = 1
        else:
            del shape[wd]
    else:
        shape = [1] * input.ndim if keepdim else []
    if wd is None:
        s = input.reshape(-1).sort().values
    elif wd == input.ndim - 1:
        s = input.sort().values
    else:
        s = input.unsqueeze(-1).transpose(wd, -1).sort().values
    qv = qt.reshape(-1)
    s = s.reshape(shape + [s.shape[-1]]) if shape else s.reshape(s.shape[-1])
    with P.no_grad():
        nan_here = s.isnan()
        if ignore_nan:
            # ranks among the non-NaN values; a slice of NaNs gets rank 0 (so NaN)
            ranks = (qv * (nan_here.logical_not().sum(-1, keepdim=True) - 1)).clamp(min=0)
        else:
            # a slice holding NaN gets the last rank (its NaN)
            last = s.shape[-1] - 1
            ranks = P.where(nan_here.any(-1, keepdim=True), float(last), qv * last)
        if interpolation == "lower":
            ranks = ranks.floor()
        elif interpolation == "higher":
            ranks = ranks.ceil()
        elif interpolation == "nearest":
            ranks = ranks.round()
        below = ranks.to(_dt.int64)
    r = s.gather(-1, below)
    if interpolation in ("linear", "midpoint"):
        with P.no_grad():
            weights = P.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
            above = ranks.ceil().to(_dt.int64)
        r = r.lerp(s.gather(-1, above), weights)
    r = r.squeeze(-1) if qt.ndim == 0 else r.movedim(-1, 0)
    if out is not None:
        if out.dtype is not r.dtype:
            raise RuntimeError(f"{name}() out tensor must be same dtype as the input tensor")
        return _into(out, r)
    return r


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The q-th quantiles of input (over all elements or along dim); NaN where a slice holds NaN."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, out, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """quantile ignoring NaN (NaN only where a slice is all NaN)."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, out, True)


# ---------------------------------------------------------------------- bincount

def bincount(input, weights=None, minlength=0):
    """Counts (or summed weights) of each value of a 1-D non-negative integer tensor."""
    P = _P()
    tensor_arg(input, "bincount")
    minlength = _int_arg(minlength, "bincount(): minlength")
    if input.dtype.is_floating_point or input.dtype is _dt.bool:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{_TNAME[input.dtype.code]}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if input.ndim == 1 and input.numel() == 0:
        return P.zeros(minlength, dtype=_dt.int64)
    if input.ndim != 1 or int(input.min().item()) < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None:
        tensor_arg(weights, "bincount", "weights")
        if weights.ndim != 1 or weights.shape[0] != input.shape[0]:
            raise RuntimeError("weights should be 1-d and have the same length as input")
    n = _b.max(int(input.max().item()) + 1, minlength)
    idx = input.to(_dt.int64)
    if weights is None:
        return P.zeros(n, dtype=_dt.int64).index_add_(0, idx, P.ones(input.shape[0], dtype=_dt.int64))
    wdt = _dt.float32 if weights.dtype is _dt.float32 else _dt.float64
    return P.zeros(n, dtype=wdt).index_add_(0, idx, weights.to(wdt).detach())


for _name in ("cov", "corrcoef", "quantile", "nanquantile", "bincount"):
    setattr(Tensor, _name, globals()[_name])
del _name
