"""Step 4 of ``cnnlint.interpret.models``: each model's ``forward`` run over its input.

What it gives the reports: the trace (a step per layer and op), the output
shape (or the tree of several outputs), the parameter count as parts at the
rows that build them, MACs per sample when a report shows them, the accepted
input sizes of a model nobody gave one (``inputsearch``), and the argument
checks (CNL005) of every layer built, reached or not.
"""

from __future__ import annotations

from cnnlint import rules
from cnnlint.interpret import inputsearch, limits, losses
from cnnlint.interpret.candidates import Candidate
from cnnlint.interpret.first_call import restore_attributes
from cnnlint.interpret.functional import param_shape
from cnnlint.interpret.models import Interpreted, submodules
from cnnlint.interpret.outputs import output_tree
from cnnlint.interpret.session import Session
from cnnlint.interpret.values import MISSING, UNKNOWN, FuncVal, ModuleObj, TensorVal, TorchLayer
from cnnlint.model import InputDecl, Span
from cnnlint.shapes.dims import UNKNOWN as UNKNOWN_DIM
from cnnlint.shapes.dims import Shape
from cnnlint.shapes.propagate import Step, Trace
from cnnlint.shapes.spec import Finding

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def follow(found: Interpreted) -> None:
    """Step 4: run each model's forward over its input."""
    session = found.session
    assert session is not None
    found.construction = _construction_findings(session)
    for c in found.candidates:
        if c.node is not None:  # what happens in imported code is reported at the model's own statement
            session.anchors.append(c.node)
        try:
            _follow_one(found, c)
        finally:
            if c.node is not None:
                session.anchors.pop()
    inputsearch.drop_repeated(found)
    found.dependencies = sorted(session.dependencies)


def _follow_one(found: Interpreted, c: Candidate) -> None:
    session = found.session
    dims = c.model.input.dims if c.model.input is not None else None
    x = TensorVal(Shape(*dims)) if dims is not None else TensorVal(Shape.unknown())
    inferred = c.model.input is not None and c.model.input.source == "inferred"
    fed = c.more_inputs if inferred else None
    in_eval = inferred and c.in_eval
    inputs: list[Any] = [x, *(fed if fed is not None else _extra_inputs(c.obj))]
    entry = c.entry if inferred else None
    kwargs: dict[str, Any] = dict(c.more_named or {}) if inferred else {}
    if entry is not None:  # the code runs the model only through another method (``method_entry``)
        inputs, kwargs = entry.inputs(x)
    saved = session.before_first_call.get(id(c.obj)) if inferred else None
    if saved is not None:  # the script's calls changed its state (``out, self.hidden = self.lstm(...)``)
        restore_attributes(saved)
    session.work = 0
    cannot = _cannot_build(session, c.obj)
    try:
        if cannot is not None:
            raise _Unbuilt(cannot)
        method = entry.func if entry is not None else None
        rec, out = session.forward.run(session.interp, c.obj, inputs, training=not in_eval, entry=method, kwargs=kwargs)
        steps = rec.steps
    except limits.BudgetExceeded as exc:
        steps = [_stop_step(c.model.span, f"shape following stops: {exc.what}")]
        out = UNKNOWN
    except RecursionError:
        steps = [_stop_step(c.model.span, "shape following stops: the model is nested too deeply to follow")]
        out = UNKNOWN
    except _Unbuilt as exc:
        steps, out = [_stop_step(c.model.span, str(exc))], UNKNOWN
    steps = _unwrap_root(steps, c.obj)
    if dims is not None:
        _rejected_input(steps)
    if dims is not None and all(isinstance(d, (int, str)) for d in dims):
        _say_where_dims_were_lost(steps)
    inside = submodules(c.obj)
    failed = any(getattr(sub, "failed", False) for sub in inside)
    if failed:
        # torch never gets to forward: building the model raised (reported where it raised)
        for s in steps:
            s.findings = [f for f in s.findings if f.code == "CNL100"]
    elif c.borrowed:
        # the input was fed to a model built with other arguments: what fails here may not fail there
        for s in steps:
            s.findings = [f if f.code == "CNL100" else _borrowed_note(f) for f in s.findings if f.code != "CNL003"]
    elif c.later_feeds:
        _later_feeds(found, c, steps)
    output = out.shape if isinstance(out, TensorVal) else _first_tensor_shape(out)
    params = _params(c.obj, session, inside)
    if dims is None and not failed and inputsearch.ENABLED:  # input-free checking (issue 12)
        steps, output, dims = _input_free(found, c, steps, output)
    outputs = None if isinstance(out, TensorVal) else output_tree(out)
    symbolic = found.per_sample and dims and isinstance(dims[0], str)
    per_sample = _per_sample(session, c, dims, len(steps)) if symbolic else None
    found.models.append((c.model, Trace(steps, output), params, per_sample, outputs))


class _Unbuilt(Exception):
    """Building the model raised for certain: there is no model to follow."""


def _cannot_build(session: Session, obj: Any) -> str | None:
    """Why torch cannot build ``obj`` (its ``__init__``, or a part's, raises for certain), or None. Only said,
    never an error: a class cnnlint built with its defaults may be meant to be given arguments."""
    if not session.unbuildable:
        return None
    for part in [obj, *submodules(obj)]:
        said = session.unbuildable.get(id(part))
        if said is not None:
            name = part.type_name if isinstance(part, ModuleObj) else "it"
            return f"shape following stops: building {name} raises for certain: {said}"
    return None


def _rejected_input(steps: list[Step]) -> None:
    """The model's code raises for certain at the input it was given (timm's ``_assert(H == self.img_size[0])``
    at 256 for a 224 ViT): torch never gets past it, so it is an error (CNL014). Never at a size nobody
    gave: the input search tries sizes, and a size the code refuses is only not accepted."""
    for s in steps:
        said = getattr(s, "rejects", None)
        if said is not None:
            s.findings = [Finding("CNL014", said) if f.code == "CNL100" else f for f in s.findings]


def _later_feeds(found: Interpreted, c: Candidate, steps: list[Step]) -> None:
    """The other inputs the code feeds the model (its training batch after a sanity check at another size):
    an error one of them meets, that the first input did not, is reported with that input named. No fix:
    the first input works with the argument as it is."""
    session = found.session
    seen = {(f.code, _place(s, f)) for s, f in ((s, f) for s in steps for f in s.findings)}
    lines = session.main.lines
    for feed in c.later_feeds:
        session.work = 0
        inputs = [TensorVal(Shape(*feed.dims)), *(feed.more if feed.more is not None else _extra_inputs(c.obj))]
        try:
            rec, _ = session.forward.run(
                session.interp, c.obj, inputs, training=not feed.in_eval, kwargs=dict(feed.named or {})
            )
        except (limits.BudgetExceeded, RecursionError):
            continue
        _rejected_input(rec.steps)
        where = f"; with the input fed at line {lines.start(feed.node).row}, {Shape(*feed.dims)}"
        if feed.why is not None:
            where += f" ({feed.why})"
        for step in rec.steps:
            for finding in step.findings:
                if rules.severity(finding.code) != "error":
                    continue
                call, said = getattr(step, "pointers", {}).get(id(finding)) or (step.layer.origin, finding)
                if call is None or (said.code, _place(step, finding)) in seen:
                    continue
                seen.add((said.code, _place(step, finding)))
                message = said.message
                if said.fix is not None:
                    message = message.replace(f"; set {said.fix.param}={said.fix.value}", "")
                found.construction.append((call, Finding(said.code, message + where)))


def _place(step: Step, finding: Finding) -> Any:
    """Where a finding is reported: the user's layer it points at, else the step's own."""
    pointed = getattr(step, "pointers", {}).get(id(finding))
    call = pointed[0] if pointed is not None else step.layer.origin
    span = getattr(call, "span", None)
    return (span.start.row, span.start.column) if span is not None else id(call)


def _borrowed_note(finding: Finding) -> Finding:
    return Finding(
        "CNL100",
        f"shape following stops here ({finding.code} not reported): the input comes from a model "
        "another factory built with other arguments",
    )


def _input_free(found: Interpreted, c: Candidate, steps: list[Step], output: Shape) -> tuple[list[Step], Shape, Any]:
    """The sizes a model without an input accepts: CNL013 when none; followed with the one size when one."""
    session = found.session
    thorough = found.thorough is True or (isinstance(found.thorough, int) and found.thorough > 0)
    accepted = inputsearch.search(session, c.obj, steps, _extra_inputs(c.obj), thorough, session.work)
    if thorough and found.thorough is not True and accepted.status == "some":
        found.thorough -= 1  # the editor: ranges for the first few models of a file, findings for all
    c.model.accepts = accepted  # type: ignore[attr-defined]
    if accepted.finding is not None and accepted.call is not None:
        found.construction.append((accepted.call, accepted.finding))
    single = accepted.single
    if accepted.follow is not None:  # a sequence model: its input with the length a symbol, or the one length
        dims = accepted.follow
    elif single is not None:
        dims = (inputsearch.BATCH, accepted.channels, *single)
    else:
        return steps, output, None
    session.work = 0
    x = TensorVal(Shape(*dims), integer=accepted.integer)
    try:
        rec, out = session.forward.run(session.interp, c.obj, [x, *_extra_inputs(c.obj)])
    except (limits.BudgetExceeded, RecursionError):
        return steps, output, None
    for s in rec.steps:  # CNL003 is not reported on a size nobody declared
        s.findings = [f for f in s.findings if f.code != "CNL003"]
    symbolic = any(isinstance(d, str) and d != inputsearch.BATCH for d in dims)
    c.model.input = InputDecl(dims, "sequence" if symbolic else "accepted", None)
    new_out = out.shape if isinstance(out, TensorVal) else _first_tensor_shape(out)
    return _unwrap_root(rec.steps, c.obj), new_out, dims


def _per_sample(session: Session, c: Candidate, dims: tuple, count: int) -> list[Any] | None:
    """MACs per step with the symbolic batch run as 1 (the summary's per-sample figures)."""
    if not all(isinstance(d, int) for d in dims[1:]):
        return None
    session.work = 0
    try:
        rec, _ = session.forward.run(
            session.interp, c.obj, [TensorVal(Shape(1, *dims[1:])), *_extra_inputs(c.obj)], scratch=True
        )
    except (limits.BudgetExceeded, RecursionError):
        return None
    steps = _unwrap_root(rec.steps, c.obj)
    return [s.macs for s in steps] if len(steps) == count else None


def _extra_inputs(obj: Any) -> list[Any]:
    """Unknown tensors for ``forward``'s other required parameters (``forward(self, x, hidden)``)."""
    if not isinstance(obj, ModuleObj) or obj.cls is None:
        return []
    forward, _ = obj.cls.lookup("forward")
    if not isinstance(forward, FuncVal):
        return []
    a = forward.node.args
    params = [*a.posonlyargs, *a.args]
    required = len(params) - len(forward.defaults)
    return [TensorVal(Shape.unknown()) for _ in range(max(0, required - 2))]


def _first_tensor_shape(value: Any) -> Shape:
    """A model returning several tensors has no one output shape (``output_tree`` shows them all)."""
    return Shape.unknown()


def _say_where_dims_were_lost(steps: list[Step]) -> None:
    """Never silent: a layer whose arguments could not be resolved (timm's pruned models read their widths
    from files) turns a known shape into one with unknown dims; when nothing else says why the model's
    shapes became unknown, a CNL100 at the first such layer does."""
    if any(f.code == "CNL100" for s in steps for f in s.findings):
        return
    for s in steps:
        if s.layer.children is not None or s.layer.spec is None or s.findings:
            continue  # a container, an unknown layer, or an error that already says what is wrong
        if _sized(s.in_shape) and not s.out_shape.open and not _sized(s.out_shape):
            unknown = [
                k for k, v in s.layer.args.items() if (v is UNKNOWN or v is UNKNOWN_DIM) and k not in _NOT_SHAPES
            ]
            if not unknown:
                return  # the layer's own formula leaves it open: not a value cnnlint failed to resolve
            s.findings.append(
                Finding(
                    "CNL100",
                    f"shape following loses dimensions here: {s.layer.type_name}'s "
                    f"{', '.join(unknown)} could not be resolved",
                )
            )
            s.stopped = True  # what follows is not fully known: the model is not followed to the end
            return


_NOT_SHAPES = frozenset({"device", "dtype", "inplace", "bias", "affine", "track_running_stats", "momentum", "eps"})


def _sized(shape: Shape) -> bool:
    """Every dim an int or a symbol (the batch of a timm config)."""
    return not shape.open and all(isinstance(d, (int, str)) for d in shape.dims)


def _unwrap_root(steps: list[Step], obj: Any) -> list[Step]:
    """The model's own container step is the model: its children are the top rows."""
    if steps and steps[0].depth == 0 and steps[0].layer.children is not None and not steps[0].findings:
        rest = steps[1:]
        for s in rest:
            s.depth -= 1
        return [s for s in rest if s.depth >= 0]
    return steps


def _stop_step(span: Span, reason: str) -> Step:
    from cnnlint.model import LayerCall
    from cnnlint.shapes.spec import Layer

    step = Step(Layer(None, origin=LayerCall("?", None, span), note=reason), 0, Shape.unknown(), Shape.unknown())
    step.findings.append(Finding("CNL100", reason))
    step.stopped = True
    step.params = step.macs = UNKNOWN_DIM
    return step


def _params(obj: Any, session: Session, inside: list[Any]) -> list[tuple[int | None, Any]]:
    """``sum(p.numel() for p in model.parameters())`` from the module tree, as (row, count) parts.

    An unknown part (an unknown layer, a container the interpreter could not
    follow) makes the total partial, at the row where that part is built. ``inside``: ``submodules(obj)``.
    """
    parts: list[tuple[int | None, Any]] = []
    counted: set[tuple[int, str]] = set()  # the weights and biases counted, by the layer that made them
    for sub in [obj, *inside]:
        if isinstance(sub, TorchLayer):
            row = _row(sub, session)
            if sub.spec is None:
                parts.append((row, 0 if sub.type_name in losses.WITHOUT_PARAMETERS else UNKNOWN_DIM))
                continue
            shape = getattr(sub, "last_in", None) or Shape.unknown()
            try:
                if sub.bind_error is not None:
                    raise ValueError("arguments not bound")
                sub.spec.check(sub.args)  # a layer torch would refuse has no parameters to count
                n = sub.spec.count_params(sub.args, shape) + getattr(sub, "extra_params", 0)
            except Exception:  # noqa: BLE001 - a count the engine cannot make is unknown
                n = UNKNOWN_DIM
            n = _less_shared(sub, n, counted)
            parts.append((row, n if isinstance(n, int) else UNKNOWN_DIM))
        elif isinstance(sub, ModuleObj):
            if sub.uncertain:
                parts.append((_row(sub, session), UNKNOWN_DIM))
            for value in sub.attrs.values():
                if isinstance(value, TensorVal) and value.param:
                    n = value.shape.numel()
                    parts.append((_row(sub, session), n if isinstance(n, int) else UNKNOWN_DIM))
    return parts


def _less_shared(layer: TorchLayer, n: Any, counted: set[tuple[int, str]]) -> Any:
    """``n`` less the weights already counted: a weight set from another layer's (``wte.weight =
    lm_head.weight``) is one parameter, which ``model.parameters()`` yields once."""
    for name in ("weight", "bias"):
        held = layer.own.get(name, MISSING)
        maker = (id(layer), name) if held is MISSING else getattr(held, "param_of", None)
        if maker is None:
            continue
        if maker in counted and isinstance(n, int):
            shared = param_shape(layer, name).numel()
            n = n - shared if isinstance(shared, int) else UNKNOWN_DIM
        counted.add(maker)
    return n


def _row(obj: Any, session: Session) -> int | None:
    origin = getattr(obj, "origin", None)
    if origin is None:
        return None
    node = origin.node if origin.module is session.main else getattr(origin, "anchor", None)
    return getattr(node, "lineno", None)


def _construction_findings(session: Session) -> list[tuple[Any, Finding]]:
    """Argument checks (CNL005) on every layer built, whether or not its forward is reached.

    As in torch, an ``__init__`` stops at the first layer that raises: one finding per object built.
    """
    out = []
    failed: set[Any] = set()
    for layer in session.built_layers:
        owner = getattr(layer, "owner", None)
        if owner is not None and owner in failed:
            continue
        call = layer.origin.call if layer.origin is not None else None
        if call is None or layer.spec is None or getattr(layer, "maybe", False):
            continue
        if layer.origin.module is not session.main and getattr(layer.origin, "anchor", None) is None:
            continue
        if layer.bind_error is not None:
            out.append((call, layer.bind_error))
            failed.add(owner)
            layer.failed = True  # type: ignore[attr-defined]
            continue
        try:
            layer.spec.check(layer.args)
        except Exception as err:  # noqa: BLE001 - ShapeError carries the finding; anything else is silent
            finding = getattr(err, "finding", None)
            if finding is not None:
                out.append((call, finding))
                failed.add(owner)
                layer.failed = True  # type: ignore[attr-defined]
    return out
