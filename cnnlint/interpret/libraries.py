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
import re
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Packages of model definitions whose released code is checked against torch: torchvision, timm and
# segmentation_models_pytorch by benchmarks/library_models.py (and realworld.py), pytorchcv,
# pretrainedmodels, resnest and geffnet by benchmarks/zoo.py, efficientnet_pytorch and vit_pytorch by hand.
LIBRARIES = frozenset(
    {
        "torchvision",
        "timm",
        "pretrainedmodels",
        "geffnet",
        "resnest",
        "pytorchcv",
        "vit_pytorch",
        "efficientnet_pytorch",
        "segmentation_models_pytorch",
    }
)

# Nodes of library module code per checked file: a torchvision model's modules take 4k to 15k, a timm
# model's 30k to 110k (its model file registers a hundred variants); what is left unread is unknown.
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


# Packages whose ``__init__`` only gathers their submodules' names: timm's runs ``from .resnet import *``
# for each of its ~150 model files (about a second of module code, mostly registering models), and
# torchvision.models' for its 16 classification files (a third of a ``resnet18()`` check). Their
# ``__init__`` is not run: a name is taken from the submodule of that name, else from the one module
# that defines it at top level (``timm.create_model`` is timm/models/_factory.py's), looked for in the
# package's own files, or (True) in its subpackages' too.
REEXPORTING = {"timm": True, "timm.models": False, "torchvision.models": False}

_TOP_LEVEL = re.compile(r"^(?:def|class)\s+(\w+)|^(\w+)\s*(?::[^=\n]*)?=(?!=)", re.MULTILINE)


@functools.cache
def _definitions(directory: str, package: str) -> dict[str, tuple[str, ...]]:
    """Top-level name -> the dotted modules under ``directory`` (not its ``__init__`` files) defining it."""
    found: dict[str, list[str]] = {}
    for folder, subdirs, files in os.walk(directory):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith((".", "__"))) if REEXPORTING[package] else []
        relative = os.path.relpath(folder, directory)
        prefix = package if relative == "." else f"{package}.{relative.replace(os.sep, '.')}"
        for name in sorted(files):
            if not name.endswith(".py") or name == "__init__.py":
                continue
            try:
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError):
                continue
            dotted = f"{prefix}.{name[:-3]}"
            for match in _TOP_LEVEL.finditer(text):
                found.setdefault(match.group(1) or match.group(2), []).append(dotted)
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}


@functools.cache
def absent(top: str) -> tuple[str, ...]:
    """The paths whose absence makes ``import top`` fail where the libraries are read from, or () when
    it may succeed there. A library's optional import (segmentation_models_pytorch's ``try: from
    inplace_abn import InPlaceABN / except ImportError: InPlaceABN = None``) takes the branch Python takes
    in that environment. Anything that may provide the module counts as present: the standard library,
    a directory, a source or extension file, a directory a ``.pth`` file adds that has one, or a
    ``.pth`` file or editable-install finder naming it."""
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return ()
    directories = [*search_paths(), *(p for p in sys.path if p and os.path.isdir(p))]
    probes: list[str] = []
    for directory in dict.fromkeys(os.path.abspath(d) for d in directories):
        if _provides(directory, top):
            return ()
        for pth in glob.glob(os.path.join(glob.escape(directory), "*.pth")):
            text = _read(pth)
            if text is None or top in text:
                return ()
            for line in text.splitlines():
                added = os.path.join(directory, line.strip())
                if line.strip() and not line.startswith(("#", "import")) and _provides(added, top):
                    return ()
        for finder in glob.glob(os.path.join(glob.escape(directory), "__editable__*finder.py")):
            text = _read(finder)
            if text is None or repr(top) in text:
                return ()
        probes.extend((os.path.join(directory, top), os.path.join(directory, top + ".py")))
    return tuple(probes)


def _provides(directory: str, top: str) -> bool:
    stem = os.path.join(directory, top)
    return os.path.exists(stem) or bool(glob.glob(glob.escape(stem) + ".*"))


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def defining_module(directory: str, package: str, name: str) -> str | None:
    """The one module under a re-exporting package that defines ``name``; None when none or several do."""
    modules = _definitions(directory, package).get(name, ())
    return modules[0] if len(modules) == 1 else None


def _load_definer(interp: Any, registry: Any, name: str) -> None:
    """Load the model file of the registry's package that defines ``name``: its ``@register_model`` fills
    the registry, as Python has done by then through the package's ``__init__``."""
    if registry.dotted is None or "." not in registry.dotted:
        return
    target = defining_module(os.path.dirname(registry.path), registry.dotted.rsplit(".", 1)[0], name)
    if target is not None:
        interp.session.imports.load(target)


def timm_model(interp: Any, registry: Any, args: list[Any]) -> None:
    """``model_entrypoint("resnet50.a1_in1k")`` / ``is_model(...)``: the file defining ``resnet50``."""
    if args and type(args[0]) is str:
        _load_definer(interp, registry, args[0].split(".", 1)[0])


def torchvision_model(interp: Any, registry: Any, args: list[Any]) -> None:
    """``get_model_builder("ResNet18")``: the file defining ``resnet18`` (torchvision lower-cases the name)."""
    if args and type(args[0]) is str:
        _load_definer(interp, registry, args[0].lower())


# (module, function) -> what runs before a call of it: the registries of packages whose ``__init__`` is not run
CALL_HOOKS = {
    ("timm.models._registry", "model_entrypoint"): timm_model,
    ("timm.models._registry", "is_model"): timm_model,
    ("torchvision.models._api", "get_model_builder"): torchvision_model,
}
