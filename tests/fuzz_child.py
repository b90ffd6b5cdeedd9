"""Child process of tests/test_api_fuzz.py: calls public pytorch_like functions and Tensor
methods with hostile arguments drawn from a seeded RNG.

    python tests/fuzz_child.py SEED NCALLS LOGFILE [MEM_LIMIT_BYTES]

Any Python exception is an acceptable outcome. Before each call one line is appended to
LOGFILE: a Python expression that rebuilds the call (T(...) makes the tensors), so a crash,
an abort or a hang (faulthandler exits the process after PER_CALL_TIMEOUT) leaves the
guilty call as the last line. Values are rebuilt for every call, so calls are independent
except through global state (RNG, thread count; the default dtype and print options are
restored after each call). Seeds = 3 mod 4 (or PYTORCH_LIKE_FUZZ_T7=1) fuzz the Torch7
reader instead: load_lua on mutated .t7 bytes (flipped bytes, huge/negative counts and
sizes, truncation). PYTORCH_LIKE_FUZZ_STATS=1 prints outcome counts and the targets that
never returned normally (to see what the argument generator fails to reach);
PYTORCH_LIKE_FUZZ_ONLY=name,name restricts the targets.
"""
import faulthandler
import inspect
import math
import os
import random
import resource
import sys

import numpy as np

PER_CALL_TIMEOUT = float(os.environ.get("PYTORCH_LIKE_FUZZ_CALL_TIMEOUT", "20"))

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]
KINDS = ["0d", "empty", "vec", "mat", "sq", "3d", "nc", "step", "exp", "overlap", "manydim",
         "idx", "badidx", "mask", "special", "one", "neg", "sqnc", "sqexp", "sqstep", "vec3",
         "vec3exp", "vec3step", "b3", "b3nc", "b3exp", "idx3", "mask3", "hugeempty"]
INTS = ["0", "1", "-1", "2", "3", "-2", "7", "2**31", "-2**31-1", "2**62", "-2**63", "2**63-1",
        "2**64", "-2**64-1", "10**6", "-10**6"]
FLOATS = ["nan", "inf", "-inf", "0.5", "-0.0", "1e308", "2.5", "-3.0"]
SIZES = ["(2, 3)", "(0,)", "()", "(-1,)", "(2**62,)", "(2**31, 2**31)", "(3, -2)", "(1,) * 33",
         "(1,) * 32", "(6,)", "(2, 'a')", "[2**62, 2**62, 0]", "(-1, 2)", "(2**63,)", "(nan,)"]
OTHERS = ["None", "'abc'", "''", "'sum'", "True", "False", "[]", "[1, 2, 3]", "[[1, 2], [3]]",
          "[[1.0, 2.0], [3.0, 4.0]]", "[[[]]]", "[2**64]", "[nan, inf]", "np.arange(6).reshape(2, 3)",
          "np.ones((2, 2), np.float16)", "np.array(3)", "np.arange(6)[::2]", "np.zeros((0, 3))",
          "np.array(['a'])", "slice(None, None, -1)", "slice(0, 2**62, 2**62)", "Ellipsis",
          "object()", "torch.float32", "torch.bool", "torch.int8", "torch.float16", "torch.int64",
          "1+2j", "b'x'", "{}", "(None, 1)", "[True, False]", "np.int64(2**62)", "np.float32(nan)"]
DIM_NAMES = {"dim", "dim0", "dim1", "dims", "axis", "k", "diagonal", "offset", "start_dim", "end_dim",
             "dim2", "source", "destination", "shifts", "repeats", "split_size_or_sections",
             "sections", "indices_or_sections", "chunks", "n", "p", "step", "steps", "num_samples",
             "start", "end", "length", "size", "bins", "min", "max", "low", "high", "q", "maxnorm",
             "unbiased", "correction", "diagonal", "decimals", "ord", "base"}
SIZE_NAMES = {"size", "shape", "sizes", "stride", "dims", "reps", "repeats", "shifts"}
TENSOR_LIST_NAMES = {"tensors", "seq"}


def T(dtype, kind):
    """A hostile tensor of the given dtype and layout kind."""
    dt = getattr(torch, dtype)

    def base(n, start=0):
        return torch.arange(start, start + n, dtype=torch.float64).to(dt)

    if kind == "0d":
        return base(1, 2).reshape(())
    if kind == "empty":
        return base(0).reshape(0, 3)
    if kind == "vec":
        return base(5)
    if kind == "mat":
        return base(6).reshape(2, 3)
    if kind == "sq":
        return (base(9).reshape(3, 3) + torch.eye(3, dtype=torch.float64).to(dt) * 3)
    if kind == "3d":
        return base(24).reshape(2, 3, 4)
    if kind == "nc":
        return base(6).reshape(2, 3).t()
    if kind == "step":
        return base(12).reshape(3, 4)[:, ::2]
    if kind == "exp":
        return base(4).reshape(1, 4).expand(3, 4)
    if kind == "overlap":
        return base(5).as_strided((3, 3), (1, 1))
    if kind == "manydim":
        return base(2).reshape((2,) + (1,) * 31)
    if kind == "idx":
        return torch.arange(0, 3, dtype=torch.float64).to(dt)
    if kind == "badidx":
        return torch.tensor([-1.0, 5.0, 2.0 ** 40, -(2.0 ** 62)], dtype=torch.float64).to(dt)
    if kind == "mask":
        return (torch.arange(0, 6, dtype=torch.float64).reshape(2, 3) % 2).to(dt)
    if kind == "special":
        return torch.tensor([math.nan, math.inf, -math.inf, -0.0, 1e30, -1e30], dtype=torch.float64).to(dt)
    if kind == "one":
        return base(1, 1)
    if kind == "sqnc":
        return base(9).reshape(3, 3).t()
    if kind == "sqexp":
        return base(3).reshape(1, 3).expand(3, 3)
    if kind == "sqstep":
        return base(18).reshape(3, 6)[:, ::2]
    if kind == "vec3":
        return base(3, 1)
    if kind == "vec3exp":
        return base(1, 1).expand(3)
    if kind == "vec3step":
        return base(6)[::2]
    if kind == "b3":
        return base(18).reshape(2, 3, 3) + 1
    if kind == "b3nc":
        return base(18).reshape(2, 3, 3).transpose(0, 2)
    if kind == "b3exp":
        return base(9).reshape(1, 3, 3).expand(2, 3, 3)
    if kind == "idx3":
        return torch.tensor([[2, 0, 1], [1, 1, 0], [0, 2, 2]]).to(dt)
    if kind == "mask3":
        return (torch.arange(0, 9, dtype=torch.float64).reshape(3, 3) % 2).to(dt)
    if kind == "hugeempty":     # numel 0, but sizes whose sums/products overflow
        return base(0).reshape(1, 0).expand(2 ** 62, 0)
    if kind == "neg":
        return (-base(6, 1).to(torch.float64)).to(dt).reshape(3, 2) if dtype != "bool" else base(6).reshape(3, 2)
    raise AssertionError(kind)


# Shape families: tensors of one family broadcast together, so calls get past the shape
# checks into the kernels.
FAMILIES = [["sq", "overlap", "sqnc", "sqexp", "sqstep", "vec3", "vec3exp", "0d"],
            ["vec3", "vec3exp", "vec3step", "idx", "0d", "one"],
            ["b3", "b3nc", "b3exp", "sq", "sqnc", "vec3"],
            ["mat", "nc", "vec", "empty", "0d"],
            ["empty", "hugeempty", "0d", "one"]]
INDEX_NAMES = {"index", "indices", "idx"}
TENSOR_NAMES = {"input", "other", "index", "indices", "source", "src", "mask", "tensor", "tensor1",
                "tensor2", "mat", "mat1", "mat2", "vec", "vec1", "vec2", "batch1", "batch2", "weight",
                "A", "B", "b", "x", "y", "values", "boundaries", "sorted_sequence", "condition",
                "input2", "input3", "u", "chol", "a", "exponent", "elements", "test_elements"}
MASK_NAMES = {"mask", "condition"}
_ctx = {}


def rand_tensor(rng, name=None):
    if _ctx and rng.random() < 0.7:
        if name in INDEX_NAMES:
            return "T('int64', %r)" % rng.choice(["idx", "idx3", "badidx", "vec3", "0d"])
        if name in MASK_NAMES:
            return "T('bool', %r)" % rng.choice(["mask3", "mask", "sqexp", "vec3"])
        dt = _ctx["dtype"] if rng.random() < 0.8 else rng.choice(DTYPES)
        return "T(%r, %r)" % (dt, rng.choice(_ctx["family"]))
    return "T(%r, %r)" % (rng.choice(DTYPES), rng.choice(KINDS))


def rand_value(rng, name=None):
    """One argument as a Python expression, biased by the parameter name."""
    r = rng.random()
    if name in TENSOR_LIST_NAMES and r < 0.7:
        n = rng.choice([0, 1, 2, 3])
        return "[" + ", ".join(rand_tensor(rng) for _ in range(n)) + "]"
    if name in SIZE_NAMES and r < 0.5:
        return rng.choice(SIZES)
    if name in TENSOR_NAMES and _ctx and r < 0.85:
        return rand_tensor(rng, name)
    if name in DIM_NAMES and _ctx and r < 0.85:
        return rng.choice(["0", "1", "-1", "2", "1", "0"])
    if name in DIM_NAMES and r < 0.6:
        return rng.choice(INTS + INTS[:6] + FLOATS[:2])
    if name == "dtype" and r < 0.7:
        return "torch.%s" % rng.choice(DTYPES)
    if name == "out" and r < 0.8:
        return rand_tensor(rng)
    r = rng.random()
    if r < 0.5:
        return rand_tensor(rng, name)
    if r < 0.7:
        return rng.choice(INTS)
    if r < 0.78:
        return rng.choice(FLOATS)
    if r < 0.85:
        return rng.choice(SIZES)
    if r < 0.9:
        return "[" + ", ".join(rand_tensor(rng) for _ in range(rng.choice([1, 2]))) + "]"
    return rng.choice(OTHERS)


def targets(mod):
    """(expression for the callable, parameter list or None) for every public callable."""
    out = []
    skip_self = {"Tensor"}
    for name in sorted(dir(mod)):
        if name.startswith("_") or name in skip_self:
            continue
        obj = getattr(mod, name)
        if callable(obj) and not isinstance(obj, type(mod)):
            out.append(("torch.%s" % name, _params(obj), False))
    for sub in ("linalg",):
        m = getattr(mod, sub, None)
        for name in sorted(dir(m)) if m is not None else ():
            obj = getattr(m, name)
            if not name.startswith("_") and callable(obj) and not isinstance(obj, type(mod)):
                out.append(("torch.%s.%s" % (sub, name), _params(obj), False))
    out.append(("torch.Tensor", None, False))
    own = set()
    for klass in type.mro(mod.Tensor):
        if klass is object:
            continue
        own.update(vars(klass))
    for name in sorted(own):
        if name in ("__init__", "__new__", "__del__", "__init_subclass__", "__class__", "__dict__",
                    "__weakref__", "__module__", "__doc__", "__slots__", "__hash__", "__getattribute__",
                    "__setattr__", "__delattr__"):
            continue
        attr = inspect.getattr_static(mod.Tensor, name)
        if isinstance(attr, property):
            out.append(("PROP:%s" % name, [], True))
        elif callable(getattr(mod.Tensor, name, None)):
            out.append(("self.%s" % name, _params(getattr(mod.Tensor, name), True), True))
    return out


def _params(fn, method=False):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    ps = list(sig.parameters.values())
    if method and ps and ps[0].kind in (inspect.Parameter.POSITIONAL_ONLY,
                                        inspect.Parameter.POSITIONAL_OR_KEYWORD):
        ps = ps[1:]
    return [(p.name, p.kind, p.default is inspect.Parameter.empty) for p in ps]


# The result's length is this argument (as in PyTorch): a huge value is a legitimately
# huge amount of work, not a bug, so only small ints are drawn for these.
COUNT_RESULTS = {"tensor_split", "hsplit", "vsplit", "dsplit", "unbind"}


def make_call(rng, target):
    expr, params, method = target
    if expr.split(".")[-1] in COUNT_RESULTS:
        rng = _SmallInts(rng)
    _ctx.clear()
    if rng.random() < 0.6:
        _ctx["dtype"] = rng.choice(["float32", "float64"] * 3 + DTYPES)
        _ctx["family"] = rng.choice(FAMILIES)
    pos, kw = [], []
    if params is None or rng.random() < 0.1:
        pos = [rand_value(rng) for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4]))]
    else:
        by_name = False   # once an optional positional is skipped or a keyword used, go by name
        for pname, kind, required in params:
            if kind == inspect.Parameter.VAR_POSITIONAL:
                if not by_name:
                    pos += [rand_value(rng, pname) for _ in range(rng.choice([0, 1, 2, 3]))]
                continue
            if kind == inspect.Parameter.VAR_KEYWORD:
                continue
            if not (required or rng.random() < 0.5):
                by_name = True
                continue
            v = rand_value(rng, pname)
            if kind == inspect.Parameter.KEYWORD_ONLY or (not required and rng.random() < 0.4):
                by_name = True
            if by_name and kind != inspect.Parameter.POSITIONAL_ONLY:
                kw.append("%s=%s" % (pname, v))
            elif not by_name:
                pos.append(v)
    args = ", ".join(pos + kw)
    if expr.startswith("PROP:"):
        return "self = %s; self.%s" % (rand_tensor(rng), expr[5:])
    if method:
        return "self = %s; %s(%s)" % (rand_tensor(rng), expr, args)
    return "%s(%s)" % (expr, args)


class _SmallInts:
    """An RNG wrapper whose choice() never picks a huge int literal."""

    def __init__(self, rng):
        self._rng = rng

    def __getattr__(self, name):
        return getattr(self._rng, name)

    def choice(self, seq):
        v = self._rng.choice(seq)
        if v == "hugeempty":     # 2**62 results
            return "empty"
        return "3" if v in ("2**31", "2**62", "2**63-1", "10**6", "2**64") else v


def touch(v, depth=0):
    """Read every element of tensor results so bad geometry is exercised (ASan sees it)."""
    if depth > 2:
        return
    if isinstance(v, torch.Tensor):
        if v.numel() <= 1 << 16:
            v.clone()
            repr(v)
    elif isinstance(v, (tuple, list)):
        for x in v[:8]:
            touch(x, depth + 1)
    elif isinstance(v, dict):
        for x in list(v.values())[:8]:
            touch(x, depth + 1)


def t7_seeds():
    """Valid Torch7 serialisations of assorted objects, in every format the loader reads."""
    objs = [T("float32", "mat"), T("float64", "nc"), T("int8", "exp"), T("uint8", "0d"),
            T("int64", "empty"), T("int16", "3d"), T("bool", "mask"), T("float16", "vec"),
            {"a": T("float32", "vec"), 1: [1.5, "s", True], "n": None},
            [T("int32", "step"), T("int32", "step")], "string", 3.25, torch.Generator(),
            torch.TorchObject("nn.Linear", {"weight": T("float32", "mat"), "bias": T("float32", "vec")})]
    out = []
    for o in objs:
        for mode in ("binary", "ascii", "b32"):
            try:
                out.append((mode, bytes(_save_lua_bytes(o, mode))))
            except Exception:
                pass
    return out


def _save_lua_bytes(o, mode):
    import io
    b = io.BytesIO()
    torch.save_lua(o, b, mode=mode)
    return b.getvalue()


def t7_fuzz(rng, seeds, ncalls, log):
    """Mutated .t7 bytes (flips, huge/negative numbers, truncation) into load_lua."""
    import struct
    for i in range(ncalls):
        k = rng.randrange(len(seeds))
        mode, data = seeds[k]
        data = bytearray(data)
        muts = []
        for _ in range(rng.choice([1, 1, 2, 3, 8])):
            op = rng.random()
            if not data:
                break
            pos = rng.randrange(len(data))
            if op < 0.4:
                muts.append(("byte", pos, rng.randrange(256)))
            elif op < 0.7 and mode != "ascii":
                v = rng.choice([-1, -2, 0, 2**31 - 1, 2**31, 2**32 - 1, 2**62, -2**63, 1 << 40, 255])
                w = rng.choice([4, 8])
                muts.append(("int%d" % w, pos, v))
            elif op < 0.7:
                muts.append(("text", pos, rng.choice([b"-1", b"99999999999999999999", b"nan", b"4611686018427387904", b"\n", b"-9"])))
            else:
                muts.append(("cut", pos, 0))
        for m, pos, v in muts:
            if pos >= len(data):
                continue
            if m == "byte":
                data[pos] = v
            elif m.startswith("int"):
                w = int(m[3:])
                data[pos:pos + w] = struct.pack("<q" if w == 8 else "<i", v if w == 8 else
                                               ((v + 2**31) % 2**32) - 2**31)
            elif m == "text":
                data[pos:pos + len(v)] = v
            else:
                del data[pos:]
        os.write(log, ("load_lua(seed %d %s, mode=%r) %r\n" % (k, muts, mode, bytes(data)[:2000])).encode())
        faulthandler.dump_traceback_later(PER_CALL_TIMEOUT, exit=True)
        try:
            touch(torch.load_lua(bytes(data), mode=mode if mode == "ascii" else "binary"))
        except Exception:
            pass
        finally:
            faulthandler.cancel_dump_traceback_later()


def main():
    global torch
    seed, ncalls, logpath = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    mem = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    if mem:
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    # the checkout this file belongs to, not whatever pytorch_like is installed
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import pytorch_like as torch
    if os.environ.get("PYTORCH_LIKE_FUZZ_STATS"):
        print(torch.__file__)
    torch.set_num_threads(1)
    tlist = targets(torch)
    only = os.environ.get("PYTORCH_LIKE_FUZZ_ONLY")
    if only:
        tlist = [t for t in tlist if t[0].split(".")[-1] in only.split(",")]
    rng = random.Random(seed)
    ns = {"torch": torch, "np": np, "T": T, "nan": math.nan, "inf": math.inf}
    log = os.open(logpath, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    if os.environ.get("PYTORCH_LIKE_FUZZ_T7") or seed % 4 == 3:
        # one worker in four fuzzes the .t7 reader instead of the API
        t7_fuzz(rng, t7_seeds(), ncalls, log)
        os.write(log, b"DONE\n")
        return
    dflt = torch.get_default_dtype()
    stats = {} if os.environ.get("PYTORCH_LIKE_FUZZ_STATS") else None
    okby = {}
    for i in range(ncalls):
        call = make_call(rng, rng.choice(tlist))
        os.write(log, (call + "\n").encode())
        faulthandler.dump_traceback_later(PER_CALL_TIMEOUT, exit=True)
        try:
            if "; " in call:
                pre, last = call.split("; ", 1)
                exec(pre, ns)
            else:
                last = call
            touch(eval(last, ns))
        except Exception as e:
            if stats is not None:
                k = "%s: %s" % (type(e).__name__, str(e)[:70])
                stats[k] = stats.get(k, 0) + 1
        else:
            if stats is not None:
                stats["OK"] = stats.get("OK", 0) + 1
                name = call.split("; ")[-1].split("(")[0]
                okby[name] = okby.get(name, 0) + 1
        finally:
            faulthandler.cancel_dump_traceback_later()
            ns.pop("self", None)
        # global state is allowed to change, but a float16/int default would make most
        # later calls fail early: restore it
        try:
            torch.set_default_dtype(dflt)
            torch.set_printoptions(profile="default")
        except Exception:
            pass
    if stats is not None:
        never = sorted(t[0].replace("PROP:", "self.") for t in tlist
                       if t[0].replace("PROP:", "self.") not in okby)
        print("never succeeded:", " ".join(never))
        for k, v in sorted(stats.items(), key=lambda kv: -kv[1])[:40]:
            print("%6d %s" % (v, k))
    os.write(log, b"DONE\n")
    os.close(log)


if __name__ == "__main__":
    faulthandler.enable()
    main()
