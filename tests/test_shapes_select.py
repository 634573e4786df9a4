"""Elements chosen along a dim (``cnnlint.shapes.ops_select``) against torch: sort/argsort/cummax, topk,
index_select, gather, tril/triu. Same contract as tests/test_shapes_ops.py: torch's shape exactly, an
error with the op's code exactly where torch raises, and never more than torch on abstracted inputs."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from strategies.ops import DIMS, meta, run, same_as_torch, shape_of

from cnnlint.shapes import ops_select

torch = pytest.importorskip("torch")

DIM = st.integers(-5, 4)


def test_sort_argsort_and_cummax_keep_the_shape() -> None:
    def check(case: Any) -> None:
        shape, dim, name = case
        theirs = {"sort": lambda x: x.sort(dim=dim).values, "argsort": lambda x: x.argsort(dim=dim)}
        theirs["cummax"] = lambda x: torch.cummax(x, dim).values
        same_as_torch(
            f"{shape}.{name}(dim={dim})",
            lambda: ops_select.along(shape_of(shape), dim),
            lambda: theirs[name](meta(shape, "cpu")),
            ("CNL005",),
        )

    run(st.tuples(DIMS, DIM, st.sampled_from(["sort", "argsort", "cummax"])), check)


def test_topk() -> None:
    def check(case: Any) -> None:
        shape, k, dim = case
        same_as_torch(
            f"{shape}.topk({k}, dim={dim})",
            lambda: ops_select.topk(shape_of(shape), k, dim),
            lambda: meta(shape, "cpu").topk(k, dim=dim).values,
            ("CNL005",),
        )

    run(st.tuples(DIMS, st.integers(-1, 6), DIM), check)


def test_index_select() -> None:
    def check(case: Any) -> None:
        shape, dim, index = case
        same_as_torch(
            f"{shape}.index_select({dim}, {index})",
            lambda: ops_select.index_select(shape_of(shape), dim, shape_of(index)),
            lambda: meta(shape, "cpu").index_select(dim, meta(index, "cpu", dtype=torch.long)),
            ("CNL005", "CNL006"),
        )

    index = st.lists(st.integers(0, 4), max_size=2).map(tuple)
    run(st.tuples(DIMS, DIM, index), check)


def test_gather() -> None:
    def check(case: Any) -> None:
        shape, dim, index = case
        same_as_torch(
            f"{shape}.gather({dim}, {index})",
            lambda: ops_select.gather(shape_of(shape), dim, shape_of(index)),
            lambda: meta(shape, "cpu").gather(dim, meta(index, "cpu", dtype=torch.long)),
            ("CNL005", "CNL006"),
        )

    run(st.tuples(DIMS, DIM, DIMS), check)


def test_tril_and_triu() -> None:
    def check(case: Any) -> None:
        shape, name = case
        same_as_torch(
            f"{shape}.{name}()",
            lambda: ops_select.triangle(shape_of(shape), name),
            lambda: getattr(meta(shape), name)(),
            ("CNL006",),
        )

    run(st.tuples(DIMS, st.sampled_from(["tril", "triu"])), check)


def test_narrow() -> None:
    def check(case: Any) -> None:
        shape, dim, start, length = case
        same_as_torch(
            f"{shape}.narrow({dim}, {start}, {length})",
            lambda: ops_select.narrow(shape_of(shape), dim, start, length),
            lambda: meta(shape, "cpu").narrow(dim, start, length),
            ("CNL005", "CNL006"),
        )

    run(st.tuples(DIMS, DIM, st.integers(-6, 6), st.integers(-1, 6)), check)


def test_select() -> None:
    def check(case: Any) -> None:
        shape, dim, index = case
        same_as_torch(
            f"{shape}.select({dim}, {index})",
            lambda: ops_select.select(shape_of(shape), dim, index),
            lambda: meta(shape, "cpu").select(dim, index),
            ("CNL005", "CNL006"),
        )

    run(st.tuples(DIMS, DIM, st.integers(-6, 5)), check)


def test_diagonal() -> None:
    def check(case: Any) -> None:
        shape, offset, dim1, dim2 = case
        same_as_torch(
            f"{shape}.diagonal({offset}, {dim1}, {dim2})",
            lambda: ops_select.diagonal(shape_of(shape), offset, dim1, dim2),
            lambda: meta(shape).diagonal(offset, dim1, dim2),
            ("CNL005",),
        )

    run(st.tuples(DIMS, st.integers(-6, 6), DIM, DIM), check)


def test_embedding() -> None:
    import torch.nn.functional as F

    def check(case: Any) -> None:
        index, weight, padding_idx = case
        same_as_torch(
            f"F.embedding({index}, {weight}, padding_idx={padding_idx})",
            lambda: ops_select.embedding(shape_of(index), shape_of(weight), padding_idx),
            lambda: F.embedding(meta(index, dtype=torch.long), meta(weight), padding_idx=padding_idx),
            ("CNL005", "CNL006"),
        )

    weight = st.one_of(st.tuples(st.integers(0, 5), st.integers(0, 5)), DIMS)
    run(st.tuples(DIMS, weight, st.none() | st.integers(-6, 6)), check)
