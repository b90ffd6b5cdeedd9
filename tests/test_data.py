"""utils.data: datasets, samplers, DataLoader and collation, against PyTorch's semantics."""
import collections
import warnings

import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset,
                                     RandomSampler, SequentialSampler, Subset, SubsetRandomSampler, TensorDataset,
                                     WeightedRandomSampler, default_collate, random_split)


def _ds(n=10):
    return TensorDataset(torch.arange(n * 2).float().reshape(n, 2), torch.arange(n))


def test_tensor_dataset():
    ds = _ds()
    assert len(ds) == 10
    x, y = ds[3]
    assert x.tolist() == [6.0, 7.0] and y.item() == 3
    with pytest.raises(ValueError, match="Size mismatch between tensors"):
        TensorDataset(torch.zeros(3), torch.zeros(4))
    with pytest.raises(TypeError, match="must be a Tensor"):
        TensorDataset([1, 2])
    with pytest.raises(ValueError, match="0-dim"):
        TensorDataset(torch.tensor(1.0))


@pytest.mark.parametrize("n,bs,drop_last", [(10, 3, False), (10, 3, True), (10, 5, False), (10, 5, True),
                                            (2, 4, False), (2, 4, True), (0, 3, False)])
def test_sequential_batches_match_torch(ref_torch, n, bs, drop_last):
    ours = DataLoader(_ds(n), batch_size=bs, drop_last=drop_last)
    ref = ref_torch.utils.data.DataLoader(ref_torch.utils.data.TensorDataset(
        ref_torch.arange(n * 2).float().reshape(n, 2), ref_torch.arange(n)), batch_size=bs, drop_last=drop_last)
    ob, rb = list(ours), list(ref)
    assert len(ours) == len(ref) == len(ob) == len(rb)
    for (ox, oy), (rx, ry) in zip(ob, rb):
        assert ox.tolist() == rx.tolist() and oy.tolist() == ry.tolist()
        assert tuple(ox.shape) == tuple(rx.shape) and ox.dtype is torch.float32 and oy.dtype is torch.int64


def test_shuffle_with_generator_is_deterministic_and_a_permutation():
    ds = _ds(17)

    def order(seed):
        dl = DataLoader(ds, batch_size=4, shuffle=True, generator=torch.Generator().manual_seed(seed))
        return [i for _, y in dl for i in y.tolist()]
    a, b, c = order(1), order(1), order(2)
    assert a == b and a != c
    assert sorted(a) == list(range(17)) and a != list(range(17))
    g = torch.Generator().manual_seed(5)
    dl = DataLoader(ds, batch_size=4, shuffle=True, generator=g)
    e1 = [i for _, y in dl for i in y.tolist()]
    e2 = [i for _, y in dl for i in y.tolist()]
    assert e1 != e2 and sorted(e1) == sorted(e2)       # a new order each epoch
    torch.manual_seed(3)
    x = [i for _, y in DataLoader(ds, batch_size=5, shuffle=True) for i in y.tolist()]
    torch.manual_seed(3)
    assert x == [i for _, y in DataLoader(ds, batch_size=5, shuffle=True) for i in y.tolist()]


def test_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    g = torch.Generator().manual_seed(0)
    rs = RandomSampler(range(6), generator=g)
    assert sorted(rs) == list(range(6)) and len(rs) == 6
    rs = RandomSampler(range(6), num_samples=15, generator=g)
    v = list(rs)
    assert len(v) == 15 and sorted(set(v)) == list(range(6))
    rr = list(RandomSampler(range(3), replacement=True, num_samples=70, generator=g))
    assert len(rr) == 70 and set(rr) <= {0, 1, 2}
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(TypeError, match="replacement should be a boolean"):
        RandomSampler(range(3), replacement=1)
    s = list(SubsetRandomSampler([10, 20, 30], generator=g))
    assert sorted(s) == [10, 20, 30]
    w = list(WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 50, generator=g))
    assert len(w) == 50 and set(w) <= {1, 3}
    assert sorted(WeightedRandomSampler([1, 1, 1], 3, replacement=False, generator=g)) == [0, 1, 2]
    bs = BatchSampler(SequentialSampler(range(7)), 3, False)
    assert list(bs) == [[0, 1, 2], [3, 4, 5], [6]] and len(bs) == 3
    bs = BatchSampler(SequentialSampler(range(7)), 3, True)
    assert list(bs) == [[0, 1, 2], [3, 4, 5]] and len(bs) == 2
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean"):
        BatchSampler(range(3), 2, 1)


def test_batch_sampler_and_sampler_args():
    ds = _ds(6)
    dl = DataLoader(ds, batch_sampler=[[5, 0], [2]])
    assert [y.tolist() for _, y in dl] == [[5, 0], [2]]
    dl = DataLoader(ds, sampler=[4, 3, 2], batch_size=2)
    assert [y.tolist() for _, y in dl] == [[4, 3], [2]]
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, sampler=[0], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, batch_sampler=[[0]], batch_size=2)
    with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
        DataLoader(ds, batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(ds, num_workers=-1)
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        DataLoader(ds, batch_size=0)


def test_no_auto_batching_and_collate_fn():
    ds = _ds(3)
    items = list(DataLoader(ds, batch_size=None))
    assert len(items) == 3 and items[1][1].item() == 1 and items[1][0].shape == (2,)
    dl = DataLoader(ds, batch_size=2, collate_fn=lambda b: len(b))
    assert list(dl) == [2, 1]


def test_num_workers_runs_serially_with_a_warning():
    from pytorch_like.utils.data import get_worker_info
    assert get_worker_info() is None
    with pytest.warns(UserWarning, match="main process"):
        dl = DataLoader(_ds(4), batch_size=2, num_workers=2)
    assert [y.tolist() for _, y in dl] == [[0, 1], [2, 3]]


def test_default_collate_matches_torch(ref_torch):
    rc = ref_torch.utils.data.default_collate
    Point = collections.namedtuple("Point", "x y")
    cases = [
        [1, 2, 3],
        [1.5, 2.5],
        [True, False],
        ["a", "b"],
        [{"a": 1, "b": [1.0, 2.0]}, {"a": 2, "b": [3.0, 4.0]}],
        [(1, 2.0), (3, 4.0)],
        [Point(1, 2), Point(3, 4)],
        [np.array([1.0, 2.0], dtype=np.float32), np.array([3.0, 4.0], dtype=np.float32)],
        [np.int32(3), np.int32(4)],
    ]

    def norm(x):
        if hasattr(x, "tolist") and hasattr(x, "dtype") and not isinstance(x, np.ndarray):
            return ("T", x.tolist(), str(x.dtype).split(".")[-1], tuple(x.shape))
        if isinstance(x, dict):
            return {k: norm(v) for k, v in x.items()}
        if isinstance(x, tuple) and hasattr(x, "_fields"):
            return (type(x).__name__,) + tuple(norm(v) for v in x)
        if isinstance(x, (list, tuple)):
            return (type(x).__name__, [norm(v) for v in x])
        return x

    for c in cases:
        assert norm(default_collate(c)) == norm(rc(c)), c
    tens = [torch.ones(2, 3), torch.zeros(2, 3)]
    out = default_collate(tens)
    assert out.shape == (2, 2, 3)
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([object(), object()])


def test_iterable_dataset():
    class Stream(IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n
    dl = DataLoader(Stream(7), batch_size=3)
    assert [b.tolist() for b in dl] == [[0, 1, 2], [3, 4, 5], [6]] and len(dl) == 3
    dl = DataLoader(Stream(7), batch_size=3, drop_last=True)
    assert [b.tolist() for b in dl] == [[0, 1, 2], [3, 4, 5]] and len(dl) == 2
    assert [int(x) for x in DataLoader(Stream(3), batch_size=None)] == [0, 1, 2]
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(ValueError, match="expected unspecified sampler option"):
        DataLoader(Stream(3), sampler=[0])
    assert list(ChainDataset([Stream(2), Stream(3)])) == [0, 1, 0, 1, 2]
    assert list(Stream(2) + Stream(1)) == [0, 1, 0]


def test_subset_concat_random_split():
    ds = _ds(10)
    sub = Subset(ds, [9, 0, 4])
    assert len(sub) == 3 and sub[0][1].item() == 9
    cat = ConcatDataset([sub, ds])
    assert len(cat) == 13 and cat[3][1].item() == 0 and cat[-1][1].item() == 9
    assert (sub + ds)[2][1].item() == 4
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        cat[-14]
    with pytest.raises(IndexError):
        cat[13]

    class Plain(Dataset):
        pass
    with pytest.raises(NotImplementedError):
        Plain()[0]

    g = torch.Generator().manual_seed(0)
    a, b = random_split(ds, [7, 3], generator=g)
    assert len(a) == 7 and len(b) == 3 and sorted(a.indices + b.indices) == list(range(10))
    a2, b2 = random_split(ds, [7, 3], generator=torch.Generator().manual_seed(0))
    assert a.indices == a2.indices
    parts = random_split(range(11), [0.5, 0.3, 0.2], generator=g)
    assert [len(p) for p in parts] == [6, 3, 2]      # PyTorch: floor, then round-robin remainder
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(ds, [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(ds, [1.5, -0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="Length of split at index 1 is 0"):
            random_split(range(2), [1.0, 0.0])


def test_random_split_lengths_match_torch(ref_torch):
    for n, fr in [(11, [0.5, 0.3, 0.2]), (10, [0.33, 0.33, 0.34]), (7, [0.1, 0.9])]:
        ours = [len(p) for p in random_split(range(n), fr)]
        ref = [len(p) for p in ref_torch.utils.data.random_split(range(n), fr)]
        assert ours == ref
