"""Loops: ``for`` and ``while``, run item by item or, when that cannot be known, once-or-not joined.

Split from ``statements.py`` (the other statements) so that each module has
one job: this one holds how a loop runs, when it is given up, and what
becomes unknown when it is.
"""

from __future__ import annotations

import ast

from cnnlint.interpret import data_pipeline, fill_loops, iterators, limits, tensor_values
from cnnlint.interpret.frames import Frame
from cnnlint.interpret.pyops import BREAK, CONTINUE, _Signal, _stores
from cnnlint.interpret.values import MISSING, UNKNOWN, ListVal, ModuleObj

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_GO_ON = object()  # the body finished a pass: the loop goes on


class Loops:
    """The loop statements of ``Interpreter`` (a mixin: it uses the interpreter's eval, write, fork, exec_block)."""

    def _s_For(self, stmt: ast.For, frame: Frame) -> _Signal | None:
        iterable = self.eval(stmt.iter, frame)
        live = self.last_enumerated if isinstance(iterable, tuple) else None
        if type(iterable) is ListVal and self._grows(stmt, iterable, frame):
            return self._over_live_list(stmt, frame, iterable, None)
        if live is not None and live[0] is iterable and self._grows(stmt, live[1], frame):
            return self._over_live_list(stmt, frame, live[1], live[2])
        items = self.iterate(iterable, frame)
        if items is None:
            last = data_pipeline.last_pass(iterable)
            item = data_pipeline.element(iterable)
            if data_pipeline.loop_over(iterable) is not None:
                data_pipeline.mark_batch(self.session, item)
            elif item is UNKNOWN:
                item = iterators.one_pass(self, iterable)  # an iterator class of the checked code
                item = UNKNOWN if item is MISSING else item
            return self._unknown_loop(stmt, frame, item, last)
        if len(items) > limits.MAX_LOOP_ITERATIONS:
            return self._unknown_loop(stmt, frame)
        if len(items) >= fill_loops.SKIP_FROM:
            fill = fill_loops.fill_loop(stmt)
            if fill is not None and fill_loops.applies(
                fill, lambda name: self.lookup(name, frame), self.session.builtins
            ):
                for name in fill.tensors:  # their items change: values unknown, sizes as they were
                    tensor_values.forget(self.lookup(name, frame))
                for name in fill.names:
                    self.write(frame.locals, name, UNKNOWN)
                return None
        for item in items:
            self.assign(stmt.target, item, frame)
            done = self._after_body(self.exec_block(stmt.body, frame), stmt, frame)
            if done is not _GO_ON:
                return done
        return self.exec_block(stmt.orelse, frame)

    def _grows(self, stmt: ast.For, items: ListVal, frame: Frame) -> bool:
        """The loop's body changes the very list it iterates, in place."""
        if items.uncertain:
            return False
        body = ast.Module(body=stmt.body, type_ignores=[])
        targets = [*_changed(body), *(n.target for n in ast.walk(body) if isinstance(n, ast.AugAssign))]
        return any(self.lookup(t.id, frame) is items for t in targets if isinstance(t, ast.Name))

    def _over_live_list(self, stmt: ast.For, frame: Frame, items: ListVal, start: int | None) -> _Signal | None:
        """A list is read as Python's list iterator reads it, by index, live: items the body appends are
        iterated too (``for i, s in enumerate(strides): ... strides.append(1)``). ``start``: enumerate's."""
        i = 0
        while i < len(items.items):
            if i >= limits.MAX_LOOP_ITERATIONS:
                return self._abandon_loop(stmt, frame, cut_short=True)
            item = items.items[i]
            self.assign(stmt.target, item if start is None else (start + i, item), frame)
            done = self._after_body(self.exec_block(stmt.body, frame), stmt, frame)
            if done is not _GO_ON:
                return done
            if items.uncertain:  # grown or shrunk in a branch: how many passes are left is not known
                return self._abandon_loop(stmt, frame, cut_short=True)
            i += 1
        return self.exec_block(stmt.orelse, frame)

    def _s_While(self, stmt: ast.While, frame: Frame) -> _Signal | None:
        for _ in range(limits.MAX_LOOP_ITERATIONS):
            cond = self.truth(self.eval(stmt.test, frame))
            if cond is False:
                return self.exec_block(stmt.orelse, frame)
            if cond is not True:
                return self._unknown_loop(stmt, frame)
            done = self._after_body(self.exec_block(stmt.body, frame), stmt, frame)
            if done is not _GO_ON:
                return done
            if frame.yields is not None and frame.yields.uncertain:
                break  # a generator's ``while True`` whose yields are no longer counted: one pass told it all
        return self._abandon_loop(stmt, frame, cut_short=True)

    def _after_body(self, signal: _Signal | None, stmt: ast.For | ast.While, frame: Frame) -> object:
        """What one pass of the body means for the loop: ``_GO_ON``, or the loop's own result."""
        if signal is None or signal is CONTINUE:
            return _GO_ON
        if signal is BREAK:
            return None
        if signal.kind.startswith("unknown-"):
            return self._abandon_loop(stmt, frame, cut_short=True)
        return signal

    def _unknown_loop(
        self, stmt: ast.For | ast.While, frame: Frame, item: Any = UNKNOWN, last: tuple[Any, str] | None = None
    ) -> _Signal | None:
        """A loop of unknown length: once or not at all, joined; its targets are unknown, or ``item`` where
        every pass binds alike (a DataLoader's batch). ``last``: what a last pass binds after a pass with
        ``item``, and why (a DataLoader's smaller last batch, met with the state the full batches left)."""

        def once() -> _Signal | None:
            signal = one_pass(item)
            if last is not None and signal in (None, CONTINUE):  # (never after a pass that may have left)
                saved, self.session.last_batch = self.session.last_batch, last[1]
                try:
                    signal = one_pass(last[0])
                finally:
                    self.session.last_batch = saved
            return None if signal in (BREAK, CONTINUE) or (signal and signal.kind.startswith("unknown-")) else signal

        def one_pass(bound: Any) -> _Signal | None:
            if isinstance(stmt, ast.For):
                self.assign(stmt.target, bound, frame)
            self.loop_bodies += 1
            try:
                return self.exec_block(stmt.body, frame)
            finally:
                self.loop_bodies -= 1

        signal = self.fork(once, lambda: None, frame, joins=False)
        self._abandon_loop(stmt, frame)
        return signal if signal is not None and signal.kind in ("return", "raise") else None

    def _abandon_loop(self, stmt: ast.AST, frame: Frame, cut_short: bool = False) -> None:
        """Every name the loop assigns becomes unknown. ``cut_short``: the loop ran some iterations and then
        could not go on (an unknown ``break``, the iteration bound): the containers it changes in place are
        uncertain too, since the iterations after that never ran here (``layers[n] = m; if not d: break``)."""
        for node in _stores(stmt):
            if isinstance(node, ast.Name):
                self.write(frame.locals, node.id, UNKNOWN)
            else:
                owner = self.eval(node.value, frame)
                if isinstance(owner, ModuleObj):
                    self.write(owner.attrs, node.attr, UNKNOWN)
        for target in _changed(stmt) if cut_short else ():
            self.taint(self.eval(target, frame))
        if cut_short and frame.yields is not None:
            frame.yields.uncertain = True  # the passes after the cut may yield more
        return None


_MUTATORS = frozenset(
    {"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "popitem", "add", "discard"}
    | {"add_module", "register_module", "register_buffer", "register_parameter"}
)


def _changed(stmt: ast.AST) -> list[ast.expr]:
    """The containers a loop changes in place: ``x[k] = v`` / ``del x[k]`` and ``x.append(v)``-style calls,
    for ``x`` a name or ``name.attr`` (read again without side effects)."""
    found: list[ast.expr] = []
    for node in ast.walk(stmt):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            found.append(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _MUTATORS:
            found.append(node.func.value)
    simple = (ast.Name, ast.Attribute)
    return [t for t in found if isinstance(t, ast.Name) or (isinstance(t, simple) and isinstance(t.value, ast.Name))]
