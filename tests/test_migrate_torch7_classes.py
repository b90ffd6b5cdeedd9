"""th-migrate on every Torch7 class of the migration list (reference torch7-nn.md §2.8): the Lua
module is saved as .t7, exported, and out/model.py + model.safetensors run in real PyTorch give
Lua's outputs (layers, single-sample and batch inputs) and loss values (criterions)."""
import numpy as np
import pytest

from pytorch_like import migrate
from tests.test_legacy_torch7_classes import (CRIT, LAYERS, _py_target, assert_same, crit_cases,  # noqa: F401
                                              inputs_for, lua, lua_forward)
from tests.test_migrate import load_model


def export(lua, m, tmp_path):
    path = str(tmp_path / "m.t7")
    lua.call("function(m, p) torch.save(p, m) end", m, path)
    out = str(tmp_path / "out")
    ok, report = migrate.migrate(path, out)
    assert ok, report
    src = open(str(tmp_path / "out" / "model.py")).read()
    assert "pytorch_like" not in src.split('"""', 2)[2]
    return out


def to_torch(x, ref_torch):
    if isinstance(x, list):
        return [to_torch(t, ref_torch) for t in x]
    return ref_torch.from_numpy(x.numpy().copy())


@pytest.mark.parametrize("case", sorted(LAYERS))
def test_layer_export_runs_in_pytorch(lua, case, tmp_path, ref_torch):
    ctor, specs = LAYERS[case]
    m = lua.call("function(m) m:evaluate() return m end", lua.eval(ctor))
    net = load_model(export(lua, m, tmp_path), ref_torch)
    for k, spec in enumerate(specs):
        x = inputs_for(spec, k)
        assert_same(net(to_torch(x, ref_torch)), lua_forward(lua, m, x))


@pytest.mark.parametrize("case", sorted(crit_cases()))
def test_criterion_export_runs_in_pytorch(lua, case, tmp_path, ref_torch):
    ctor, inp, tgt, class_slots = crit_cases()[case]
    c = lua.eval(ctor)
    ins = inp if isinstance(inp, list) else [inp]
    tgts = tgt if isinstance(tgt, list) else [tgt]
    res = lua.call(CRIT, c, len(inp) if isinstance(inp, list) else 0, len(tgt) if isinstance(tgt, list) else 0,
                   *ins, *tgts)
    out = export(lua, c, tmp_path)
    if class_slots:
        assert "0-based indices" in open(str(tmp_path / "out" / "report.txt")).read()
    loss_fn = load_model(out, ref_torch)
    loss = loss_fn(to_torch(inp, ref_torch), to_torch(_py_target(tgt, class_slots), ref_torch))
    np.testing.assert_allclose(float(loss), float(res[0]), rtol=1e-9, atol=1e-9)
