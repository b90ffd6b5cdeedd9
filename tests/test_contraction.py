"""einsum, tensordot, kron against real PyTorch: values over many equations, shapes, layouts and
dtypes, gradients (values and gradcheck), and the error cases."""
import numpy as np
import pytest

import pytorch_like as P
from pytorch_like.autograd import gradcheck
from tests.torch_pairs import LAYOUTS, assert_grads_match, assert_same, pair

torch = pytest.importorskip("torch")
R = np.random.default_rng(11)


def _arr(shape, dtype=np.float64):
    if np.issubdtype(dtype, np.integer):
        return R.integers(-3, 4, shape).astype(dtype)
    return R.standard_normal(shape).astype(dtype)


EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->j", [(3, 3, 2)]),
    ("iji->j", [(2, 3, 2)]),
    ("ij->", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("ba", [(2, 3)]),
    ("i,i->", [(3,), (3,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,i->i", [(3,), (1,)]),
    ("ij,ij->i", [(3, 4), (3, 4)]),
    ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)]),
    ("...i,...i->...", [(2, 3), (5, 1, 3)]),
    ("a...,a...->...", [(3, 2), (3, 1)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("ijk,kji->", [(2, 3, 4), (4, 3, 2)]),
    ("ab,cd->", [(2, 3), (4, 5)]),
    ("Ab,bA", [(2, 3), (3, 2)]),
    ("i,->i", [(3,), ()]),
    ("abc,cd,de->abe", [(2, 3, 4), (4, 5), (5, 6)]),
    ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),
    ("ij,kl->ikjl", [(2, 3), (4, 5)]),
    ("ij,jk->", [(0, 3), (3, 4)]),
    ("ij,jk->ik", [(2, 0), (0, 4)]),
    ("i j , j k -> i k", [(2, 3), (3, 4)]),
    ("ab,bc,cd,de->ae", [(8, 2), (2, 9), (9, 3), (3, 7)]),
]


@pytest.mark.parametrize("eq,shapes", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum_values(eq, shapes):
    ours, theirs = zip(*[pair(torch, _arr(s)) for s in shapes])
    assert_same(P.einsum(eq, *ours), torch.einsum(eq, *theirs), rtol=1e-10, atol=1e-12)
    assert_same(P.einsum(eq, list(ours)), torch.einsum(eq, list(theirs)), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("eq", ["bij,bjk->bik", "bij,bkj->bik", "bji,bjk->ik", "bij->bji", "bii->b"])
def test_einsum_layouts(eq, layout):
    a, ta = pair(torch, _arr((3, 4, 4)), layout)
    b, tb = pair(torch, _arr((3, 4, 4)), "transposed")
    args = (a,) if eq.count(",") == 0 else (a, b)
    targs = (ta,) if eq.count(",") == 0 else (ta, tb)
    assert_same(P.einsum(eq, *args), torch.einsum(eq, *targs), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32])
def test_einsum_dtypes(dtype):
    # integer sums give int64 (sum's rule), contractions keep the dtype: as PyTorch
    for eq, shapes in [("ij,jk->ik", [(3, 4), (4, 2)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
                       ("i,i->", [(5,), (5,)]), ("ii->", [(3, 3)]), ("ij->i", [(3, 4)]), ("ij,kl->", [(2, 3), (3, 2)]),
                       ("ij,ij->i", [(3, 4), (3, 4)])]:
        ours, theirs = zip(*[pair(torch, _arr(s, dtype)) for s in shapes])
        assert_same(P.einsum(eq, *ours), torch.einsum(eq, *theirs), rtol=1e-5, atol=1e-5)


def test_einsum_sublist_format():
    a, ta = pair(torch, _arr((2, 3)))
    b, tb = pair(torch, _arr((3, 4)))
    assert_same(P.einsum(a, [0, 1], b, [1, 2], [0, 2]), torch.einsum(ta, [0, 1], tb, [1, 2], [0, 2]))
    assert_same(P.einsum(a, [Ellipsis, 1], b, [1, 2]), torch.einsum(ta, [Ellipsis, 1], tb, [1, 2]))
    assert_same(P.einsum(a, [30, 51]), torch.einsum(ta, [30, 51]))


def test_einsum_view_of_input():
    a = P.randn(2, 3)
    assert P.einsum("ij->ji", a).data_ptr() == a.data_ptr()


@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]), ("ii->i", [(3, 3)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("...i,...i->...", [(2, 3), (4, 1, 3)]), ("i,i->i", [(3,), (1,)]),
    ("ij,ij->i", [(3, 4), (3, 4)]), ("ij->", [(2, 3)]), ("i,j->ij", [(3,), (2,)])])
def test_einsum_grads(eq, shapes):
    arrays = [_arr(s) for s in shapes]
    assert_grads_match(torch, lambda L, *t: L.einsum(eq, *t), arrays)
    assert gradcheck(lambda *t: P.einsum(eq, *t), tuple(P.tensor(a).requires_grad_() for a in arrays))


def test_einsum_grads_through_views():
    assert_grads_match(torch, lambda L, a, b: L.einsum("bij,bjk->bik", a, b),
                       [_arr((2, 3, 4)), _arr((2, 4, 3))], layouts=["transposed", "strided"])


@pytest.mark.parametrize("args,msg", [
    (("ij,jk->ik", (2, 3)), "fewer operands were provided"),
    (("ij->ik", (2, 3), (3, 4)), "more operands were provided"),
    (("i1->i", (2, 3)), "invalid subscript given at index 1"),
    (("ij-k", (2, 3)), "invalid subscript given at index 2"),
    (("ij.k->i", (2, 3)), "found '.' for operand 0 that is not part of any ellipsis"),
    (("ijk->i", (2, 3)), r"number of subscripts in the equation \(3\) does not match the number of dimensions \(2\)"),
    (("...ijk->i", (2, 3)), r"number of subscripts in the equation \(3\) is more than the number of dimensions"),
    (("ij->ii", (2, 3)), "output subscript i appears more than once in the output"),
    (("ij->k", (2, 3)), "output subscript k does not appear in the equation for any input operand"),
    (("ij,jk->ik", (2, 3), (4, 4)), "subscript j has size 4 for operand 1 which does not broadcast with previously "
                                    "seen size 3"),
    (("ii->i", (3, 2)), "subscript i is repeated for operand 0 but the sizes don't match, 2 != 3"),
    (("...ij->......", (2, 3)), r"found '.' for output but an ellipsis \(...\) was already found"),
])
def test_einsum_errors(args, msg):
    eq, shapes = args[0], args[1:]
    ours = [P.tensor(_arr(s)) for s in shapes]
    theirs = [torch.tensor(_arr(s)) for s in shapes]
    with pytest.raises(RuntimeError, match=msg):
        P.einsum(eq, *ours)
    with pytest.raises(RuntimeError):
        torch.einsum(eq, *theirs)


def test_einsum_bad_calls():
    a = P.randn(2, 3)
    with pytest.raises(ValueError, match="must specify the equation string and at least one operand"):
        P.einsum("ij")
    with pytest.raises(ValueError, match=r"not within the valid range \[0, 52\)"):
        P.einsum(a, [0, 60])
    with pytest.raises(TypeError, match="must be Tensor, not list"):
        P.einsum("ij->i", [[1.0, 2.0]], [[1.0]])
    with pytest.raises(RuntimeError, match="expected scalar type"):
        P.einsum("ij,jk", a, P.randn(3, 2, dtype=P.float64))


# ---------------------------------------------------------------------- tensordot

@pytest.mark.parametrize("sa,sb,dims", [
    ((2, 3, 4), (3, 4, 5), 2), ((2, 3, 4), (4, 5), 1), ((2, 3), (4, 5), 0), ((2, 3, 4), (4, 3, 5), ([1, 2], [1, 0])),
    ((3, 4), (4, 3), [[0, 1], [1, 0]]), ((2, 1), (3, 4), ([1], [0])), ((2, 3), (1, 4), ([1], [0])),
    ((3,), (3,), 1), ((2, 3, 4), (2, 3, 4), 3), ((2, 3, 4), (4, 3, 2), ([-1, 0], [0, -1]))])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "strided"])
def test_tensordot_values(sa, sb, dims, layout):
    a, ta = pair(torch, _arr(sa), layout)
    b, tb = pair(torch, _arr(sb), "contiguous")
    assert_same(P.tensordot(a, b, dims), torch.tensordot(ta, tb, dims), rtol=1e-10, atol=1e-12)


def test_tensordot_tensor_dims_out_and_ints():
    a, ta = pair(torch, _arr((2, 3, 4), np.int64))
    b, tb = pair(torch, _arr((3, 4, 2), np.int64))
    assert_same(P.tensordot(a, b, P.tensor(2)), torch.tensordot(ta, tb, torch.tensor(2)))
    out, tout = P.empty(0, dtype=P.int64), torch.empty(0, dtype=torch.int64)
    r = P.tensordot(a, b, 2, out=out)
    assert r is out
    assert_same(out, torch.tensordot(ta, tb, 2, out=tout))


def test_tensordot_grads():
    assert_grads_match(torch, lambda L, a, b: L.tensordot(a, b, ([1, 2], [1, 0])), [_arr((2, 3, 4)), _arr((4, 3, 5))])
    assert_grads_match(torch, lambda L, a, b: L.tensordot(a, b, ([1], [0])), [_arr((2, 1)), _arr((3, 4))])
    x, y = P.randn(2, 3, dtype=P.float64, requires_grad=True), P.randn(3, 2, dtype=P.float64, requires_grad=True)
    assert gradcheck(lambda a, b: P.tensordot(a, b, 1), (x, y))


@pytest.mark.parametrize("dims,exc,msg", [
    (-1, RuntimeError, "tensordot expects dims >= 0, but got dims=-1"),
    (3, RuntimeError, "tensordot expects dims < ndim_a or ndim_b, but got dims=3"),
    (([0], [0, 1]), RuntimeError, "both dimension lists should have same length"),
    (([1], [1]), RuntimeError, "contracted dimensions need to match, but first has size 3 in dim 1 and second has "
                               "size 4 in dim 1"),
    (([5], [0]), IndexError, "Dimension out of range"),
    ("x", TypeError, "argument 'dims'"),
])
def test_tensordot_errors(dims, exc, msg):
    with pytest.raises(exc, match=msg):
        P.tensordot(P.randn(2, 3), P.randn(3, 4), dims)


def test_tensordot_dtype_mismatch():
    with pytest.raises(RuntimeError, match="both inputs should have same dtype"):
        P.tensordot(P.randn(2, 3), P.randn(3, 4, dtype=P.float64), 1)
    with pytest.raises(RuntimeError):
        torch.tensordot(torch.randn(2, 3), torch.randn(3, 4, dtype=torch.float64), 1)


# ---------------------------------------------------------------------- kron

@pytest.mark.parametrize("sa,sb", [((2,), (3,)), ((2, 2), (3, 1)), ((2,), (2, 3)), ((2, 1, 3), (2, 2)), ((), (3,)),
                                   ((0, 2), (2, 3))])
@pytest.mark.parametrize("dtypes", [(np.float64, np.float64), (np.int64, np.float32), (np.int32, np.int64)])
def test_kron_values(sa, sb, dtypes):
    a, ta = pair(torch, _arr(sa, dtypes[0]))
    b, tb = pair(torch, _arr(sb, dtypes[1]), "strided" if len(sb) else "contiguous")   # torch.kron refuses transposes
    assert_same(P.kron(a, b), torch.kron(ta, tb))
    assert_same(a.kron(b), ta.kron(tb))


def test_kron_out_grads_errors():
    a, ta = pair(torch, _arr((2, 3)))
    b, tb = pair(torch, _arr((2, 2)))
    out, tout = P.empty(0, dtype=P.float64), torch.empty(0, dtype=torch.float64)
    assert P.kron(a, b, out=out) is out
    assert_same(out, torch.kron(ta, tb, out=tout))
    assert_grads_match(torch, lambda L, x, y: L.kron(x, y), [_arr((2, 3)), _arr((3, 1))])
    with pytest.raises(TypeError, match="argument 'other'"):
        P.kron(a, [1, 2])


def test_float16_products():
    # float16 is storage-only in the core: products run in float32 and round back, as PyTorch's results
    for eq, shapes in [("ij,jk->ik", [(3, 4), (4, 2)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("ii->i", [(3, 3)])]:
        ours, theirs = zip(*[pair(torch, _arr(s, np.float16)) for s in shapes])
        assert_same(P.einsum(eq, *ours), torch.einsum(eq, *theirs), rtol=2e-3, atol=2e-3)
    a, ta = pair(torch, _arr((2, 3, 4), np.float16))
    b, tb = pair(torch, _arr((3, 4, 2), np.float16))
    assert_same(P.tensordot(a, b, 2), torch.tensordot(ta, tb, 2), rtol=2e-3, atol=2e-3)


def test_einsum_random_equations():
    """Random equations (repeated labels, size-1 broadcasting, 1-3 operands) agree with PyTorch."""
    rng = np.random.default_rng(2024)
    checked = 0
    for _ in range(200):
        sizes = {c: int(rng.integers(1, 4)) for c in "abcd"}
        terms, arrays = [], []
        for _ in range(int(rng.integers(1, 4))):
            labels = "".join(rng.choice(list("abcd"), int(rng.integers(0, 4))))
            own = {}
            shape = [own.setdefault(c, sizes[c] if rng.random() < 0.8 else 1) for c in labels]
            terms.append(labels)
            arrays.append(rng.standard_normal(shape))
        out = "".join(c for c in sorted(set("".join(terms))) if rng.random() < 0.5)
        eq = ",".join(terms) + "->" + out
        try:
            expected = torch.einsum(eq, *[torch.tensor(a) for a in arrays])
        except RuntimeError:
            continue
        assert_same(P.einsum(eq, *[P.tensor(a) for a in arrays]), expected, rtol=1e-10, atol=1e-12)
        checked += 1
    assert checked > 150
