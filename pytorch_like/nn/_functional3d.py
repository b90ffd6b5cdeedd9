"""The volumetric ops of nn.functional (conv_transpose3d, max_pool3d, avg_pool3d, max_unpool3d, 3-D replicate padding, 5-D
interpolation) and grid_sample, on the THNN Volumetric* / SpatialGridSamplerBilinear kernels
(index_base 0). functional.py re-exports them and dispatches pad / interpolate here."""
from .._lib import check, lib
from ..autograd.function import Function
from ..dtypes import int64
from .functional import (_c, _conv_transpose_args, _ConvT, _kernel_function, _new, _pair, _pool_args, _pool_check,
                         _shape)


_MaxPool3d = _kernel_function("VolumetricDilatedMaxPooling", indices=True)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling (THNN VolumetricDilatedMaxPooling); indices are flat offsets in each input volume."""
    k, s, p = _pool_args("max_pool3d", input, 3, kernel_size, stride, padding)
    d = _pair(dilation, 3, "dilation")
    # THNN order: kT, kW, kH, dT, dW, dH, pT, pW, pH, dilT, dilW, dilH, ceil, index_base
    args = (k[0], k[2], k[1], s[0], s[2], s[1], p[0], p[2], p[1], d[0], d[2], d[1], int(bool(ceil_mode)), 0)
    out, idx = _MaxPool3d.apply(input, args)
    return (out, idx) if return_indices else out


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Transposed 3-D convolution (THNN VolumetricFullConvolution); weight C_in x C_out/groups x kD x kH x kW."""
    s, p, op, d = _conv_transpose_args("conv_transpose3d", input, weight, stride, padding, output_padding, dilation, 3)
    if d != (1, 1, 1):
        raise NotImplementedError("conv_transpose3d: dilation is not supported")
    for i in range(3):
        if not 0 <= op[i] < s[i]:
            raise RuntimeError(f"conv_transpose3d: output_padding {op} must be smaller than stride {s}")
    kd, kh, kw = weight.shape[2:]
    unbatched = input.dim() == 4
    if unbatched:
        input = input.unsqueeze(0)
    args = (kd, kw, kh, s[0], s[2], s[1], p[0], p[2], p[1], op[0], op[2], op[1])
    out = _ConvT.apply(input, weight, bias, "full3", args, groups)
    return out.squeeze(0) if unbatched else out


_AvgPool3d = _kernel_function("VolumetricAveragePooling")


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-D average pooling (THNN VolumetricAveragePooling)."""
    k, s, p = _pool_args("avg_pool3d", input, 3, kernel_size, stride, padding, kernel="kernel size")
    if divisor_override is not None:
        raise NotImplementedError("avg_pool3d: divisor_override is not supported")
    # THNN order: kT, kW, kH, dT, dW, dH, pT, pW, pH, ceil, count_include_pad
    return _AvgPool3d.apply(input, (k[0], k[2], k[1], s[0], s[2], s[1], p[0], p[2], p[1], int(bool(ceil_mode)),
                                    int(bool(count_include_pad))))


class _MaxUnpool3d(Function):
    @staticmethod
    def forward(ctx, x, idx, args):
        x = _c(x)
        out = _new()
        check(lib.THNN_VolumetricMaxUnpooling_updateOutput(x._t, out._t, idx._t, *args, 0))
        ctx.args = args
        ctx.save_for_backward(x, idx)
        return out

    @staticmethod
    def backward(ctx, go):
        x, idx = ctx.saved_tensors
        gi = _new()
        check(lib.THNN_VolumetricMaxUnpooling_updateGradInput(x._t, _c(go)._t, gi._t, idx._t, *ctx.args, 0))
        return gi, None, None


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Inverse of max_pool3d (THNN VolumetricMaxUnpooling): indices index each output volume."""
    _pool_check("max_unpool3d", input, 3)
    k = _pair(kernel_size, 3, "kernel_size")
    s = k if stride is None else _pair(stride, 3, "stride")
    p = _pair(padding, 3, "padding")
    if output_size is not None:
        o = tuple(int(v) for v in output_size)[-3:]
        if len(o) != 3:
            raise ValueError(f"max_unpool3d: output_size must end with 3 spatial sizes, got {output_size}")
    else:
        o = tuple((input.shape[-3 + i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(3))
    if indices.dtype != int64:
        raise TypeError(f"max_unpool3d: expected int64 indices, got {indices.dtype}")
    # THNN order: oT, oW, oH, dT, dW, dH, pT, pW, pH
    args = (o[0], o[2], o[1], s[0], s[2], s[1], p[0], p[2], p[1])
    return _MaxUnpool3d.apply(input, _c(indices), args)


_ReplicationPad3d = _kernel_function("VolumetricReplicationPadding")
_UpNearest3d = _kernel_function("VolumetricUpSamplingNearest")
_UpTrilinear = _kernel_function("VolumetricUpSamplingTrilinear")


def replication_pad3d(input, pads):
    """pad(..., mode='replicate') with 6 pads (left, right, top, bottom, front, back) of a 4-D/5-D input."""
    if input.dim() not in (4, 5):
        raise NotImplementedError(f"pad: mode 'replicate' with 6 pads needs a 4-D or 5-D input, got shape "
                                  f"{_shape(input)}")
    return _ReplicationPad3d.apply(input, tuple(pads))


def interpolate5d(input, size, scale_factor, mode, align_corners):
    """interpolate for a 5-D input: nearest (one integer scale) or trilinear."""
    t, h, w = input.shape[2:]
    if size is not None:
        o = _pair(size, 3, "size")
    else:
        sc = tuple(scale_factor) if isinstance(scale_factor, (list, tuple)) else (scale_factor,) * 3
        if len(sc) != 3:
            raise ValueError(f"interpolate: scale_factor must be a number or 3 numbers for 5-D input, got {sc}")
        o = tuple(int(n * f // 1) for n, f in zip((t, h, w), sc))
    if mode == "nearest":
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
        s = o[0] // t
        if any(oi != n * s for oi, n in zip(o, (t, h, w))):
            raise NotImplementedError(f"interpolate: nearest mode needs one integer scale for all dims, got "
                                      f"{[t, h, w]} -> {list(o)}")
        return _UpNearest3d.apply(input, (s,))
    if mode == "trilinear":
        return _UpTrilinear.apply(input, (o[0], o[1], o[2], int(bool(align_corners))))
    raise NotImplementedError(f"interpolate: mode {mode!r} is not supported for 5-D input (nearest, trilinear)")


class _GridSample(Function):
    @staticmethod
    def forward(ctx, x, grid):
        x, grid = _c(x), _c(grid)
        out = _new()
        check(lib.THNN_SpatialGridSamplerBilinear_updateOutput(x._t, grid._t, out._t))
        ctx.save_for_backward(x, grid)
        return out

    @staticmethod
    def backward(ctx, go):
        x, grid = ctx.saved_tensors
        gi, gg = _new(), _new()
        check(lib.THNN_SpatialGridSamplerBilinear_updateGradInput(x._t, gi._t, grid._t, gg._t, _c(go)._t))
        return gi, gg


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Bilinear sampling of a 4-D input at grid (N x H x W x 2) points (THNN SpatialGridSamplerBilinear):
    only mode='bilinear', padding_mode='zeros', align_corners=True (Torch7's semantics) are supported."""
    if mode != "bilinear" or padding_mode != "zeros" or not align_corners:
        raise NotImplementedError(f"grid_sample: only mode='bilinear', padding_mode='zeros', align_corners=True are "
                                  f"supported, got mode={mode!r}, padding_mode={padding_mode!r}, "
                                  f"align_corners={align_corners!r}")
    if input.dim() != 4:
        raise NotImplementedError(f"grid_sample: only 4-D input is supported, got shape {_shape(input)}")
    if grid.dtype != input.dtype:
        raise RuntimeError(f"grid_sample: expected grid to have the input's dtype {input.dtype}, got {grid.dtype}")
    return _GridSample.apply(input, grid)
