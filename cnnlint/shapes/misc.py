"""Catalogue family: misc (being written)."""

from __future__ import annotations

from cnnlint.shapes.spec import LayerSpec

SPECS: list[LayerSpec] = []
