"""nn layers end to end against PyTorch CPU (same thread count): an MLP SGD step, a LeNet-5 step and a
Conv2d forward + backward, float32, same weights and inputs.

Note: TH_setNumThreads does not limit OpenBLAS's own thread pool; on a loaded machine that pool makes
single GEMM calls bimodal (0.5 ms or 16-32 ms). Stable numbers: OPENBLAS_NUM_THREADS=1 and one thread."""
import numpy as np

import pytorch_like as pl
from timing import paired_median_time, row

try:
    import torch
except Exception:  # pragma: no cover
    torch = None


def _same_weights(src, dst):
    dst.load_state_dict({k: pl.tensor(v.detach().numpy()) for k, v in src.state_dict().items()})


def _mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


def _lenet(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def _step_fn(lib, model, x, y, **opt_kw):
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, **opt_kw)
    lossf = lib.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = lossf(model(x), y)
        loss.backward()
        opt.step()
    return step


def run():
    if torch is None:
        return []
    ref_threads = torch.get_num_threads()
    torch.set_num_threads(pl.get_num_threads())
    try:
        rows = []
        rng = np.random.default_rng(0)
        for name, build, xshape, batch, target in [
                ("MLP 784-512-512-10 SGD step, batch 128", _mlp, (128, 784), 128, 1.2),
                ("LeNet-5 SGD step, batch 64", _lenet, (64, 1, 28, 28), 64, 1.2)]:
            x = rng.standard_normal(xshape).astype(np.float32)
            y = rng.integers(0, 10, batch)
            tm = build(torch)
            pm = build(pl)
            _same_weights(tm, pm)
            t_step = _step_fn(torch, tm, torch.tensor(x), torch.tensor(y), foreach=False)
            p_step = _step_fn(pl, pm, pl.tensor(x), pl.tensor(y))
            t_o, t_r = paired_median_time(p_step, t_step, repeat=15, number=3)
            rows.append(row(name + " (float32)", t_o, t_r, "torch", target))

        x = rng.standard_normal((32, 64, 32, 32)).astype(np.float32)
        tc, pc = torch.nn.Conv2d(64, 64, 3, padding=1), pl.nn.Conv2d(64, 64, 3, padding=1)
        _same_weights(tc, pc)
        tx = torch.tensor(x, requires_grad=True)
        px = pl.tensor(x, requires_grad=True)
        g = rng.standard_normal((32, 64, 32, 32)).astype(np.float32)
        tg, pg = torch.tensor(g), pl.tensor(g)

        def fb(m, inp, grad):
            def f():
                m(inp).backward(grad)
            return f
        t_o, t_r = paired_median_time(fb(pc, px, pg), fb(tc, tx, tg), repeat=7, warmup=1)
        rows.append(row("Conv2d 3x3 64->64, 32x32, batch 32, forward+backward (float32)", t_o, t_r, "torch", 1.3))
        return rows
    finally:
        torch.set_num_threads(ref_threads)


if __name__ == "__main__":
    for r in run():
        print(f"{r['name']:70s} ours {r['ours_s'] * 1e3:8.2f} ms  torch {r['ref_s'] * 1e3:8.2f} ms  "
              f"ratio {r['ratio']:.2f} (target {r['target']})")
