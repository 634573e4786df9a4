"""Binding a call to a function's parameters follows Python's rules: the interpreter's ``bind_arguments``
against Python calling the same ``def`` (hypothesis over signatures and calls)."""

from __future__ import annotations

import ast

from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.interpret.pyops import bind_arguments
from cnnlint.interpret.values import DictVal, FuncVal

NAMES = ["a", "b", "c", "d", "e"]


@st.composite
def signature_and_call(draw: st.DrawFn) -> tuple[str, list[int], dict[str, int]]:
    names = draw(st.permutations(NAMES))
    n_posonly, n_plain, n_kwonly = draw(st.integers(0, 2)), draw(st.integers(0, 2)), draw(st.integers(0, 1))
    posonly = names[:n_posonly]
    plain = names[n_posonly : n_posonly + n_plain]
    kwonly = names[n_posonly + n_plain : n_posonly + n_plain + n_kwonly]
    n_defaults = draw(st.integers(0, len(posonly) + len(plain)))
    positional = [*posonly, *plain]
    parts = []
    for i, name in enumerate(positional):
        parts.append(f"{name}={10 + i}" if i >= len(positional) - n_defaults else name)
        if posonly and i == len(posonly) - 1:
            parts.append("/")
    vararg, kwarg = draw(st.booleans()), draw(st.booleans())
    if vararg:
        parts.append("*rest")
    elif kwonly:
        parts.append("*")
    parts.extend(f"{name}=20" if draw(st.booleans()) else name for name in kwonly)
    if kwarg:
        parts.append("**more")
    source = f"def f({', '.join(parts)}):\n    return locals()\n"
    args = list(range(draw(st.integers(0, 5))))
    kwargs = {k: 100 + i for i, k in enumerate(draw(st.lists(st.sampled_from([*NAMES, "z"]), unique=True)))}
    return source, args, kwargs


@settings(max_examples=400, deadline=None)
@given(signature_and_call())
def test_binding_is_pythons(case: tuple[str, list[int], dict[str, int]]) -> None:
    source, args, kwargs = case
    namespace: dict = {}
    exec(source, namespace)
    try:
        expected = namespace["f"](*args, **kwargs)
    except TypeError:
        expected = None
    node = ast.parse(source).body[0]
    python = namespace["f"]
    func = FuncVal(node, None, (), tuple(python.__defaults__ or ()), dict(python.__kwdefaults__ or {}))  # type: ignore[arg-type]
    bound = bind_arguments(func, list(args), dict(kwargs))
    if expected is None:
        assert bound is None, (source, args, kwargs, bound)
        return
    assert bound is not None, (source, args, kwargs)
    mine = {k: dict(v.items) if isinstance(v, DictVal) else v for k, v in bound.items()}
    assert mine == expected, (source, args, kwargs)
