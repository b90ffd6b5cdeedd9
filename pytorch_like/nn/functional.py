"""nn.functional: layer, activation and loss functions (PyTorch's torch.nn.functional).

Forward and backward of every op with a THNN kernel call that kernel (index_base 0) through an
autograd.Function; ops THNN lacks (GELU, LayerNorm, GroupNorm, dropout masks, the recurrent
cells, the distance-based losses) are composed from differentiable tensor ops.
"""
import math

from .._lib import check, ffi, lib
from ..autograd import grad_mode
from ..autograd.function import Function
from ..tensor import _wrap

_NULL = ffi.NULL

__all__ = [
    "linear", "bilinear", "conv1d", "conv2d", "conv3d", "conv_transpose2d", "max_pool1d", "max_pool2d",
    "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d", "batch_norm", "layer_norm", "group_norm",
    "dropout", "dropout2d", "embedding", "embedding_bag", "relu", "relu_", "threshold", "relu6", "leaky_relu",
    "prelu", "elu",
    "selu", "gelu", "silu", "tanh", "sigmoid", "softplus", "softmax", "log_softmax", "hardtanh", "pad",
    "interpolate", "upsample", "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "margin_ranking_loss",
    "cosine_embedding_loss", "triplet_margin_loss", "pairwise_distance", "cosine_similarity", "one_hot",
    "max_pool3d", "avg_pool3d", "max_unpool3d", "grid_sample", "conv_transpose3d",
]


def _new():
    return _wrap(lib.THTensor_new(-1))


def _p(t):
    return _NULL if t is None else t._t


def _c(t):
    return t if t.is_contiguous() else t.contiguous()


def _zeros_like(t):
    from .. import zeros_like
    return zeros_like(t)


def _pair(v, n=2, name="argument"):
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return tuple(v) * n
        if len(v) != n:
            raise ValueError(f"{name} must be an int or a tuple of {n} ints, got {tuple(v)}")
        return tuple(int(a) for a in v)
    return (int(v),) * n


def _shape(t):
    return list(t.shape)


def _kernel_function(op, indices=False):
    """An autograd Function for the THNN op `op` on one input, applied as F.apply(x, args): forward
    THNN_<op>_updateOutput(x, out, *args), backward THNN_<op>_updateGradInput(x, gradOutput,
    gradInput, *args). With indices, the op also fills an int64 index tensor (passed after out /
    gradInput) and F returns (out, idx). The kernels are looked up on each call."""
    def forward(ctx, x, args):
        x = _c(x)
        out = _new()
        idx = (_wrap(lib.THTensor_new(lib.TH_INT64)),) if indices else ()
        check(getattr(lib, f"THNN_{op}_updateOutput")(x._t, out._t, *(i._t for i in idx), *args))
        ctx.args = args
        ctx.save_for_backward(x, *idx)
        if not indices:
            return out
        ctx.mark_non_differentiable(*idx)
        return (out, *idx)

    def backward(ctx, go, *gidx):
        x, *idx = ctx.saved_tensors
        gi = _new()
        check(getattr(lib, f"THNN_{op}_updateGradInput")(x._t, _c(go)._t, gi._t, *(i._t for i in idx), *ctx.args))
        return gi, None
    return type("_" + op, (Function,), {"forward": staticmethod(forward), "backward": staticmethod(backward)})


# ---------------------------------------------------------------------- elementwise activations

class _Elementwise(Function):
    """An activation f(x) whose gradient THNN computes from input or output (kernel names and args in ctx)."""

    @staticmethod
    def forward(ctx, x, fwd, bwd, args, from_output):
        x = _c(x)
        out = _new()
        check(fwd(x._t, out._t, *args))
        ctx.bwd, ctx.args, ctx.from_output = bwd, args, from_output
        ctx.save_for_backward(out if from_output else x)
        return out

    @staticmethod
    def backward(ctx, go):
        (s,) = ctx.saved_tensors
        gi = _new()
        go = _c(go)
        if ctx.from_output:
            check(ctx.bwd(_NULL, go._t, gi._t, s._t, *ctx.args))
        else:
            check(ctx.bwd(s._t, go._t, gi._t, *ctx.args))
        return gi, None, None, None, None


class _ElementwiseInplace(Function):
    """In-place activation: the result is written back into x (marked dirty); its gradient comes from the
    saved result (valid for the monotone activations used here: the result's sign/range decides the slope)."""

    @staticmethod
    def forward(ctx, x, fwd, bwd, args, from_output):
        out = _new()
        check(fwd(_c(x)._t, out._t, *args))
        x.copy_(out)
        ctx.mark_dirty(x)
        ctx.bwd, ctx.args, ctx.from_output = bwd, args, from_output
        ctx.save_for_backward(x)
        return x

    backward = _Elementwise.backward


def _act(input, inplace, fwd, bwd, args, from_output=False):
    cls = _ElementwiseInplace if inplace else _Elementwise
    return cls.apply(input, fwd, bwd, args, from_output)


def relu(input, inplace=False):
    """max(0, x) (THNN Threshold)."""
    return _act(input, inplace, lib.THNN_Threshold_updateOutput, lib.THNN_Threshold_updateGradInput, (0.0, 0.0, 0))


def relu_(input):
    """In-place relu."""
    return relu(input, inplace=True)


def threshold(input, threshold, value, inplace=False):
    """x if x > threshold else value (THNN Threshold)."""
    return _Elementwise.apply(input, lib.THNN_Threshold_updateOutput, lib.THNN_Threshold_updateGradInput,
                              (float(threshold), float(value), 0), False)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Clamp to [min_val, max_val] (THNN HardTanh)."""
    return _act(input, inplace, lib.THNN_HardTanh_updateOutput, lib.THNN_HardTanh_updateGradInput,
                (float(min_val), float(max_val), 0))


def relu6(input, inplace=False):
    """min(max(0, x), 6) (THNN HardTanh)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x if x > 0 else negative_slope * x (THNN LeakyReLU)."""
    if inplace and negative_slope < 0 and input.requires_grad:
        raise RuntimeError("In-place leakyReLu backward calculation is triggered with a negative slope which is "
                           "not supported. This is caused by calling in-place forward function with a negative "
                           "slope, please call out-of-place version instead.")
    return _act(input, inplace, lib.THNN_LeakyReLU_updateOutput, lib.THNN_LeakyReLU_updateGradInput,
                (float(negative_slope), 0))


def elu(input, alpha=1.0, inplace=False):
    """x if x > 0 else alpha * (exp(x) - 1) (THNN ELU)."""
    return _act(input, inplace, lib.THNN_ELU_updateOutput, lib.THNN_ELU_updateGradInput, (float(alpha), 0), True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """scale * elu(x, alpha) with the self-normalising constants."""
    return elu(input, _SELU_ALPHA) * _SELU_SCALE


def sigmoid(input):
    """1 / (1 + exp(-x)) (THNN Sigmoid)."""
    return _Elementwise.apply(input, lib.THNN_Sigmoid_updateOutput, lib.THNN_Sigmoid_updateGradInput, (), True)


def tanh(input):
    """tanh(x) (THNN Tanh)."""
    return _Elementwise.apply(input, lib.THNN_Tanh_updateOutput, lib.THNN_Tanh_updateGradInput, (), True)


def _softplus_grad(x, go, gi, beta, threshold):
    """SoftPlus's gradient from the input (THNN's output argument goes unused)."""
    return lib.THNN_SoftPlus_updateGradInput(x, go, gi, _NULL, beta, threshold)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta x)) / beta (THNN SoftPlus)."""
    return _Elementwise.apply(input, lib.THNN_SoftPlus_updateOutput, _softplus_grad, (float(beta), float(threshold)),
                              False)


def silu(input, inplace=False):
    """x * sigmoid(x)."""
    return input * sigmoid(input)


def gelu(input, approximate="none"):
    """x * Phi(x) (or its tanh approximation); composed (THNN has no GELU)."""
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * math.sqrt(2.0 / math.pi)
        return input * 0.5 * (tanh(inner) + 1.0)
    if approximate != "none":
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return input * 0.5 * ((input * (1.0 / math.sqrt(2.0))).erf() + 1.0)


class _PReLU(Function):
    @staticmethod
    def forward(ctx, x, w, n):
        x = _c(x)
        out = _new()
        check(lib.THNN_PReLU_updateOutput(x._t, out._t, w._t, n))
        ctx.n = n
        ctx.save_for_backward(x, w)
        return out

    @staticmethod
    def backward(ctx, go):
        x, w = ctx.saved_tensors
        go = _c(go)
        gi = _new()
        check(lib.THNN_PReLU_updateGradInput(x._t, go._t, gi._t, w._t, ctx.n))
        gw = None
        if ctx.needs_input_grad[1]:
            gw = _zeros_like(w)
            check(lib.THNN_PReLU_accGradParameters(x._t, go._t, gi._t, w._t, gw._t, _NULL, _NULL, ctx.n, 1.0))
        return gi, gw, None


def prelu(input, weight):
    """x if x > 0 else a * x, a per channel (dim 1) or shared (THNN PReLU)."""
    n = weight.numel()
    if n != 1:
        ch = input.shape[1] if input.dim() >= 2 else input.shape[0]
        if ch != n:
            raise RuntimeError(f"prelu: the number of weights ({n}) must match the number of channels ({ch}) "
                               f"of input of shape {_shape(input)}")
    if input.dim() == 3 and n != 1:     # THNN takes channels of a 3-D input from dim 0; PyTorch from dim 1
        return _PReLU.apply(input.unsqueeze(3), weight, n).squeeze(3)
    if input.dim() == 1 and n != 1:
        return _PReLU.apply(input, weight, n)
    return _PReLU.apply(input, weight, n if n != 1 else 0)


class _Softmax(Function):
    @staticmethod
    def forward(ctx, x, dim, log):
        x = _c(x)
        out = _new()
        fn = lib.THNN_LogSoftMax_updateOutput if log else lib.THNN_SoftMax_updateOutput
        check(fn(x._t, out._t, dim))
        ctx.dim, ctx.log = dim, log
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, go):
        (out,) = ctx.saved_tensors
        gi = _new()
        fn = lib.THNN_LogSoftMax_updateGradInput if ctx.log else lib.THNN_SoftMax_updateGradInput
        check(fn(_NULL, _c(go)._t, gi._t, out._t, ctx.dim))
        return gi, None, None


def _softmax_dim(input, dim, name):
    nd = input.dim()
    if dim is None:
        dim = 0 if nd in (0, 1, 3) else 1
    if not -max(nd, 1) <= dim < max(nd, 1):
        raise IndexError(f"{name}: Dimension out of range (expected to be in range of "
                         f"[{-max(nd, 1)}, {max(nd, 1) - 1}], but got {dim})")
    return dim % max(nd, 1)


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along dim (THNN SoftMax)."""
    if dtype is not None:
        input = input.to(dtype)
    if input.dim() == 0:
        return _Softmax.apply(input.reshape(1), 0, False).reshape(())
    return _Softmax.apply(input, _softmax_dim(input, dim, "softmax"), False)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along dim (THNN LogSoftMax)."""
    if dtype is not None:
        input = input.to(dtype)
    if input.dim() == 0:
        return _Softmax.apply(input.reshape(1), 0, True).reshape(())
    return _Softmax.apply(input, _softmax_dim(input, dim, "log_softmax"), True)


# ---------------------------------------------------------------------- linear

class _Linear(Function):
    @staticmethod
    def forward(ctx, x, w, b):
        x = _c(x)
        out = _new()
        check(lib.THNN_Linear_updateOutput(x._t, out._t, w._t, _p(b), _NULL))
        ctx.save_for_backward(x, w, b)
        return out

    @staticmethod
    def backward(ctx, go):
        x, w, b = ctx.saved_tensors
        go = _c(go)
        gi = gw = gb = None
        need = ctx.needs_input_grad
        if need[0]:
            gi = _new()
            check(lib.THNN_Linear_updateGradInput(x._t, go._t, gi._t, w._t))
        if need[1] or (len(need) > 2 and need[2]):
            gw = _zeros_like(w)
            gb = _zeros_like(b) if b is not None else None
            check(lib.THNN_Linear_accGradParameters(x._t, go._t, _NULL, w._t, _p(b), gw._t, _p(gb), _NULL, 1.0))
        return gi, gw, gb


def linear(input, weight, bias=None):
    """x W^T + b over the last dimension (THNN Linear)."""
    inf = weight.shape[-1] if weight.dim() == 2 else None
    if input.dim() == 0 or inf is None or input.shape[-1] != inf:
        raise RuntimeError(f"linear: expected input with last dimension {inf}, got {_shape(input)}")
    if input.dim() <= 2:
        return _Linear.apply(input, weight, bias)
    lead = tuple(input.shape[:-1])
    return _Linear.apply(input.reshape(-1, inf), weight, bias).reshape(lead + (weight.shape[0],))


def bilinear(input1, input2, weight, bias=None):
    """y_k = x1^T W_k x2 + b_k (composed: THNN has no Bilinear)."""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear: input1 {_shape(input1)} and input2 {_shape(input2)} must have the same "
                           "leading dimensions")
    o, i1, i2 = weight.shape
    if input1.shape[-1] != i1 or input2.shape[-1] != i2:
        raise RuntimeError(f"bilinear: expected inputs with last dimensions {i1} and {i2}, got "
                           f"{_shape(input1)} and {_shape(input2)}")
    lead = tuple(input1.shape[:-1])
    a = input1.reshape(-1, i1)
    b2 = input2.reshape(-1, i2)
    t = linear(a, weight.permute(0, 2, 1).reshape(o * i2, i1)).reshape(-1, o, i2)   # x1 W_k for every k
    y = (t * b2.unsqueeze(1)).sum(2)
    if bias is not None:
        y = y + bias
    return y.reshape(lead + (o,))


# ---------------------------------------------------------------------- padding

class _ConstantPad(Function):
    @staticmethod
    def forward(ctx, x, pads, value):
        from .. import full
        shape = list(x.shape)
        nd = len(shape)
        out_shape = list(shape)
        for i in range(len(pads) // 2):
            d = nd - 1 - i
            out_shape[d] = shape[d] + pads[2 * i] + pads[2 * i + 1]
            if out_shape[d] < 0:
                raise RuntimeError(f"pad: padding {pads} gives a negative size for input of shape {shape}")
        out = full(out_shape, value, dtype=x.dtype)
        src, dst = x, out
        for i in range(len(pads) // 2):
            d = nd - 1 - i
            lo, hi = pads[2 * i], pads[2 * i + 1]
            a = max(-lo, 0)
            length = shape[d] - a - max(-hi, 0)
            src = src.narrow(d, a, max(length, 0))
            dst = dst.narrow(d, max(lo, 0), max(length, 0))
        dst.copy_(src)
        ctx.pads, ctx.shape = pads, shape
        return out

    @staticmethod
    def backward(ctx, go):
        from .. import zeros
        pads, shape = ctx.pads, ctx.shape
        nd = len(shape)
        gi = zeros(shape, dtype=go.dtype)
        src, dst = go, gi
        for i in range(len(pads) // 2):
            d = nd - 1 - i
            lo, hi = pads[2 * i], pads[2 * i + 1]
            a = max(-lo, 0)
            length = shape[d] - a - max(-hi, 0)
            src = src.narrow(d, max(lo, 0), max(length, 0))
            dst = dst.narrow(d, a, max(length, 0))
        dst.copy_(src)
        return gi, None, None


_Pad2d = {"reflect": _kernel_function("SpatialReflectionPadding"),
          "replicate": _kernel_function("SpatialReplicationPadding")}


def pad(input, pad, mode="constant", value=None):
    """Pads the last len(pad)//2 dims: (left, right, top, bottom, ...); constant, reflect or replicate."""
    pads = tuple(int(p) for p in pad)
    if len(pads) % 2 or len(pads) // 2 > input.dim():
        raise ValueError(f"pad: padding length must be even and at most 2 * input.dim() = {2 * input.dim()}, "
                         f"got {len(pads)}")
    if mode == "constant":
        return _ConstantPad.apply(input, pads, 0.0 if value is None else float(value))
    if mode == "replicate" and len(pads) == 6:
        return replication_pad3d(input, pads)
    if mode in ("reflect", "replicate"):
        if len(pads) != 4 or input.dim() not in (3, 4):
            raise NotImplementedError(f"pad: mode {mode!r} supports 4 pads of a 3-D or 4-D input, got "
                                      f"{len(pads)} pads of shape {_shape(input)}")
        return _Pad2d[mode].apply(input, pads)
    raise NotImplementedError(f"pad: mode {mode!r} is not supported (constant, reflect, replicate)")


# ---------------------------------------------------------------------- convolution

class _Conv(Function):
    """Direct convolution: SpatialConvolutionMM / SpatialDilatedConvolution / VolumetricConvolutionMM /
    VolumetricDilatedConvolution, chosen by the caller (kind) with THNN's argument order in args."""

    @staticmethod
    def forward(ctx, x, w, b, kind, args, groups):
        x = _c(x)
        out = _new()
        buf1, buf2 = _new(), _new()
        if kind in ("mm2", "mm3"):
            fn = lib.THNN_SpatialConvolutionMM_updateOutput if kind == "mm2" else \
                lib.THNN_VolumetricConvolutionMM_updateOutput
            check(fn(x._t, out._t, w._t, _p(b), buf1._t, buf2._t, *args, groups))
        else:
            fn = lib.THNN_SpatialDilatedConvolution_updateOutput if kind == "dil2" else \
                lib.THNN_VolumetricDilatedConvolution_updateOutput
            check(fn(x._t, out._t, w._t, _p(b), buf1._t, _NULL, *args, groups))
        ctx.kind, ctx.args, ctx.groups, ctx.bufs = kind, args, groups, (buf1, buf2)
        ctx.save_for_backward(x, w, b)
        return out

    @staticmethod
    def backward(ctx, go):
        x, w, b = ctx.saved_tensors
        go = _c(go)
        kind, args, g = ctx.kind, ctx.args, ctx.groups
        buf1, buf2 = ctx.bufs
        need = ctx.needs_input_grad
        gi = gw = gb = None
        if need[0]:
            gi = _new()
            if kind == "mm2":
                check(lib.THNN_SpatialConvolutionMM_updateGradInput(x._t, go._t, gi._t, w._t, buf1._t, buf2._t,
                                                                    *args, g))
            elif kind == "mm3":
                check(lib.THNN_VolumetricConvolutionMM_updateGradInput(x._t, go._t, gi._t, w._t, buf1._t,
                                                                       buf2._t, *args, g))
            elif kind == "dil2":
                check(lib.THNN_SpatialDilatedConvolution_updateGradInput(x._t, go._t, gi._t, w._t, buf2._t,
                                                                         *args, g))
            else:
                check(lib.THNN_VolumetricDilatedConvolution_updateGradInput(x._t, go._t, gi._t, w._t, buf2._t,
                                                                            *args, g))
        if need[1] or need[2]:
            gw = _zeros_like(w)
            gb = _zeros_like(b) if b is not None else None
            if kind == "mm2":
                check(lib.THNN_SpatialConvolutionMM_accGradParameters(x._t, go._t, gw._t, _p(gb), buf1._t,
                                                                      buf2._t, *args, 1.0, g))
            elif kind == "mm3":
                check(lib.THNN_VolumetricConvolutionMM_accGradParameters(x._t, go._t, gw._t, _p(gb), buf1._t,
                                                                         buf2._t, *args, 1.0, g))
            elif kind == "dil2":
                check(lib.THNN_SpatialDilatedConvolution_accGradParameters(x._t, go._t, gw._t, _p(gb), buf1._t,
                                                                           _NULL, *args, 1.0, g))
            else:
                check(lib.THNN_VolumetricDilatedConvolution_accGradParameters(x._t, go._t, gw._t, _p(gb),
                                                                              buf1._t, _NULL, *args, 1.0, g))
        return gi, gw, gb, None, None, None


def _conv_check(name, input, weight, bias, n, groups):
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{name}: expected {n + 1}-D (unbatched) or {n + 2}-D (batched) input, got input of "
                           f"shape {_shape(input)}")
    if weight.dim() != n + 2:
        raise RuntimeError(f"{name}: expected a {n + 2}-D weight, got weight of shape {_shape(weight)}")
    cin = input.shape[-n - 1]
    if cin != weight.shape[1] * groups:
        raise RuntimeError(f"{name}: expected input {_shape(input)} to have {weight.shape[1] * groups} channels "
                           f"(weight of shape {_shape(weight)}, groups={groups}), but got {cin} channels instead")
    if weight.shape[0] % groups:
        raise RuntimeError(f"{name}: out_channels {weight.shape[0]} must be divisible by groups {groups}")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(f"{name}: expected bias of shape [{weight.shape[0]}], got {_shape(bias)}")


def _same_pad(input, ksize, dilation, stride, n, name):
    """padding='same': symmetric pads, with the odd remainder added on the right via pad()."""
    if any(s != 1 for s in stride):
        raise ValueError(f"{name}: padding='same' is not supported for strided convolutions")
    total = [d * (k - 1) for d, k in zip(dilation, ksize)]
    left = [t // 2 for t in total]
    extra = []
    for t, lo in reversed(list(zip(total, left))):
        extra += [0, t - 2 * lo]
    if any(extra):
        input = pad(input, extra)
    return input, tuple(left)


def _conv_nd(name, input, weight, bias, stride, padding, dilation, groups, n):
    _conv_check(name, input, weight, bias, n, groups)
    stride = _pair(stride, n, "stride")
    dilation = _pair(dilation, n, "dilation")
    ksize = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * n
        elif padding == "same":
            input, padding = _same_pad(input, ksize, dilation, stride, n, name)
        else:
            raise ValueError(f"{name}: invalid padding string {padding!r}, should be one of 'valid', 'same'")
    else:
        padding = _pair(padding, n, "padding")
    unbatched = input.dim() == n + 1
    if unbatched:
        input = input.unsqueeze(0)
    for i in range(n):
        eff = dilation[i] * (ksize[i] - 1) + 1
        if input.shape[2 + i] + 2 * padding[i] < eff:
            raise RuntimeError(f"{name}: input size {_shape(input)} (padded {padding}) is smaller than the kernel "
                               f"size {ksize} (dilation {dilation})")
    if n == 1:
        out = _Conv.apply(input.unsqueeze(2), weight.unsqueeze(2), bias,
                          "mm2" if dilation[0] == 1 else "dil2",
                          (ksize[0], 1, stride[0], 1, padding[0], 0) + (() if dilation[0] == 1 else (dilation[0], 1)),
                          groups).squeeze(2)
    elif n == 2:
        kh, kw = ksize
        base = (kw, kh, stride[1], stride[0], padding[1], padding[0])
        if dilation == (1, 1):
            out = _Conv.apply(input, weight, bias, "mm2", base, groups)
        else:
            out = _Conv.apply(input, weight, bias, "dil2", base + (dilation[1], dilation[0]), groups)
    else:
        kt, kh, kw = ksize
        base = (kt, kw, kh, stride[0], stride[2], stride[1], padding[0], padding[2], padding[1])
        if dilation == (1, 1, 1):
            out = _Conv.apply(input, weight, bias, "mm3", base, groups)
        else:
            out = _Conv.apply(input, weight, bias, "dil3", base + (dilation[0], dilation[2], dilation[1]), groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over N x C x L (THNN SpatialConvolutionMM on an N x C x 1 x L view)."""
    return _conv_nd("conv1d", input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over N x C x H x W (THNN SpatialConvolutionMM / SpatialDilatedConvolution)."""
    return _conv_nd("conv2d", input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution over N x C x D x H x W (THNN VolumetricConvolutionMM / VolumetricDilatedConvolution)."""
    return _conv_nd("conv3d", input, weight, bias, stride, padding, dilation, groups, 3)


# kind -> (THNN kernel, whether it takes a second "ones" buffer after columns)
_CONVT_KERNELS = {"full2": ("SpatialFullConvolution", False),
                  "fulldil2": ("SpatialFullDilatedConvolution", False),
                  "full3": ("VolumetricFullConvolution", True)}


class _ConvT(Function):
    """Transposed convolution on the THNN kernel of kind (_CONVT_KERNELS), THNN's argument order in args."""

    @staticmethod
    def forward(ctx, x, w, b, kind, args, groups):
        name, ones = _CONVT_KERNELS[kind]
        x = _c(x)
        out, cols = _new(), _new()
        bufs = (cols._t, _new()._t if ones else _NULL)
        check(getattr(lib, f"THNN_{name}_updateOutput")(x._t, out._t, _c(w)._t, _p(b), *bufs, *args, groups))
        ctx.kind, ctx.args, ctx.groups = kind, args, groups
        ctx.save_for_backward(x, w, b)
        return out

    @staticmethod
    def backward(ctx, go):
        x, w, b = ctx.saved_tensors
        go = _c(go)
        name, ones = _CONVT_KERNELS[ctx.kind]
        args, g = ctx.args, ctx.groups
        need = ctx.needs_input_grad
        gi = gw = gb = None
        cols = _new()
        extra = _new()._t if ones else _NULL
        if need[0]:
            gi = _new()
            gi_bufs = (cols._t, extra) if ones else (cols._t,)
            check(getattr(lib, f"THNN_{name}_updateGradInput")(x._t, go._t, gi._t, _c(w)._t, *gi_bufs, *args, g))
        if need[1] or need[2]:
            gw = _zeros_like(w)
            gb = _zeros_like(b) if b is not None else None
            check(getattr(lib, f"THNN_{name}_accGradParameters")(x._t, go._t, gw._t, _p(gb), cols._t, extra,
                                                                 *args, 1.0, g))
        return gi, gw, gb, None, None, None


def _conv_transpose_args(name, input, weight, stride, padding, output_padding, dilation, n):
    """Checks an n-D transposed convolution's input against its weight; (stride, padding,
    output_padding, dilation) as n-tuples."""
    if input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"{name}: expected {n + 1}-D or {n + 2}-D input, got input of shape {_shape(input)}")
    if weight.dim() != n + 2 or input.shape[-n - 1] != weight.shape[0]:
        raise RuntimeError(f"{name}: expected input with {weight.shape[0]} channels (weight of shape "
                           f"{_shape(weight)}), got input of shape {_shape(input)}")
    return tuple(_pair(v, n, k) for v, k in ((stride, "stride"), (padding, "padding"),
                                             (output_padding, "output_padding"), (dilation, "dilation")))


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 2-D convolution (THNN SpatialFullConvolution / SpatialFullDilatedConvolution)."""
    s, p, op, d = _conv_transpose_args("conv_transpose2d", input, weight, stride, padding, output_padding, dilation, 2)
    kh, kw = weight.shape[2:]
    unbatched = input.dim() == 3
    if unbatched:
        input = input.unsqueeze(0)
    dil = d != (1, 1)
    args = (kw, kh, s[1], s[0], p[1], p[0]) + ((d[1], d[0]) if dil else ()) + (op[1], op[0])
    out = _ConvT.apply(input, weight, bias, "fulldil2" if dil else "full2", args, groups)
    return out.squeeze(0) if unbatched else out


# ---------------------------------------------------------------------- pooling

_MaxPool2d = _kernel_function("SpatialDilatedMaxPooling", indices=True)
_AvgPool2d = _kernel_function("SpatialAveragePooling")


def _pool_check(name, input, dims):
    if input.dim() not in (dims + 1, dims + 2):
        raise RuntimeError(f"{name}: expected {dims + 1}-D or {dims + 2}-D input, got input of shape {_shape(input)}")


def _pool_args(name, input, dims, kernel_size, stride, padding, kernel="effective kernel size"):
    """Checks input's rank; kernel, stride (the kernel when None or empty) and padding as dims-tuples,
    padding at most half the kernel."""
    _pool_check(name, input, dims)
    k = _pair(kernel_size, dims, "kernel_size")
    s = k if stride is None or (isinstance(stride, (list, tuple)) and not stride) else _pair(stride, dims, "stride")
    p = _pair(padding, dims, "padding")
    for i in range(dims):
        if p[i] * 2 > k[i]:
            raise RuntimeError(f"{name}: pad should be at most half of {kernel}, but got pad={p[i]}, "
                               f"kernel_size={k[i]}")
    return k, s, p


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling (THNN SpatialDilatedMaxPooling); indices are flat offsets in each input plane."""
    k, s, p = _pool_args("max_pool2d", input, 2, kernel_size, stride, padding)
    d = _pair(dilation, 2, "dilation")
    # THNN order: kW, kH, dW, dH, pW, pH, dilW, dilH, ceil, index_base
    out, idx = _MaxPool2d.apply(input, (k[1], k[0], s[1], s[0], p[1], p[0], d[1], d[0], int(bool(ceil_mode)), 0))
    return (out, idx) if return_indices else out


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling (SpatialDilatedMaxPooling on an N x C x 1 x L view)."""
    (k,), (s,), (p,) = _pool_args("max_pool1d", input, 1, kernel_size, stride, padding)
    (d,) = _pair(dilation, 1, "dilation")
    x = input.unsqueeze(-2)
    out, idx = _MaxPool2d.apply(x, (k, 1, s, 1, p, 0, d, 1, int(bool(ceil_mode)), 0))
    out, idx = out.squeeze(-2), idx.squeeze(-2)
    return (out, idx) if return_indices else out


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling (THNN SpatialAveragePooling)."""
    k, s, p = _pool_args("avg_pool2d", input, 2, kernel_size, stride, padding, kernel="kernel size")
    if divisor_override is not None:
        raise NotImplementedError("avg_pool2d: divisor_override is not supported")
    return _AvgPool2d.apply(input, (k[1], k[0], s[1], s[0], p[1], p[0], int(bool(ceil_mode)),
                                    int(bool(count_include_pad))))


def _adaptive_size(input, output_size):
    o = _pair(output_size, 2, "output_size") if not isinstance(output_size, (list, tuple)) else \
        tuple(input.shape[-2 + i] if v is None else int(v) for i, v in enumerate(_pair_none(output_size)))
    return o


def _pair_none(v):
    v = tuple(v)
    return v * 2 if len(v) == 1 else v


class _AdaptiveAvg(Function):
    @staticmethod
    def forward(ctx, x, oh, ow):
        x = _c(x)
        out = _new()
        check(lib.THNN_SpatialAdaptiveAveragePooling_updateOutput(x._t, out._t, ow, oh))
        ctx.save_for_backward(x)
        return out

    @staticmethod
    def backward(ctx, go):
        (x,) = ctx.saved_tensors
        gi = _new()
        check(lib.THNN_SpatialAdaptiveAveragePooling_updateGradInput(x._t, _c(go)._t, gi._t))
        return gi, None, None


class _AdaptiveMax(Function):
    @staticmethod
    def forward(ctx, x, oh, ow):
        x = _c(x)
        out, idx = _new(), _wrap(lib.THTensor_new(lib.TH_INT64))
        check(lib.THNN_SpatialAdaptiveMaxPooling_updateOutput(x._t, out._t, idx._t, ow, oh, 0))
        ctx.save_for_backward(x, idx)
        ctx.mark_non_differentiable(idx)
        return out, idx

    @staticmethod
    def backward(ctx, go, gidx):
        x, idx = ctx.saved_tensors
        gi = _new()
        check(lib.THNN_SpatialAdaptiveMaxPooling_updateGradInput(x._t, _c(go)._t, gi._t, idx._t, 0))
        return gi, None, None


def adaptive_avg_pool2d(input, output_size):
    """Adaptive 2-D average pooling (THNN SpatialAdaptiveAveragePooling)."""
    _pool_check("adaptive_avg_pool2d", input, 2)
    oh, ow = _adaptive_size(input, output_size)
    return _AdaptiveAvg.apply(input, oh, ow)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Adaptive 2-D max pooling (THNN SpatialAdaptiveMaxPooling)."""
    _pool_check("adaptive_max_pool2d", input, 2)
    oh, ow = _adaptive_size(input, output_size)
    out, idx = _AdaptiveMax.apply(input, oh, ow)
    return (out, idx) if return_indices else out


# ---------------------------------------------------------------------- upsampling

_UpNearest = _kernel_function("SpatialUpSamplingNearest")
_UpBilinear = _kernel_function("SpatialUpSamplingBilinear")


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None,
                antialias=False):
    """Upsamples a 4-D input: nearest (integer scale) or bilinear (THNN SpatialUpSampling*); a 5-D one:
    nearest or trilinear (THNN VolumetricUpSampling*)."""
    if input.dim() not in (4, 5):
        raise NotImplementedError(f"interpolate: only 4-D and 5-D input is supported, got input of shape "
                                  f"{_shape(input)}")
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: exactly one of size or scale_factor must be given")
    if input.dim() == 5:
        return interpolate5d(input, size, scale_factor, mode, align_corners)
    h, w = input.shape[2:]
    if size is not None:
        oh, ow = _pair(size, 2, "size")
    else:
        sh, sw = (scale_factor, scale_factor) if not isinstance(scale_factor, (list, tuple)) else scale_factor
        oh, ow = int(math.floor(h * sh)), int(math.floor(w * sw))
    if mode == "nearest":
        if oh % h or ow % w or oh // h != ow // w:
            raise NotImplementedError(f"interpolate: nearest mode needs one integer scale for both dims, got "
                                      f"{[h, w]} -> {[oh, ow]}")
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
        return _UpNearest.apply(input, (oh // h,))
    if mode == "bilinear":
        return _UpBilinear.apply(input, (oh, ow, int(bool(align_corners))))
    raise NotImplementedError(f"interpolate: mode {mode!r} is not supported (nearest, bilinear)")


upsample = interpolate


# ---------------------------------------------------------------------- normalization

class _BatchNorm(Function):
    @staticmethod
    def forward(ctx, x, w, b, rm, rv, train, momentum, eps):
        x = _c(x)
        out, sm, ss = _new(), _new(), _new()
        check(lib.THNN_BatchNormalization_updateOutput(x._t, out._t, _p(w), _p(b), _p(rm), _p(rv), sm._t, ss._t,
                                                       int(train), momentum, eps))
        if train:
            for r in (rm, rv):
                if r is not None:
                    lib.THTensor_bumpVersion(r._t)
        ctx.train, ctx.eps, ctx.stats = train, eps, (rm, rv, sm, ss)
        ctx.save_for_backward(x, w)
        return out

    @staticmethod
    def backward(ctx, go):
        x, w = ctx.saved_tensors
        rm, rv, sm, ss = ctx.stats
        need = ctx.needs_input_grad
        gi = _new() if need[0] else None
        gw = _zeros_like(w) if w is not None and need[1] else None
        gb = _zeros_like(w) if w is not None and need[2] else None
        check(lib.THNN_BatchNormalization_backward(x._t, _c(go)._t, _p(gi), _p(gw), _p(gb), _p(w), _p(rm), _p(rv),
                                                   sm._t, ss._t, int(ctx.train), 1.0, ctx.eps))
        return gi, gw, gb, None, None, None, None, None


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    """Batch normalization over dim 1 (THNN BatchNormalization); training updates the running stats."""
    if input.dim() < 2:
        raise ValueError(f"batch_norm: expected at least 2-D input (N x C x ...), got input of shape {_shape(input)}")
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("batch_norm: running_mean and running_var must be defined in evaluation mode")
    if training:
        n = input.numel() // input.shape[1]
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{_shape(input)}")
    return _BatchNorm.apply(input, weight, bias, running_mean, running_var, bool(training),
                            0.0 if momentum is None else float(momentum), float(eps))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalizes over the last len(normalized_shape) dims (composed from tensor ops)."""
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.dim() - len(ns):]) != ns or input.dim() < len(ns):
        raise RuntimeError(f"layer_norm: expected input with shape [*, {', '.join(map(str, ns))}], got "
                           f"{_shape(input)}")
    dims = tuple(range(input.dim() - len(ns), input.dim()))
    mean = input.mean(dims, keepdim=True)
    xc = input - mean
    var = (xc * xc).mean(dims, keepdim=True)
    y = xc * (var + eps).rsqrt()
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalizes groups of channels per sample (composed from tensor ops)."""
    if input.dim() < 2 or input.shape[1] % num_groups:
        raise RuntimeError(f"group_norm: expected input with channels (dim 1) divisible by num_groups="
                           f"{num_groups}, got {_shape(input)}")
    n, c = input.shape[:2]
    x = input.reshape(n, num_groups, -1)
    mean = x.mean(2, keepdim=True)
    xc = x - mean
    var = (xc * xc).mean(2, keepdim=True)
    y = (xc * (var + eps).rsqrt()).reshape(input.shape)
    shape = (1, c) + (1,) * (input.dim() - 2)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """x / (k + alpha/size * sum of x^2 over a window of `size` channels)^beta, the window from
    c - size//2 to c + (size-1)//2 (PyTorch's), over dim 1 of an N x C x ... input (composed from
    tensor ops)."""
    if input.dim() < 3:
        raise ValueError(f"local_response_norm: expected input with 3 or more dims (N x C x ...), got "
                         f"{_shape(input)}")
    if int(size) != size or size < 1:
        raise ValueError(f"local_response_norm: size must be a positive integer, got {size!r}")
    size = int(size)
    c = input.shape[1]
    sq = pad(input * input, (0, 0) * (input.dim() - 2) + (size // 2, (size - 1) // 2))
    acc = sq.narrow(1, 0, c)
    for i in range(1, size):
        acc = acc + sq.narrow(1, i, c)
    return input * (acc * (alpha / size) + k).pow(-beta)


# ---------------------------------------------------------------------- dropout

def _dropout_mask(shape, p, like):
    from .. import empty
    m = empty(shape, dtype=like.dtype)
    m.bernoulli_(1.0 - p)
    return m * (1.0 / (1.0 - p)) if p < 1 else m


def dropout(input, p=0.5, training=True, inplace=False):
    """Zeroes elements with probability p and scales the rest by 1/(1-p) in training."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    return input * _dropout_mask(tuple(input.shape), p, input)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels (dim 1 of N x C x H x W; dim 0 of C x H x W) with probability p."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if input.dim() not in (3, 4):
        raise RuntimeError(f"dropout2d: expected 3-D or 4-D input, got input of shape {_shape(input)}")
    if not training or p == 0:
        return input
    nlead = input.dim() - 2
    shape = tuple(input.shape[:nlead]) + (1, 1)
    return input * _dropout_mask(shape, p, input)


# ---------------------------------------------------------------------- embedding

class _Embedding(Function):
    @staticmethod
    def forward(ctx, idx, w, padding_idx, scale_grad):
        flat = _c(idx).reshape(-1)
        out = w.index_select(0, flat).reshape(tuple(idx.shape) + (w.shape[1],))
        ctx.args = (padding_idx, scale_grad)
        ctx.save_for_backward(flat, w)
        return out

    @staticmethod
    def backward(ctx, go):
        flat, w = ctx.saved_tensors
        gw = _zeros_like(w)
        padding_idx, scale_grad = ctx.args
        g2 = _c(go).reshape(-1, w.shape[1])
        check(lib.THNN_LookupTable_accGradParameters(flat._t, g2._t, gw._t, _NULL, _NULL, _NULL, int(scale_grad),
                                                     -1 if padding_idx is None else padding_idx, 1.0, 0))
        return None, gw, None, None


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Rows of weight picked by integer indices (backward: THNN LookupTable_accGradParameters)."""
    from .. import int64
    if input.dtype != int64:
        if input.is_floating_point():
            raise RuntimeError(f"embedding: expected indices of dtype int64, got {input.dtype}")
        input = input.long()
    n = weight.shape[0]
    if input.numel():
        lo, hi = int(input.min().item()), int(input.max().item())
        if lo < 0 or hi >= n:
            raise IndexError(f"embedding: index {lo if lo < 0 else hi} is out of range for an embedding with "
                             f"{n} rows")
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise ValueError(f"embedding: padding_idx {padding_idx} must be within num_embeddings ({n})")
        padding_idx %= n
    if max_norm is not None:
        with grad_mode.no_grad():
            check(lib.THNN_LookupTable_renorm(_c(input).reshape(-1)._t, weight._t, float(max_norm),
                                              float(norm_type), 0))
            lib.THTensor_bumpVersion(weight._t)
    return _Embedding.apply(input, weight, padding_idx, bool(scale_grad_by_freq))


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Sums / means / maxes of embedding bags (embedding, then a reduction per bag)."""
    from .. import stack, zeros
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"embedding_bag: mode has to be one of sum, mean or max, got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights is only supported for mode='sum'")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("embedding_bag: offsets has to be None if input is 2-D")
        e = embedding(input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq)
        if per_sample_weights is not None:
            e = e * per_sample_weights.unsqueeze(-1)
        if padding_idx is not None:
            keep = (input != padding_idx).to(e.dtype).unsqueeze(-1)
            e = e * keep
            if mode == "mean":
                return e.sum(1) / keep.sum(1).clamp(min=1)
        return e.sum(1) if mode == "sum" else e.mean(1) if mode == "mean" else e.max(1)[0]
    if input.dim() != 1 or offsets is None:
        raise ValueError(f"embedding_bag: expected a 2-D input, or a 1-D input with offsets; got input of shape "
                         f"{_shape(input)}")
    offs = [int(v) for v in offsets.tolist()]
    if include_last_offset:
        offs = offs[:-1]
        ends = offs[1:] + [int(offsets.tolist()[-1])]
    else:
        ends = offs[1:] + [input.numel()]
    if offs and offs[0] != 0:
        raise ValueError(f"embedding_bag: offsets[0] has to be 0, got {offs[0]}")
    e = embedding(input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq)
    if per_sample_weights is not None:
        e = e * per_sample_weights.unsqueeze(-1)
    rows = []
    for a, b in zip(offs, ends):
        if b < a or b > input.numel():
            raise ValueError(f"embedding_bag: offsets must be non-decreasing and at most {input.numel()}")
        seg = e.narrow(0, a, b - a)
        if padding_idx is not None:
            keep = (input.narrow(0, a, b - a) != padding_idx).to(e.dtype).unsqueeze(-1)
            seg = seg * keep
            cnt = int(keep.sum().item())
        else:
            cnt = b - a
        if cnt == 0 or b == a:
            rows.append(zeros(weight.shape[1], dtype=weight.dtype))
        elif mode == "sum":
            rows.append(seg.sum(0))
        elif mode == "mean":
            rows.append(seg.sum(0) / cnt)
        else:
            rows.append(seg.max(0)[0])
    if not rows:
        return zeros(0, weight.shape[1], dtype=weight.dtype)
    return stack(rows)


def one_hot(tensor, num_classes=-1):
    """Integer class indices to one-hot int64 vectors."""
    from .. import zeros
    if num_classes < 0:
        num_classes = int(tensor.max().item()) + 1 if tensor.numel() else 0
    out = zeros(tuple(tensor.shape) + (num_classes,), dtype=tensor.dtype)
    return out.scatter_(-1, tensor.unsqueeze(-1), 1)


# ---------------------------------------------------------------------- losses

_RED = ("none", "mean", "sum")


def _reduction(reduction, size_average=None, reduce=None):
    if size_average is not None or reduce is not None:
        sa = True if size_average is None else size_average
        rd = True if reduce is None else reduce
        reduction = "none" if not rd else ("mean" if sa else "sum")
    if reduction not in _RED:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _same_size(name, input, target):
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"{name}: Using a target size ({_shape(target)}) that is different to the input size "
                         f"({_shape(input)}) is not supported")


class _Criterion(Function):
    """A THNN criterion on (input, target): kernels and extra args in ctx; gradient w.r.t. input."""

    @staticmethod
    def forward(ctx, x, t, fwd, bwd, pre, post, reduction):
        x, t = _c(x), _c(t)
        out = _new()
        sa, rd = int(reduction == "mean"), int(reduction != "none")
        check(fwd(x._t, t._t, out._t, *pre(sa), *post(rd)))
        ctx.fns = (bwd, pre, post, sa, rd)
        ctx.save_for_backward(x, t)
        return out

    @staticmethod
    def backward(ctx, go):
        x, t = ctx.saved_tensors
        bwd, pre, post, sa, rd = ctx.fns
        gi = _new()
        check(bwd(x._t, t._t, _c(go)._t, gi._t, *pre(sa), *post(rd)))
        return gi, None, None, None, None, None, None


def _crit(name, fwd, bwd, input, target, reduction, pre=None, post=None):
    _same_size(name, input, target)
    if target.requires_grad:
        raise RuntimeError(f"{name}: the derivative for 'target' is not implemented")
    return _Criterion.apply(input, target.to(input.dtype), fwd, bwd, pre or (lambda sa: (sa,)),
                            post or (lambda rd: (rd,)), reduction)


def _loss_fallback(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """(x - y)^2 (THNN MSECriterion)."""
    reduction = _reduction(reduction, size_average, reduce)
    if target.requires_grad:
        _same_size("mse_loss", input, target)
        d = input - target
        return _loss_fallback(d * d, reduction)
    return _crit("mse_loss", lib.THNN_MSECriterion_updateOutput, lib.THNN_MSECriterion_updateGradInput, input,
                 target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """|x - y| (THNN AbsCriterion)."""
    reduction = _reduction(reduction, size_average, reduce)
    if target.requires_grad:
        _same_size("l1_loss", input, target)
        return _loss_fallback((input - target).abs(), reduction)
    return _crit("l1_loss", lib.THNN_AbsCriterion_updateOutput, lib.THNN_AbsCriterion_updateGradInput, input,
                 target, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta (THNN SmoothL1Criterion, rescaled for beta)."""
    reduction = _reduction(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta, got {beta}")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    if beta == 1.0:
        return _crit("smooth_l1_loss", lib.THNN_SmoothL1Criterion_updateOutput,
                     lib.THNN_SmoothL1Criterion_updateGradInput, input, target, reduction)
    return _crit("smooth_l1_loss", lib.THNN_SmoothL1Criterion_updateOutput,
                 lib.THNN_SmoothL1Criterion_updateGradInput, input * (1.0 / beta), target * (1.0 / beta),
                 reduction) * beta


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 if |d| < delta else delta (|d| - 0.5 delta) (= delta * smooth_l1 with beta = delta)."""
    reduction = _reduction(reduction)
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta, got {delta}")
    return smooth_l1_loss(input, target, reduction=reduction, beta=delta) * delta


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-(y log x + (1 - y) log(1 - x)), optionally weighted (THNN BCECriterion)."""
    reduction = _reduction(reduction, size_average, reduce)
    _same_size("binary_cross_entropy", input, target)
    if input.numel() and (float(input.min().item()) < 0 or float(input.max().item()) > 1):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if weight is not None:
        weight = _c(weight.to(input.dtype).broadcast_to(input.shape))
    return _crit("binary_cross_entropy", lib.THNN_BCECriterion_updateOutput, lib.THNN_BCECriterion_updateGradInput,
                 input, target, reduction, lambda sa: (sa, _p(weight)))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """BCE of sigmoid(x), computed stably: (1 - y) x + (1 + (pw - 1) y) softplus(-x)."""
    reduction = _reduction(reduction, size_average, reduce)
    _same_size("binary_cross_entropy_with_logits", input, target)
    sp = softplus(-input)
    if pos_weight is not None:
        loss = (1 - target) * input + (target * (pos_weight - 1) + 1) * sp
    else:
        loss = (1 - target) * input + sp
    if weight is not None:
        loss = loss * weight
    return _loss_fallback(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """target * (log target - input) (THNN DistKLDivCriterion; log_target composed)."""
    if reduction == "batchmean":
        red = "sum"
    else:
        red = _reduction(reduction, size_average, reduce)
    _same_size("kl_div", input, target)
    if log_target or target.requires_grad:
        loss = target.exp() * (target - input) if log_target else target * (target.log() - input)
        if not log_target:
            loss = loss.masked_fill(target <= 0, 0.0) if not target.requires_grad else loss
        out = _loss_fallback(loss, red)
    else:
        out = _crit("kl_div", lib.THNN_DistKLDivCriterion_updateOutput, lib.THNN_DistKLDivCriterion_updateGradInput,
                    input, target, red)
    if reduction == "batchmean" and input.dim() > 0:
        out = out / input.shape[0]
    return out


def _nll_targets(name, input, target, C):
    from .. import int64
    if target.dtype != int64:
        if target.is_floating_point():
            raise RuntimeError(f"{name}: expected target of dtype int64 (class indices), got {target.dtype}")
        target = target.long()
    return target


class _NLL(Function):
    @staticmethod
    def forward(ctx, x, t, w, ignore_index, reduction, spatial):
        x, t = _c(x), _c(t)
        out, tw = _new(), _new()
        sa, rd = int(reduction == "mean"), int(reduction != "none")
        fn = lib.THNN_SpatialClassNLLCriterion_updateOutput if spatial else lib.THNN_ClassNLLCriterion_updateOutput
        check(fn(x._t, t._t, out._t, sa, _p(w), tw._t, ignore_index, rd, 0))
        ctx.args = (w, tw, ignore_index, sa, rd, spatial)
        ctx.save_for_backward(x, t)
        return out

    @staticmethod
    def backward(ctx, go):
        x, t = ctx.saved_tensors
        w, tw, ignore_index, sa, rd, spatial = ctx.args
        gi = _new()
        fn = lib.THNN_SpatialClassNLLCriterion_updateGradInput if spatial else \
            lib.THNN_ClassNLLCriterion_updateGradInput
        check(fn(x._t, t._t, _c(go)._t, gi._t, sa, _p(w), tw._t, ignore_index, rd, 0))
        return gi, None, None, None, None, None


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """-input[n, target[n]] (weighted), skipping ignore_index (THNN ClassNLLCriterion / SpatialClassNLLCriterion)."""
    reduction = _reduction(reduction, size_average, reduce)
    if input.dim() < 1:
        raise ValueError("nll_loss: input must have at least 1 dimension (C or N x C x ...)")
    C = input.shape[1] if input.dim() >= 2 else input.shape[0]
    target = _nll_targets("nll_loss", input, target, C)
    if input.dim() >= 2 and (target.dim() != input.dim() - 1 or tuple(target.shape) !=
                             (input.shape[0],) + tuple(input.shape[2:])):
        raise ValueError(f"nll_loss: expected target of shape {[input.shape[0]] + _shape(input)[2:]}, got "
                         f"{_shape(target)}")
    if target.numel():
        bad = ((target < 0) | (target >= C)) & (target != ignore_index)
        if bool(bad.any().item()):
            v = int(target.masked_select(bad)[0].item())
            raise IndexError(f"nll_loss: Target {v} is out of bounds (expected 0 <= target < {C})")
    if weight is not None:
        if tuple(weight.shape) != (C,):
            raise RuntimeError(f"nll_loss: expected weight of shape [{C}], got {_shape(weight)}")
        weight = _c(weight.to(input.dtype))
    if input.dim() <= 2:
        return _NLL.apply(input, target, weight, int(ignore_index), reduction, False)
    n = input.shape[0]
    rest = tuple(input.shape[2:])
    x4 = input.reshape(n, C, -1, 1) if input.dim() != 4 else input
    t3 = target.reshape(n, -1, 1) if input.dim() != 4 else target
    out = _NLL.apply(x4, t3, weight, int(ignore_index), reduction, True)
    if reduction == "none":
        out = out.reshape((n,) + rest)
    return out


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """nll_loss(log_softmax(input, 1), target) with optional label smoothing or class-probability targets."""
    reduction = _reduction(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    cdim = 1 if input.dim() >= 2 else 0
    logp = log_softmax(input, cdim)
    C = input.shape[cdim]
    wshape = (1,) * cdim + (C,) + (1,) * (input.dim() - cdim - 1)
    if target.is_floating_point():
        _same_size("cross_entropy", input, target)
        t = target * (1 - label_smoothing) + label_smoothing / C if label_smoothing else target
        lw = logp * weight.reshape(wshape) if weight is not None else logp
        loss = -(lw * t).sum(cdim)
        if reduction == "mean":
            return loss.sum() / (input.numel() // C) if input.numel() else loss.sum() / 0.0
        return _loss_fallback(loss, reduction)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if not label_smoothing:
        return nll
    lw = logp * weight.reshape(wshape) if weight is not None else logp
    smooth = -lw.sum(cdim)
    tl = target.long()
    keep = (tl != ignore_index).to(input.dtype)
    smooth = smooth * keep
    if reduction == "none":
        red = smooth
    elif reduction == "sum":
        red = smooth.sum()
    else:
        if weight is not None:
            safe = tl.masked_fill(tl == ignore_index, 0)
            denom = (weight.to(input.dtype)[safe.reshape(-1)].reshape(safe.shape) * keep).sum()
        else:
            denom = keep.sum()
        red = smooth.sum() / denom
    return nll * (1 - label_smoothing) + red * (label_smoothing / C)


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -y (x1 - x2) + margin)."""
    reduction = _reduction(reduction, size_average, reduce)
    if not (tuple(input1.shape) == tuple(input2.shape) == tuple(target.shape)):
        raise RuntimeError(f"margin_ranking_loss: input1 {_shape(input1)}, input2 {_shape(input2)} and target "
                           f"{_shape(target)} must have the same size")
    return _loss_fallback(relu(-target * (input1 - input2) + margin), reduction)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """x1 . x2 / max(||x1|| ||x2||, eps) along dim."""
    w12 = (x1 * x2).sum(dim)
    n1 = (x1 * x1).sum(dim)
    n2 = (x2 * x2).sum(dim)
    return w12 / (n1 * n2).clamp(min=eps * eps).sqrt()


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(x1, x2) for y = 1, max(0, cos(x1, x2) - margin) for y = -1."""
    reduction = _reduction(reduction, size_average, reduce)
    if tuple(input1.shape) != tuple(input2.shape):
        raise RuntimeError(f"cosine_embedding_loss: input1 {_shape(input1)} and input2 {_shape(input2)} must have "
                           "the same size")
    if input1.dim() not in (1, 2) or tuple(target.shape) != tuple(input1.shape[:-1]):
        raise RuntimeError(f"cosine_embedding_loss: expected target of shape {_shape(input1)[:-1]} for inputs of "
                           f"shape {_shape(input1)}, got {_shape(target)}")
    eps = 1e-12
    prod = (input1 * input2).sum(-1)
    m1 = (input1 * input1).sum(-1) + eps
    m2 = (input2 * input2).sum(-1) + eps
    cos = prod / (m1 * m2).sqrt()
    pos = (target == 1).to(cos.dtype)
    neg = (target == -1).to(cos.dtype)
    loss = pos * (1 - cos) + neg * (cos - margin).clamp(min=0)
    return _loss_fallback(loss, reduction)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p over the last dim."""
    d = (x1 - x2 + eps).abs()
    if p == 2:
        return (d * d).sum(-1, keepdim=keepdim).sqrt()
    if p == 1:
        return d.sum(-1, keepdim=keepdim)
    return d.pow(p).sum(-1, keepdim=keepdim).pow(1.0 / p)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(d(a, p) - d(a, n) + margin, 0) with the p-norm distance."""
    reduction = _reduction(reduction, size_average, reduce)
    if not (anchor.dim() == positive.dim() == negative.dim()) or anchor.dim() not in (1, 2):
        raise RuntimeError(f"triplet_margin_loss: expected anchor, positive and negative of the same 1-D or 2-D "
                           f"shape, got {_shape(anchor)}, {_shape(positive)} and {_shape(negative)}")
    dp = pairwise_distance(anchor, positive, p, eps)
    dn = pairwise_distance(anchor, negative, p, eps)
    if swap:
        ds = pairwise_distance(positive, negative, p, eps)
        dn = dn.minimum(ds)
    return _loss_fallback((dp - dn + margin).clamp(min=0), reduction)


# the volumetric ops and grid_sample live in _functional3d (it imports the helpers above)
from ._functional3d import (avg_pool3d, conv_transpose3d, grid_sample, interpolate5d, max_pool3d, max_unpool3d,  # noqa: E402
                            replication_pad3d)
