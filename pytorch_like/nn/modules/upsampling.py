"""Upsample, ZeroPad2d and ReplicationPad3d."""
from .. import functional as F
from .module import Module


class Upsample(Module):
    """Upsamples a 4-D input (nearest with an integer scale, or bilinear)."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        self.scale_factor = float(scale_factor) if isinstance(scale_factor, (int, float)) else scale_factor
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners)

    def extra_repr(self):
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class ZeroPad2d(Module):
    """Pads the last two dims with zeros: padding is an int or (left, right, top, bottom)."""

    def __init__(self, padding):
        super().__init__()
        self.padding = (padding,) * 4 if isinstance(padding, int) else tuple(padding)
        if len(self.padding) != 4:
            raise ValueError(f"ZeroPad2d: padding must be an int or a 4-tuple, got {padding}")

    def forward(self, input):
        if input.dim() not in (3, 4):
            raise RuntimeError(f"ZeroPad2d: expected 3-D or 4-D input, got {list(input.shape)}")
        return F.pad(input, self.padding, "constant", 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ReplicationPad3d(Module):
    """Pads the last three dims by replicating the border: padding is an int or
    (left, right, top, bottom, front, back) (THNN VolumetricReplicationPadding)."""

    def __init__(self, padding):
        super().__init__()
        if isinstance(padding, int):
            padding = (padding,) * 6
        if len(tuple(padding)) != 6:
            raise ValueError(f"ReplicationPad3d: padding must be an int or a 6-tuple, got {padding}")
        self.padding = tuple(int(p) for p in padding)

    def forward(self, input):
        if input.dim() not in (4, 5):
            raise RuntimeError(f"ReplicationPad3d: expected 4-D or 5-D input, got {list(input.shape)}")
        return F.pad(input, self.padding, mode="replicate")

    def extra_repr(self):
        return str(self.padding)
