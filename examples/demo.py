"""The Python half of the demo: load the checkpoint written by examples/train_digits.lua and
evaluate it on the saved test set, without PyTorch.

    python examples/demo.py demo_out

1. pytorch_like.load_lua reads model.t7 and testset.t7 (tensors share the bytes read).
2. The Lua bridge: the same model.t7 is loaded in an embedded LuaJIT (LuaSession) and the
   Python test tensors are forwarded through it by reference (zero copy both ways).
3. A plain-Python forward through pytorch_like.nn.functional with the weights load_lua read,
   when this build has those functions.
4. pytorch_like.legacy.convert turns the loaded model into a pytorch_like.nn module.
5. th-migrate exports it as plain PyTorch (model.py + model.safetensors) into <outdir>/migrated.
The accuracies must agree with the one the Lua script printed.
"""
import os
import sys
import time

import pytorch_like as torch
from pytorch_like.lua import LuaSession

FUNCTIONAL_OPS = ("conv2d", "relu", "max_pool2d", "linear", "log_softmax")


def describe(model):
    """One line per module of a loaded nn.Sequential: class name and parameter shapes."""
    lines = []
    for i, m in enumerate(model.modules, 1):
        shapes = [f"{k} {tuple(m[k].shape)}" for k in ("weight", "bias")
                  if k in m and hasattr(m[k], "shape")]
        lines.append(f"  ({i}) {m.torch_typename()}" + (": " + ", ".join(shapes) if shapes else ""))
    return "\n".join(lines)


def accuracy(log_probs, labels):
    """Fraction of rows whose arg max is the label (labels are Torch7's 1-based classes)."""
    pred = log_probs.argmax(1) + 1
    return (pred == labels).sum().item() / labels.shape[0]


def lua_forward(path, data, batch=500):
    """Log-probabilities of `data` from the checkpoint loaded and run by Lua nn."""
    lua = LuaSession()
    lua.require("nn")
    model = lua.call("function(p) local m = torch.load(p); m:evaluate(); return m end", path)
    outs = []
    for s in range(0, data.shape[0], batch):
        out = lua.call_method(model, "forward", data[s:s + batch])   # a Lua tensor, zero copy
        outs.append(out.clone())            # the module reuses its output buffer
    return torch.cat(outs, 0)


def functional_forward(model, x, F):
    """Run a loaded nn.Sequential (TorchObjects) with a PyTorch-style functional module F."""
    for m in model.modules:
        name = m.torch_typename()
        if name == "nn.SpatialConvolution":
            w = m.weight.reshape(int(m.nOutputPlane), int(m.nInputPlane), int(m.kH), int(m.kW))
            x = F.conv2d(x, w, m.bias, stride=(int(m.dH), int(m.dW)),
                         padding=(int(m.padH), int(m.padW)))
        elif name == "nn.ReLU":
            x = F.relu(x)
        elif name == "nn.SpatialMaxPooling":
            x = F.max_pool2d(x, (int(m.kH), int(m.kW)), (int(m.dH), int(m.dW)),
                             (int(m.padH), int(m.padW)), ceil_mode=bool("ceil_mode" in m and m.ceil_mode))
        elif name in ("nn.View", "nn.Reshape"):
            x = x.reshape(x.shape[0], -1)
        elif name == "nn.Linear":
            x = F.linear(x, m.weight, m.bias)
        elif name == "nn.LogSoftMax":
            x = F.log_softmax(x, 1)
        else:
            raise NotImplementedError(f"functional_forward: no rule for {name}")
    return x


def pytorch_like_functional():
    """pytorch_like.nn.functional when it has every op the forward needs, else None."""
    try:
        import pytorch_like.nn.functional as F
    except ImportError:
        return None
    return F if all(hasattr(F, op) for op in FUNCTIONAL_OPS) else None


def main(argv):
    outdir = argv[1] if len(argv) > 1 else "demo_out"
    model_path = os.path.join(outdir, "model.t7")
    test_path = os.path.join(outdir, "testset.t7")

    t0 = time.perf_counter()
    model = torch.load_lua(model_path)
    testset = torch.load_lua(test_path)
    data, labels, lua_acc = testset["data"], testset["labels"], testset["accuracy"]
    print(f"load_lua({model_path!r}): {model.torch_typename()} of {len(model.modules)} modules "
          f"({(time.perf_counter() - t0) * 1000:.0f} ms with the test set)")
    print(describe(model))
    print(f"test set: {tuple(data.shape)} {data.dtype}, labels {tuple(labels.shape)} {labels.dtype}")
    print(f"accuracy printed by the Lua script:          {lua_acc * 100:.2f}%")

    t0 = time.perf_counter()
    lua_out = lua_forward(model_path, data)
    bridge_acc = accuracy(lua_out, labels)
    print(f"Lua nn through the bridge (LuaSession):     {bridge_acc * 100:.2f}%  "
          f"({(time.perf_counter() - t0) * 1000:.0f} ms)")
    ok = abs(bridge_acc - lua_acc) < 1e-9

    F = pytorch_like_functional()
    if F is None:
        print("plain-Python forward: skipped, pytorch_like.nn.functional does not provide "
              + "/".join(FUNCTIONAL_OPS) + " yet")
    else:
        t0 = time.perf_counter()
        py_out = functional_forward(model, data, F)
        py_acc = accuracy(py_out, labels)
        diff = (py_out - lua_out).abs().max().item()
        print(f"pytorch_like.nn.functional forward:         {py_acc * 100:.2f}%  "
              f"({(time.perf_counter() - t0) * 1000:.0f} ms, max |diff| vs Lua {diff:.2e})")
        ok = ok and abs(py_acc - lua_acc) < 1e-9

    from pytorch_like import legacy, migrate
    t0 = time.perf_counter()
    net = legacy.convert(model)
    conv_out = net(data).detach()
    conv_acc = accuracy(conv_out, labels)
    diff = (conv_out - lua_out).abs().max().item()
    print(f"pytorch_like.legacy.convert module:         {conv_acc * 100:.2f}%  "
          f"({(time.perf_counter() - t0) * 1000:.0f} ms, max |diff| vs Lua {diff:.2e})")
    print("  " + repr(net).replace("\n", "\n  "))
    ok = ok and abs(conv_acc - lua_acc) < 1e-9

    mig_dir = os.path.join(outdir, "migrated")
    exported, report = migrate.migrate(model_path, mig_dir)
    print("  " + report.rstrip().replace("\n", "\n  "))
    ok = ok and exported
    print("the accuracies agree" if ok else "MISMATCH between the accuracies")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
