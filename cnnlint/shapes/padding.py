"""Catalogue family: padding (being written)."""

from __future__ import annotations

from cnnlint.shapes.spec import LayerSpec

SPECS: list[LayerSpec] = []
