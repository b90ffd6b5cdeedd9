"""The lean recording of +, -, *, / and the float unary ops (autograd/elementwise.py), and the
engine's in-place accumulation of its own gradient sums: the same gradients, dtypes, graph
structure and errors as the generic path and as PyTorch."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like._lib import lib

RNG = np.random.default_rng(7)


def _arr(shape, dtype=np.float64, positive=False):
    a = RNG.standard_normal(shape).astype(dtype)
    return np.abs(a) + 0.5 if positive else a


def _leaf(T, a, req=True, transpose=False):
    t = T.tensor(a.T.copy() if transpose else a, requires_grad=False)
    if transpose:
        t = t.t()        # a non-contiguous view holding a's values
    if req:
        t.requires_grad_(True)
    return t


def _grads(T, fn, arrays, reqs=None, transpose=()):
    reqs = reqs or [True] * len(arrays)
    xs = [_leaf(T, a, r, i in transpose) for i, (a, r) in enumerate(zip(arrays, reqs))]
    out = fn(T, *xs)
    out.backward(T.ones_like(out))
    return out, [None if x.grad is None else x.grad for x in xs]


def _check(ref_torch, fn, arrays, reqs=None, transpose=(), rtol=1e-10):
    o, g = _grads(P, fn, arrays, reqs, transpose)
    ro, rg = _grads(ref_torch, fn, arrays, reqs, transpose)
    np.testing.assert_allclose(o.detach().numpy(), ro.detach().numpy(), rtol=rtol, atol=rtol)
    assert tuple(o.shape) == tuple(ro.shape)
    for a, b in zip(g, rg):
        assert (a is None) == (b is None)
        if a is not None:
            assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
            assert tuple(a.shape) == tuple(b.shape)
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=rtol, atol=rtol)


BINARY = {
    "mul": lambda T, a, b: a * b,
    "add": lambda T, a, b: a + b,
    "sub": lambda T, a, b: a - b,
    "div": lambda T, a, b: a / b,
}
SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (3,)), ((4,), ())]


@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("reqs", [(True, True), (True, False), (False, True)], ids=str)
def test_binary_tensor_tensor_matches_torch(ref_torch, op, shapes, reqs):
    arrays = [_arr(shapes[0]), _arr(shapes[1], positive=True)]
    _check(ref_torch, BINARY[op], arrays, list(reqs))


@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_non_contiguous_inputs(ref_torch, op):
    arrays = [_arr((3, 4)), _arr((3, 4), positive=True)]
    _check(ref_torch, BINARY[op], arrays, transpose=(0, 1))
    _check(ref_torch, BINARY[op], arrays, transpose=(1,))


@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_mixed_dtypes_cast_grads_back(ref_torch, op):
    """float32 op float64: the result is float64; each input's gradient comes back in its own dtype."""
    def fn(T, a, b):
        return BINARY[op](T, a.float(), b)
    _check(ref_torch, fn, [_arr((2, 3)), _arr((2, 3), positive=True)], rtol=1e-6)

    def fn2(T, a, b):
        return BINARY[op](T, a, b.float())
    _check(ref_torch, fn2, [_arr((3,)), _arr((2, 3), positive=True)], rtol=1e-6)


SCALAR = {
    "add": lambda T, a: a + 2, "radd": lambda T, a: 2 + a, "sub": lambda T, a: a - 0.5,
    "rsub": lambda T, a: 0.5 - a, "mul": lambda T, a: a * 3, "rmul": lambda T, a: -1.5 * a,
    "div": lambda T, a: a / 4, "rdiv": lambda T, a: 4.0 / a, "mul_int": lambda T, a: a * (1 << 40),
    "mul_bool": lambda T, a: a * True, "add_np": lambda T, a: a + np.float64(0.25),
}


@pytest.mark.parametrize("op", sorted(SCALAR))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tensor_number_matches_torch(ref_torch, op, dtype):
    _check(ref_torch, SCALAR[op], [_arr((2, 3), dtype, positive=True)], rtol=1e-5 if dtype == np.float32 else 1e-10)


def test_tensor_number_keeps_float_dtype():
    x = P.tensor([1.0, 2.0], dtype=P.float16, requires_grad=True)
    y = 2.5 - x * 3
    assert y.dtype is P.float16 and y.grad_fn.name() == "RsubBackward0"
    y.sum().backward()
    assert x.grad.dtype is P.float16 and x.grad.tolist() == [-3.0, -3.0]


UNARY = ["tanh", "sigmoid", "exp", "neg", "sin", "sqrt", "abs", "log", "reciprocal", "floor"]


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("transpose", [False, True])
def test_unary_matches_torch(ref_torch, name, transpose):
    _check(ref_torch, lambda T, a: getattr(a, name)(), [_arr((3, 4), positive=True)],
           transpose=(0,) if transpose else ())
    _check(ref_torch, lambda T, a: getattr(T, name)(a), [_arr((3,), positive=True)])


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_thnn_backward_equals_the_formula(name):
    """Without create_graph tanh/sigmoid backward runs THNN's kernel; with it, the differentiable
    formula: both give the same first derivative."""
    a = _arr((5,))
    x1 = P.tensor(a, requires_grad=True)
    getattr(x1, name)().sum().backward()
    x2 = P.tensor(a, requires_grad=True)
    (g,) = P.autograd.grad(getattr(x2, name)().sum(), x2, create_graph=True)
    np.testing.assert_allclose(x1.grad.numpy(), g.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_thnn_backward_float16_and_broadcast_gradient(name):
    """Operands THNN's kernel refuses (float16; a gradient of another dtype) fall back to the formula."""
    a = np.array([0.25, -0.5, 1.0])
    x = P.tensor(a, dtype=P.float16, requires_grad=True)
    getattr(x, name)().sum().backward()
    ref = P.tensor(a, requires_grad=True)
    getattr(ref, name)().sum().backward()
    np.testing.assert_allclose(x.grad.float().numpy(), ref.grad.numpy(), rtol=2e-3)
    y = P.tensor(a, dtype=P.float32, requires_grad=True)
    getattr(y, name)().backward(P.ones(3, dtype=P.float64))
    np.testing.assert_allclose(y.grad.numpy(), ref.grad.numpy(), rtol=1e-6)
    assert y.grad.dtype is P.float32


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "mul", "div"])
def test_double_backward_through_fast_nodes(ref_torch, name):
    def fn(T, a, b):
        if name in ("tanh", "sigmoid"):
            y = getattr(a * b, name)()
        else:
            y = BINARY[name](T, a, b)
        (g,) = T.autograd.grad((y * y).sum(), a, create_graph=True)
        return (g * g).sum()
    _check(ref_torch, fn, [_arr((4,)), _arr((4,), positive=True)], rtol=1e-9)


def test_fast_and_generic_paths_agree():
    """a * b (the operator's lean recorder) and P.mul(a, b) (the generic wrapper) build the same graph."""
    a0, b0 = _arr((2, 3)), _arr((3,))
    res = []
    for f in (lambda a, b: (a * b - 1.0).tanh() + b, lambda a, b: P.add(P.tanh(P.sub(P.mul(a, b), 1.0)), b)):
        a, b = P.tensor(a0, requires_grad=True), P.tensor(b0, requires_grad=True)
        y = f(a, b)
        names = []
        fn = y.grad_fn
        while fn is not None and fn.name() != "AccumulateGrad":
            names.append(fn.name())
            fn = fn.next_functions[0][0]
        y.sum().backward()
        res.append((names, a.grad.numpy(), b.grad.numpy(), y._version, y.is_leaf))
    assert res[0][0] == res[1][0] == ["AddBackward0", "TanhBackward0", "SubBackward0", "MulBackward0"]
    for u, v in zip(res[0][1:], res[1][1:]):
        np.testing.assert_array_equal(u, v)


def test_fast_nodes_keep_edges_of_inputs_without_grad():
    x = P.tensor([1.0, 2.0], requires_grad=True)
    c = P.tensor([3.0, 4.0])
    y = c * x
    assert y.grad_fn.next_functions[0] is None
    assert y.grad_fn.next_functions[1][0].name() == "AccumulateGrad"
    assert (x - c).grad_fn.next_functions[1] is None


def test_saved_tensor_checks_on_fast_nodes():
    x = P.tensor([1.0, 2.0], requires_grad=True)
    w = P.tensor([3.0, 4.0])
    y = x * w
    w.add_(1)
    with pytest.raises(RuntimeError, match=r"is at version 1; expected version 0"):
        y.sum().backward()
    t = x.tanh()
    z = t * 2
    t.mul_(2)
    with pytest.raises(RuntimeError, match=r"which is output 0 of TanhBackward0, is at version 1; expected version 0"):
        z.sum().backward()
    s = (x * x).sum()
    s.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        s.backward()
    s2 = (x + 1.0 - x).sum()     # nothing saved: a second backward is allowed
    s2.backward()
    s2.backward()


def test_chain_reusing_leaves_matches_torch(ref_torch):
    """A leaf feeding many nodes: the engine sums its gradients in place in a buffer of its own."""
    def fn(T, x, w):
        y = x
        for _ in range(10):
            y = (y * w + x).tanh() - 0.5
        return y.sum()
    _check(ref_torch, fn, [_arr((8,)), _arr((8,))], rtol=1e-9)
    _check(ref_torch, fn, [_arr((2, 8)), _arr((8,))], rtol=1e-9)


def test_in_place_sums_do_not_reach_hooks_or_retained_grads(ref_torch):
    """Gradients a hook or retain_grad received, or that several nodes share, are never modified by
    later in-place accumulation."""
    def fn(T, seen):
        x = T.tensor([0.5, -1.0, 2.0], dtype=T.float64, requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: seen.append(g))
        y.retain_grad()
        z = y + y          # both gradients of y arrive at one node
        u = z * x + z + y  # y gets a third one, x several
        u.sum().backward()
        return [s.numpy().copy() for s in seen] + [seen[0].numpy(), y.grad.numpy(), x.grad.numpy()]
    ours, theirs = fn(P, []), fn(ref_torch, [])
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_accumulated_grad_is_a_copy_across_backward_calls():
    x = P.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3 + x
    y.sum().backward(retain_graph=True)
    first = x.grad
    kept = first.numpy().copy()
    y.sum().backward()
    assert x.grad is first                       # accumulated into .grad in place, as PyTorch does
    np.testing.assert_array_equal(x.grad.numpy(), 2 * kept)
    g = P.autograd.grad((x * x).sum() + x.sum(), x)[0]
    np.testing.assert_array_equal(g.numpy(), [3.0, 5.0])


def test_is_same_size_as():
    a, b, c = P.zeros(2, 3), P.ones(2, 3).t().contiguous().t(), P.zeros(3, 2)
    assert lib.THTensor_isSameSizeAs(a._t, b._t) == 1
    assert lib.THTensor_isSameSizeAs(a._t, c._t) == 0
    assert lib.THTensor_isSameSizeAs(a._t, P.zeros(2, 3, 1)._t) == 0
    assert lib.THTensor_isSameSizeAs(P.tensor(1.0)._t, P.tensor(2)._t) == 1


def test_empty_and_zero_dim_operands(ref_torch):
    _check(ref_torch, lambda T, a, b: (a * b - 1.0).tanh() / b, [_arr((0, 3)), _arr((3,), positive=True)])
    _check(ref_torch, lambda T, a, b: (a * b + a).sigmoid() - 2.0 * b, [_arr(()), _arr(())])


def test_parameters_and_views_as_operands(ref_torch):
    params = {}

    def fn(T, a, b):
        p = params[T] = T.nn.Parameter(b.detach().clone() + 1.0)
        return a[1:] * p + p * 2.0 - a[:1] / p
    _check(ref_torch, fn, [_arr((3, 2)), _arr((2,))])
    np.testing.assert_allclose(params[P].grad.numpy(), params[ref_torch].grad.numpy(), rtol=1e-10)


def test_in_place_op_on_a_fast_output_keeps_the_graph(ref_torch):
    def fn(T, a, b):
        y = a * b
        y.add_(1.0)
        y.mul_(b)
        return y.tanh()
    _check(ref_torch, fn, [_arr((4,)), _arr((4,))])


def test_new_unary_and_binary_scalar():
    """The one-call C forms the recorders use: the natural dtype, and NULL with the op's error."""
    from pytorch_like._lib import error, ffi
    from pytorch_like.tensor import _wrap
    x = P.tensor([0.5, -1.0, 2.0])
    np.testing.assert_allclose(_wrap(lib.THTensor_newUnary(lib.TH_UNARY_TANH, x._t)).numpy(), np.tanh(x.numpy()),
                               rtol=1e-6)
    r = _wrap(lib.THTensor_newBinaryScalar(lib.TH_BINARY_SUB, x._t, 2.0, 1))
    assert r.dtype is P.float32 and r.tolist() == [1.5, 3.0, 0.0]
    assert _wrap(lib.THTensor_newBinaryScalar(lib.TH_BINARY_MUL, P.tensor([3])._t, 2.0, 0)).tolist() == [6]
    assert lib.THTensor_newUnary(lib.TH_UNARY_NEG, P.tensor([True])._t) == ffi.NULL
    assert "bool tensor is not supported" in str(error())
    assert lib.THTensor_newBinaryScalar(-1, x._t, 1.0, 0) == ffi.NULL
    assert "unknown op" in str(error())


@pytest.mark.parametrize("seed", range(6))
def test_random_graphs_match_torch(ref_torch, seed):
    """Random DAGs reusing intermediate values (the engine's order and its in-place sums)."""
    rng = np.random.default_rng(seed)
    steps = [(int(rng.integers(4)), int(rng.integers(10 ** 6)), int(rng.integers(10 ** 6)), float(rng.uniform(-1, 1)))
             for _ in range(40)]

    def fn(T, a, b, c):
        vals = [a, b, c]
        for kind, i, j, s in steps:
            u, v = vals[i % len(vals)], vals[j % len(vals)]
            vals.append([lambda: u * v, lambda: (u + v).tanh(), lambda: u - s * v, lambda: (u * s).sigmoid() + v][kind]())
        return sum(vals[3:]) / 10.0
    _check(ref_torch, fn, [_arr((3,)), _arr((2, 3)), _arr(())], rtol=1e-9)
