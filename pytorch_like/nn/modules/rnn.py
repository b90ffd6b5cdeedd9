"""Recurrent layers RNN, LSTM, GRU: the input projection of all steps is one THNN Linear call; each step's
recurrent projection is another, and the gate arithmetic is composed under autograd."""
import math

from ... import cat, empty, stack, zeros
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module


class RNNBase(Module):
    _gates = 1

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None, nonlinearity="tanh"):
        super().__init__()
        if proj_size:
            raise NotImplementedError(f"{type(self).__name__}: proj_size is not supported")
        if not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be a positive integer")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than or equal to 1")
        self.mode = mode
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = 0
        self.nonlinearity = nonlinearity
        dirs = 2 if bidirectional else 1
        g = self._gates * hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for d in range(dirs):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                lin = input_size if layer == 0 else hidden_size * dirs
                names = [("weight_ih" + sfx, (g, lin)), ("weight_hh" + sfx, (g, hidden_size))]
                if bias:
                    names += [("bias_ih" + sfx, (g,)), ("bias_hh" + sfx, (g,))]
                for n, shape in names:
                    setattr(self, n, Parameter(empty(shape, dtype=dtype)))
                    self._flat_weights_names.append(n)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for p in self.parameters():
            init.uniform_(p, -stdv, stdv)

    def _cell(self, gi, h, c, w_hh, b_hh):
        raise NotImplementedError

    def forward(self, input, hx=None):
        name = type(self).__name__
        lstm = self.mode == "LSTM"
        if input.dim() not in (2, 3) or input.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: expected input of shape [L, N, {self.input_size}] (or [N, L, "
                               f"{self.input_size}] with batch_first, or [L, {self.input_size}] unbatched), got "
                               f"{list(input.shape)}")
        unbatched = input.dim() == 2
        x = input.unsqueeze(1) if unbatched else (input.transpose(0, 1) if self.batch_first else input)
        L, N = x.shape[0], x.shape[1]
        dirs = 2 if self.bidirectional else 1
        H = self.hidden_size
        if hx is None:
            h0 = zeros(self.num_layers * dirs, N, H, dtype=input.dtype)
            c0 = h0 if lstm else None
        else:
            if lstm:
                h0, c0 = hx
            else:
                h0, c0 = hx, None
            if unbatched:
                h0 = h0.unsqueeze(1)
                c0 = c0.unsqueeze(1) if c0 is not None else None
            exp = [self.num_layers * dirs, N, H]
            for t, what in ((h0, "hidden"), (c0, "cell")):
                if t is not None and list(t.shape) != exp:
                    raise RuntimeError(f"{name}: expected {what} state of shape {exp}, got {list(t.shape)}")
        hn, cn = [], []
        layer_in = x
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                w_ih, w_hh = getattr(self, "weight_ih" + sfx), getattr(self, "weight_hh" + sfx)
                b_ih = getattr(self, "bias_ih" + sfx) if self.bias else None
                b_hh = getattr(self, "bias_hh" + sfx) if self.bias else None
                gi_all = F.linear(layer_in.reshape(L * N, layer_in.shape[2]), w_ih, b_ih).reshape(L, N, -1)
                k = layer * dirs + d
                h = h0[k]
                c = c0[k] if lstm else None
                seq = [None] * L
                steps = range(L - 1, -1, -1) if d else range(L)
                for t in steps:
                    h, c = self._cell(gi_all[t], h, c, w_hh, b_hh)
                    seq[t] = h
                outs.append(stack(seq) if L else zeros(0, N, H, dtype=input.dtype))
                hn.append(h)
                if lstm:
                    cn.append(c)
            layer_in = outs[0] if dirs == 1 else cat(outs, 2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_in = F.dropout(layer_in, self.dropout, True)
        out = layer_in
        h_n = stack(hn)
        c_n = stack(cn) if lstm else None
        if unbatched:
            out = out.squeeze(1)
            h_n = h_n.squeeze(1)
            c_n = c_n.squeeze(1) if lstm else None
        elif self.batch_first:
            out = out.transpose(0, 1)
        return (out, (h_n, c_n)) if lstm else (out, h_n)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu."""
    _gates = 1

    def __init__(self, *args, **kwargs):
        nl = kwargs.pop("nonlinearity", "tanh")
        if len(args) > 3:
            nl = args[3]
            args = args[:3] + args[4:]
        if nl not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nl}'. Select from 'tanh' or 'relu'.")
        super().__init__("RNN", *args, nonlinearity=nl, **kwargs)

    def _cell(self, gi, h, c, w_hh, b_hh):
        pre = gi + F.linear(h, w_hh, b_hh)
        return (F.tanh(pre) if self.nonlinearity == "tanh" else F.relu(pre)), None


class LSTM(RNNBase):
    """Long short-term memory (gates i, f, g, o as PyTorch)."""
    _gates = 4

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def _cell(self, gi, h, c, w_hh, b_hh):
        g = gi + F.linear(h, w_hh, b_hh)
        i, f, gg, o = g.chunk(4, 1)
        c2 = F.sigmoid(f) * c + F.sigmoid(i) * F.tanh(gg)
        return F.sigmoid(o) * F.tanh(c2), c2


class GRU(RNNBase):
    """Gated recurrent unit (gates r, z, n as PyTorch)."""
    _gates = 3

    def __init__(self, *args, **kwargs):
        super().__init__("GRU", *args, **kwargs)

    def _cell(self, gi, h, c, w_hh, b_hh):
        gh = F.linear(h, w_hh, b_hh)
        ir, iz, inn = gi.chunk(3, 1)
        hr, hz, hn = gh.chunk(3, 1)
        r = F.sigmoid(ir + hr)
        z = F.sigmoid(iz + hz)
        n = F.tanh(inn + r * hn)
        return n + z * (h - n), None
