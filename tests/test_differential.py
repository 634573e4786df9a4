"""Every catalogue entry against torch: hypothesis-drawn arguments and inputs, same answer or both raise.

One test for the whole catalogue, over the strategies each family keeps in
tests/strategies/ (``benchmarks/differential.py`` runs the same ones at scale).
``CNNLINT_EXAMPLES`` sets the examples per entry (default 40).
"""

from __future__ import annotations

import os

import pytest
from strategies import all_strategies

STRATEGIES = all_strategies()
EXAMPLES = int(os.environ.get("CNNLINT_EXAMPLES", "40"))


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_engine_agrees_with_torch(name: str) -> None:
    pytest.importorskip("torch")
    from strategies import run_differential

    run_differential(name, STRATEGIES[name], EXAMPLES)
