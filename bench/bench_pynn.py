"""Training-loop plumbing against PyTorch CPU: optimizer steps on MLP 784-512-512-10 parameters
(grads set by hand), DataLoader batching, and save/load of the same weights."""
import io

import numpy as np

import pytorch_like as torch
from timing import median_time, row

try:
    import torch as ref
except Exception:  # pragma: no cover
    ref = None

SHAPES = [(512, 784), (512,), (512, 512), (512,), (10, 512), (10,)]


def _params(lib, rng):
    arrays = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    if lib is torch:
        ps = [torch.nn.Parameter(torch.tensor(a)) for a in arrays]
    else:
        ps = [lib.nn.Parameter(lib.tensor(a)) for a in arrays]
    for p, a in zip(ps, arrays):
        p.grad = lib.tensor(a * 0.01)
    return ps


def run():
    if ref is None:
        return []
    rows = []
    rng = np.random.default_rng(0)
    for name, kw in [("SGD", dict(lr=0.01, momentum=0.9)), ("Adam", dict(lr=1e-3)), ("AdamW", dict(lr=1e-3))]:
        ours = getattr(torch.optim, name)(_params(torch, rng), **kw)
        theirs = getattr(ref.optim, name)(_params(ref, rng), foreach=False, **kw)
        t_o = median_time(ours.step, repeat=15, number=5)
        t_r = median_time(theirs.step, repeat=15, number=5)
        rows.append(row(f"{name} step, MLP 784-512-512-10 params (float32)", t_o, t_r, "torch", 1.2))

    x = rng.standard_normal((20000, 784)).astype(np.float32)
    y = rng.integers(0, 10, 20000)
    dl_o = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)),
                                       batch_size=128, shuffle=True)
    dl_r = ref.utils.data.DataLoader(ref.utils.data.TensorDataset(ref.tensor(x), ref.tensor(y)),
                                     batch_size=128, shuffle=True)
    t_o = median_time(lambda: [b for b in dl_o], repeat=3)
    t_r = median_time(lambda: [b for b in dl_r], repeat=3)
    rows.append(row("DataLoader epoch, 20000x784 TensorDataset, batch 128, shuffle", t_o, t_r, "torch", 1.5))

    sd_o = {f"p{i}": p for i, p in enumerate(_params(torch, rng))}
    sd_r = {f"p{i}": p.detach() for i, p in enumerate(_params(ref, rng))}

    def save_load(lib, sd):
        buf = io.BytesIO()
        lib.save(sd, buf)
        buf.seek(0)
        return lib.load(buf)
    t_o = median_time(lambda: save_load(torch, sd_o), repeat=5)
    t_r = median_time(lambda: save_load(ref, sd_r), repeat=5)
    rows.append(row("save+load MLP 784-512-512-10 state (2.7 MB, in memory)", t_o, t_r, "torch", 2.0))
    return rows


if __name__ == "__main__":
    for r in run():
        print(f"{r['name']}: ours {r['ours_s'] * 1e3:.3f} ms, {r['ref']} {r['ref_s'] * 1e3:.3f} ms, "
              f"ratio {r['ratio']:.2f} (target {r['target']})")
