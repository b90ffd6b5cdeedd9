"""out= tensors that share memory with their inputs or with themselves (lib/TH/THTensorOut.c).

Outputs whose elements alias each other (stride 0, overlapping windows) are refused with
PyTorch's message; outputs sharing memory with an input are computed as if the inputs had
been read first (a temporary when needed), whether they share one storage or only memory.
"""
import numpy as np
import pytest

import pytorch_like as torch

INTERNAL = ("unsupported operation: more than one element of the written-to tensor refers to a single "
            "memory location. Please clone() the tensor before performing the operation.")
PARTIAL = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
           "single memory location. Please clone() the tensor before performing the operation.")


def T(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def expanded(*shape, dtype=torch.float64):
    """An output whose elements all alias one memory location."""
    return torch.zeros(*([1] * len(shape)), dtype=dtype).expand(*shape)


def windows(n, dtype=torch.float64):
    """n x 2 overlapping windows over n + 1 elements (element [i, 1] is [i + 1, 0])."""
    return torch.zeros(n + 1, dtype=dtype).unfold(0, 2, 1)


M3 = np.array([[4.0, 1, 0], [1, 3, 1], [0, 1, 2]])
V = np.array([3.0, 1, 2, 5, 4])

# (name, call writing into out, shape and dtype the out must have)
INTERNAL_CASES = [
    ("cumsum", lambda out: torch.cumsum(T(V), 0, out=out), (5,), torch.float64),
    ("cumprod", lambda out: torch.cumprod(T(V), 0, out=out), (5,), torch.float64),
    ("mm", lambda out: torch.mm(T(M3), T(M3), out=out), (3, 3), torch.float64),
    ("matmul", lambda out: torch.matmul(T(M3), T(M3), out=out), (3, 3), torch.float64),
    ("bmm", lambda out: torch.bmm(T(M3[None]), T(M3[None]), out=out), (1, 3, 3), torch.float64),
    ("addmm", lambda out: torch.addmm(T(M3), T(M3), T(M3), out=out), (3, 3), torch.float64),
    ("mv", lambda out: torch.mv(T(M3), T(V[:3]), out=out), (3,), torch.float64),
    ("inverse", lambda out: torch.inverse(T(M3), out=out), (3, 3), torch.float64),
    ("sort", lambda out: torch.sort(T(V), out=(out, torch.empty(0, dtype=torch.int64))), (5,), torch.float64),
    ("sort-indices", lambda out: torch.sort(T(V), out=(torch.empty(0, dtype=torch.float64), out)), (5,),
     torch.int64),
    ("topk", lambda out: torch.topk(T(V), 2, out=(out, torch.empty(0, dtype=torch.int64))), (2,), torch.float64),
    ("index_select", lambda out: torch.index_select(T(V), 0, T(np.array([1, 0])), out=out), (2,), torch.float64),
    ("gather", lambda out: torch.gather(T(V), 0, T(np.array([4, 0, 1])), out=out), (3,), torch.float64),
    ("cat", lambda out: torch.cat([T(V), T(V)], out=out), (10,), torch.float64),
    ("add", lambda out: torch.add(T(V), 1, out=out), (5,), torch.float64),
    ("exp", lambda out: torch.exp(T(V), out=out), (5,), torch.float64),
    ("sum", lambda out: torch.sum(T(M3), 0, out=out), (3,), torch.float64),
    ("tril", lambda out: torch.tril(T(M3), out=out), (3, 3), torch.float64),
    ("max-dim", lambda out: torch.max(T(M3), 1, out=(out, torch.empty(0, dtype=torch.int64))), (3,),
     torch.float64),
    ("kthvalue", lambda out: torch.kthvalue(T(M3), 2, 1, out=(out, torch.empty(0, dtype=torch.int64))), (3,),
     torch.float64),
]


@pytest.mark.parametrize("name,call,shape,dtype", INTERNAL_CASES, ids=[c[0] for c in INTERNAL_CASES])
def test_expanded_out_is_refused(name, call, shape, dtype):
    out = expanded(*shape, dtype=dtype)
    with pytest.raises(RuntimeError) as e:
        call(out)
    assert INTERNAL in str(e.value)


def test_unfolded_windows_refused_but_disjoint_steps_allowed():
    w = windows(4)                       # 4 x 2 windows of a 5-element storage: shared elements
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        torch.add(torch.ones(4, 2, dtype=torch.float64), 1, out=w)
    d = torch.zeros(8, dtype=torch.float64).unfold(0, 2, 2)   # non-overlapping windows: fine
    torch.add(torch.ones(4, 2, dtype=torch.float64), 1, out=d)
    assert d.tolist() == [[2.0, 2.0]] * 4


def test_full_overlap_computes_in_place_as_pytorch(ref_torch):
    x = np.arange(1.0, 7.0).reshape(2, 3)
    for op in ("cumsum", "cumprod"):
        t = T(x.copy())
        getattr(torch, op)(t, 1, out=t)
        ref = getattr(ref_torch, op)(ref_torch.tensor(x), 1)
        np.testing.assert_allclose(t.numpy(), ref.numpy())
    t = T(V.copy())
    v, i = torch.sort(t, out=(t, torch.empty(0, dtype=torch.int64)))
    assert t.tolist() == sorted(V.tolist()) and v.data_ptr() == t.data_ptr()
    a = T(M3.copy())
    torch.mm(a, a, out=a)                # PyTorch gives zeros here; we give the product
    np.testing.assert_allclose(a.numpy(), M3 @ M3)
    a = T(M3.copy())
    torch.addmm(a, T(M3), T(M3), out=a)  # out is M: gemm reads C before writing it
    np.testing.assert_allclose(a.numpy(), M3 + M3 @ M3)
    a = T(M3.copy())
    torch.inverse(a, out=a)
    np.testing.assert_allclose(a.numpy(), np.linalg.inv(M3))
    a = T(M3.copy())
    torch.tril(a, out=a)
    np.testing.assert_array_equal(a.numpy(), np.tril(M3))


def test_partial_overlap_reads_inputs_first():
    """An out sharing part of an input's memory gets the result of the old values."""
    base = np.arange(8.0)

    def check(fn, ref):
        t = T(base.copy())
        fn(t)
        np.testing.assert_allclose(t.numpy(), ref)

    r = base.copy(); r[1:6] = np.cumsum(base[:5])
    check(lambda t: torch.cumsum(t[:5], 0, out=t[1:6]), r)
    r = base.copy(); r[1:6] = np.cumprod(base[:5] + 0)
    check(lambda t: torch.cumprod(t[:5], 0, out=t[1:6]), r)
    r = base.copy(); r[2:7] = np.sort(base[:5])[::-1]
    check(lambda t: torch.sort(t[:5], descending=True, out=(t[2:7], torch.empty(0, dtype=torch.int64))), r)
    r = base.copy(); r[0:3] = base[[5, 1, 0]]
    check(lambda t: torch.index_select(t, 0, T(np.array([5, 1, 0])), out=t[0:3]), r)
    r = base.copy(); r[0:3] = base[[2, 2, 7]]
    check(lambda t: torch.gather(t, 0, T(np.array([2, 2, 7])), out=t[0:3]), r)
    r = base.copy(); r[1:7] = np.concatenate([base[0:3], base[3:6]])
    check(lambda t: torch.cat([t[0:3], t[3:6]], out=t[1:7]), r)
    r = base.copy(); r[1:] = base[:-1] + 10
    check(lambda t: torch.add(t[:-1], 10, out=t[1:]), r)
    r = base.copy(); r[0:4] = np.tril(base[2:6].reshape(2, 2)).ravel()
    check(lambda t: torch.tril(t[2:6].view(2, 2), out=t[0:4].view(2, 2)), r)


def test_out_block_of_the_same_matrix():
    """mm into one block of a matrix from other blocks of it: disjoint, written directly."""
    rng = np.random.default_rng(0)
    m = rng.standard_normal((4, 6))
    t = T(m.copy())
    torch.mm(t[:, 0:2], t[:2, 2:4], out=t[:, 4:6])
    ref = m.copy(); ref[:, 4:6] = m[:, 0:2] @ m[:2, 2:4]
    np.testing.assert_allclose(t.numpy(), ref)
    # the out block overlaps an input block: computed from the old values
    t = T(m.copy())
    torch.mm(t[:, 0:2], t[:2, 1:3], out=t[:, 1:3])
    ref = m.copy(); ref[:, 1:3] = m[:, 0:2] @ m[:2, 1:3]
    np.testing.assert_allclose(t.numpy(), ref)


def test_interleaved_views_are_independent():
    x = np.arange(10.0)
    t = T(x.copy())
    torch.cumsum(t[0::2], 0, out=t[1::2])
    ref = x.copy(); ref[1::2] = np.cumsum(x[0::2])
    np.testing.assert_allclose(t.numpy(), ref)


def test_memory_shared_through_numpy_not_storage():
    """Two tensors over overlapping numpy views have different storages: still detected."""
    for op in ("add", "cumsum", "index_select", "cat", "sort"):
        buf = np.arange(8.0)
        src, dst = torch.from_numpy(buf[:5]), torch.from_numpy(buf[1:6])
        old = buf.copy()
        if op == "add":
            torch.add(src, 1, out=dst); ref = old[:5] + 1
        elif op == "cumsum":
            torch.cumsum(src, 0, out=dst); ref = np.cumsum(old[:5])
        elif op == "index_select":
            torch.index_select(src, 0, T(np.array([4, 3, 2, 1, 0])), out=dst); ref = old[:5][::-1]
        elif op == "cat":
            torch.cat([src[:2], src[2:]], out=dst); ref = old[:5]
        else:
            torch.sort(src, descending=True, out=(dst, torch.empty(0, dtype=torch.int64))); ref = old[:5][::-1]
        np.testing.assert_allclose(buf[1:6], ref, err_msg=op)


def test_values_and_indices_sharing_memory_refused():
    buf = torch.zeros(10, dtype=torch.int64)
    for call in (lambda v, i: torch.sort(T(np.array([3, 1, 2])), out=(v, i)),
                 lambda v, i: torch.max(T(np.array([[3, 1, 2]])), 1, out=(v, i))):
        with pytest.raises(RuntimeError) as e:
            call(buf[0:3], buf[2:5])
        assert PARTIAL in str(e.value)


def test_out_of_another_shape_sharing_an_input_is_replaced():
    x = T(np.arange(6.0))
    torch.cumsum(x[:2].view(2), 0, out=x)      # out resized to 2 elements, computed from the input first
    assert x.tolist() == [0.0, 1.0]


def test_inplace_on_expanded_refused():
    e = torch.zeros(1, dtype=torch.float64).expand(3)
    with pytest.raises(RuntimeError, match="more than one element"):
        e.add_(1)
    with pytest.raises(RuntimeError, match="more than one element"):
        e.copy_(T(np.arange(3.0)))
    assert e.tolist() == [0.0, 0.0, 0.0]


OPS = {
    "neg": (lambda i, o: torch.neg(i, out=o), lambda a: -a),
    "cumsum": (lambda i, o: torch.cumsum(i, -1, out=o), lambda a: np.cumsum(a, axis=-1)),
    "sort": (lambda i, o: torch.sort(i, out=(o, torch.empty(0, dtype=torch.int64))), lambda a: np.sort(a, axis=-1)),
    "cat": (lambda i, o: torch.cat([i], out=o), lambda a: a),
}


@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("seed", range(12))
def test_random_strided_views_against_numpy(seed, op):
    """Random strided out and input views of one storage: the result is op of the input's old
    values wherever out's elements are distinct (checked by brute force on the addresses), and
    a self-aliasing out is refused. Exercises the exact overlap decision (interleaved, blocked,
    overlapping and disjoint layouts)."""
    rng = np.random.default_rng(seed)
    n = 60
    call, ref_fn = OPS[op]

    def view():
        while True:
            nd = int(rng.integers(1, 4))
            shape = tuple(int(s) for s in rng.integers(1, 5, nd))
            strides = tuple(int(s) for s in rng.integers(0, 7, nd))
            span = sum((sh - 1) * s for sh, s in zip(shape, strides))
            if span < n:
                return shape, strides, int(rng.integers(0, n - span))

    for _ in range(25):
        (s_out, st_out, o_out), (s_in, st_in, o_in) = view(), view()
        if s_in != s_out:
            s_in, st_in = s_out, st_in[:len(s_out)] + (1,) * (len(s_out) - len(st_in))
            span = sum((sh - 1) * s for sh, s in zip(s_in, st_in))
            if span + o_in >= n:
                o_in = 0
                if span >= n:
                    continue
        base = np.arange(n, dtype=np.float64) + 1
        t = torch.from_numpy(base.copy())
        out = t.as_strided(s_out, st_out, o_out)
        inp = t.as_strided(s_in, st_in, o_in)
        idx_out = o_out + sum(np.indices(s_out)[d] * st_out[d] for d in range(len(s_out)))
        idx_in = o_in + sum(np.indices(s_in)[d] * st_in[d] for d in range(len(s_in)))
        if len(np.unique(idx_out)) < idx_out.size:
            with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
                call(inp, out)
            np.testing.assert_array_equal(t.numpy(), base)     # refused before writing
            continue
        call(inp, out)
        ref = base.copy()
        ref[idx_out.ravel()] = ref_fn(base[idx_in]).ravel()
        np.testing.assert_array_equal(t.numpy(), ref, err_msg=f"out {s_out} {st_out} +{o_out}, in {st_in} +{o_in}")
