"""Running modules over abstract tensors, and recording the trace the reports read.

A call of a torch layer is one engine step (``propagate._step``: the same
checks and counts as a Sequential chain); a call of a user module or a
container is a container step whose children are the calls its ``forward``
makes. Errors of tensor operations (``+``, ``torch.cat``, ``@``) are steps
at the line of the operation.
"""

from __future__ import annotations

import ast
import os

from cnnlint import rules
from cnnlint.interpret import data_pipeline, losses, method_entry, producers
from cnnlint.interpret.multi import multi_output, with_indices
from cnnlint.interpret.root_cause import repeated
from cnnlint.interpret.values import UNKNOWN, BoundMethod, FuncVal, ModuleObj, TensorVal, TorchLayer
from cnnlint.records import dataclass, field
from cnnlint.shapes.dims import UNKNOWN as UNKNOWN_DIM
from cnnlint.shapes.dims import Shape, is_known
from cnnlint.shapes.propagate import Step, _add, _step
from cnnlint.shapes.spec import Finding, Layer, ShapeError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_MODULE_DEPTH = 150


@dataclass
class Recording:
    """One model's forward: its steps, and what SPEC §2 needs to judge ranks."""

    steps: list[Step] = field(default_factory=list)
    depth: int = 0
    input_rank: int | None = None
    batch: Any = None  # the input's dim 0 (an int or a symbol): the batch when ``batched``
    batched: bool | None = None
    rank_decided: bool = False
    scratch: bool = False  # a forward run while building (``self.features(torch.zeros(...))``): findings dropped
    active: list[int] = field(default_factory=list)  # ids of modules being called (recursion guard)
    own_calls: list[int] = field(default_factory=list)  # ids of modules whose class's own ``__call__`` runs
    stops: int = 0
    reported: set[tuple[str, str, str]] = field(default_factory=set)  # errors by cause (``root_cause.py``)
    training: bool = True  # False: the code ran the model after ``.eval()``; training-only errors do not apply
    # The code raised for certain (``raise``, a failing ``assert``): Python runs nothing after it, so what the
    # interpreter still follows (a called function's raise returns unknown to its caller) finds nothing.
    raised: bool = False
    # A scratch run (the script's own call of a model) met an error torch raises, wherever a loop of unknown
    # length around the call runs at all: the script stops in that call (``Forward._raises_surely``).
    surely_raises: bool = False


class Forward:
    def __init__(self, session: Any) -> None:
        self.session = session
        self.recording: Recording | None = None
        self.entry: tuple[int, FuncVal] | None = None  # (id(model), the method a run enters it by)

    # ---- entry ------------------------------------------------------------------------

    def run(
        self,
        interp: Any,
        model: Any,
        inputs: list[Any],
        scratch: bool = False,
        training: bool = True,
        entry: FuncVal | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> tuple[Recording, Any]:
        """``entry``: a method of ``model`` the run calls in place of its forward (``method_entry``)."""
        previous, previous_entry = self.recording, self.entry
        rec = Recording(scratch=scratch, training=training)
        first = inputs[0] if inputs else None
        if entry is not None:  # the method's tensor may come after other arguments
            first = next((a for a in inputs if isinstance(a, TensorVal)), None)
        if isinstance(first, TensorVal):
            rec.input_rank = first.shape.rank
            rec.batch = first.shape.dims[0] if first.shape.rank else None
        self.recording = rec
        self.entry = (id(model), entry) if entry is not None else None
        try:
            out = self.call_module(interp, model, inputs, kwargs or {}, None)
        finally:
            self.recording, self.entry = previous, previous_entry
        return rec, out

    # ---- calls ------------------------------------------------------------------------

    def _raises_surely(self, interp: Any, rec: Recording) -> bool:
        """The script's own call of a model met an error torch raises, and the script surely makes the call."""
        if interp.module is not self.session.main or not interp.in_loops_only:
            return False
        return rec.surely_raises or any(
            rules.severity(f.code) == "error" and not f.train_only for step in rec.steps for f in step.findings
        )

    def call_module(
        self, interp: Any, mod: Any, args: list[Any], kwargs: dict[str, Any], node: Any, container_only: bool = False
    ) -> Any:
        if isinstance(mod, TorchLayer) and mod.type_name in losses.LOSSES:  # ``criterion(model(x), y)``
            return losses.call(self.session, interp, mod.type_name, args, {**_reduction(mod), **kwargs}, node)
        if self.recording is None:
            if args and isinstance(args[0], TensorVal):
                self.session.observe_input(mod, args[0], node, args[1:], kwargs)
            elif interp.module is self.session.main:
                method_entry.observe_call(self.session, interp, mod, args, kwargs, node)
            rec, out = self.run(interp, mod, args, scratch=True, kwargs=kwargs)
            if self._raises_surely(interp, rec):
                self.session.script_raised = True  # torch raises in this call: the script's own errors after it
            return out  # are never met (its output stays what it is, so nothing read from it becomes unknown)
        rec = self.recording
        if isinstance(mod, TorchLayer):
            return self._layer(interp, mod, args, kwargs, node)
        if not isinstance(mod, ModuleObj):
            return UNKNOWN
        if rec.own_calls and rec.own_calls[-1] == id(mod) and not container_only:
            # ``super().__call__(x)`` inside the class's own ``__call__``: nn.Module's, which runs forward
            rec.own_calls.pop()
            try:
                return self._module_forward(interp, mod, args, kwargs, node, False, own_call=False)
            finally:
                rec.own_calls.append(id(mod))
        if id(mod) in rec.active and not container_only or rec.depth >= MAX_MODULE_DEPTH:
            self._stop(interp, node, mod, "a module that calls itself (or nesting too deep) cannot be followed")
            return _unknown_tensor()
        x = args[0] if args else None
        in_shape = x.shape if isinstance(x, TensorVal) else Shape.unknown()
        step = Step(
            Layer(None, children=[], origin=self.session.module_call(interp, mod, node)), rec.depth, in_shape, in_shape
        )
        if not container_only:
            rec.steps.append(step)
        first = len(rec.steps)
        rec.depth += 1
        rec.active.append(id(mod))
        try:
            out = self._module_forward(interp, mod, args, kwargs, node, container_only)
        finally:
            rec.depth -= 1
            rec.active.pop()
        if container_only:
            return out
        step.out_shape = out.shape if isinstance(out, TensorVal) else (Shape.unknown())
        for child in rec.steps[first:]:
            if child.depth == step.depth + 1:
                step.params = _add(step.params, child.params)
                step.macs = _add(step.macs, child.macs)
        return out

    def _module_forward(
        self,
        interp: Any,
        mod: ModuleObj,
        args: list[Any],
        kwargs: dict[str, Any],
        node: Any,
        container_only: bool,
        own_call: bool = True,
    ) -> Any:
        if getattr(mod, "unread_base", False):  # ``__call__`` may come from the base cnnlint cannot read
            self._stop(interp, node, mod, f"{mod.type_name} derives from a class cnnlint cannot read")
            return _unknown_tensor()
        if self.entry is not None and self.entry[0] == id(mod) and not container_only:
            method = self.entry[1]
            self.entry = None  # the outermost call only
            active = self.recording.active  # type: ignore[union-attr]
            active.remove(id(mod))  # ``self(x)`` inside the method runs the model's own forward
            try:
                return interp.call_function(method, [mod, *args], kwargs, node)
            finally:
                active.append(id(mod))
        call = interp.resolve(mod.cls.lookup("__call__")[0]) if mod.cls is not None else None
        if own_call and not container_only and isinstance(call, FuncVal):
            # ``def __call__(self, x)`` in place of forward (TResNet's init block): Python calls the class's own
            self.recording.own_calls.append(id(mod))  # type: ignore[union-attr]
            try:
                return interp.call_function(call, [mod, *args], kwargs, node)
            finally:
                self.recording.own_calls.pop()  # type: ignore[union-attr]
        if not container_only and mod.cls is not None and "forward" in mod.attrs:
            # ``self.forward = self.forward_slicing``: the instance attribute is what ``__call__`` runs
            own = mod.attrs["forward"]
            if isinstance(own, (BoundMethod, FuncVal)):
                return interp.call(own, list(args), kwargs, node, None)
            self._stop(interp, node, mod, f"the forward {mod.type_name} sets on itself could not be resolved")
            return _unknown_tensor()
        if not container_only and mod.cls is not None:
            forward, _owner = mod.cls.lookup("forward")
            forward = interp.resolve(forward)
            if isinstance(forward, FuncVal) and mod.uncertain:
                # ``setattr(model, name, layer)`` with a name not known: any of its layers may be another
                self._stop(
                    interp,
                    node,
                    mod,
                    f"the layers of {mod.type_name} are not certain: one was set "
                    "under a name cnnlint could not work out",
                )
                return _unknown_tensor()
            if isinstance(forward, FuncVal):
                return interp.call_function(forward, [mod, *args], kwargs, node)
        base_layer = getattr(mod, "base_layer", None)
        if base_layer is not None:  # (``super().forward(x)`` in a torch layer's subclass: the layer's own)
            return self.call_module(interp, base_layer, args, kwargs, node)
        if mod.uncertain:
            self._stop(interp, node, mod, f"the children of {mod.type_name} could not all be resolved")
            return _unknown_tensor()
        kind = mod.kind if mod.cls is None else mod.cls.torch_base()
        if kind in ("DataParallel", "DistributedDataParallel") and mod.cls is None:
            return self.call_module(interp, mod.attrs.get("module", UNKNOWN), args, kwargs, node)  # runs the model
        if kind == "Sequential":
            x = args[0] if args else UNKNOWN
            for key, child in zip(mod.keys, mod.items):
                if isinstance(child, data_pipeline.Transform):  # an augmentation pipeline: torchvision's transforms
                    x = data_pipeline.transformed(child, [x], {})
                    if isinstance(x, TensorVal):
                        continue
                if not isinstance(child, (ModuleObj, TorchLayer)):
                    # Followed on with an unknown tensor: later layers that fix their own dims are still checked.
                    self._stop(
                        interp,
                        node,
                        mod,
                        f"shape following stops here: child {key!r} of {mod.type_name} could not be resolved",
                    )
                    x = _unknown_tensor()
                    continue
                x = self.call_module(interp, child, [x], {}, node)
            return x
        if mod.cls is not None and mod.cls.has_unknown_base:
            self._stop(interp, node, mod, f"{mod.type_name} derives from a class cnnlint cannot read")
        else:
            self._stop(interp, node, mod, f"{mod.type_name} has no forward cnnlint can follow")
        return _unknown_tensor()

    def _layer(self, interp: Any, layer: TorchLayer, args: list[Any], kwargs: dict[str, Any], node: Any) -> Any:
        built = getattr(layer, "built", None)
        if layer.spec is None or built is None:
            reason = f"shape following stops here: {layer.note or layer.type_name}"
            self._stop(interp, node, layer, reason, in_shape=_sole_input(interp, layer, args, kwargs))
            return _unknown_tensor()
        special = multi_output(self, interp, layer, args, kwargs, node)
        if special is not NotImplemented:
            return special
        x = args[0] if args else kwargs.get("input", UNKNOWN)
        if not isinstance(x, TensorVal):
            x = _unknown_tensor()
        layer.last_in = x.shape  # type: ignore[attr-defined]
        rec = self.recording
        first = len(rec.steps) if rec is not None else 0
        out = self.run_layer(interp, built, x, node, maybe=getattr(layer, "maybe", False))
        if rec is not None and not interp.forking:
            producers.point_at_producer(layer, x, rec.steps, first)
        producers.record(layer, x, out)
        return with_indices(layer.args, out)

    def run_layer(self, interp: Any, layer: Layer, x: TensorVal, node: Any, maybe: bool = False) -> TensorVal:
        """One engine step. ``maybe``: the layer was built where it may never have been (an unknown
        branch, a ``try`` whose ``except`` catches torch's error): nothing about it is certain."""
        rec = self.recording
        if rec is None:
            rec = Recording(scratch=True)
        spec = layer.spec
        if not rec.rank_decided and spec is not None and spec.ranks:
            rec.rank_decided = True
            if rec.input_rank is not None:
                rec.batched = rec.input_rank == spec.batched_rank
        steps: list[Step] = []
        out = _step(layer, x.shape, rec.depth, rec.batched, steps)
        tainted = x.tainted
        quiet = interp.forking or x.tainted or maybe or rec.raised
        for s in steps:
            if not rec.training and any(f.train_only for f in s.findings):
                s.findings = [f for f in s.findings if not f.train_only]
            errors = [f for f in s.findings if f.code not in ("CNL100", "CNL003")]
            certain = rec.scratch and interp.in_loops_only and not (x.tainted or maybe or rec.raised)
            if certain and any(rules.severity(f.code) == "error" and not f.train_only for f in errors):
                rec.surely_raises = True
            if errors and not quiet:
                again = repeated(rec.reported, layer, errors, self.session.main.lines)
                if again:  # not reported twice; the output is what it would be had it been
                    s.findings = [f for f in s.findings if f not in again]
            if quiet:  # a branch that may not run, after an error, or after the code raised
                if errors and interp.forking and not (x.tainted or maybe or rec.raised):
                    s.pending = errors  # type: ignore[attr-defined]  # certain if every branch meets them
                kept = () if interp.forking or rec.raised else ("CNL100", "CNL003")
                s.findings = [f for f in s.findings if f.code in kept]
            elif any(f.passes_input for f in errors):
                tainted = True  # the output is the input passed on, not fixed by the layer's arguments
            elif s.stopped and not rec.scratch and any(rules.severity(f.code) == "error" for f in errors):
                rec.raised = True  # no output fixed by its arguments: the rest is unknown and silent (SPEC §3)
            s.call_span = self.session.span_of(interp, node)  # type: ignore[attr-defined]
            if s.stopped:
                rec.stops += 1
        rec.steps.extend(steps)
        return TensorVal(out, tainted=tainted)

    def promote(self, rec: Recording, start: int) -> None:
        """After a fork at the certain level: the errors both branches met at the same steps (``pending``,
        kept by ``join_steps`` only where the branches agree) are certain, whichever branch runs
        (DCGAN's ``if input.is_cuda and self.ngpu > 1: ... else: output = self.main(input)``)."""
        for s in rec.steps[start:]:
            pending = s.__dict__.pop("pending", None)
            if not pending or rec.raised:
                continue
            errors = [f for f in pending if not f.passes_input]  # (its output is not marked as passed on)
            again = repeated(rec.reported, s.layer, errors, self.session.main.lines)
            s.findings.extend(f for f in errors if f not in again)

    # ---- what cannot be followed ----------------------------------------------------------

    def unknown_callee(self, interp: Any, func: Any, args: list[Any], node: Any) -> Any:
        if func is not UNKNOWN or not isinstance(node, ast.Call):
            return UNKNOWN
        text = self.session.text_of(interp, node.func)
        if self.recording is not None and not self.recording.scratch and any(isinstance(a, TensorVal) for a in args):
            self._stop(interp, node, None, f"shape following stops here: {text} could not be resolved")
            return _unknown_tensor()
        name = text.rsplit(".", 1)[-1]
        if name[:1].isupper() and name.isidentifier() and not any(isinstance(a, TensorVal) for a in args):
            # An unknown class (``SqueezeExcite(32)``): a module whose shapes are unknown, located where it is built.
            origin = self.session.origin(node, interp)
            return TorchLayer(None, {}, origin, name, note=f"unknown layer {name}")
        return UNKNOWN

    def stop(self, interp: Any, node: Any, reason: str) -> None:
        """Following stops at ``node`` (not in a scratch run, which records nothing)."""
        if self.recording is not None and not self.recording.scratch and not self.recording.raised:
            self._stop(interp, node, None, reason)

    def rejects(self, interp: Any, node: Any, what: str, message: Any) -> None:
        """The code raises for certain at this input (``raise``, a failing ``assert`` or ``torch._assert``):
        Python runs nothing after it. A CNL100 here; CNL014 where the input was given (``following.py``)."""
        rec = self.recording
        if rec is None or rec.scratch or interp.forking:
            return
        if not rec.raised:
            said = f"{what}: {message}" if isinstance(message, str) and message.strip() else what
            self._stop(interp, node, None, f"shape following stops here: {what}", rejects=said)
        rec.raised = True

    def _stop(
        self, interp: Any, node: Any, obj: Any, reason: str, in_shape: Shape | None = None, rejects: str | None = None
    ) -> None:
        rec = self.recording
        if rec is None:
            return
        rec.stops += 1
        origin = self.session.stop_call(interp, node, obj)
        place = _imported_place(self.session, interp, node)
        reason += place
        step = Step(Layer(None, origin=origin, note=reason), rec.depth, in_shape or Shape.unknown(), Shape.unknown())
        step.rejects = rejects + place if rejects is not None else None  # type: ignore[attr-defined]
        step.findings.append(Finding("CNL100", reason))
        step.stopped = True
        step.params = step.macs = UNKNOWN_DIM
        rec.steps.append(step)

    def op_error(self, interp: Any, err: ShapeError, node: Any, name: str) -> None:
        rec = self.recording
        if rec is None:
            self.session.script_error(interp, err.finding, node)  # the script's own ``torch.cat([x, out])``
            return
        if rec.scratch and interp.in_loops_only and rules.severity(err.finding.code) == "error":
            rec.surely_raises = True
        if rec.raised or (interp.forking and rec.scratch):
            return
        origin = self.session.op_call(interp, node, None, name)
        step = Step(Layer(None, origin=origin, note=name), rec.depth, Shape.unknown(), Shape.unknown())
        if interp.forking:  # a branch that may not run: certain only if every branch meets it (``promote``)
            step.params = step.macs = 0
            step.hidden = step.op_error = True  # type: ignore[attr-defined]
            step.pending = [err.finding]  # type: ignore[attr-defined]
            rec.steps.append(step)
            return
        step.findings.append(err.finding)
        step.stopped = True
        step.params = 0
        step.macs = UNKNOWN_DIM
        rec.stops += 1
        rec.steps.append(step)
        if not rec.scratch and rules.severity(err.finding.code) == "error":
            rec.raised = True  # torch raises here: the rest of the model is unknown and silent (SPEC §3)

    def note(self, interp: Any, finding: Finding, node: Any, name: str) -> None:
        """A warning at an operation that does not stop following (a discarded ``x.view(...)``)."""
        rec = self.recording
        if rec is None or rec.scratch or interp.forking or rec.raised:
            return
        origin = self.session.op_call(interp, node, None, name)
        step = Step(Layer(None, origin=origin, note=name), rec.depth, Shape.unknown(), Shape.unknown())
        step.findings.append(finding)
        step.params = step.macs = 0
        step.hidden = True  # type: ignore[attr-defined]
        rec.steps.append(step)

    def record_matmul(self, interp: Any, a: Shape, b: Shape, out: Shape, node: Any, macs: Any = None) -> None:
        """``@``/``matmul`` count MACs: output elements x the inner dimension (`macs` when given: einsum)."""

        rec = self.recording
        if rec is None or a.min_rank == 0:
            return
        inner = a.dims[-1]
        n = out.numel()
        if macs is not None:
            pass
        elif not (is_known(inner) and is_known(n)):
            macs = UNKNOWN_DIM
        else:
            macs = n * inner
        origin = self.session.op_call(interp, node, None, "matmul")
        step = Step(Layer(None, origin=origin, note="matmul"), rec.depth, a, out, params=0, macs=macs)
        step.op = True  # type: ignore[attr-defined]
        rec.steps.append(step)


def _unknown_tensor() -> TensorVal:
    return TensorVal(Shape.unknown())


def _sole_input(interp: Any, layer: Any, args: list[Any], kwargs: dict[str, Any]) -> Shape | None:
    """The input of a layer cnnlint does not follow, where ``layer(x)`` is certainly what torch runs: one
    positional tensor, nothing else, not after an error nor in a branch that may not run. ``--runtime``
    feeds torch exactly this, so torch raising there is a fact about the model (CNL007)."""
    if len(args) != 1 or kwargs or interp.forking or getattr(layer, "maybe", False):
        return None
    x = args[0]
    return x.shape if isinstance(x, TensorVal) and not x.tainted else None


def _imported_place(session: Any, interp: Any, node: Any) -> str:
    """`` (in vit_pytorch.cait, line 120)``: where in an imported file following stopped (the finding itself is
    at the checked file's line that led there)."""
    module = interp.module
    if module is None or module is session.main or getattr(node, "lineno", None) is None:
        return ""
    name = module.dotted or os.path.basename(module.path)
    return f" (in {name}, line {node.lineno})"


def _reduction(loss: TorchLayer) -> dict[str, Any]:
    """A loss module's ``reduction`` (its value, ``mean`` unless given: what the call returns depends on it)."""
    reduction = loss.args.get("reduction", "mean")
    return {"reduction": reduction if isinstance(reduction, str) else None}
