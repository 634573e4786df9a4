"""A training script's wrappers around its model: ``nn.DataParallel`` (``model.module`` is the model),
``torch.compile`` and ``torch.jit.script``/``trace`` run the model's own forward, so the input fed to the
wrapper is the model's. Torch running the same script is the truth (``torch.compile`` replaced by the
model it wraps: compiling changes no shape, and the meta device cannot be compiled)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import reported, run_cli

torch = pytest.importorskip("torch")

HEADER = """import torch
import torch.nn as nn

net = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.ReLU(), nn.Flatten(), nn.Linear({features}, 10))
"""

# script after HEADER -> whether the Linear (HEADER's line 4) is wrong for the fed input
CASES = {
    "data_parallel": "model = nn.DataParallel(net)\nout = model(torch.randn(2, 3, 9, 9))\n",
    "parallel_module": "model = nn.parallel.DataParallel(net).to('cpu')\nmodel.module[3] = nn.Linear(128, 5)\n"
    "out = model(torch.randn(2, 3, 9, 9))\n",
    "compiled": "model = torch.compile(net)\nmodel.eval()\n"
    "with torch.no_grad():\n    out = model(torch.randn(2, 3, 9, 9))\n",
    "scripted": "model = torch.jit.script(net)\nout = model(torch.randn(2, 3, 9, 9))\n",
    "compiled_parallel": "model = torch.compile(nn.DataParallel(net))\nout = model(torch.randn(2, 3, 11, 11))\n",
}


def _truth(text: str) -> list[int] | Exception:
    namespace: dict = {"__name__": "__main__"}
    compile_, torch.compile = torch.compile, lambda model, **kwargs: model
    try:
        exec(compile(text, "<script>", "exec"), namespace)
    except Exception as exc:  # noqa: BLE001 - the error is the truth of a broken case
        return exc
    finally:
        torch.compile = compile_
    return list(namespace["out"].shape)


@pytest.mark.parametrize("features", [128, 200])
@pytest.mark.parametrize("name", CASES)
def test_the_input_fed_to_a_wrapper_is_the_models(tmp_path: Path, name: str, features: int) -> None:
    text = HEADER.format(features=features) + textwrap.dedent(CASES[name])
    path = tmp_path / "train.py"
    path.write_text(text)
    truth = _truth(text)
    found = reported(path)
    if isinstance(truth, Exception):
        assert found == {(4, "CNL001")}, truth
        return
    assert found == set()
    (model,) = [m for m in run_cli("summary", "--output-format", "json", str(path)).json()["models"]]
    assert model["output_shape"] == truth
