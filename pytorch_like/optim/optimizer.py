"""Optimizer: the base class (param_groups, per-parameter state, state_dict in PyTorch's format)."""
import functools
import warnings
from collections import OrderedDict, defaultdict
from copy import deepcopy
from itertools import chain

from .. import dtypes as _dt
from .._grad_mode import enable_grad, no_grad
from ..tensor import Tensor, tensor as _tensor
from ..utils.hooks import RemovableHandle


class _RequiredParameter:
    """Singleton marking a hyper-parameter every param group must give."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _to_scalar(x):
    if isinstance(x, Tensor):
        if x.numel() != 1:
            raise ValueError("Tensor hyper-parameters must have one element")
        return x.item()
    return x


def _closure_loss(closure):
    """The loss closure() returns, evaluated with grad enabled (None without a closure)."""
    if closure is None:
        return None
    with enable_grad():
        return closure()


def _check_hyper(lr=None, eps=None, weight_decay=None, betas=None, momentum=None):
    """PyTorch's range checks (and messages) of the common hyper-parameters; None skips one."""
    if lr is not None and not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if eps is not None and not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    for i, b in enumerate(betas or ()):
        if not 0.0 <= b < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b}")
    if weight_decay is not None and not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")
    if momentum is not None and not 0.0 <= momentum:
        raise ValueError(f"Invalid momentum value: {momentum}")


def _check_param_update(where, p, grad, state=None):
    """Refuse a non-floating parameter, or a grad or per-parameter state tensor unlike its parameter
    (shape: ValueError, dtype: TypeError; an expanded state tensor cannot be updated in place): the
    step calls this for every parameter before it changes anything."""
    if not p.is_floating_point():
        raise TypeError(f"{where}: only floating-point parameters can be optimized, got {p.dtype}")
    checks = [("grad", grad)]
    if state and "step" in state and not isinstance(state["step"], Tensor):
        # PyTorch's message; load_state_dict converts an old plain-number step, so only direct edits get here
        raise RuntimeError(f"{where}: API has changed, `state_steps` argument must contain a list of singleton "
                           f"tensors (state 'step' is a {type(state['step']).__name__})")
    if state:
        checks += [(f"state '{k}'", v) for k, v in state.items() if k != "step" and isinstance(v, Tensor)]
    for what, t in checks:
        if not isinstance(t, Tensor):
            raise TypeError(f"{where}: {what} must be a Tensor, got {type(t).__name__}")
        if t.shape != p.shape:
            raise ValueError(f"{where}: {what} has shape {list(t.shape)} but the parameter has shape "
                             f"{list(p.shape)}")
        if t.dtype != p.dtype:
            raise TypeError(f"{where}: {what} has dtype {t.dtype} but the parameter has dtype {p.dtype}")
        if what != "grad" and any(st == 0 and n > 1 for st, n in zip(t.stride(), t.shape)):
            raise ValueError(f"{where}: {what} is updated in place and must not be an expanded (stride 0) tensor")


def _new_step():
    """The 'step' state entry: a float32 0-dim tensor, as PyTorch stores it."""
    return _tensor(0.0, dtype=_dt.float32)


def _optimizer_step(step):
    """Wrap a step(): run it without recording autograd, between the registered step hooks."""

    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        for hook in chain(_global_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            res = hook(self, args, kwargs)
            if res is not None:
                if not (isinstance(res, tuple) and len(res) == 2):
                    raise RuntimeError(f"{hook} must return None or a tuple of (new_args, new_kwargs), "
                                       f"but got {res}.")
                args, kwargs = res
        self._opt_called = True
        with no_grad():
            out = step(self, *args, **kwargs)
        for hook in chain(self._optimizer_step_post_hooks.values(), _global_post_hooks.values()):
            hook(self, args, kwargs)
        return out

    return wrapper


_global_pre_hooks = OrderedDict()
_global_post_hooks = OrderedDict()


def register_optimizer_step_pre_hook(hook):
    """hook(optimizer, args, kwargs) before every optimizer's step."""
    handle = RemovableHandle(_global_pre_hooks)
    _global_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook):
    """hook(optimizer, args, kwargs) after every optimizer's step."""
    handle = RemovableHandle(_global_post_hooks)
    _global_post_hooks[handle.id] = hook
    return handle


class Optimizer:
    """Base class of the optimizers: param_groups (dicts with 'params' and hyper-parameters) and state."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + params.type())
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
                     "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group):
        """Add a group of parameters (with its own hyper-parameters; missing ones come from defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)
        tensors, names = [], []
        for p in param_group["params"]:
            if isinstance(p, tuple):
                names.append(p[0])
                tensors.append(p[1])
            else:
                tensors.append(p)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + f"{type(p).__module__}.{type(p).__qualname__}")
            if not self.defaults.get("differentiable", None) and getattr(p, "grad_fn", None) is not None \
                    and not getattr(p, "retains_grad", False):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        ids = [id(p) for p in tensors]
        if len(ids) != len(set(ids)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {txt} to the optimizer")
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of every optimized tensor (to None, or to zeros)."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if getattr(g, "grad_fn", None) is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    g.zero_()

    def step(self, closure=None):
        """One optimisation step (subclasses implement it)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ hooks
    def _register(self, hooks, hook, prepend=False):
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_step_pre_hook(self, hook):
        """hook(optimizer, args, kwargs) -> None or (args, kwargs), before each step."""
        return self._register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """hook(optimizer, args, kwargs), after each step."""
        return self._register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """hook(optimizer) before state_dict()."""
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """hook(optimizer, state_dict) -> None or a new state_dict, after state_dict()."""
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """hook(optimizer, state_dict) -> None or a new state_dict, before load_state_dict()."""
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """hook(optimizer), after load_state_dict()."""
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ------------------------------------------------------------------ state_dict
    def state_dict(self):
        """{'state': {param index: state dict}, 'param_groups': [group with 'params' as index lists]}."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        mapping = {}
        start = 0

        def pack(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            mapping.update({id(p): i for i, p in enumerate(group["params"], start) if id(p) not in mapping})
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        groups = [pack(g) for g in self.param_groups]
        state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        sd = {"state": state, "param_groups": groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            res = hook(self, sd)
            if res is not None:
                sd = res
        return sd

    @staticmethod
    def _cast_value(param, value, key=None):
        if key == "step":
            return value
        if param.is_floating_point() and value.is_floating_point():
            return value.to(param.dtype)
        return value

    def load_state_dict(self, state_dict):
        """Load a state_dict() (state tensors are copied and cast to their parameter's float dtype)."""
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            res = hook(self, state_dict)
            if res is not None:
                state_dict = res
        for k in ("state", "param_groups"):
            if k not in state_dict:
                raise KeyError(f"optimizer state_dict is missing the '{k}' entry")
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, key=None):
            if isinstance(value, Tensor):
                return self._cast_value(param, value, key).clone()
            if isinstance(value, dict):
                return {k: cast(param, v, key=k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v) for v in value)
            return deepcopy(value)

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = cast(id_map[k], v)
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        self.__setstate__({"state": state, "param_groups": [update_group(g, ng) for g, ng in zip(groups,
                                                                                                  saved_groups)]})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)


class _ParamwiseOptimizer(Optimizer):
    """An optimizer whose step updates each parameter on its own (all but LBFGS). Subclasses give
    _update(param, grad, state, group, lr); optionally _init_state(param, state, group) to fill
    an empty state, _stateful(group) and _coupled_weight_decay(group)."""

    _init_state = None

    def __setstate__(self, state):
        super().__setstate__(state)
        # a state_dict from an older PyTorch stores 'step' as a plain number: make it the float32
        # 0-dim tensor the updates increment in place, as PyTorch's optimizers do on load
        for p_state in self.state.values():
            step = p_state.get("step") if isinstance(p_state, dict) else None
            if step is not None and not isinstance(step, Tensor):
                p_state["step"] = _tensor(float(step), dtype=_dt.float32)

    def _stateful(self, group):
        return True

    def _coupled_weight_decay(self, group):
        return group.get("weight_decay", 0)

    @_optimizer_step
    def step(self, closure=None):
        """One step on every parameter with a grad; returns closure() when given."""
        loss = _closure_loss(closure)
        states, init_state = self.state, self._init_state
        for group, lr, params in self._checked_work():
            maximize = group.get("maximize", False)
            wd = self._coupled_weight_decay(group)
            stateful = self._stateful(group)
            for p in params:
                grad = p.grad
                state = None
                if stateful:
                    state = states[p]
                    if init_state is not None and not state:
                        init_state(p, state, group)
                if maximize:
                    grad = -grad
                if wd != 0:
                    grad = grad.add(p, alpha=wd)
                self._update(p, grad, state, group, lr)
        return loss

    def _checked_work(self):
        """[(group, lr, params with a grad)] for the whole step, every grad and state checked first
        so that bad input raises before any parameter or state changes."""
        work = []
        for gi, group in enumerate(self.param_groups):
            lr = _to_scalar(group["lr"])
            if not isinstance(lr, (int, float)) or isinstance(lr, bool):
                raise TypeError(f"{type(self).__name__}.step(): param group {gi}: lr must be a number, "
                                f"got {type(lr).__name__}")
            params = []
            for pi, p in enumerate(group["params"]):
                if p.grad is None:
                    continue
                _check_param_update(f"{type(self).__name__}.step(): parameter {pi} of param group {gi}", p, p.grad,
                                    self.state[p] if p in self.state else None)
                params.append(p)
            work.append((group, lr, params))
        return work

    def _update(self, p, grad, state, group, lr):
        raise NotImplementedError
