"""Pooling layers."""
from .. import functional as F
from .module import Module


class _MaxPoolNd(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """1-D max pooling (THNN SpatialDilatedMaxPooling)."""

    def forward(self, input):
        if input.dim() not in (2, 3):
            raise RuntimeError(f"MaxPool1d: expected 2-D or 3-D input ([C, L] or [N, C, L]), got "
                               f"{list(input.shape)}")
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """2-D max pooling (THNN SpatialDilatedMaxPooling)."""

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise RuntimeError(f"MaxPool2d: expected 3-D or 4-D input ([C, H, W] or [N, C, H, W]), got "
                               f"{list(input.shape)}")
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)


class MaxPool3d(_MaxPoolNd):
    """3-D max pooling (THNN VolumetricDilatedMaxPooling)."""

    def forward(self, input):
        if input.dim() not in (4, 5):
            raise RuntimeError(f"MaxPool3d: expected 4-D or 5-D input ([C, D, H, W] or [N, C, D, H, W]), got "
                               f"{list(input.shape)}")
        return F.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)


class MaxUnpool3d(Module):
    """Inverse of MaxPool3d (THNN VolumetricMaxUnpooling)."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding

    def forward(self, input, indices, output_size=None):
        return F.max_unpool3d(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AvgPoolNd(Module):
    _n = 2

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input):
        n = self._n
        if input.dim() not in (n + 1, n + 2):
            dims = ", ".join("DHW"[3 - n:])
            raise RuntimeError(f"{type(self).__name__}: expected {n + 1}-D or {n + 2}-D input ([C, {dims}] or "
                               f"[N, C, {dims}]), got {list(input.shape)}")
        pool = F.avg_pool2d if n == 2 else F.avg_pool3d
        return pool(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad,
                    self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd):
    """2-D average pooling (THNN SpatialAveragePooling)."""
    _n = 2


class AvgPool3d(_AvgPoolNd):
    """3-D average pooling (THNN VolumetricAveragePooling)."""
    _n = 3


class AdaptiveAvgPool2d(Module):
    """Adaptive 2-D average pooling (THNN SpatialAdaptiveAveragePooling)."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise RuntimeError(f"AdaptiveAvgPool2d: expected 3-D or 4-D input, got {list(input.shape)}")
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Adaptive 2-D max pooling (THNN SpatialAdaptiveMaxPooling)."""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise RuntimeError(f"AdaptiveMaxPool2d: expected 3-D or 4-D input, got {list(input.shape)}")
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"
