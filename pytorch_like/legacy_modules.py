"""Torch7 nn semantics with no PyTorch module of their own, as small nn.Modules.

pytorch_like.legacy.convert builds them; th-migrate copies their source verbatim into the
exported model.py, so they use only the API that PyTorch and pytorch_like share (torch, nn,
nn.functional) and run unchanged on both. Dimensions are stored 0-based unless a docstring says
the Torch7 (1-based) value is kept because the rule that resolves it depends on the input.
"""
import pytorch_like as torch
from pytorch_like import nn


class TorchView(nn.Module):
    """Torch7 nn.View: view as `size` (one entry may be -1), keeping leading batch dims when the
    input has more than num_input_dims dims or more elements than size holds."""

    def __init__(self, size, num_input_dims=None):
        super().__init__()
        self.size = [int(s) for s in size]
        self.num_input_dims = num_input_dims

    def extra_repr(self):
        return f"size={self.size}, num_input_dims={self.num_input_dims}"

    def forward(self, x):
        nel = x.numel()
        nd = x.dim()
        ind = self.num_input_dims
        numel_size = 1
        for s in self.size:
            if s != -1:
                numel_size *= s
        has_batch = ind is not None and nd > ind
        ine = nel
        if ind is not None and nd >= ind:
            ine = 1
            for i in range(nd - ind, nd):
                ine *= x.shape[i]
        bsz, inferred = None, None
        if -1 in self.size:
            inferred = ine // numel_size
            if has_batch:
                bsz = nel // ine
        elif ine != numel_size:
            bsz = nel // numel_size
        elif has_batch:
            bsz = nel // ine
        sz = [bsz] if bsz is not None else []
        sz += [inferred if s == -1 else s for s in self.size]
        return x.contiguous().view(*sz)


class TorchReshape(nn.Module):
    """Torch7 nn.Reshape: view as `size`, with the first dim kept as batch when batch_mode is
    True, or (batch_mode None) when the input holds more elements or starts with size 1."""

    def __init__(self, size, batch_mode=None):
        super().__init__()
        self.size = [int(s) for s in size]
        self.batch_mode = batch_mode

    def forward(self, x):
        nel = 1
        for s in self.size:
            nel *= s
        if self.batch_mode is False or (self.batch_mode is None and x.numel() == nel and x.shape[0] != 1):
            return x.contiguous().view(*self.size)
        return x.contiguous().view(x.shape[0], *self.size)


class TorchSoftMax(nn.Module):
    """Torch7 nn.SoftMax / nn.LogSoftMax: over dim 0 of 1-D and 3-D inputs, else dim 1."""

    def __init__(self, log=False):
        super().__init__()
        self.log = log

    def extra_repr(self):
        return f"log={self.log}"

    def forward(self, x):
        dim = 0 if x.dim() in (1, 3) else 1
        return nn.functional.log_softmax(x, dim) if self.log else nn.functional.softmax(x, dim)


class TorchInstanceSoftMax(TorchSoftMax):
    """cudnn.torch's SoftMax / LogSoftMax (cuDNN instance mode): over all the non-batch elements,
    i.e. a 1-D input, each row of a 2-D one, the whole of a 3-D (C x H x W) one and each sample
    of a 4-D one."""

    def forward(self, x):
        if x.dim() not in (1, 2, 3, 4):
            raise ValueError(f"TorchInstanceSoftMax: expected a 1-D to 4-D input, got {list(x.shape)}")
        flat = x.reshape(-1) if x.dim() == 3 else x.reshape(x.shape[0], -1) if x.dim() == 4 else x
        dim = flat.dim() - 1
        y = nn.functional.log_softmax(flat, dim) if self.log else nn.functional.softmax(flat, dim)
        return y.reshape(x.shape)


class TorchFullConvolution(nn.ConvTranspose2d):
    """Torch7 nn.SpatialFullConvolution: a ConvTranspose2d that also takes [x, size_reference],
    whose last two sizes choose the output padding as Torch7 does: (ref + 2 pad - k) % stride."""

    def forward(self, x):
        if not isinstance(x, (list, tuple)):
            return super().forward(x)
        if len(x) != 2 or x[1].dim() < 2:
            raise ValueError("TorchFullConvolution: expected a tensor or [input, size reference of at least 2 dims]")
        x, ref = x
        adj = tuple((ref.shape[ref.dim() - 2 + i] + 2 * self.padding[i] - self.kernel_size[i]) % self.stride[i]
                    for i in range(2))
        return nn.functional.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding, adj, self.groups,
                                              self.dilation)


class TorchBatchNorm:
    """Torch7's BatchNormalization family (a base mixed into the three classes below): in evaluate mode a
    single sample without the batch dim, e.g. (C, H, W) for SpatialBatchNormalization, is accepted as Lua does."""
    batch_ndim = None     # the input dims with the batch dim: 2, 4 or 5

    def forward(self, x):
        if x.dim() != self.batch_ndim - 1:
            return super().forward(x)
        if self.training:
            raise ValueError(f"{type(self).__name__}: only mini-batch supported ({self.batch_ndim}D tensor), got "
                             f"{x.dim()}D tensor instead (a single sample is accepted in evaluate mode only)")
        return super().forward(x.unsqueeze(0)).squeeze(0)


class TorchBatchNorm1d(TorchBatchNorm, nn.BatchNorm1d):
    """Torch7 nn.BatchNormalization: BatchNorm1d that also takes one (C) sample in evaluate mode."""
    batch_ndim = 2


class TorchBatchNorm2d(TorchBatchNorm, nn.BatchNorm2d):
    """Torch7 nn.SpatialBatchNormalization: BatchNorm2d that also takes one (C, H, W) sample in evaluate mode."""
    batch_ndim = 4


class TorchBatchNorm3d(TorchBatchNorm, nn.BatchNorm3d):
    """Torch7 nn.VolumetricBatchNormalization: BatchNorm3d that also takes one (C, D, H, W) sample in evaluate
    mode."""
    batch_ndim = 5


class Threshold(nn.Module):
    """Torch7 nn.Threshold: x if x > threshold else value."""

    def __init__(self, threshold=1e-6, value=0.0):
        super().__init__()
        self.threshold = threshold
        self.value = value

    def forward(self, x):
        return torch.where(x > self.threshold, x, torch.full_like(x, self.value))


class ConcatTable(nn.Module):
    """Torch7 nn.ConcatTable: every child applied to the same input; a list of outputs."""

    def __init__(self, *mods):
        super().__init__()
        self.mods = nn.ModuleList(list(mods))

    def forward(self, x):
        return [m(x) for m in self.mods]


class Concat(nn.Module):
    """Torch7 nn.Concat: every child applied to the same input, outputs concatenated along dim."""

    def __init__(self, dim, *mods):
        super().__init__()
        self.dim = dim
        self.mods = nn.ModuleList(list(mods))

    def forward(self, x):
        return torch.cat([m(x) for m in self.mods], self.dim)


class Parallel(nn.Module):
    """Torch7 nn.Parallel: child i applied to input.select(in_dim, i), outputs concatenated
    along out_dim."""

    def __init__(self, in_dim, out_dim, *mods):
        super().__init__()
        self.in_dim = in_dim
        self.out_dim = out_dim
        self.mods = nn.ModuleList(list(mods))

    def forward(self, x):
        return torch.cat([m(x.select(self.in_dim, i)) for i, m in enumerate(self.mods)], self.out_dim)


class CAddTable(nn.Module):
    """Torch7 nn.CAddTable: the elementwise sum of a list of tensors."""

    def forward(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class BatchDim(nn.Module):
    """A Torch7 dimension argument as Torch7 resolves it per input: 0-based here, negative counts
    from the end, else shifted by one for a batch (an input of num_input_dims + 1 dims)."""

    def __init__(self, dim, num_input_dims=None):
        super().__init__()
        self.dim = dim
        self.num_input_dims = num_input_dims

    def resolve(self, ndim):
        if self.dim < 0:
            return self.dim + ndim
        if self.num_input_dims is not None and ndim == self.num_input_dims + 1:
            return self.dim + 1
        return self.dim


class JoinTable(BatchDim):
    """Torch7 nn.JoinTable: concatenate a list along dim (see BatchDim)."""

    def forward(self, xs):
        return torch.cat(list(xs), self.resolve(xs[0].dim()))


class Graph(nn.Module):
    """An nngraph gModule: nodes run in topological order. Each node is
    [module index or -1, select index or -1, [source node per input slot]]; a node with no
    module passes its input on (the single input itself, or the list of inputs)."""

    def __init__(self, nodes, in_node, out_node, n_inputs, *mods):
        super().__init__()
        self.nodes = nodes
        self.in_node = in_node
        self.out_node = out_node
        self.n_inputs = n_inputs
        self.mods = nn.ModuleList(list(mods))

    def forward(self, *inputs):
        if self.n_inputs <= 1 and len(inputs) == 1:
            inputs = [inputs[0]]
        elif len(inputs) == 1 and isinstance(inputs[0], (list, tuple)):
            inputs = list(inputs[0])
        outs = {}
        result = None
        for k, (mod, sel, srcs) in enumerate(self.nodes):
            inp = list(inputs) if k == self.in_node else [outs[s] for s in srcs]
            if sel >= 0:
                out = inp[0][sel]
            else:
                x = inp[0] if len(inp) == 1 else inp
                out = x if mod < 0 else self.mods[mod](x)
            outs[k] = out
            if k == self.out_node:
                result = out
        return result


class CMulTable(nn.Module):
    """Torch7 nn.CMulTable: the elementwise product of a list of tensors."""

    def forward(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out * x
        return out


class ParallelTable(nn.Module):
    """Torch7 nn.ParallelTable: child i applied to input[i]; a list of outputs."""

    def __init__(self, *mods):
        super().__init__()
        self.mods = nn.ModuleList(list(mods))

    def forward(self, xs):
        if len(xs) < len(self.mods):
            raise ValueError(f"ParallelTable: expected a list of at least {len(self.mods)} inputs, got {len(xs)}")
        return [m(xs[i]) for i, m in enumerate(self.mods)]


class SplitTable(BatchDim):
    """Torch7 nn.SplitTable: the slices of the input along dim (see BatchDim)."""

    def forward(self, x):
        dim = self.resolve(x.dim())
        return [x.select(dim, i) for i in range(x.shape[dim])]


class SelectTable(nn.Module):
    """Torch7 nn.SelectTable: element `index` (0-based; negative counts from the end) of a list."""

    def __init__(self, index):
        super().__init__()
        self.index = index

    def forward(self, xs):
        return xs[self.index]


class MulConstant(nn.Module):
    """Torch7 nn.MulConstant: input * constant."""

    def __init__(self, constant):
        super().__init__()
        self.constant = constant

    def forward(self, x):
        return x * self.constant


class TorchDropout(nn.Module):
    """Torch7 nn.Dropout v1 (v1=True): unscaled mask in training, output * (1 - p) in evaluation
    (v2, PyTorch's, scales by 1 / (1 - p) in training instead)."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if self.training:
            return nn.functional.dropout(x, self.p, True) * (1 - self.p)
        return x * (1 - self.p)


class TorchPReLU(nn.Module):
    """Torch7 nn.PReLU: one slope (n_planes 0) or one per plane; planes are dim 0 of 1-D and 3-D
    inputs, dim 1 of 2-D and 4-D (batch) ones."""

    def __init__(self, n_planes=0, dtype=None):
        super().__init__()
        self.n_planes = n_planes
        self.weight = nn.Parameter(torch.full((max(n_planes, 1),), 0.25, dtype=dtype))

    def forward(self, x):
        w = self.weight
        if self.n_planes > 0:
            shape = [1] * x.dim()
            shape[0 if x.dim() in (1, 3) else 1] = self.n_planes
            w = w.view(*shape)
        return torch.where(x > 0, x, x * w)


class TorchCMul(nn.Module):
    """Torch7 nn.CMul: input * weight (of `size`), the weight broadcast over a leading batch dim
    when the input holds batch-many times its elements."""

    def __init__(self, size, dtype=None):
        super().__init__()
        self.size = [int(s) for s in size]
        self.weight = nn.Parameter(torch.zeros(*self.size, dtype=dtype))

    def forward(self, x):
        if x.numel() == self.weight.numel():
            return x * self.weight.view(*x.shape)
        xb = x.contiguous().view(x.shape[0], *self.size)
        return (xb * self.weight.unsqueeze(0)).view(*x.shape)


class TorchTemporalConvolution(nn.Module):
    """Torch7 nn.TemporalConvolution: a 1-D convolution over frames of (nFrames x inputFrameSize)
    or (N x nFrames x inputFrameSize) inputs; weight kept in Torch7's layout,
    outputFrameSize x (kW * inputFrameSize) with the frame index outer."""

    def __init__(self, input_size, output_size, kw, dw=1, dtype=None):
        super().__init__()
        self.input_size, self.output_size, self.kw, self.dw = input_size, output_size, kw, dw
        self.weight = nn.Parameter(torch.zeros(output_size, kw * input_size, dtype=dtype))
        self.bias = nn.Parameter(torch.zeros(output_size, dtype=dtype))

    def forward(self, x):
        batch = x.dim() == 3
        xb = x if batch else x.unsqueeze(0)
        w = self.weight.view(self.output_size, self.kw, self.input_size).permute(0, 2, 1)
        y = nn.functional.conv1d(xb.transpose(1, 2), w.contiguous(), self.bias, stride=self.dw)
        y = y.transpose(1, 2)
        return y if batch else y.squeeze(0)


class TorchUpSamplingNearest(nn.Module):
    """Torch7 nn.SpatialUpSamplingNearest: (N x) C x H x W repeated scale times along H and W."""

    def __init__(self, scale):
        super().__init__()
        self.scale = scale

    def forward(self, x):
        xb = x if x.dim() == 4 else x.unsqueeze(0)
        y = nn.functional.interpolate(xb, scale_factor=self.scale, mode="nearest")
        return y if x.dim() == 4 else y.squeeze(0)


class TorchCrossMapLRN(nn.Module):
    """Torch7 nn.SpatialCrossMapLRN: x / (k + alpha/size * sum of x^2 over the channels
    c - (size-1)//2 .. c + (size-1)//2)^beta, for (N x) C x H x W inputs. That symmetric window
    is size wide for odd sizes (local_response_norm's) and size - 1 for even ones, hence the
    rescaled alpha."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x):
        xb = x if x.dim() == 4 else x.unsqueeze(0)
        width = 2 * ((self.size - 1) // 2) + 1
        y = nn.functional.local_response_norm(xb, width, self.alpha * width / self.size, self.beta, self.k)
        return y if x.dim() == 4 else y.squeeze(0)


class TorchTranspose(nn.Module):
    """Torch7 nn.Transpose: the (0-based) dim pairs swapped in turn, offset by the leading dims
    beyond num_input_dims."""

    def __init__(self, perms, num_input_dims=None):
        super().__init__()
        self.perms = [[int(a), int(b)] for a, b in perms]
        self.num_input_dims = num_input_dims

    def forward(self, x):
        off = x.dim() - self.num_input_dims if self.num_input_dims is not None else 0
        for a, b in self.perms:
            x = x.transpose(a + off, b + off)
        return x


class TorchNarrow(nn.Module):
    """Torch7 nn.Narrow, kept 1-based: dim (negative from the end), index (negative from the end)
    and length (negative: up to length + 1 from the end), resolved per input."""

    def __init__(self, dim, index, length=1):
        super().__init__()
        self.dim, self.index, self.length = dim, index, length

    def forward(self, x):
        dim = x.dim() + self.dim + 1 if self.dim < 0 else self.dim
        n = x.shape[dim - 1]
        length = n - self.index + self.length + 2 if self.length < 0 else self.length
        index = n + self.index + 1 if self.index < 0 else self.index
        return x.narrow(dim - 1, index - 1, length)


class TorchReplicate(nn.Module):
    """Torch7 nn.Replicate: a new dim (0-based, shifted by one when the input has more than
    num_input_dims dims) holding n copies of the input."""

    def __init__(self, n, dim=0, num_input_dims=None):
        super().__init__()
        self.n, self.dim, self.num_input_dims = n, dim, num_input_dims

    def forward(self, x):
        dim = self.dim
        if self.num_input_dims is not None and x.dim() > self.num_input_dims:
            dim += 1
        shape = list(x.shape)
        shape.insert(dim, self.n)
        return x.unsqueeze(dim).expand(*shape)


class TorchPadding(nn.Module):
    """Torch7 nn.Padding, kept 1-based: |pad| entries of value inserted along dim (plus one when
    the input does not have num_input_dims dims) before position index (pad < 0) or, counted
    from the end, after it (pad > 0)."""

    def __init__(self, dim, pad, num_input_dims=None, value=0.0, index=1):
        super().__init__()
        self.dim, self.pad, self.num_input_dims, self.value, self.index = dim, pad, num_input_dims, value, index

    def forward(self, x):
        dim = self.dim
        if self.num_input_dims is not None and x.dim() != self.num_input_dims:
            dim += 1
        d = dim - 1
        n = x.shape[d]
        index, pad = self.index, self.pad
        if pad > 0:
            index = n - index + 2
        else:
            pad = -pad
        shape = list(x.shape)
        shape[d] = pad
        fill = torch.full(shape, self.value, dtype=x.dtype)
        return torch.cat([x.narrow(d, 0, index - 1), fill, x.narrow(d, index - 1, n - index + 1)], d)


class TorchNormalize(nn.Module):
    """Torch7 nn.Normalize: each row of a 1-D or 2-D (batch) input divided by its p-norm, with eps
    inside it: (sum |x|^p + eps)^(1/p), or max|x| + eps for p = inf."""

    def __init__(self, p, eps=1e-10):
        super().__init__()
        self.p, self.eps = p, eps

    def forward(self, x):
        xb = x if x.dim() == 2 else x.view(1, -1)
        if self.p == float("inf"):
            norm = xb.abs().max(1, keepdim=True)[0] + self.eps
        else:
            norm = (xb.abs().pow(self.p).sum(1, keepdim=True) + self.eps).pow(1.0 / self.p)
        return (xb / norm).view(*x.shape)


class TorchReduce(BatchDim):
    """Torch7 nn.Sum / nn.Mean / nn.Max along dim (see BatchDim); the dim is dropped unless the
    input is 1-D (or, for Sum, squeeze is False)."""

    def __init__(self, op, dim, num_input_dims=None, squeeze=True):
        super().__init__(dim, num_input_dims)
        self.op, self.squeeze = op, squeeze

    def forward(self, x):
        dim = self.resolve(x.dim())
        if self.op == "max":
            y = x.max(dim, keepdim=True)[0]
        else:
            y = x.sum(dim, keepdim=True)
            if self.op == "mean":
                y = y / x.shape[dim]
        return y.squeeze(dim) if self.squeeze and x.dim() > 1 else y


class MarginRankingLoss(nn.Module):
    """Torch7 nn.MarginRankingCriterion: input is the pair [x1, x2]; mean (or sum) of
    max(0, -y * (x1 - x2) + margin)."""

    def __init__(self, margin=1.0, reduction="mean"):
        super().__init__()
        self.margin, self.reduction = margin, reduction

    def forward(self, input, target):
        return nn.functional.margin_ranking_loss(input[0], input[1], target, margin=self.margin,
                                                 reduction=self.reduction)


class DistKLDivLoss(nn.Module):
    """Torch7 nn.DistKLDivCriterion: sum of target * (log target - input), divided by the number
    of elements when size_average (PyTorch's reduction='mean', which it plans to redefine)."""

    def __init__(self, size_average=True):
        super().__init__()
        self.size_average = size_average

    def forward(self, input, target):
        loss = nn.functional.kl_div(input, target, reduction="sum")
        return loss / input.numel() if self.size_average else loss


class ParallelCriterion(nn.Module):
    """Torch7 nn.ParallelCriterion: sum of weight_i * criterion_i(input[i], target[i]) (the same
    target for all when repeat_target)."""

    def __init__(self, weights, repeat_target, *crits):
        super().__init__()
        self.weights, self.repeat_target = list(weights), repeat_target
        self.crits = nn.ModuleList(list(crits))

    def forward(self, input, target):
        total = 0.0
        for i, c in enumerate(self.crits):
            total = total + self.weights[i] * c(input[i], target if self.repeat_target else target[i])
        return total


class MultiCriterion(nn.Module):
    """Torch7 nn.MultiCriterion: sum of weight_i * criterion_i(input, target)."""

    def __init__(self, weights, *crits):
        super().__init__()
        self.weights = list(weights)
        self.crits = nn.ModuleList(list(crits))

    def forward(self, input, target):
        total = 0.0
        for i, c in enumerate(self.crits):
            total = total + self.weights[i] * c(input, target)
        return total


HELPER_CLASSES = (BatchDim, TorchView, TorchReshape, TorchSoftMax, TorchInstanceSoftMax, TorchFullConvolution,
                  TorchBatchNorm, TorchBatchNorm1d, TorchBatchNorm2d, TorchBatchNorm3d,
                  Threshold, ConcatTable, Concat, Parallel, CAddTable, JoinTable, Graph, CMulTable, ParallelTable,
                  SplitTable, SelectTable, MulConstant,
                  TorchDropout, TorchPReLU, TorchCMul, TorchTemporalConvolution, TorchUpSamplingNearest,
                  TorchCrossMapLRN, TorchTranspose, TorchNarrow, TorchReplicate, TorchPadding, TorchNormalize,
                  TorchReduce, MarginRankingLoss, DistKLDivLoss, ParallelCriterion, MultiCriterion)
__all__ = [c.__name__ for c in HELPER_CLASSES] + ["HELPER_CLASSES"]
