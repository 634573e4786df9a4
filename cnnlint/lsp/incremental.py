"""Re-checking only the parts of a document whose text changed (issue 13: the editor under real typing).

The worker keeps, per document, the findings and hover records of each
component (``units``: statements linked by the module-level names they share).
On the next version, a component whose key (its statements' text and their
rows relative to each other) is unchanged keeps its findings, moved with its
rows; the others are checked together in a *reduced* text: the same rows,
every unchanged component's lines blanked, imports, comments and docstrings
kept. The result is the same as checking the whole file because the parts do
not share names; what else links them is checked, and any doubt means a
whole-file check:

- the settings, imports, docstrings, lines naming ``cnnlint`` (pragmas) and the
  project files the check read are unchanged (the global key);
- nothing of the file was outside the parts: every finding and model lies in a
  component's rows, no timm config (``"*"`` applies to all), no failure, no
  cut-short module code (its work budget is shared: the module work is bounded
  by the sum over re-checks);
- no changed component had (before or after) a model checked without an input,
  and those models are in the same order: the editor bisects accepted ranges
  for the first ``EDITOR_RANGES`` of them in file order.

``tests/test_lsp_incremental.py`` holds this to a whole-file check of the same
text after random edits.
"""

from __future__ import annotations

import ast
import os
import re
import warnings
from collections import OrderedDict
from collections.abc import Callable

from cnnlint.interpret import fragments
from cnnlint.lsp import units
from cnnlint.lsp.carry import RowMap, carry_diagnostics, carry_views
from cnnlint.records import dataclass, field

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

KEEP_DOCUMENTS = 16
MARKER = "#Module"  # on a blanked row: the reduced text still passes ``source.may_define_model``
_LINE = re.compile(r"(\r\n|\r|\n)")


@dataclass
class Part:
    """One component's findings and hover records, valid while its key and the global key hold."""

    diagnostics: list[Any] = field(default_factory=list)
    views: list[Any] = field(default_factory=list)
    searched: bool = False  # a model here was checked without an input (input-free search)
    start: int = 0  # the component's first row when these were found


@dataclass
class State:
    settings: tuple
    global_key: tuple
    dependencies: dict[str, tuple]  # path -> (mtime, size) of the project files the check read
    parts: dict[tuple, Part]
    work_bound: int  # an upper bound on the whole file's module work
    split: units.Split  # of the text these parts are of: the next split parses only what changed


@dataclass
class Run:
    """What the last job did (tests read it): ``mode`` is "full", "partial" or "cached"."""

    mode: str = "full"
    models: list[str] = field(default_factory=list)  # the models checked


class Incremental:
    def __init__(
        self, check: Callable[[dict], tuple[dict, Any]], views: Callable[[Any], list[tuple[Any, list[Any]]]]
    ) -> None:
        self.check = check
        self.views = views
        self.states: OrderedDict[str, State] = OrderedDict()
        self.last = Run()

    def run(self, job: dict) -> tuple[dict, Callable[[], list[Any]]]:
        """The diagnostics answer, and a function giving the hover records (called after it is sent)."""
        settings = _settings(job)
        filename = job["filename"]
        # A version that cannot be kept by parts (half-typed, a pragma changed) leaves the last state in
        # place: it holds for whatever text has the same keys, so the next good version re-checks little.
        state = self.states.get(filename)
        plan = _plan(job, state, settings) if state is not None else None
        if plan is None:
            return self._full(job, settings)
        assert state is not None
        split, keys, dirty = plan
        starts = {k: split.start(n) for n, k in enumerate(keys)}
        kept = {k: _moved(state.parts[k], starts[k]) for k in keys if k not in dirty}
        if not dirty:
            self.last = Run("cached")
            self._keep(filename, State(settings, state.global_key, state.dependencies, kept, state.work_bound, split))
            diagnostics = _sorted(d for p in kept.values() for d in p.diagnostics)
            answer = {"diagnostics": diagnostics, "text": job["data"].decode("utf-8"), "seconds": 0.0}
            return answer, lambda: [v for p in kept.values() for v in p.views]
        reduced = _reduced(job["data"].decode("utf-8"), split, [n for n, k in enumerate(keys) if k not in dirty])
        answer, result = self.check({**job, "data": reduced.encode("utf-8")})
        owner = _owners(split, keys, dirty)
        fresh = _parts(result, owner, {k: starts[k] for k in dirty})
        bound = state.work_bound + (result.module_work or 0)
        if fresh is None or any(p.searched for p in fresh.values()) or bound > _max_work():
            return self._full(job, settings)
        self.last = Run("partial", [m.model.name for m in result.models])
        parts = {k: kept[k] if k in kept else fresh[k] for k in keys}
        dependencies = {**state.dependencies, **_stats(result.dependencies)}
        self._keep(filename, State(settings, split.global_key, dependencies, parts, bound, split))
        answer["diagnostics"] = _sorted(d for p in parts.values() for d in p.diagnostics)
        answer["text"] = job["data"].decode("utf-8")

        def views() -> list[Any]:
            self._file_views(filename, fresh, owner, self.views(result))
            return [v for p in parts.values() for v in p.views]

        return answer, views

    def _full(self, job: dict, settings: tuple) -> tuple[dict, Callable[[], list[Any]]]:
        self.last = Run("full")
        answer, result = self.check(job)
        self.last.models = [m.model.name for m in result.models]
        filename = job["filename"]
        split = _split_of(job, result)
        if split is None:
            return answer, lambda: _flat(self.views(result))
        keys = _keys(split)
        owner = _owners(split, keys, set(keys))
        parts = _parts(result, owner, {k: split.start(n) for n, k in enumerate(keys)})
        if parts is None:
            return answer, lambda: _flat(self.views(result))
        dependencies = _stats(result.dependencies)
        self._keep(filename, State(settings, split.global_key, dependencies, parts, result.module_work, split))

        def views() -> list[Any]:
            by_model = self.views(result)
            self._file_views(filename, parts, owner, by_model)
            return _flat(by_model)

        return answer, views

    def _file_views(self, filename: str, parts: dict[tuple, Part], owner: dict[int, tuple], by_model: list) -> None:
        """Each model's hover records go with its component; one outside its rows: check the whole file next."""
        for model, found in by_model:
            key = owner[model.model.span.start.row]
            for view in found:
                rows = [r for span in (view.def_span, view.call_span, view.statement) if span for r in _rows(span)]
                if any(owner.get(row) != key for row in rows):
                    self.states.pop(filename, None)
            parts[key].views.extend(found)

    def _keep(self, filename: str, state: State) -> None:
        self.states[filename] = state
        while len(self.states) > KEEP_DOCUMENTS:
            self.states.popitem(last=False)


def _settings(job: dict) -> tuple:
    inputs = job.get("inputs") or {}
    return (job["filename"], tuple(sorted(job["enabled"])), repr(sorted(inputs.items())))


def _plan(job: dict, state: State, settings: tuple) -> tuple[units.Split, list[tuple], set[tuple]] | None:
    """(split, component keys, changed keys) when the parts can be re-checked alone, else None."""
    if state.settings != settings or _stats(list(state.dependencies)) != state.dependencies:
        return None
    split = _split_bytes(job["data"], state.split)
    if split is None or split.global_key != state.global_key:
        return None
    keys = _keys(split)
    dirty = {k for k in keys if k not in state.parts}
    if _searched(keys, state.parts) != _searched(list(state.parts), state.parts) or len(dirty) == len(keys) > 0:
        return None  # the searched models, in file order, are no longer the same (one changed, went or moved)
    return split, keys, dirty


def _searched(keys: list[tuple], parts: dict[tuple, Part]) -> list[tuple]:
    return [k for k in keys if k in parts and parts[k].searched]


def _keys(split: units.Split) -> list[tuple]:
    """Per component: its key, and how many components before it have the same one (the same text twice)."""
    seen: dict[tuple, int] = {}
    out = []
    for n in range(len(split.components)):
        key = split.key(n)
        out.append((key, seen.get(key, 0)))
        seen[key] = seen.get(key, 0) + 1
    return out


def _split_bytes(data: bytes, previous: units.Split | None = None) -> units.Split | None:
    """The split of a text; from a ``previous`` one, only the changed rows are parsed."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith("\ufeff") or "_cfg" in text or "\0" in text:
        return None  # a BOM; timm configs (``"*"`` applies to every model)
    from cnnlint.source import split_lines

    lines = split_lines(text)
    if previous is not None:
        found = units.resplit(previous, lines)
        if found is not None:
            return found
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return units.split(tree, lines)


def _split_of(job: dict, result: Any) -> units.Split | None:
    """The split of a whole-file check's text, when its result can be kept by parts."""
    if result.text is None or result.failed or result.not_analysed is not None:
        return None
    if any(d.code in ("CNL998", "CNL999") for d in result.diagnostics):
        return None
    return _split_bytes(job["data"])


def _owners(split: units.Split, keys: list[tuple], wanted: set[tuple]) -> dict[int, tuple]:
    """Row -> the key of the component holding it, for the components in ``wanted``."""
    return {row: keys[n] for row, n in split.component_of_row().items() if keys[n] in wanted}


def _parts(result: Any, owner: dict[int, tuple], starts: dict[tuple, int]) -> dict[tuple, Part] | None:
    """The result's findings and models by component; None when one lies outside them (check whole)."""
    if result.text is None or result.failed or result.not_analysed is not None or result.module_work is None:
        return None
    parts = {k: Part(start=start) for k, start in starts.items()}
    for d in result.diagnostics:
        key = owner.get(d.location.row)
        if key is None or d.code in ("CNL998", "CNL999") or owner.get(d.end_location.row) != key:
            return None
        edits = d.fix.edits if d.fix is not None else ()
        if any(owner.get(r) != key for e in edits for r in _rows((e.location, e.end_location))):
            return None
        parts[key].diagnostics.append(d)
    for m in result.models:
        key = owner.get(m.model.span.start.row)
        if key is None or not m.interpreted:
            return None
        if getattr(m.model, "accepts", None) is not None:
            parts[key].searched = True
    return parts


def _moved(part: Part, start: int) -> Part:
    """A component's findings where its rows are now (rows inserted or deleted above it)."""
    if start == part.start:
        return part
    rows = RowMap(0, 1, start - part.start)
    return Part(carry_diagnostics(part.diagnostics, rows), carry_views(part.views, rows), part.searched, start)


def _rows(span: tuple) -> tuple[int, int]:
    return span[0].row, span[1].row


def _flat(by_model: list[tuple[Any, list[Any]]]) -> list[Any]:
    return [view for _, views in by_model for view in views]


def _reduced(text: str, split: units.Split, kept: list[int]) -> str:
    """The text with every kept component's rows blanked: the other rows are where they were."""
    pieces = _LINE.split(text)  # line, end, line, end, ..., line
    blank: list[int] = []
    for n in kept:
        for i in split.components[n]:
            blank.extend(range(split.units[i].start, split.units[i].end + 1))
    for row in blank:
        pieces[2 * (row - 1)] = ""
    if blank:
        pieces[2 * (min(blank) - 1)] = MARKER
    return "".join(pieces)


def _sorted(diagnostics: Any) -> list[Any]:
    return sorted(diagnostics, key=lambda d: d.sort_key)


def _stats(dependencies: list[str]) -> dict[str, tuple]:
    """(mtime, size) of each project file a check read (a dependency may name a part of one: ``fragments``)."""
    out: dict[str, tuple] = {}
    for path in dict.fromkeys(fragments.split(dep)[0] for dep in dependencies):
        try:
            st = os.stat(path)
            out[path] = (st.st_mtime_ns, st.st_size)
        except OSError:
            out[path] = (None, None)
    return out


def _max_work() -> int:
    from cnnlint.interpret import limits

    return limits.MAX_WORK
