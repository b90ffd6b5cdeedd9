"""Adamax (Adam with the infinity norm), PyTorch's single-tensor update."""
from .. import _ops
from .optimizer import _ParamwiseOptimizer, _check_hyper, _new_step
from ..tensor import zeros_like

_maximum = _ops.pointwise.maximum


def _init_state(p, state, group):
    state["step"] = _new_step()
    state["exp_avg"] = zeros_like(p)
    state["exp_inf"] = zeros_like(p)


class Adamax(_ParamwiseOptimizer):
    """Adamax: exp_inf = max(beta2 * exp_inf, |g| + eps)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check_hyper(lr=lr, eps=eps, betas=betas, weight_decay=weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    _init_state = staticmethod(_init_state)

    def _update(self, p, grad, state, group, lr):
        beta1, beta2 = group["betas"]
        exp_avg, exp_inf, step_t = state["exp_avg"], state["exp_inf"], state["step"]
        step_t += 1
        exp_avg.lerp_(grad, 1 - beta1)
        _maximum(exp_inf.mul_(beta2), grad.abs().add_(group["eps"]), out=exp_inf)
        p.addcdiv_(exp_avg, exp_inf, value=-lr / (1 - beta1 ** step_t.item()))
