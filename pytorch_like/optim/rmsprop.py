"""RMSprop (centered, momentum, weight decay), PyTorch's single-tensor update."""
from .optimizer import _ParamwiseOptimizer, _check_hyper, _new_step
from ..tensor import zeros_like


def _init_state(p, state, group):
    state["step"] = _new_step()
    state["square_avg"] = zeros_like(p)
    if group["momentum"] > 0:
        state["momentum_buffer"] = zeros_like(p)
    if group["centered"]:
        state["grad_avg"] = zeros_like(p)


class RMSprop(_ParamwiseOptimizer):
    """RMSprop (Hinton); centered divides by the estimated variance instead of the second moment."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_hyper(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay)
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    _init_state = staticmethod(_init_state)

    def _update(self, p, grad, state, group, lr):
        alpha, momentum = group["alpha"], group["momentum"]
        square_avg = state["square_avg"]
        state["step"] += 1
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg.lerp_(grad, 1 - alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add_(group["eps"])
        if momentum > 0:
            buf = state["momentum_buffer"]
            buf.mul_(momentum).addcdiv_(grad, avg)
            p.add_(buf, alpha=-lr)
        else:
            p.addcdiv_(grad, avg, value=-lr)
