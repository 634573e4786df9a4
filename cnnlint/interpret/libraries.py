"""Installed model libraries whose source the interpreter reads, as it reads the project's own files.

``model = torchvision.models.resnet18(weights="DEFAULT"); model.fc = nn.Linear(2048, 10)``
is the commonest transfer-learning bug; finding it needs the library's model code. A
library is read from the Python environments at hand: the project's (``VIRTUAL_ENV``,
``CONDA_PREFIX``), then cnnlint's own. Only the libraries named here are read: a
training script also imports pandas or matplotlib, whose module code would cost time
and explain nothing about shapes. A library that is not installed stays unknown, as
before. Its module code has a budget of its own per checked file (``LIBRARY_WORK``),
so a large library never takes the checked file's own budget.
"""

from __future__ import annotations

import functools
import glob
import os
import sys

# Packages of model definitions, each checked against torch on its released code (benchmarks/zoo.py,
# benchmarks/realworld.py, tests/test_library_models.py). timm is not read: ``timm.create_model`` finds
# a model in a registry that each of its ~150 model files fills at import, and running them all costs
# about a second (its released code is checked as a project by benchmarks/realworld.py).
LIBRARIES = frozenset(
    {
        "torchvision",
        "pretrainedmodels",
        "geffnet",
        "resnest",
        "pytorchcv",
        "vit_pytorch",
        "segmentation_models_pytorch",
        "efficientnet_pytorch",
    }
)

# Nodes of library module code per checked file: ``import torchvision`` and one model's modules take
# about 20k; what is left unread when it runs out is unknown.
LIBRARY_WORK = 300_000


def is_library(dotted: str) -> bool:
    return dotted.split(".", 1)[0] in LIBRARIES


@functools.cache
def search_paths() -> tuple[str, ...]:
    """The site-packages directories to look in, the project's environment first."""
    found: list[str] = []
    for variable in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        prefix = os.environ.get(variable)
        if prefix:
            found.extend(sorted(glob.glob(os.path.join(prefix, "lib", "python3*", "site-packages"))))
            found.append(os.path.join(prefix, "Lib", "site-packages"))  # Windows
    found.extend(p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages"))
    unique: list[str] = []
    for path in found:
        path = os.path.abspath(path)
        if path not in unique and os.path.isdir(path):
            unique.append(path)
    return tuple(unique)
