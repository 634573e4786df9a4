"""Products that contract named dims (``cnnlint.shapes.ops_contract``) against torch: ``outer`` and
``tensordot`` with int dims and with dim lists. Same contract as tests/test_shapes_ops.py: torch's shape
exactly, an error with the op's code exactly where torch raises, and never more than torch on abstracted
inputs."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from strategies.ops import DIMS, meta, run, same_as_torch, shape_of

from cnnlint.shapes import ops_contract

torch = pytest.importorskip("torch")

# Sizes of 1 and 2 mostly, so contracted dims often match (or broadcast from 1).
SMALL = st.lists(st.integers(1, 3), min_size=0, max_size=4).map(tuple)


def test_outer() -> None:
    def check(case: Any) -> None:
        a, b = case
        same_as_torch(
            f"torch.outer({a}, {b})",
            lambda: ops_contract.outer(shape_of(a), shape_of(b)),
            lambda: torch.outer(meta(a), meta(b)),
            ("CNL006",),
        )

    vector = st.lists(st.integers(0, 5), min_size=1, max_size=1).map(tuple)
    run(st.tuples(vector | DIMS, vector | DIMS), check)


def test_tensordot_with_a_count_of_dims() -> None:
    def check(case: Any) -> None:
        a, b, dims = case
        same_as_torch(
            f"torch.tensordot({a}, {b}, {dims})",
            lambda: ops_contract.tensordot(shape_of(a), shape_of(b), dims),
            lambda: torch.tensordot(meta(a), meta(b), dims),
            ("CNL005", "CNL010"),
        )

    run(st.tuples(SMALL, SMALL, st.integers(-1, 4)), check)


def test_tensordot_with_lists_of_dims() -> None:
    def check(case: Any) -> None:
        a, b, dims_a, dims_b = case
        dims = (dims_a, dims_b)
        same_as_torch(
            f"torch.tensordot({a}, {b}, dims={dims})",
            lambda: ops_contract.tensordot(shape_of(a), shape_of(b), dims),
            lambda: torch.tensordot(meta(a), meta(b), dims=dims),
            ("CNL005", "CNL010"),
        )

    dim_list = st.lists(st.integers(-4, 3), max_size=3)
    run(st.tuples(SMALL, SMALL, dim_list, dim_list), check, examples=150)
