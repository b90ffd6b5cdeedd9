"""Random numbers: generators, sampling functions and in-place random fills.

The API is PyTorch's (``Generator``, ``manual_seed``, ``rand``, ``randn``, ``randint``,
``randperm``, ``multinomial``, ``bernoulli``, ``normal``, ``Tensor.uniform_`` ...), but
the values follow Torch7's algorithms, not PyTorch's: the MT19937 stream seeded with
``init_genrand``, 32-bit uniforms (``random() / 2**32``), Box-Muller normals with a
one-value cache, Torch7's randperm and multinomial. So after
``pytorch_like.manual_seed(1)``, ``pytorch_like.rand(3, dtype=float64)`` equals Torch7's
``torch.rand(3)`` after ``torch.manualSeed(1)``, and both frontends share one stream.
Elements are filled in row-major order, one draw each (reference/torch7-core.md §4).

Differences from PyTorch worth knowing:
- ``get_state()`` is the raw 5048-byte Torch7 THGenerator struct (Box-Muller cache
  included), not PyTorch's 5056-byte state; states do not cross between the two.
- ``random_()`` without bounds reduces the raw 32-bit draw per dtype as Torch7 does
  (int64 and float64 get values in [0, 2**32)).
- ``geometric_(p)`` keeps PyTorch's meaning (p = success probability, values >= 1);
  it runs Torch7's sampler with the continuation probability 1 - p.
- ``multinomial`` without replacement refuses rows with fewer non-zero categories than
  samples (PyTorch then returns zero-probability categories).
- ``randint``/``random_`` ranges wider than 2**32 use one 64-bit draw (two raw draws).
"""
import builtins
import numbers

import numpy as np

from .. import dtypes as _dt
from .._args import bool_arg, tensor_arg
from .._lib import check, check_ptr, ffi, lib
from ..tensor import Tensor, _size_args, empty, tensor

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
           "set_rng_state", "rand", "randn", "randint", "randperm", "multinomial", "bernoulli", "normal",
           "rand_like", "randn_like", "randint_like"]

_STATE_SIZE = lib.THGenerator_stateSize()
_U64 = (1 << 64) - 1


def _seed_value(seed):
    if isinstance(seed, Tensor):
        seed = seed.item()
    try:
        seed = builtins.int(seed)
    except (TypeError, ValueError):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}") from None
    if seed < -(1 << 63) or seed > _U64:
        raise ValueError(f"Overflow when unpacking long long: seed {seed} is outside [-2**63, 2**64)")
    return seed & _U64


class Generator:
    """A Torch7 MT19937 generator with PyTorch's torch.Generator interface."""

    __slots__ = ("_g", "__weakref__")

    def __init__(self, device="cpu"):
        if str(device).split(":")[0] != "cpu":
            raise RuntimeError(f"device '{device}' is not available: pytorch_like runs on the CPU only here")
        self._g = ffi.gc(check_ptr(lib.THGenerator_new()), lib.THGenerator_free)

    @classmethod
    def _process_default(cls):
        g = cls.__new__(cls)
        g._g = check_ptr(lib.THGenerator_default())
        return g

    @property
    def device(self):
        return "cpu"

    def manual_seed(self, seed):
        """Seed the generator (Torch7's manualSeed: low 32 bits drive the stream); returns self."""
        lib.THGenerator_manualSeed(self._g, _seed_value(seed))
        return self

    def seed(self):
        """Reseed from /dev/urandom and return the new seed."""
        return builtins.int(lib.THGenerator_seed(self._g))

    def initial_seed(self):
        """The full 64-bit seed last set."""
        return builtins.int(lib.THGenerator_initialSeed(self._g))

    def get_state(self):
        """The state as a uint8 tensor: the raw bytes of Torch7's THGenerator struct."""
        t = empty(_STATE_SIZE, dtype=_dt.uint8)
        check(lib.THGenerator_getState(self._g, lib.THTensor_data(t._t), _STATE_SIZE))
        return t

    def set_state(self, new_state):
        """Restore a state returned by get_state() (validated as Torch7 does); returns self."""
        if not isinstance(new_state, Tensor) or new_state.dtype is not _dt.uint8:
            got = new_state.dtype if isinstance(new_state, Tensor) else type(new_state).__name__
            raise TypeError(f"new_state must be a uint8 tensor (pytorch_like.ByteTensor), got {got}")
        t = new_state.contiguous()
        n = t.numel()
        ptr = lib.THTensor_data(t._t) if n else ffi.NULL
        check(lib.THGenerator_setState(self._g, ptr, n))
        return self

    # Torch7's scalar forms (torch.random(), torch.uniform(), ...), Torch7 semantics.
    def random(self):
        """One raw 32-bit MT19937 output (Torch7's torch.random())."""
        return builtins.int(lib.THRandom_random(self._g))

    def random64(self):
        """Two raw draws as one 64-bit integer (first draw in the high half)."""
        return builtins.int(lib.THRandom_random64(self._g))

    def uniform(self, a=0.0, b=1.0):
        """One uniform double in [a, b) (Torch7's torch.uniform())."""
        return lib.THRandom_uniform(self._g, _real(a, "a"), _real(b, "b"))

    def normal(self, mean=0.0, std=1.0):
        """One normal double (Torch7's torch.normal(); shares the Box-Muller cache)."""
        std = _real(std, "std")
        if not std >= 0:
            raise ValueError(f"normal: std must be >= 0, got {std}")
        return lib.THRandom_normal(self._g, _real(mean, "mean"), std)

    def exponential(self, lambd=1.0):
        """One exponential double with rate lambd."""
        lambd = _real(lambd, "lambd")
        if not lambd > 0:
            raise ValueError(f"exponential: lambd must be > 0, got {lambd}")
        return lib.THRandom_exponential(self._g, lambd)

    def cauchy(self, median=0.0, sigma=1.0):
        """One Cauchy double."""
        return lib.THRandom_cauchy(self._g, _real(median, "median"), _real(sigma, "sigma"))

    def log_normal(self, mean=1.0, std=2.0):
        """exp() of one normal draw with the given mean and std (Torch7's logNormal)."""
        std = _real(std, "std")
        if not std > 0:
            raise ValueError(f"log_normal: std must be > 0, got {std}")
        return lib.THRandom_logNormal(self._g, _real(mean, "mean"), std)

    def geometric(self, p):
        """Torch7's geometric: P(k) = (1 - p) p**(k - 1), p the continuation probability."""
        p = _real(p, "p")
        if not 0 < p < 1:
            raise ValueError(f"geometric: p must be in (0, 1), got {p}")
        return builtins.int(lib.THRandom_geometric(self._g, p))

    def bernoulli(self, p=0.5):
        """1 with probability p (u <= p), else 0."""
        p = _real(p, "p")
        if not 0 <= p <= 1:
            raise ValueError(f"bernoulli: p must be in [0, 1], got {p}")
        return builtins.int(lib.THRandom_bernoulli(self._g, p))

    def __repr__(self):
        return f"<pytorch_like.Generator initial_seed={self.initial_seed()}>"


default_generator = Generator._process_default()


def _gen(generator):
    if generator is None:
        return default_generator._g
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a pytorch_like.Generator, got {type(generator).__name__}")
    return generator._g


def _real(x, name):
    if isinstance(x, Tensor):
        if x.numel() != 1:
            raise TypeError(f"{name} must be a number, got a tensor of {x.numel()} elements")
        x = x.item()
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(x).__name__}")
    return builtins.float(x)


def _integer(x, name):
    if isinstance(x, Tensor):
        if x.numel() != 1 or x.dtype.is_floating_point:
            raise TypeError(f"{name} must be an int, got a tensor")
        x = x.item()
    if isinstance(x, builtins.float) and x == builtins.int(x):
        x = builtins.int(x)
    if not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(x).__name__}")
    return builtins.int(x)


def _fill(t, cfn, *args):
    """Run a C fill on t; float16 (storage-only) is filled through a float32 buffer."""
    if t.dtype is _dt.float16:
        tmp = empty(t.shape, dtype=_dt.float32)
        check(cfn(tmp._t, *args))
        t.copy_(tmp)
    else:
        check(cfn(t._t, *args))
    return t


def _float_dtype(dtype, fn):
    d = _dt.get_default_dtype() if dtype is None else dtype
    if not isinstance(d, _dt.dtype):
        raise TypeError(f"{fn}: dtype must be a pytorch_like.dtype, got {d!r}")
    if not d.is_floating_point:
        raise TypeError(f"{fn}: expected a floating-point dtype, got {d}")
    return d


def _factory(size, dtype, out):
    """A new tensor of size and dtype, or out resized to size."""
    s = _size_args(size)
    if out is not None:
        if not isinstance(out, Tensor):
            raise TypeError(f"out must be a Tensor, got {type(out).__name__}")
        return empty(*s, out=out)
    return empty(*s, dtype=dtype)


def _finish_factory(r, requires_grad):
    if requires_grad:
        r.requires_grad_(True)
    return r


# ---------------------------------------------------------------------- global generator

def manual_seed(seed):
    """Seed the default generator; returns it."""
    return default_generator.manual_seed(seed)


def seed():
    """Reseed the default generator from /dev/urandom; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The default generator's last seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state (uint8 tensor of Torch7's THGenerator bytes)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state."""
    default_generator.set_state(new_state)


# ---------------------------------------------------------------------- sampling functions

def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """Uniform samples in [0, 1) (Torch7's uniform fill)."""
    g = _gen(generator)
    d = _float_dtype(dtype if out is None or dtype is not None else out.dtype, "rand")
    r = _factory(size, d, out)
    _fill(r, lib.THTensor_uniform, g, 0.0, 1.0)
    return _finish_factory(r, requires_grad)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    """Standard normal samples (Torch7's Box-Muller fill)."""
    g = _gen(generator)
    d = _float_dtype(dtype if out is None or dtype is not None else out.dtype, "randn")
    r = _factory(size, d, out)
    _fill(r, lib.THTensor_normal, g, 0.0, 1.0)
    return _finish_factory(r, requires_grad)


def _check_from_to(low, high):
    if not low < high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")


def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad=False, pin_memory=False):
    """Integers uniform in [low, high): randint(high, size) or randint(low, high, size)."""
    args = list(args)
    if size is None:
        if not args:
            raise TypeError("randint() missing required argument 'size'")
        size = args.pop()
    if len(args) == 2:
        low, high = args
    elif len(args) == 1:
        if high is None:
            high = args[0]
        else:
            low = args[0]
    elif len(args) > 2:
        raise TypeError(f"randint() takes at most 3 positional arguments ({len(args) + 1} given)")
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
    low = 0 if low is None else _integer(low, "low")
    high = _integer(high, "high")
    g = _gen(generator)
    _check_from_to(low, high)
    d = _dt.int64 if dtype is None and out is None else (dtype or out.dtype)
    if not isinstance(d, _dt.dtype):
        raise TypeError(f"randint: dtype must be a pytorch_like.dtype, got {d!r}")
    r = _factory(_size_args((size,) if not isinstance(size, (tuple, list)) else size, "size"), d, out)
    _fill(r, lib.THTensor_randomRange, g, low, high - 1)
    return _finish_factory(r, requires_grad)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """A random permutation of 0..n-1 (Torch7's forward Fisher-Yates)."""
    n = _integer(n, "n")
    g = _gen(generator)
    if n < 0:
        raise ValueError(f"randperm: n must be non-negative, got {n}")
    if out is not None:
        if not isinstance(out, Tensor):
            raise TypeError(f"out must be a Tensor, got {type(out).__name__}")
        check(lib.THTensor_randperm(out._t, g, n, 0))
        return out
    d = _dt.int64 if dtype is None else dtype
    if not isinstance(d, _dt.dtype):
        raise TypeError(f"randperm: dtype must be a pytorch_like.dtype, got {d!r}")
    if d is _dt.float16:
        return randperm(n, generator=generator, dtype=_dt.float32).to(_dt.float16)
    r = empty(0, dtype=d)
    check(lib.THTensor_randperm(r._t, g, n, 0))
    return _finish_factory(r, requires_grad)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Category indices drawn from each row of probabilities (Torch7's cumulative search)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"multinomial: input must be a Tensor, got {type(input).__name__}")
    n = _integer(num_samples, "num_samples")
    g = _gen(generator)
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype}")
    if input.dim() not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim, got {input.dim()}")
    if n <= 0:
        raise RuntimeError(f"cannot sample n_sample <= 0 samples (num_samples={n})")
    probs = input.to(_dt.float32) if input.dtype is _dt.float16 else input
    if out is None:
        r = empty(0, dtype=_dt.int64)
    elif not isinstance(out, Tensor):
        raise TypeError(f"out must be a Tensor, got {type(out).__name__}")
    else:
        r = out
    check(lib.THTensor_multinomial(r._t, g, probs._t, n, 1 if replacement else 0, 0))
    return r


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 samples with probabilities input (or the scalar p), input's shape and dtype."""
    if not isinstance(input, Tensor):
        raise TypeError(f"bernoulli: input must be a Tensor, got {type(input).__name__}")
    g = _gen(generator)
    if out is not None and not isinstance(out, Tensor):
        raise TypeError(f"out must be a Tensor, got {type(out).__name__}")
    r = empty(input.shape, dtype=input.dtype) if out is None else empty(*input.shape, out=out)
    return _bernoulli_into(r, input if p is None else p, g)


def _bernoulli_into(t, p, g):
    if isinstance(p, Tensor):
        probs = p.to(_dt.float32) if p.dtype is _dt.float16 else p
        if t.dtype is _dt.float16:
            tmp = empty(t.shape, dtype=_dt.float32)
            check(lib.THTensor_bernoulliTensor(tmp._t, g, probs._t))
            return t.copy_(tmp)
        check(lib.THTensor_bernoulliTensor(t._t, g, probs._t))
        return t
    p = _real(p, "p")
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _fill(t, lib.THTensor_bernoulli, g, p)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """Normal samples; mean and std are numbers (then size is required) or tensors (broadcast)."""
    g = _gen(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        m, s = _real(mean, "mean"), _real(std, "std")
        if size is None:
            raise TypeError("normal(mean: float, std: float) requires size")
        if not s >= 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {s}")
        d = _float_dtype(dtype if out is None or dtype is not None else out.dtype, "normal")
        r = _factory(size, d, out)
        _fill(r, lib.THTensor_normal, g, m, s)
        return _finish_factory(r, requires_grad)
    if size is not None:
        raise TypeError("normal: size is only accepted when mean and std are numbers")
    ma = mean.numpy(force=True).astype(np.float64) if mt else np.float64(_real(mean, "mean"))
    sa = std.numpy(force=True).astype(np.float64) if st else np.float64(_real(std, "std"))
    if st:
        if np.any(~(sa >= 0)):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not sa >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {builtins.float(sa)}")
    try:
        shape = np.broadcast_shapes(np.shape(ma), np.shape(sa))
    except ValueError:
        raise RuntimeError(f"normal: mean of shape {tuple(np.shape(ma))} and std of shape "
                           f"{tuple(np.shape(sa))} cannot be broadcast together") from None
    d = mean.dtype if mt else std.dtype
    if dtype is not None:
        d = dtype
    d = _float_dtype(d, "normal")
    z = empty(shape, dtype=_dt.float64)
    check(lib.THTensor_normal(z._t, g, 0.0, 1.0))
    # z * std + mean in double: the same value Torch7's normal(mean, std) draw gives
    res = tensor(z.numpy() * sa + ma, dtype=d)
    if out is not None:
        empty(*res.shape, out=out)
        out.copy_(res)
        return out
    return _finish_factory(res, requires_grad)


def rand_like(input, *, dtype=None, generator=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """rand with input's shape (and dtype unless given)."""
    tensor_arg(input, "rand_like")
    return rand(input.shape, dtype=input.dtype if dtype is None else dtype, generator=generator, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, generator=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """randn with input's shape (and dtype unless given)."""
    tensor_arg(input, "randn_like")
    return randn(input.shape, dtype=input.dtype if dtype is None else dtype, generator=generator, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, generator=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    """randint with input's shape: randint_like(x, high) or randint_like(x, low, high)."""
    tensor_arg(input, "randint_like")
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=input.dtype if dtype is None else dtype, generator=generator,
                   requires_grad=requires_grad)


# ---------------------------------------------------------------------- Tensor methods

def _from_to(a, b, kw, fn):
    if "from" in kw:
        a = kw.pop("from")
    if "to" in kw:
        b = kw.pop("to")
    if kw:
        raise TypeError(f"{fn}() got an unexpected keyword argument '{next(iter(kw))}'")
    return a, b


def _needs_float(t, fn):
    if not t.dtype.is_floating_point:
        raise TypeError(f"{fn}: expected a floating-point tensor, got {t.dtype}")


def uniform_(self, a=0.0, b=1.0, *, generator=None, **kw):
    """Fill with uniform samples in [from, to)."""
    a, b = _from_to(a, b, kw, "uniform_")
    a, b = _real(a, "from"), _real(b, "to")
    g = _gen(generator)
    if not a <= b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    _needs_float(self, "uniform_")
    return _fill(self, lib.THTensor_uniform, g, a, b)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with normal samples."""
    mean, std = _real(mean, "mean"), _real(std, "std")
    g = _gen(generator)
    if not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    _needs_float(self, "normal_")
    return _fill(self, lib.THTensor_normal, g, mean, std)


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with exponential samples of rate lambd."""
    lambd = _real(lambd, "lambd")
    g = _gen(generator)
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    _needs_float(self, "exponential_")
    return _fill(self, lib.THTensor_exponential, g, lambd)


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with Cauchy samples."""
    median, sigma = _real(median, "median"), _real(sigma, "sigma")
    g = _gen(generator)
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    _needs_float(self, "cauchy_")
    return _fill(self, lib.THTensor_cauchy, g, median, sigma)


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with exp(normal(mean, std)) samples."""
    mean, std = _real(mean, "mean"), _real(std, "std")
    g = _gen(generator)
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    _needs_float(self, "log_normal_")
    return _fill(self, lib.THTensor_logNormal, g, mean, std)


def geometric_(self, p, *, generator=None):
    """Fill with the number of Bernoulli(p) trials up to the first success (values >= 1)."""
    p = _real(p, "p")
    g = _gen(generator)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    # Torch7's parameter is the probability of continuing
    return _fill(self, lib.THTensor_geometric, g, 1.0 - p)


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 0/1 samples, 1 with probability p (a number or a broadcastable tensor)."""
    return _bernoulli_into(self, p, _gen(generator))


def _dtype_max(d):
    if d is _dt.float32 or d is _dt.float16:
        return 1 << (24 if d is _dt.float32 else 11)
    if d is _dt.float64:
        return 1 << 53
    if d is _dt.bool:
        return 1
    return np.iinfo(d.numpy).max


_MISSING = object()


def random_(self, a=None, b=_MISSING, *, generator=None, **kw):
    """Fill with integers: random_() (Torch7's per-dtype range), random_(to), random_(from, to)."""
    has_from = "from" in kw
    a, b = _from_to(a, b, kw, "random_")
    g = _gen(generator)
    if a is None and b is _MISSING:
        return _fill(self, lib.THTensor_random, g)
    if b is _MISSING and not has_from:
        low, high = 0, _integer(a, "to")
    else:
        low = 0 if a is None else _integer(a, "from")
        if b is None or b is _MISSING:
            return _fill(self, lib.THTensor_randomRange, g, low, _dtype_max(self.dtype))
        high = _integer(b, "to")
    _check_from_to(low, high)
    return _fill(self, lib.THTensor_randomRange, g, low, high - 1)


def _t_bernoulli(self, p=None, *, generator=None):
    """bernoulli(self, p)."""
    return bernoulli(self, p, generator=generator)


def _t_multinomial(self, num_samples, replacement=False, *, generator=None):
    """multinomial(self, num_samples, replacement)."""
    return multinomial(self, num_samples, replacement, generator=generator)


Tensor.uniform_ = uniform_
Tensor.normal_ = normal_
Tensor.exponential_ = exponential_
Tensor.cauchy_ = cauchy_
Tensor.log_normal_ = log_normal_
Tensor.geometric_ = geometric_
Tensor.bernoulli_ = bernoulli_
Tensor.random_ = random_
Tensor.bernoulli = _t_bernoulli
Tensor.multinomial = _t_multinomial
