"""Adagrad (lr_decay, initial_accumulator_value, weight decay), PyTorch's single-tensor update."""
from .optimizer import _ParamwiseOptimizer, _check_hyper, _new_step
from ..tensor import full_like


class Adagrad(_ParamwiseOptimizer):
    """Adagrad (Duchi et al.): per-element learning rates from the accumulated squared gradients."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_hyper(lr=lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        _check_hyper(weight_decay=weight_decay)
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        _check_hyper(eps=eps)
        if fused:
            raise RuntimeError("Adagrad: fused=True is not supported by pytorch_like (CPU single-tensor updates only)")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        # PyTorch creates the state eagerly, at construction
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, self.state[p], group)

    def _init_state(self, p, state, group):
        state["step"] = _new_step()
        state["sum"] = full_like(p, self.defaults["initial_accumulator_value"])

    def _update(self, p, grad, state, group, lr):
        step_t, state_sum = state["step"], state["sum"]
        step_t += 1
        clr = lr / (1 + (step_t.item() - 1) * group["lr_decay"])
        state_sum.addcmul_(grad, grad, value=1)
        std = state_sum.sqrt().add_(group["eps"])
        p.addcdiv_(grad, std, value=-clr)
