"""Adam and AdamW (amsgrad, maximize, coupled or decoupled weight decay), PyTorch's single-tensor
update, done per parameter by one fused C pass (THTensor_adamUpdate)."""
from .. import dtypes as _dt
from .._lib import check, ffi, lib
from .optimizer import _ParamwiseOptimizer, _check_hyper, _new_step, _to_scalar
from ..tensor import zeros_like


def _init_state(p, state, group):
    state["step"] = _new_step()
    state["exp_avg"] = zeros_like(p)
    state["exp_avg_sq"] = zeros_like(p)
    if group["amsgrad"]:
        state["max_exp_avg_sq"] = zeros_like(p)


def _adam_update(p, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, beta1, beta2, step_size, bc2_sqrt, eps):
    if p.dtype is _dt.float16:     # a storage-only dtype: update float32 copies, then store them back
        ts = [t if t is None else t.float() for t in (p, grad, exp_avg, exp_avg_sq, max_exp_avg_sq)]
        _adam_update(*ts, beta1, beta2, step_size, bc2_sqrt, eps)
        for dst, src in zip((p, exp_avg, exp_avg_sq, max_exp_avg_sq), (ts[0],) + tuple(ts[2:])):
            if dst is not None:
                dst.copy_(src)
        return
    check(lib.THTensor_adamUpdate(p._t, grad._t, exp_avg._t, exp_avg_sq._t,
                                  ffi.NULL if max_exp_avg_sq is None else max_exp_avg_sq._t,
                                  beta1, beta2, step_size, bc2_sqrt, eps))


class Adam(_ParamwiseOptimizer):
    """Adam (Kingma & Ba); decoupled_weight_decay=True gives AdamW."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        _check_hyper(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        if fused or capturable:
            raise RuntimeError(f"{type(self).__name__}: fused/capturable are not supported by pytorch_like "
                               "(CPU single-tensor updates only)")
        betas = tuple(_to_scalar(b) for b in betas)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    _init_state = staticmethod(_init_state)

    def _coupled_weight_decay(self, group):
        return 0 if group.get("decoupled_weight_decay", False) else group["weight_decay"]

    def _update(self, p, grad, state, group, lr):
        beta1, beta2 = group["betas"]
        step_t = state["step"]
        step_t += 1
        if group.get("decoupled_weight_decay", False) and group["weight_decay"] != 0:
            p.mul_(1 - lr * group["weight_decay"])
        step = step_t.item()
        _adam_update(p, grad, state["exp_avg"], state["exp_avg_sq"],
                     state["max_exp_avg_sq"] if group["amsgrad"] else None, beta1, beta2,
                     lr / (1 - beta1 ** step), (1 - beta2 ** step) ** 0.5, group["eps"])


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter); weight_decay defaults to 1e-2."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
