"""Wrong argument types to public functions raise PyTorch-worded TypeErrors naming the function
and the argument, never an AttributeError from the internals ('list' object has no attribute 'dim')."""
import inspect

import numpy as np
import pytest

import pytorch_like as torch

BAD = {"list": [1.0, 2.0], "ndarray": np.ones(3), "None": None, "str": "x", "object": object()}
T = torch.ones(3, 3)

# (call with a bad value, function name and argument name expected in the message)
CASES = [
    (lambda b: torch.sort(b), "sort", "input"),
    (lambda b: torch.argsort(b), "argsort", "input"),
    (lambda b: torch.msort(b), "msort", "input"),
    (lambda b: torch.topk(b, 1), "topk", "input"),
    (lambda b: torch.median(b), "median", "input"),
    (lambda b: torch.nanmedian(b), "nanmedian", "input"),
    (lambda b: torch.mode(b), "mode", "input"),
    (lambda b: torch.unique(b), "unique", "input"),
    (lambda b: torch.searchsorted(b, T), "searchsorted", "sorted_sequence"),
    (lambda b: torch.nonzero(b), "nonzero", "input"),
    (lambda b: torch.argwhere(b), "argwhere", "input"),
    (lambda b: torch.take(b, torch.zeros(1, dtype=torch.int64)), "take", "input"),
    (lambda b: torch.take_along_dim(b, torch.zeros(1, dtype=torch.int64)), "take_along_dim", "input"),
    (lambda b: torch.hsplit(b, 1), "hsplit", "input"),
    (lambda b: torch.vsplit(b, 1), "vsplit", "input"),
    (lambda b: torch.dsplit(b, 1), "dsplit", "input"),
    (lambda b: torch.empty_like(b), "empty_like", "input"),
    (lambda b: torch.zeros_like(b), "zeros_like", "input"),
    (lambda b: torch.ones_like(b), "ones_like", "input"),
    (lambda b: torch.full_like(b, 1), "full_like", "input"),
    (lambda b: torch.rand_like(b), "rand_like", "input"),
    (lambda b: torch.randn_like(b), "randn_like", "input"),
    (lambda b: torch.randint_like(b, 3), "randint_like", "input"),
    (lambda b: torch.is_floating_point(b), "is_floating_point", "input"),
    (lambda b: torch.isposinf(b), "isposinf", "input"),
    (lambda b: torch.isneginf(b), "isneginf", "input"),
    (lambda b: torch.nan_to_num(b), "nan_to_num", "input"),
    (lambda b: torch.positive(b), "positive", "input"),
    (lambda b: torch.numel(b), "numel", "input"),
    (lambda b: T.view_as(b), "view_as", "other"),
    (lambda b: T.reshape_as(b), "reshape_as", "other"),
    (lambda b: T.expand_as(b), "expand_as", "other"),
    (lambda b: torch.promote_types(b, torch.float32), "promote_types", "type1"),
    (lambda b: torch.can_cast(torch.float32, b), "can_cast", "to"),
]


@pytest.mark.parametrize("bad", list(BAD), ids=list(BAD))
@pytest.mark.parametrize("call,fn,arg", CASES, ids=[c[1] for c in CASES])
def test_wrong_type_names_function_and_argument(call, fn, arg, bad):
    with pytest.raises(TypeError) as e:
        call(BAD[bad])
    msg = str(e.value)
    assert msg.startswith(f"{fn}(): argument '{arg}'"), msg
    assert f"not {type(BAD[bad]).__name__}" in msg, msg


@pytest.mark.parametrize("call,fn,arg", [
    (lambda b: torch.sum(T, 0, b), "sum", "keepdim"),
    (lambda b: torch.max(T, 0, b), "max", "keepdim"),
    (lambda b: torch.argmax(T, 0, b), "argmax", "keepdim"),
    (lambda b: torch.sort(T, 0, b), "sort", "descending"),
    (lambda b: torch.topk(T, 1, 0, b), "topk", "largest"),
    (lambda b: torch.median(T, 0, b), "median", "keepdim"),
    (lambda b: torch.unique(T, b), "unique", "sorted"),
    (lambda b: torch.isclose(T, T, equal_nan=b), "isclose", "equal_nan"),
    (lambda b: torch.var_mean(T, 0, b), "var_mean", "unbiased"),
    (lambda b: torch.cholesky(torch.eye(2), b), "cholesky", "upper"),
    (lambda b: torch.svd(torch.eye(2), b), "svd", "some"),
    (lambda b: torch.qr(torch.eye(2), b), "qr", "some"),
    (lambda b: torch.potrf(torch.eye(2), b), "potrf", "upper"),
    (lambda b: torch.triangular_solve(torch.eye(2), torch.eye(2), b), "triangular_solve", "upper"),
    (lambda b: torch.ones(2).requires_grad_(b), "requires_grad_", "requires_grad"),
], ids=["sum", "max", "argmax", "sort", "topk", "median", "unique", "isclose", "var_mean", "cholesky", "svd", "qr",
        "potrf", "triangular_solve", "requires_grad_"])
def test_flag_given_an_array_names_it(call, fn, arg):
    """A numpy array where a bool flag goes: not numpy's 'truth value of an array is ambiguous'."""
    with pytest.raises(TypeError, match=rf"^{fn}\(\): argument '{arg}' must be bool, not ndarray"):
        call(np.ones(3))
    call(np.True_)      # numpy bools are bools


def test_assigning_an_object_names_the_type():
    t = torch.ones(3)
    with pytest.raises(TypeError, match="can't convert an object of type 'object' to a float32 tensor element"):
        t[0] = object()
    with pytest.raises(TypeError, match="Could not infer dtype of dict"):
        torch.tensor([1.0, {}])
    assert t.tolist() == [1.0, 1.0, 1.0]


def test_messages_match_pytorch(ref_torch):
    for fn in ("sort", "argsort", "nonzero", "median"):
        with pytest.raises(TypeError) as ours:
            getattr(torch, fn)([1, 2])
        with pytest.raises(TypeError) as ref:
            getattr(ref_torch, fn)([1, 2])
        # PyTorch: "sort() received an invalid combination of arguments" or "argument 'input' (position 1)
        # must be Tensor, not list": both name the function and that a Tensor was expected for input
        assert f"{fn}()" in str(ref.value) and "Tensor" in str(ref.value)
        assert str(ours.value) == f"{fn}(): argument 'input' must be Tensor, not list"


def _public_functions():
    for name in sorted(dir(torch)):
        f = getattr(torch, name)
        if name.startswith("_") or not callable(f) or inspect.isclass(f) or inspect.ismodule(f):
            continue
        if name in ("load", "save", "load_lua", "save_lua", "manual_seed", "seed", "set_printoptions",
                    "set_default_dtype", "set_num_threads", "set_grad_enabled", "compile"):
            continue
        yield name, f


@pytest.mark.filterwarnings("ignore")
def test_no_attribute_errors_leak_from_public_functions():
    """Every public function and Tensor method, given a list/array/None/str/object where a tensor goes."""
    leaks = []
    calls = [(f"torch.{n}", f) for n, f in _public_functions()]
    calls += [(f"Tensor.{n}", getattr(T.clone(), n)) for n in sorted(dir(torch.Tensor))
              if not n.startswith("_") and callable(getattr(T, n, None))]
    for name, f in calls:
        for bn, b in BAD.items():
            for args in ((b,), (T, b), (b, T), (T, T, b)):
                try:
                    f(*args)
                except (AttributeError, KeyError) as e:
                    leaks.append(f"{name}{tuple(type(a).__name__ for a in args)}: {type(e).__name__}: {e}")
                except Exception:
                    pass
    assert not leaks, "\n".join(leaks[:40])
