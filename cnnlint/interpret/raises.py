"""``raise`` and ``assert``: reached for certain in a forward, the code rejects its input (CNL014 where the
input was given, ``following.py``) and nothing after it runs. A mixin of ``Interpreter``."""

from __future__ import annotations

import ast

from cnnlint.interpret.frames import Frame
from cnnlint.interpret.pyops import RAISE, _Signal
from cnnlint.interpret.values import UNKNOWN

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _raised_name(stmt: ast.Raise) -> str:
    raised = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
    return raised.id if isinstance(raised, ast.Name) else getattr(raised, "attr", "an exception")


class Raises:
    def _s_Raise(self, stmt: ast.Raise, frame: Frame) -> _Signal:
        if not self.forking and self.session.forward.recording is not None:  # reached for certain: Python stops
            first = stmt.exc.args[0] if isinstance(stmt.exc, ast.Call) and stmt.exc.args else None
            message = self._message(first, frame)
            self.session.forward.rejects(self, stmt, f"the code raises {_raised_name(stmt)} at this input", message)
        elif not self.forking and stmt.exc is not None:  # (a bare ``raise`` re-raises what a handler caught)
            self._unbuildable(stmt, f"it raises {_raised_name(stmt)}")
        return RAISE

    def _unbuildable(self, stmt: ast.stmt, what: str) -> None:
        """Reached for certain while a module is built: its ``__init__`` raises, torch cannot build it."""
        session = self.session
        if session.forward.recording is not None or not session.constructing:
            return
        module = self.module
        place = "" if module is session.main else f"{module.dotted or module.path}, "
        where = f"{place}line {stmt.lineno}"
        session.unbuildable.setdefault(session.constructing[-1], f"{what} ({where})")

    def _message(self, node: ast.expr | None, frame: Frame) -> Any:
        """An exception's message written as a string or f-string, as Python formats it (else unknown)."""
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            return self.eval(node, frame)
        return UNKNOWN

    def _s_Assert(self, stmt: ast.Assert, frame: Frame) -> _Signal | None:
        cond = self.truth(self.eval(stmt.test, frame))
        if cond is False:
            if not self.forking:  # ``assert H == self.img_size`` at another size: torch stops here too
                test = self.session.text_of(self, stmt.test)
                message = self._message(stmt.msg, frame)
                self.session.forward.rejects(self, stmt, f"assert {test} fails at this input", message)
                if self.session.forward.recording is not None:
                    self.session.size_hints.update(self._compared_ints(stmt.test, frame))
                self._unbuildable(stmt, f"assert {test} fails")
            return RAISE
        return None
