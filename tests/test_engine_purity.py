"""The engine is pure: importing and running it loads neither torch nor libcst."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SCRIPT = """
import json, sys
import cnnlint.shapes, cnnlint.shapes.catalogue, cnnlint.shapes.ops, cnnlint.shapes.mha
from cnnlint.shapes import Shape, propagate
from cnnlint.shapes.catalogue import CATALOGUE
layers = [CATALOGUE["Flatten"](), CATALOGUE["Linear"](9216, 10), CATALOGUE["ReLU"]()]
trace = propagate(layers, Shape(1, 256, 6, 6))
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "libcst", "numpy"))
print(json.dumps({"heavy": heavy, "output": list(trace.output.dims), "entries": len(CATALOGUE)}))
"""


def test_engine_imports_neither_torch_nor_libcst() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    report = json.loads(result.stdout)
    assert report["heavy"] == []
    assert report["output"] == [1, 10]
    assert report["entries"] > 0
