"""Comprehensions: ``[...]``, ``(...)``, ``{...}`` and ``{k: v ...}`` over known iterables, unrolled.

A mixin of ``Interpreter`` (it uses the interpreter's eval, iterate, assign and truth). An iterable of
unknown length, a condition that cannot be decided or too many elements make the result uncertain.
"""

from __future__ import annotations

import ast

from cnnlint.interpret import limits
from cnnlint.interpret.frames import Frame
from cnnlint.interpret.pyops import _hashable
from cnnlint.interpret.sets import make_set
from cnnlint.interpret.values import UNKNOWN, DictVal, ListVal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Comprehensions:
    def _comprehension(self, generators: list[ast.comprehension], frame: Frame, emit: Any) -> bool:
        """Run the generators, calling ``emit(scope_frame)`` per element; False if the length is unknown."""
        scope = Frame({}, frame.module, (frame.locals, *frame.closure), frame.func)
        count = [0]

        def run(index: int) -> bool:
            if index == len(generators):
                count[0] += 1
                if count[0] > limits.MAX_LOOP_ITERATIONS:
                    return False
                emit(scope)
                return True
            gen = generators[index]
            items = self.iterate(self.eval(gen.iter, scope if index else frame), frame)
            if items is None:
                return False
            for item in items:
                self.assign(gen.target, item, scope)
                keep = True
                for cond in gen.ifs:
                    t = self.truth(self.eval(cond, scope))
                    if t is UNKNOWN:
                        return False
                    if not t:
                        keep = False
                        break
                if keep and not run(index + 1):
                    return False
            return True

        return run(0)

    def _e_ListComp(self, node: ast.ListComp, frame: Frame) -> Any:
        out: list[Any] = []
        if not self._comprehension(node.generators, frame, lambda s: out.append(self.eval(node.elt, s))):
            value = ListVal()
            value.uncertain = True
            return value
        return ListVal(out)

    def _e_GeneratorExp(self, node: ast.GeneratorExp, frame: Frame) -> Any:
        out: list[Any] = []
        if not self._comprehension(node.generators, frame, lambda s: out.append(self.eval(node.elt, s))):
            return UNKNOWN
        return tuple(out)

    def _e_SetComp(self, node: ast.SetComp, frame: Frame) -> Any:
        out: list[Any] = []
        if not self._comprehension(node.generators, frame, lambda s: out.append(self.eval(node.elt, s))):
            return make_set(None)
        return make_set(out)

    def _e_DictComp(self, node: ast.DictComp, frame: Frame) -> Any:
        result = DictVal()

        def emit(s: Frame) -> None:
            key = self.eval(node.key, s)
            if _hashable(key):
                result.items[key] = self.eval(node.value, s)
            else:
                result.uncertain = True

        if not self._comprehension(node.generators, frame, emit):
            result.uncertain = True
        return result
