"""Tensor printing with PyTorch's format (torch/_tensor_str.py), read through numpy.

The layout rules (precision, int mode, scientific mode, summarisation, line wrapping,
suffixes) follow PyTorch's so that repr(t) equals PyTorch's text for the same values,
with "pytorch_like." in place of "torch.".
"""
import contextlib
import math

import numpy as np

from . import dtypes as _dt

_DEFAULTS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}


class _Options:
    __slots__ = tuple(_DEFAULTS)

    def __init__(self):
        for k, v in _DEFAULTS.items():
            setattr(self, k, v)


PRINT_OPTS = _Options()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None):
    """Set printing options (PyTorch's set_printoptions): precision, threshold, edgeitems, linewidth, sci_mode."""
    if profile is not None:
        profiles = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}
        if profile not in profiles:
            raise ValueError(f"set_printoptions: profile must be one of {sorted(profiles)}, got {profile!r}")
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = profiles[profile]
    for name, value in (("precision", precision), ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"set_printoptions: {name} must be a non-negative int, got {value!r}")
            setattr(PRINT_OPTS, name, value)
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise ValueError(f"set_printoptions: threshold must be a number, got {threshold!r}")
        PRINT_OPTS.threshold = threshold
    if sci_mode is not None and not isinstance(sci_mode, bool):
        raise ValueError(f"set_printoptions: sci_mode must be True, False or None, got {sci_mode!r}")
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current printing options as a dict (accepted by set_printoptions)."""
    return {k: getattr(PRINT_OPTS, k) for k in _DEFAULTS}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Context manager that changes the printing options temporarily."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Chooses int/fixed/scientific mode and the column width from the values shown."""

    def __init__(self, values, floating):
        # values: a 1-D numpy array of every element that will be printed
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        prec = PRINT_OPTS.precision
        if not floating:
            for v in values.tolist():
                self.max_width = max(self.max_width, len(f"{v}"))
            return
        finite = values[np.isfinite(values) & (values != 0)]
        if finite.size == 0:
            return
        absf = np.abs(finite).astype(np.float64)
        vmin, vmax = absf.min(), absf.max()
        vals = finite.tolist()
        self.int_mode = all(v == math.ceil(v) for v in vals)
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = bool(vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        if self.sci_mode:
            w = max(len(f"{v:.{prec}e}") for v in vals)
        elif self.int_mode:
            w = max(len(f"{v:.0f}") for v in vals) + 1
        else:
            w = max(len(f"{v:.{prec}f}") for v in vals)
        self.max_width = max(self.max_width, w)

    def format(self, value):
        if self.floating:
            prec = PRINT_OPTS.precision
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{prec}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{prec}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _summarized(a):
    """The elements a summarised print shows (PyTorch's get_summarized_data), flattened."""
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a.reshape(1)
    if a.ndim == 1:
        return np.concatenate((a[:e], a[-e:])) if a.shape[0] > 2 * e else a
    if not e:
        return a.reshape(-1)[:0]
    rows = list(range(e)) + list(range(a.shape[0] - e, a.shape[0])) if a.shape[0] > 2 * e else range(a.shape[0])
    return np.concatenate([_summarized(a[i]) for i in rows])


def _vector_str(a, indent, summarize, fmt):
    opts = PRINT_OPTS
    per_line = max(1, math.floor((opts.linewidth - indent) / (fmt.max_width + 2)))
    e = opts.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = ([fmt.format(v) for v in a[:e].tolist()] + [" ..."]
                + [fmt.format(v) for v in a[-e:].tolist()])
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _str_with_formatter(a, indent, summarize, fmt):
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)
    e = PRINT_OPTS.edgeitems
    n = a.shape[0]
    if summarize and n > 2 * e:
        slices = ([_str_with_formatter(a[i], indent + 1, summarize, fmt) for i in range(e)] + ["..."]
                  + [_str_with_formatter(a[i], indent + 1, summarize, fmt) for i in range(n - e, n)])
    else:
        slices = [_str_with_formatter(a[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _tensor_str(t, indent):
    a = t.numpy(force=True)
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    fmt = _Formatter(_summarized(a) if summarize else a.reshape(-1), t.dtype.is_floating_point)
    return _str_with_formatter(a, indent, summarize, fmt)


def _add_suffixes(text, suffixes, indent):
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t):
    """PyTorch's repr of a tensor: tensor([...], dtype=..., requires_grad=True)."""
    from .tensor import Tensor
    cls = type(t)
    plain = cls is Tensor or cls.__name__ == "Parameter"
    prefix = "tensor(" if plain else f"{cls.__name__}("
    indent = len(prefix)
    suffixes = []
    d = t.dtype
    default = _dt.get_default_dtype()
    if t.numel() == 0:
        if t.dim() != 1:
            suffixes.append("size=" + str(tuple(t.shape)))
        if d is not default:
            suffixes.append("dtype=" + str(d))
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(tuple(t.shape)))
        if d not in (default, _dt.int64, _dt.bool):
            suffixes.append("dtype=" + str(d))
        body = _tensor_str(t, indent)
    grad_fn = getattr(t, "grad_fn", None)
    if grad_fn is not None:
        name = grad_fn.name() if callable(getattr(grad_fn, "name", None)) else type(grad_fn).__name__
        suffixes.append(f"grad_fn=<{name}>")
    elif getattr(t, "requires_grad", False) is True:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)


def tensor_format(t, spec):
    """format(t, spec): a 0-dim tensor formats as its Python number; others need an empty spec."""
    if t.dim() == 0:
        return t.item().__format__(spec)
    return object.__format__(t, spec)
