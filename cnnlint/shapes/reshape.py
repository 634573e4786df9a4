"""Catalogue family: reshape (being written)."""

from __future__ import annotations

from cnnlint.shapes.spec import LayerSpec

SPECS: list[LayerSpec] = []
