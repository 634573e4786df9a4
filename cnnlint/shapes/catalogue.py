"""The layer catalogue: every torch.nn layer cnnlint knows, by class name."""

from __future__ import annotations

import importlib

from cnnlint.shapes.spec import LayerSpec

FAMILIES = ("conv", "pool", "norm", "linear", "reshape", "elementwise", "padding", "upsample", "misc", "rnn", "fold")
FAMILIES += ("unpool",)

CATALOGUE: dict[str, LayerSpec] = {
    spec.name: spec for family in FAMILIES for spec in importlib.import_module(f"cnnlint.shapes.{family}").SPECS
}


def lookup(name: str) -> LayerSpec | None:
    return CATALOGUE.get(name)
