"""Judging one step: where torch's outcome on the meta device and the static trace disagree (CNL007),
and where torch only says the meta device cannot run the layer (CNL100)."""

from __future__ import annotations

from cnnlint.runtime_plan import _static_dims

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from cnnlint.shapes.dims import Shape
    from cnnlint.shapes.propagate import Step


# torch errors that say the meta device cannot run something, not that the model is wrong.
META_LIMITS = ("'Meta' backend", "meta tensor", "on the meta device", "device='meta'", 'device="meta"')
# torch errors about the element type: the check runs float inputs, while the model may be fed integers.
DTYPE_WORDS = (
    "dtype", "scalar type", "long or int", "Long, Int", "torch.float", "FloatTensor", "not implemented for '"
)  # fmt: skip


def _disagreement(step: Step, outcome: Any, symbols: tuple[str, ...]) -> tuple[str, str] | None:
    """(code, message) for one step: a CNL007 where torch and the static pass disagree; else None."""
    if outcome is None or step.layer.children is not None:
        return None
    static_error = any(_is_error(f.code) for f in step.findings)
    kind, value = outcome
    if kind in ("build", "forward") and any(limit in value for limit in META_LIMITS):
        return "CNL100", f"runtime check: torch cannot run this layer on the meta device ({value})"
    if kind == "build":
        if static_error:
            return None
        return "CNL007", f"torch rejects this layer, which cnnlint found no error in: {value}"
    modelled = step.layer.spec is not None and not step.stopped
    if static_error or _static_dims(step.in_shape) is None:
        return None
    note = f" (with {', '.join(f'{s}=1' for s in symbols)})" if symbols else ""
    if kind == "forward" and modelled:
        return "CNL007", f"torch raises here, where cnnlint found no error: {value}"
    if kind == "forward":
        # torch was fed the input cnnlint knows this layer receives: its error is a fact, not a guess.
        # Only the dtype is cnnlint's assumption (float), so torch refusing that is not reported.
        if any(word in value for word in DTYPE_WORDS):
            return None
        return "CNL007", f"torch raises here, at a layer cnnlint does not follow: {value}{note}"
    if not modelled:
        return None
    static = step.out_shape
    if static.open:
        return None
    torch_dims = tuple(value)
    if _same(static, torch_dims):
        return None
    return "CNL007", f"output shape differs: static {_show(static)}, torch {_show_dims(torch_dims)}{note}"


def _is_error(code: str) -> bool:
    from cnnlint.rules import severity

    return code not in ("CNL007", "CNL998") and severity(code) == "error"


def _same(static: Shape, torch_dims: tuple) -> bool:
    from cnnlint.shapes.dims import is_known

    if len(static.dims) != len(torch_dims):
        return False
    return all(not is_known(s) or s == t for s, t in zip(static.dims, torch_dims))


def _show(shape: Shape) -> str:
    from cnnlint.shapes.dims import format_shape

    return format_shape(shape)


def _show_dims(dims: tuple) -> str:
    if len(dims) == 1:
        return f"({dims[0]},)"
    return "(" + ", ".join(str(d) for d in dims) + ")"
