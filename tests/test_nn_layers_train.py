"""End to end: an MLP and a small CNN train on synthetic separable data to >= 95% accuracy in a few seconds;
RSS does not grow over 2000 training steps of a small model."""
import gc
import os
import time

import numpy as np

import pytorch_like as P
import pytorch_like.nn as nn
import pytorch_like.nn.functional as F
from pytorch_like import optim


def _blobs(n, d, k, seed):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((k, d)) * 3
    y = rng.integers(0, k, n)
    x = centers[y] + rng.standard_normal((n, d))
    return P.tensor(x, dtype=P.float32), P.tensor(y)


def _bars(n, seed):
    """8x8 images: class 0 a horizontal bar, 1 a vertical bar, 2 a diagonal, at random positions, plus noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.standard_normal((n, 1, 8, 8)) * 0.3
    for i in range(n):
        p = rng.integers(1, 7)
        if y[i] == 0:
            x[i, 0, p, 1:7] += 1.5
        elif y[i] == 1:
            x[i, 0, 1:7, p] += 1.5
        else:
            x[i, 0, np.arange(8), np.arange(8)] += 1.5
    return P.tensor(x, dtype=P.float32), P.tensor(y)


def _accuracy(model, x, y):
    model.eval()
    with P.no_grad():
        pred = model(x).argmax(1)
    model.train()
    return float((pred == y).float().mean().item())


def test_mlp_trains_to_95_percent():
    P.manual_seed(0)
    x, y = _blobs(1200, 10, 4, 1)
    xt, yt = x[1000:], y[1000:]      # held out
    x, y = x[:1000], y[:1000]
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 32), nn.Tanh(),
                          nn.Linear(32, 4))
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    lossf = nn.CrossEntropyLoss()
    t0 = time.time()
    for epoch in range(10):
        perm = P.randperm(1000)
        for i in range(0, 1000, 50):
            idx = perm[i:i + 50]
            opt.zero_grad()
            loss = lossf(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    assert time.time() - t0 < 20
    assert float(loss.item()) < 0.3
    assert _accuracy(model, xt, yt) >= 0.95


def test_cnn_trains_to_95_percent():
    P.manual_seed(0)
    x, y = _bars(600, 2)
    xt, yt = x[500:], y[500:]
    x, y = x[:500], y[:500]
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                          nn.Linear(16, 3))
    opt = optim.Adam(model.parameters(), lr=0.01)
    t0 = time.time()
    for epoch in range(8):
        perm = P.randperm(500)
        for i in range(0, 500, 50):
            idx = perm[i:i + 50]
            opt.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    assert time.time() - t0 < 30
    assert _accuracy(model, xt, yt) >= 0.95


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_training_memory_is_flat():
    P.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(36, 16), nn.Dropout(0.2), nn.Linear(16, 3))
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = _bars(16, 3)

    def steps(n):
        for _ in range(n):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
            loss.backward()
            opt.step()
    steps(200)
    gc.collect()
    before = _rss()
    steps(2000)
    gc.collect()
    grown = _rss() - before
    assert grown < 4 * 2 ** 20, f"RSS grew by {grown} bytes over 2000 steps"
