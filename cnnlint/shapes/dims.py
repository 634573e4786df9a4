"""Dimensions and shapes: known ints, symbols, and the unknown.

The single rule that keeps cnnlint free of false positives: arithmetic with
an unknown is unknown, and a check whose operands are not all known is silent.
"""

from __future__ import annotations

from collections.abc import Iterable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final


class _Unknown:
    """The one unknown value. Falsy comparisons are never made with it."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "?"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()

# A dimension: an int, a symbol (an identifier such as "B"), or UNKNOWN.
Dim = int | str | _Unknown


def is_known(*values: object) -> bool:
    """True when every value is a concrete int (not bool, not a symbol, not unknown)."""
    for v in values:  # noqa: SIM110 - a loop, not all(genexpr): asked millions of times per tree
        if type(v) is not int and (not isinstance(v, int) or isinstance(v, bool)):
            return False
    return True


def is_unknown(value: object) -> bool:
    return value is UNKNOWN


def dim_str(d: Dim) -> str:
    return str(d)


class Shape:
    """A tensor shape, possibly only partly known.

    ``open=True`` means an unknown number of unknown leading dimensions come
    before ``dims``: the shape a layer produces when its input is not known
    but its own arguments fix the trailing dimensions (``Linear`` fixes the
    last one, ``Conv2d`` the channel three from the end). ``Shape.unknown()``
    is open with no dims: nothing is known.

    ``note`` says how the last dimension came to be (``"256 x 5 x 5 after
    Flatten"``) so messages can show the trail; shape-preserving layers keep it.
    """

    __slots__ = ("dims", "open", "note")

    def __init__(self, *dims: Dim, open: bool = False, note: str | None = None) -> None:
        self.dims: tuple[Dim, ...] = tuple(dims)
        self.open = open
        self.note = note

    @classmethod
    def of(cls, dims: Iterable[Dim], *, open: bool = False, note: str | None = None) -> Shape:
        return cls(*dims, open=open, note=note)

    @classmethod
    def unknown(cls) -> Shape:
        return cls(open=True)

    @property
    def rank(self) -> int | None:
        """The rank, or None when leading dimensions are open."""
        return None if self.open else len(self.dims)

    @property
    def min_rank(self) -> int:
        return len(self.dims)

    @property
    def is_unknown(self) -> bool:
        return self.open and not self.dims

    @property
    def fully_known(self) -> bool:
        return not self.open and is_known(*self.dims)

    def dim(self, index: int) -> Dim:
        """The dimension at ``index`` (negative counts from the end), or UNKNOWN."""
        if index < 0:
            return self.dims[index] if -index <= len(self.dims) else UNKNOWN
        if self.open:
            return UNKNOWN
        return self.dims[index] if index < len(self.dims) else UNKNOWN

    def with_dims(self, dims: Iterable[Dim], *, keep_note: bool = False) -> Shape:
        return Shape(*dims, open=self.open, note=self.note if keep_note else None)

    def replace(self, index: int, value: Dim) -> Shape:
        """A copy with one dimension (negative index from the end) replaced."""
        dims = list(self.dims)
        dims[index] = value
        return Shape(*dims, open=self.open)

    def numel(self) -> int | _Unknown:
        if self.open or not is_known(*self.dims):
            return UNKNOWN
        n = 1
        for d in self.dims:
            n *= d  # type: ignore[operator]
        return n

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Shape):
            return self.dims == other.dims and self.open == other.open
        if isinstance(other, tuple) and not self.open:
            return self.dims == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.dims, self.open))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.dims)

    def __len__(self) -> int:
        return len(self.dims)

    def __getitem__(self, index: int) -> Dim:
        return self.dims[index]

    def __repr__(self) -> str:
        return format_shape(self)


def format_shape(shape: Shape) -> str:
    """``(1, 3, 224, 224)``; ``(..., 96, ?, ?)`` for an open shape; ``?`` when nothing is known."""
    if shape.is_unknown:
        return "?"
    parts = [str(d) for d in shape.dims]
    if shape.open:
        parts.insert(0, "...")
    if len(parts) == 1 and not shape.open:
        return f"({parts[0]},)"
    return "(" + ", ".join(parts) + ")"


def product(values: Iterable[Dim]) -> int | _Unknown:
    n = 1
    for v in values:
        if not is_known(v):
            return UNKNOWN
        n *= v  # type: ignore[operator]
    return n
