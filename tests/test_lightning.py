"""A LightningModule is an nn.Module (its ``__call__`` is nn.Module's, which runs ``forward``): followed like
one, whatever it adds (``self.log``, ``save_hyperparameters``, ``hparams``) being unknown; Lightning's
``self.example_input_array`` is the input its own summary uses.

Lightning is not installed for the tests: torch runs the same source with a stand-in whose LightningModule
is an nn.Module with those methods doing nothing, which changes no shape.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from conftest import reported, run_cli, summary_model

torch = pytest.importorskip("torch")

SOURCE = """
{imports}
import torch
from torch import nn
import torch.nn.functional as F


class LitClassifier({base}):
    def __init__(self, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear({features}, 10))
        {example}

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = F.cross_entropy(self(x), y)
        self.log("train_loss", loss)
        return loss


{feed}
"""
SPELLINGS = [
    ("import pytorch_lightning as pl", "pl.LightningModule"),
    ("from pytorch_lightning import LightningModule", "LightningModule"),
    ("import lightning as L", "L.LightningModule"),
    ("import lightning.pytorch as lp", "lp.LightningModule"),
]


def _stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    class LightningModule(torch.nn.Module):
        def save_hyperparameters(self, *args: object) -> None:
            pass

        def log(self, *args: object, **kwargs: object) -> None:
            pass

    for name in ("pytorch_lightning", "lightning", "lightning.pytorch"):
        module = types.ModuleType(name)
        module.LightningModule = LightningModule  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(sys.modules["lightning"], "pytorch", sys.modules["lightning.pytorch"], raising=False)


@pytest.mark.parametrize("features", [5408, 5409])
@pytest.mark.parametrize(("imports", "base"), SPELLINGS)
def test_a_lightning_module_is_followed_at_the_input_fed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, imports: str, base: str, features: int
) -> None:
    _stand_in(monkeypatch)
    text = SOURCE.format(
        imports=imports,
        base=base,
        features=features,
        example="",
        feed="out = LitClassifier()(torch.randn(4, 1, 28, 28))",
    )
    path = tmp_path / "lit.py"
    path.write_text(text)
    namespace: dict = {"__name__": "lit"}
    try:
        exec(compile(text, str(path), "exec"), namespace)
    except RuntimeError:
        row = next(i for i, line in enumerate(text.splitlines(), 1) if "nn.Linear(" in line)
        assert reported(path) == {(row, "CNL001")}
        return
    assert reported(path) == set()
    assert summary_model(path, "LitClassifier", "4,1,28,28")["output_shape"] == list(namespace["out"].shape)


def test_example_input_array_is_the_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _stand_in(monkeypatch)
    text = SOURCE.format(
        imports=SPELLINGS[0][0],
        base=SPELLINGS[0][1],
        features=5408,
        example="self.example_input_array = torch.zeros(2, 1, 28, 28)",
        feed="",
    )
    path = tmp_path / "lit.py"
    path.write_text(text)
    (model,) = run_cli("summary", "--output-format", "json", str(path)).json()["models"]
    assert (model["input_shape"], model["input_from"], model["output_shape"]) == (
        [2, 1, 28, 28],
        "self.example_input_array",
        [2, 10],
    )
