"""pytorch_like.save / load: round trips, shared storages, safety against hostile files, atomic writes."""
import collections
import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

import pytorch_like as torch
from pytorch_like import nn, optim


def _roundtrip(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, **kw)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.int64, torch.int32,
                                   torch.int16, torch.int8, torch.uint8, torch.bool])
def test_tensor_dtypes_roundtrip(dtype):
    a = torch.tensor(np.arange(-6, 6).reshape(3, 4) % 3).to(dtype)
    r = _roundtrip(a)
    assert r.dtype is dtype and r.shape == a.shape
    assert np.array_equal(r.numpy(), a.numpy())


def test_layouts_and_special_values():
    base = torch.arange(24).float().reshape(2, 3, 4)
    for t in [base.transpose(0, 2), base[:, 1], base[..., ::2], base.expand(3, 2, 3, 4), torch.tensor(3.5),
              torch.zeros(0, 5), torch.zeros(2, 0), torch.tensor([float("nan"), float("inf"), -0.0])]:
        r = _roundtrip(t)
        assert r.shape == t.shape and r.stride() == t.stride()
        np.testing.assert_array_equal(r.numpy(), t.numpy())
    r = _roundtrip(torch.tensor([-0.0]))
    assert np.signbit(r.numpy()[0])


def test_shared_storage_preserved():
    a = torch.arange(12).float().reshape(3, 4)
    obj = {"a": a, "row": a[1], "t": a.t(), "again": a, "other": torch.ones(2)}
    r = _roundtrip(obj)
    assert r["again"] is r["a"]
    r["a"][1, 2] = 100.0
    assert r["row"][2].item() == 100.0 and r["t"][2, 1].item() == 100.0
    assert r["other"].tolist() == [1.0, 1.0]
    buf = io.BytesIO()
    torch.save(obj, buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        assert sorted(n for n in z.namelist() if n.startswith("storages/")) == ["storages/0", "storages/1"]


def test_nested_containers_and_scalars():
    od = collections.OrderedDict([("x", 1), ("y", [2, (3.5, "s")])])
    obj = {"ints": [1, -2, 2 ** 70], "floats": (0.1, float("inf"), -1e-300), "none": None, "b": [True, False],
           "s": "héllo", "od": od, 5: "int key", (1, 2): "tuple key", "bytes": b"\x00\x01",
           "set": {1, 2}, "dtype": torch.float64, "size": torch.zeros(2, 3).shape, "cx": 1 + 2j,
           "counter": collections.Counter([1, 1, 2]), "np": np.float32(2.5)}
    r = _roundtrip(obj)
    expect = dict(obj, np=2.5)
    assert r == expect
    assert type(r["od"]) is collections.OrderedDict and type(r["floats"]) is tuple
    assert type(r["size"]) is torch.Size and type(r["counter"]) is collections.Counter


def test_module_and_optimizer_state_dicts():
    m = nn.Sequential(nn.Identity())
    m.w = nn.Parameter(torch.randn(3, 2))
    m.register_buffer("buf", torch.arange(3))
    sd = m.state_dict()
    r = _roundtrip(sd)
    assert type(r) is collections.OrderedDict and list(r) == list(sd)
    assert r._metadata == sd._metadata
    m2 = nn.Sequential(nn.Identity())
    m2.w = nn.Parameter(torch.zeros(3, 2))
    m2.register_buffer("buf", torch.zeros(3, dtype=torch.int64))
    m2.load_state_dict(r)
    assert m2.w.tolist() == m.w.tolist() and m2.buf.tolist() == [0, 1, 2]

    p = nn.Parameter(torch.ones(3))
    opt = optim.Adam([p], lr=0.1, amsgrad=True)
    p.grad = torch.ones(3)
    opt.step()
    osd = _roundtrip(opt.state_dict())
    assert osd["param_groups"][0]["betas"] == (0.9, 0.999)
    assert osd["state"][0]["step"].item() == 1.0
    opt2 = optim.Adam([nn.Parameter(torch.ones(3))], lr=0.1, amsgrad=True)
    opt2.load_state_dict(osd)
    sched = optim.lr_scheduler.MultiStepLR(opt, [2, 4])
    ssd = _roundtrip(sched.state_dict())
    assert ssd["milestones"] == collections.Counter([2, 4])
    rop = _roundtrip(optim.lr_scheduler.ReduceLROnPlateau(opt).state_dict())
    assert rop["best"] == float("inf")


def test_parameters_and_requires_grad():
    r = _roundtrip({"p": nn.Parameter(torch.ones(2)), "q": nn.Parameter(torch.ones(2), requires_grad=False),
                    "t": torch.zeros(2).requires_grad_()})
    assert type(r["p"]) is nn.Parameter and r["p"].requires_grad
    assert type(r["q"]) is nn.Parameter and not r["q"].requires_grad
    assert type(r["t"]) is torch.Tensor and r["t"].requires_grad


def test_path_save_is_atomic_and_overwrites(tmp_path):
    path = tmp_path / "ckpt.pt"
    torch.save({"a": torch.ones(2)}, path)
    torch.save({"a": torch.zeros(3)}, str(path))
    assert torch.load(path)["a"].tolist() == [0.0, 0.0, 0.0]

    class Boom:
        def __reduce__(self):
            raise RuntimeError("cannot pickle")
    with pytest.raises(TypeError, match="cannot serialise an object of type Boom"):
        torch.save({"x": Boom()}, path)
    assert torch.load(path)["a"].tolist() == [0.0, 0.0, 0.0]     # the old file is intact
    assert sorted(os.listdir(tmp_path)) == ["ckpt.pt"]            # no temporary left behind


class _Custom:
    def __init__(self, v):
        self.v = v

    def __eq__(self, other):
        return isinstance(other, _Custom) and other.v == self.v


def test_arbitrary_objects_need_weights_only_false():
    buf = io.BytesIO()
    torch.save({"obj": _Custom(3), "t": torch.ones(1)}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        torch.load(buf)
    buf.seek(0)
    assert torch.load(buf, weights_only=False)["obj"] == _Custom(3)


_MARK = []


def _evil(path):
    open(path, "w").write("pwned")
    return 1


class _Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (_evil, (self.path,))


def test_malicious_pickle_payloads_do_not_execute(tmp_path):
    marker = tmp_path / "marker"
    # 1) a raw pickle file (what an old torch.save or a hostile file may be)
    raw = tmp_path / "evil.pkl"
    raw.write_bytes(pickle.dumps(_Evil(str(marker))))
    with pytest.raises(RuntimeError, match="not a pytorch_like save file"):
        torch.load(raw)
    with pytest.raises(RuntimeError, match="not a pytorch_like save file"):
        torch.load(raw, weights_only=False)
    assert not marker.exists()
    # 2) a valid archive whose tree smuggles a pickle record
    buf = io.BytesIO()
    torch.save({"x": _Evil(str(marker))}, buf)
    evil = tmp_path / "evil.pt"
    evil.write_bytes(buf.getvalue())
    with pytest.raises(pickle.UnpicklingError, match="weights_only=True refuses"):
        torch.load(evil)
    assert not marker.exists()
    # 3) a PyTorch-style zip with data.pkl is not ours either
    pt = tmp_path / "torch_style.pt"
    with zipfile.ZipFile(pt, "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps(_Evil(str(marker))))
    with pytest.raises(RuntimeError, match="missing"):
        torch.load(pt)
    assert not marker.exists()


def _rewrite(buf, name, data):
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in src.namelist():
            if n != name:
                z.writestr(n, src.read(n))
        if data is not None:
            z.writestr(name, data)
    out.seek(0)
    return out


def test_corrupt_files_give_clear_errors(tmp_path):
    buf = io.BytesIO()
    torch.save({"a": torch.arange(6).float().reshape(2, 3)}, buf)
    doc = json.loads(zipfile.ZipFile(io.BytesIO(buf.getvalue())).read("data.json"))

    def with_doc(mut):
        d = json.loads(json.dumps(doc))
        mut(d)
        return _rewrite(buf, "data.json", json.dumps(d).encode())

    def tensor_rec(d):
        return d["root"]["items"][0][1]
    cases = [
        (_rewrite(buf, "storages/0", b"\x00" * 5), "holds 5 bytes, expected 24"),
        (_rewrite(buf, "storages/0", None), "bytes of storage '0' are missing"),
        (_rewrite(buf, "format", b"something else"), "format"),
        (_rewrite(buf, "data.json", b"{not json"), "corrupt"),
        (_rewrite(buf, "data.json", None), "missing"),
        (with_doc(lambda d: tensor_rec(d).update(shape=[100, 100])), "does not fit in its storage"),
        (with_doc(lambda d: tensor_rec(d).update(offset=-1)), "invalid geometry"),
        (with_doc(lambda d: tensor_rec(d).update(stride=[1])), "invalid geometry"),
        (with_doc(lambda d: tensor_rec(d).update(dtype="complex128")), "unknown dtype"),
        (with_doc(lambda d: d["storages"]["0"].update(numel=-3)), "invalid size"),
        (with_doc(lambda d: d["root"].update({"__t": "evil"})), "unknown record kind"),
        (with_doc(lambda d: d.update(root={"no": "tag"})), "untagged"),
        (with_doc(lambda d: d.pop("storages")), "storages table"),
        (with_doc(lambda d: d["root"]["items"][0].__setitem__(1, {"__t": "ref", "id": 9})), "unknown tensor"),
        (io.BytesIO(b""), "not a zip archive"),
        (io.BytesIO(buf.getvalue()[:50]), "not a pytorch_like save file"),
    ]
    for f, msg in cases:
        with pytest.raises(RuntimeError, match=msg):
            torch.load(f)
    with pytest.raises(FileNotFoundError):
        torch.load(tmp_path / "missing.pt")
    with pytest.raises(TypeError, match="readable binary file"):
        torch.load(3)
    with pytest.raises(TypeError, match="writable binary file"):
        torch.save(torch.ones(1), 3)
    with pytest.raises(RuntimeError, match="map_location 'cuda:0' is not available"):
        torch.load(io.BytesIO(buf.getvalue()), map_location="cuda:0")
    assert torch.load(io.BytesIO(buf.getvalue()), map_location="cpu")["a"].shape == (2, 3)


def test_whole_module_save_needs_weights_only_false():
    m = nn.Sequential(nn.Flatten(), nn.Identity())
    m.w = nn.Parameter(torch.ones(2))
    buf = io.BytesIO()
    torch.save(m, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        torch.load(buf)
    buf.seek(0)
    r = torch.load(buf, weights_only=False)
    assert type(r) is nn.Sequential and isinstance(r.w, nn.Parameter) and r.w.tolist() == [1.0, 1.0]
    assert repr(r) == repr(m)
