"""``einops.pack`` / ``einops.unpack`` against einops itself: the shapes it gives, or an error where it raises.

vit-pytorch puts its class token in front of the patches with ``x, ps =
pack([cls_tokens, x], "b * d")`` and takes it back with ``unpack(x, ps, "b *
d")``. The oracle is einops run on real tensors (torch underneath); an unknown
dim or packed shape must never make cnnlint report anything.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import findings, summary_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlint.shapes.dims import UNKNOWN, Dim, Shape, is_known
from cnnlint.shapes.einops_packing import pack, unpack
from cnnlint.shapes.spec import ShapeError

torch = pytest.importorskip("torch")
einops = pytest.importorskip("einops")

Dims = tuple[int, ...]
PackCase = tuple[list[Dims], str]


def _pattern(before: int, after: int) -> str:
    return " ".join([*"abc"[:before], "*", *"xyz"[:after]])


def _einops_pack(shapes: list[Dims], pattern: str) -> tuple[Dims, list[Dims]] | None:
    """einops' (packed shape, packed shapes), or None when einops or torch raises."""
    try:
        x, ps = einops.pack([torch.zeros(s) for s in shapes], pattern)
    except (einops.EinopsError, RuntimeError, IndexError):
        return None
    return tuple(x.shape), [tuple(p) for p in ps]


def _cnnlint_pack(shapes: list[Dims], pattern: str) -> tuple[Dims, list[Dims]] | None:
    try:
        out, ps = pack([Shape(*s) for s in shapes], pattern)
    except ShapeError:
        return None
    return tuple(out.dims), [tuple(p) for p in ps if p is not None]


def _einops_unpack(shape: Dims, ps: list[Dims], pattern: str) -> list[Dims] | None:
    try:
        return [tuple(t.shape) for t in einops.unpack(torch.zeros(shape), ps, pattern)]
    except (einops.EinopsError, RuntimeError):
        return None


def _cnnlint_unpack(shape: Dims, ps: list[Dims], pattern: str) -> list[Dims] | None:
    try:
        return [tuple(s.dims) for s in unpack(Shape(*shape), ps, pattern)]
    except ShapeError:
        return None


@st.composite
def _pack_cases(draw: st.DrawFn) -> PackCase:
    """Inputs agreeing outside ``*`` (sometimes one differs, or has too few dims), any dims at ``*``."""
    before, after = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    outer = [draw(st.integers(1, 4)) if draw(st.integers(0, 15)) else 0 for _ in range(before + after)]
    shapes = []
    for _ in range(draw(st.integers(1, 3))):
        mine = list(outer)
        if mine and draw(st.integers(0, 7)) == 0:
            mine[draw(st.integers(0, len(mine) - 1))] += 1  # a size einops' concatenation rejects
        star = [draw(st.integers(0, 3)) for _ in range(draw(st.integers(0, 2)))]
        dims = mine[:before] + star + mine[before:]
        if draw(st.integers(0, 9)) == 0:
            dims = dims[: draw(st.integers(0, len(dims)))]  # maybe too few dims for the pattern
        shapes.append(tuple(dims))
    return shapes, _pattern(before, after)


@settings(max_examples=300, deadline=None)
@given(case=_pack_cases())
def test_pack_matches_einops(case: PackCase) -> None:
    """The packed shape and ``ps`` are einops', and cnnlint raises exactly where einops does."""
    shapes, pattern = case
    assert _cnnlint_pack(shapes, pattern) == _einops_pack(shapes, pattern), case


@st.composite
def _unpack_cases(draw: st.DrawFn) -> tuple[Dims, list[Dims], str]:
    """A packed tensor and the ``ps`` that made it, sometimes with a -1, a wrong size or a wrong rank."""
    shapes, pattern = draw(_pack_cases())
    packed = _einops_pack(shapes, pattern)
    if packed is None:
        return (2, 3), [(3,)], "b * c"  # a 2-D input for a 3-D pattern: einops raises
    shape, ps = packed
    ps = [list(p) for p in ps]
    for _ in range(draw(st.integers(0, 2))):
        p = ps[draw(st.integers(0, len(ps) - 1))]
        change = draw(st.sampled_from(["minus one", "grow", "shrink", "add dim", "split"]))
        if change == "minus one" and p:
            p[draw(st.integers(0, len(p) - 1))] = -1
        elif change == "grow" and p:
            p[0] += 1
        elif change == "shrink" and p and p[-1] > 0:
            p[-1] -= 1
        elif change == "add dim":
            p.append(draw(st.integers(1, 2)))
        elif change == "split":
            p[:] = [-1, draw(st.integers(2, 3))]  # torch's reshape must divide the slice
    if draw(st.integers(0, 9)) == 0:
        shape = (*shape, 2)
    return shape, [tuple(p) for p in ps], pattern


@settings(max_examples=300, deadline=None)
@given(case=_unpack_cases())
def test_unpack_matches_einops(case: tuple[Dims, list[Dims], str]) -> None:
    """Each piece's shape is einops' (a -1 worked out), and cnnlint raises exactly where einops does."""
    shape, ps, pattern = case
    assert _cnnlint_unpack(shape, ps, pattern) == _einops_unpack(shape, ps, pattern), case


def _hide(dims: Dims, hidden: list[bool]) -> tuple[Dim, ...]:
    return tuple(UNKNOWN if h else d for d, h in zip(dims, hidden))


def _agrees(got: tuple[Dim, ...], truth: Dims) -> bool:
    """Every dim cnnlint knows is einops'; the unknown ones may be anything."""
    return len(got) == len(truth) and all(not is_known(g) or g == t for g, t in zip(got, truth))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(case=_pack_cases(), data=st.data())
def test_unknown_dims_never_raise_and_known_ones_hold(case: PackCase, data: st.DataObject) -> None:
    """Where einops accepts the inputs, hiding some of their dims (or a piece's packed shape) changes no
    verdict into an error, and what cnnlint still knows is what einops gives."""
    shapes, pattern = case
    truth = _einops_pack(shapes, pattern)
    if truth is None:
        return
    hidden = [Shape(*_hide(s, data.draw(st.lists(st.booleans(), min_size=len(s), max_size=len(s))))) for s in shapes]
    if data.draw(st.booleans()):
        hidden[0] = Shape(*hidden[0].dims[data.draw(st.integers(0, len(hidden[0].dims))) :], open=True)
    out, ps = pack(hidden, pattern)
    assert _agrees(out.dims, truth[0]) and not out.open
    for p, t in zip(ps, truth[1]):
        assert p is None or _agrees(p, t)
    blind = [None if data.draw(st.booleans()) else p for p in ps]
    pieces = unpack(out, blind, pattern)
    for piece, shape in zip(pieces, shapes):
        assert len(piece.dims) <= len(shape) and _agrees(piece.dims, shape[len(shape) - len(piece.dims) :])


@pytest.mark.parametrize("pattern", ["b d", "b * * d", "b _x * d", "b (h w) * d", "b * d b", "b ... * d"])
def test_a_pattern_einops_rejects_is_an_error(pattern: str) -> None:
    """Patterns are checked before any tensor is read: without exactly one ``*``, or with a bad name."""
    assert _einops_pack([(2, 3, 4)], pattern) is None
    with pytest.raises(ShapeError):
        pack([Shape(2, 3, 4)], pattern)
    with pytest.raises(ShapeError):
        unpack(Shape.unknown(), [UNKNOWN], pattern)


def test_the_packed_shapes_of_a_symbolic_batch_stay_symbolic() -> None:
    """``pack([cls, x], "b * d")`` with a batch ``B``: the batch is kept, the token count adds up."""
    out, ps = pack([Shape("B", 64), Shape("B", 16, 64)], "b * d")
    assert out.dims == ("B", 17, 64) and ps == [(), (16,)]
    assert [s.dims for s in unpack(out, ps, "b * d")] == [("B", 64), ("B", 16, 64)]
    out, ps = pack([Shape("B", "N", 2, 64)], "b * d")
    assert out.dims == ("B", UNKNOWN, 64) and ps == [("N", 2)]


MODEL = textwrap.dedent(
    """
    import torch
    from torch import nn
    from einops import pack, unpack, repeat
    import einops


    class Net(nn.Module):
        def __init__(self, dim={dim}):
            super().__init__()
            self.cls_token = nn.Parameter(torch.randn(dim))
            self.registers = nn.Parameter(torch.randn({registers}, dim))
            self.pos = nn.Parameter(torch.randn(1, {tokens}, dim))
            self.head = nn.Linear(dim, 10)

        def forward(self, x):
            b = x.shape[0]
            cls = repeat(self.cls_token, "d -> b d", b=b)
            reg = repeat(self.registers, "n d -> b n d", b=b)
            x, ps = pack([cls, reg, x], "b * d")
            x = x + self.pos
            cls, reg, x = einops.unpack(x, ps, "b * d")
            [x] = unpack(x, [{grid}], "b * d")
            return self.head(cls) + x.mean(dim=(1, 2)).sum(-1, keepdim=True)
    """
)


def _torch_output(source: str, dims: Dims) -> list[int] | None:
    """The output shape torch gives running ``Net()`` on ``dims``, or None when it raises."""
    namespace: dict = {"__name__": "model"}
    exec(compile(source, "model", "exec"), namespace)
    try:
        return list(namespace["Net"]()(torch.zeros(dims)).shape)
    except (einops.EinopsError, RuntimeError):
        return None


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    dim=st.integers(2, 6),
    registers=st.integers(1, 3),
    side=st.integers(1, 3),
    grid_off=st.sampled_from([0, 0, 1]),
    pos_off=st.sampled_from([0, 0, 1]),
)
def test_a_model_packing_tokens_is_torchs(
    tmp_path: Path, dim: int, registers: int, side: int, grid_off: int, pos_off: int
) -> None:
    """End to end: the output shape torch gives, or an error (and only then) where torch raises."""
    tokens = 1 + registers + side * side + pos_off
    grid = f"({side}, {side + grid_off})"
    source = MODEL.format(dim=dim, registers=registers, tokens=tokens, grid=grid)
    path = tmp_path / "model.py"
    path.write_text(source)
    dims = (2, side * side, dim)
    expected = _torch_output(source, dims)
    model = summary_model(path, "Net", ",".join(map(str, dims)))
    errors = [f for f in findings(path, "--input", "Net=" + ",".join(map(str, dims))) if f[1] != "CNL100"]
    if expected is None:
        assert errors, source
    else:
        assert not errors and model["output_shape"] == expected, (errors, source)


def test_a_mismatch_outside_the_star_is_reported(tmp_path: Path) -> None:
    """Must fire: tokens of width 32 packed with a class token of width 16 (torch's cat raises)."""
    path = tmp_path / "m.py"
    path.write_text(
        textwrap.dedent(
            """
            import torch
            from torch import nn
            from einops import pack


            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.cls = nn.Parameter(torch.randn(1, 1, 16))

                def forward(self, x):
                    x, ps = pack([self.cls.expand(x.shape[0], -1, -1), x], "b * d")
                    return x


            y = Net()(torch.randn(2, 16, 32))
            """
        )
    )
    with pytest.raises(RuntimeError):
        _run(path)
    assert [(row, code) for row, code, _ in findings(path)] == [(13, "CNL009")]


def test_unknown_patterns_and_shapes_stay_quiet(tmp_path: Path) -> None:
    """Must not fire: a pattern given as an argument, packed shapes from elsewhere; only notes, no error."""
    path = tmp_path / "m.py"
    path.write_text(
        textwrap.dedent(
            """
            import torch
            from torch import nn
            from einops import pack, unpack


            class Net(nn.Module):
                def forward(self, x, pattern, ps):
                    y, _ = pack([x, x], pattern)
                    a, b = unpack(x, ps, "b * d")
                    return a


            y = Net()(torch.randn(2, 16, 32), "b * d", [(8,), (8,)])
            """
        )
    )
    _run(path)
    assert all(code == "CNL100" for _, code, _ in findings(path))


def _run(path: Path) -> None:
    import runpy

    runpy.run_path(str(path), run_name="__main__")
