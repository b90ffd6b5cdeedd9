"""The demo chain, shortened: examples/train_digits.lua under `th` (subprocess), then the
checkpoint in Python (load_lua, the Lua bridge, the functional forward)."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import pytorch_like as torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples"))
import demo  # noqa: E402


def th(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "pytorch_like.th", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("demo_out"))
    r = th(os.path.join("examples", "train_digits.lua"), "-epochs", "1", "-ntrain", "8000",
           "-ntest", "500", "-lr", "0.05", "-save", out)
    assert r.returncode == 0, r.stderr
    return out, r.stdout


def test_training_script_output(trained):
    out, stdout = trained
    assert "ConfusionMatrix:" in stdout and "[class: 9]" in stdout
    assert "nn.SpatialConvolution(1 -> 16, 5x5, 1,1, 2,2)" in stdout
    assert "=>" in stdout or "Tot:" in stdout or "\r" in stdout      # xlua progress bar drawn
    acc = float(re.search(r"^test accuracy ([\d.]+)%", stdout, re.M).group(1))
    assert acc > 80.0, stdout     # one epoch; the full demo reaches > 90%
    assert os.path.exists(os.path.join(out, "model.t7"))


def test_checkpoint_loads_and_accuracies_agree(trained):
    out, stdout = trained
    lua_acc = float(re.search(r"^test accuracy ([\d.]+)%", stdout, re.M).group(1))
    model = torch.load_lua(os.path.join(out, "model.t7"))
    testset = torch.load_lua(os.path.join(out, "testset.t7"))
    assert model.torch_typename() == "nn.Sequential"
    assert [m.torch_typename() for m in model.modules] == [
        "nn.SpatialConvolution", "nn.ReLU", "nn.SpatialMaxPooling", "nn.SpatialConvolution",
        "nn.ReLU", "nn.SpatialMaxPooling", "nn.View", "nn.Linear", "nn.LogSoftMax"]
    assert tuple(model.modules[0].weight.shape) == (16, 1, 5, 5)
    data, labels = testset["data"], testset["labels"]
    assert tuple(data.shape) == (500, 1, 16, 16) and tuple(labels.shape) == (500,)
    assert abs(testset["accuracy"] * 100 - lua_acc) < 0.01
    lua_out = demo.lua_forward(os.path.join(out, "model.t7"), data, batch=150)
    assert tuple(lua_out.shape) == (500, 10)
    assert demo.accuracy(lua_out, labels) == pytest.approx(testset["accuracy"], abs=1e-12)
    # the whole Python step, as `make demo` runs it
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, os.path.join("examples", "demo.py"), out],
                       capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "the accuracies agree" in r.stdout
    assert f"{lua_acc:.2f}%" in r.stdout
    assert "not yet" not in r.stdout
    assert re.search(r"^pytorch_like\.legacy\.convert module: +" + re.escape(f"{lua_acc:.2f}%"), r.stdout, re.M)
    assert "nn.SpatialConvolution           " in r.stdout and "NOT converted" not in r.stdout
    for f in ("model.py", "model.safetensors", "report.txt"):
        assert os.path.exists(os.path.join(out, "migrated", f)), f


def test_converted_and_migrated_models_match_lua(trained, ref_torch):
    """legacy.convert's module and the th-migrate export (run in real PyTorch) give Lua's accuracy."""
    import importlib.util
    from pytorch_like import legacy, migrate
    out, stdout = trained
    lua_acc = float(re.search(r"^test accuracy ([\d.]+)%", stdout, re.M).group(1))
    testset = torch.load_lua(os.path.join(out, "testset.t7"))
    data, labels = testset["data"], testset["labels"]
    lua_out = demo.lua_forward(os.path.join(out, "model.t7"), data).numpy()
    net = legacy.convert(torch.load_lua(os.path.join(out, "model.t7")))
    np.testing.assert_allclose(net(data).detach().numpy(), lua_out, rtol=1e-4, atol=1e-4)
    assert demo.accuracy(net(data), labels) == pytest.approx(testset["accuracy"], abs=1e-12)
    mig = os.path.join(out, "migrated_t")
    ok, report = migrate.migrate(os.path.join(out, "model.t7"), mig)
    assert ok, report
    spec = importlib.util.spec_from_file_location("demo_migrated", os.path.join(mig, "model.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    m = mod.Model()
    sd = {k: ref_torch.from_numpy(v.copy()) for k, v in migrate.read_safetensors(os.path.join(mig, "model.safetensors")).items()}
    m.load_state_dict(sd, strict=True)
    m.eval()
    ref = m(ref_torch.from_numpy(data.numpy().copy())).detach().numpy()
    np.testing.assert_allclose(ref, lua_out, rtol=1e-4, atol=1e-4)
    acc = ((ref.argmax(1) + 1) == labels.numpy()).mean()
    assert acc * 100 == pytest.approx(lua_acc, abs=0.01)


def test_functional_forward_matches_lua(trained, ref_torch):
    """The plain-Python forward rules, checked with PyTorch's functional ops (test only) and,
    when it has them, pytorch_like.nn.functional."""
    out, _ = trained
    model = torch.load_lua(os.path.join(out, "model.t7"))
    testset = torch.load_lua(os.path.join(out, "testset.t7"))
    lua_out = demo.lua_forward(os.path.join(out, "model.t7"), testset["data"]).numpy()
    F = demo.pytorch_like_functional()
    if F is not None:
        ours = demo.functional_forward(model, testset["data"], F).numpy()
        np.testing.assert_allclose(ours, lua_out, rtol=1e-4, atol=1e-4)
    for m in model.modules:
        for k in ("weight", "bias"):
            if k in m:
                m[k] = ref_torch.from_numpy(m[k].numpy().copy())
    ref = demo.functional_forward(model, ref_torch.from_numpy(testset["data"].numpy().copy()),
                                  ref_torch.nn.functional).numpy()
    np.testing.assert_allclose(ref, lua_out, rtol=1e-4, atol=1e-4)


def test_data_is_deterministic_and_balanced():
    code = ("local d = dofile('examples/data/make_digits.lua') "
            "local a = d.make(200, 50, 7) local b = d.make(200, 50, 7) local c = d.make(200, 50, 8) "
            "print(a.data:equal(b.data), a.labels:equal(b.labels), a.data:equal(c.data), "
            "a.data:min(), a.data:max(), torch.histc(a.labels:double(), 10, 1, 10):min())")
    r = th("-e", code)
    assert r.returncode == 0, r.stderr
    vals = r.stdout.split()
    assert vals[:3] == ["true", "true", "false"]
    assert float(vals[3]) >= 0 and float(vals[4]) <= 1
    assert float(vals[5]) == 20


def test_bad_option():
    r = th(os.path.join("examples", "train_digits.lua"), "-epochs")
    assert r.returncode != 0
    assert "Usage" in r.stdout + r.stderr
