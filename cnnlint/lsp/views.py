"""What hover and inlay hints are built from: one plain record per layer step, and pure mappings.

A ``StepView`` is computed in the worker process from a checked model's trace
(shapes already formatted, so nothing heavy crosses the process boundary).
``call_span`` is where the step's call is written in ``forward``
(``self.conv1(x)``); ``def_span`` is where the layer is built (the
constructor, or the call itself for ``F.relu(x)``). The mappings below only
read these records, so a front end that fills ``Step.call_span`` changes
nothing here.

- Hover: every record whose call span or definition span holds the cursor; the
  innermost span wins (in ``self.pool(F.relu(self.conv1(x)))`` the cursor on
  ``conv1`` is inside all three calls and gets conv1's shapes).
- Inlay hints: for a statement in ``forward`` holding calls, one hint at the
  statement's end with the shape of the outermost call (the assigned value);
  for a record without a call span (a layer inside ``nn.Sequential(...)``),
  one hint at the end of its constructor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cnnlint.diagnostics import Location
from cnnlint.records import dataclass

ARROW = "\u2192"

Range = tuple[Location, Location]


@dataclass(frozen=True)
class StepView:
    model: str
    has_input: bool  # a declared or inferred input: shapes are concrete
    nested: bool  # a Sequential that is also part of a larger model
    type_name: str
    in_text: str | None  # the shape as far as known ("(1, 3, ?, ?)"), None when nothing is
    out_text: str | None
    out_full: str | None  # the output shape when every dimension is known, else None
    params: int | None
    macs: int | None
    def_span: Range | None
    call_span: Range | None = None
    statement: Range | None = None  # the forward statement holding call_span
    accepts: str | None = None  # input-free checking: "accepts H in 28..31, W in 28..31"


def contains(span: Range, here: Location) -> bool:
    return span[0] <= here < span[1]


def _rank(span: Range) -> tuple[int, int, int, int]:
    """Innermost first: the latest start, then the earliest end."""
    return (span[0].row, span[0].column, -span[1].row, -span[1].column)


def hover_views(views: Sequence[StepView], here: Location) -> tuple[list[StepView], Range | None]:
    """The records a hover at ``here`` shows, and the span to highlight (the innermost one holding it)."""
    best: list[StepView] = []
    best_span: Range | None = None
    for view in _top_level_first(views):
        for span in (view.call_span, view.def_span):
            if span is None or not contains(span, here):
                continue
            if best_span is None or _rank(span) > _rank(best_span):
                best, best_span = [view], span
            elif span == best_span and view not in best:
                best.append(view)
    return best, best_span


def _top_level_first(views: Sequence[StepView]) -> list[StepView]:
    return sorted(views, key=lambda v: v.nested)


def hover_markdown(view: StepView) -> str | None:
    """Markdown for one step: type and model, input -> output, params and MACs."""
    lines = [f"**{view.type_name}**" + (f" in `{view.model}`" if view.model else "")]
    if view.in_text is not None or view.out_text is not None:
        lines.append(f"`{view.in_text or '?'}` {ARROW} `{view.out_text or '?'}`")
    facts = []
    if view.params is not None:
        facts.append(f"params {view.params:,}")
    if view.macs is not None:
        facts.append(f"MACs {view.macs:,}")
    if facts:
        lines.append(" \u00b7 ".join(facts))
    if len(lines) == 1:
        return None
    if not view.has_input and view.accepts:
        lines.append(f"_no input size declared; the model {view.accepts}_")
    elif not view.has_input:
        lines.append("_no input size declared: `# cnnlint: input=(1, 3, 224, 224)`_")
    return "  \n".join(lines)


def hover_text(views: Iterable[StepView]) -> str | None:
    parts: list[str] = []
    for view in views:
        text = hover_markdown(view)
        if text and text not in parts:
            parts.append(text)
    return "\n\n---\n\n".join(parts) if parts else None


@dataclass(frozen=True)
class Hint:
    position: Location
    label: str
    tooltip: str


def inlay_hints(views: Sequence[StepView]) -> list[Hint]:
    """One hint per forward statement (its assigned value) and per constructor outside forward."""
    labels: dict[Location, list[str]] = {}
    tips: dict[Location, list[str]] = {}
    by_statement: dict[Range, list[StepView]] = {}
    for view in _top_level_first(views):
        if not view.has_input:
            continue
        if view.call_span is not None:
            if view.statement is not None:
                by_statement.setdefault(view.statement, []).append(view)
            continue
        if view.def_span is not None and view.out_full is not None:
            _add(labels, tips, view.def_span[1], view)
    for statement, members in by_statement.items():
        outer = _outermost(members)
        if outer.out_full is not None:
            _add(labels, tips, statement[1], outer)
    return [
        Hint(position, f"{ARROW} " + " | ".join(labels[position]), "\n".join(tips[position]))
        for position in sorted(labels)
    ]


def _outermost(members: list[StepView]) -> StepView:
    """The call no other call in the statement contains; the last such one in execution order."""
    outer = members[-1]
    for view in members:
        span = view.call_span
        if span is None:
            continue
        inside = any(
            other is not view and other.call_span is not None and _within(span, other.call_span) for other in members
        )
        if not inside:
            outer = view
    return outer


def _within(inner: Range, outer: Range) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1] and inner != outer


def _add(labels: dict[Location, list[str]], tips: dict[Location, list[str]], at: Location, view: StepView) -> None:
    assert view.out_full is not None
    if view.out_full not in labels.setdefault(at, []):
        labels[at].append(view.out_full)
        tips.setdefault(at, []).append(f"{view.type_name}: {view.in_text or '?'} {ARROW} {view.out_full}")
