"""Imports: torch and the standard library by name; the checked project's own files, lazily.

``import torch.nn as nn`` binds a ``QualName``. ``from .layers import ConvBN``
binds a ``LazyImport``: the other file is read, parsed and its module code
interpreted only when the name is first used, once per run. Anything that
cannot be found is unknown.
"""

from __future__ import annotations

import ast
import contextlib
import os
from collections.abc import Iterator

from cnnlint.interpret import fragments, libraries, stars
from cnnlint.interpret.known_names import (  # noqa: F401 - re-exported
    ALIASES,
    KNOWN_ROOTS,
    STDLIB_CONSTANTS,
    known_by_name,
)
from cnnlint.interpret.values import MISSING, UNKNOWN, LazyImport, ListVal, ModuleNS, QualName

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_FILE_BYTES = 2_000_000
_CYCLE = object()  # a name whose imports lead back to itself


def package_of(path: str) -> tuple[str | None, str | None]:
    """The dotted module name of a file and the directory that holds its top package (by ``__init__.py``)."""
    directory, filename = os.path.split(os.path.abspath(path))
    stem = os.path.splitext(filename)[0]
    parts = [] if stem == "__init__" else [stem]
    root = directory
    while os.path.isfile(os.path.join(root, "__init__.py")):
        parts.insert(0, os.path.basename(root))
        parent = os.path.dirname(root)
        if parent == root:
            break
        root = parent
    return (".".join(parts) if parts else None), root


def package_probes(path: str) -> list[str]:
    """What ``package_of`` read, as dependencies: each ``__init__.py`` it found (only that it exists)
    and the first it did not (a bare path: its appearing changes the package)."""
    found: list[str] = []
    root = os.path.dirname(os.path.abspath(path))
    while True:
        init = os.path.join(root, "__init__.py")
        if not os.path.isfile(init):
            return [*found, init]
        found.append(fragments.key(init, fragments.EXISTS, fragments.EXISTS, ""))
        parent = os.path.dirname(root)
        if parent == root:
            return found
        root = parent


class Imports:
    """The project's modules for one run: loaded on demand, each interpreted once."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.loaded: dict[str, ModuleNS | None] = {}  # dotted name -> module (None: not found / failed)
        self.loading: set[str] = set()
        self.roots: list[str] = []
        self.bodies: dict[int, str] = {}  # id(def node) of a loaded module -> its body's dependency key
        self.trees: list[ast.Module] = []  # the loaded trees, alive while ``bodies`` names their nodes
        self.library_files: set[str] = set()  # files found in an installed library, not in the project
        self.library_work = 0  # work spent on library module code (its own budget: libraries.LIBRARY_WORK)
        self.in_library = False
        self.missing_libraries: set[str] = set()  # model libraries the code imports that are not installed

    def add_root(self, root: str | None) -> None:
        if root and root not in self.roots:
            self.roots.append(root)

    # ---- names ---------------------------------------------------------------------

    def absolute(self, module: str | None, level: int, importer: ModuleNS) -> str | None:
        if level == 0:
            return module
        package = importer.package
        if package is None:
            return None
        parts = package.split(".")
        if level > len(parts):
            return None
        base = parts[: len(parts) - level + 1]
        if module:
            base.append(module)
        return ".".join(base)

    def module_value(self, name: str, importer: ModuleNS) -> Any:
        root = name.split(".", 1)[0]
        if root in KNOWN_ROOTS or known_by_name(name):
            return QualName(name)
        return LazyImport(name, None, importer)

    def from_value(self, module: str | None, attr: str, importer: ModuleNS) -> Any:
        if module is None:
            return UNKNOWN
        root = module.split(".", 1)[0]
        if root in KNOWN_ROOTS or known_by_name(f"{module}.{attr}"):
            dotted = f"{module}.{attr}"
            return STDLIB_CONSTANTS.get(dotted) or QualName(ALIASES.get(dotted, dotted))
        return LazyImport(module, attr, importer)

    def by_name(self, name: Any, main: ModuleNS) -> Any:
        """``sys.modules[name]``: the checked file or a project module this run has already loaded."""
        if not isinstance(name, str):
            return UNKNOWN
        if main is not None and name == main.dotted:
            return main
        found = self.loaded.get(name)
        return found if found is not None else UNKNOWN

    def submodule(self, owner: ModuleNS, name: str) -> Any:
        dotted = getattr(owner, "dotted", None)
        if not dotted:
            return UNKNOWN
        if known_by_name(f"{dotted}.{name}"):
            return QualName(f"{dotted}.{name}")
        found = self.load(f"{dotted}.{name}")
        if found is None and owner.reexporting:
            return self._reexported(owner, name)
        return found if found is not None else UNKNOWN

    def _reexported(self, package: ModuleNS, name: str) -> Any:
        """A name of a package whose ``__init__`` is not run: from the module under it that defines it."""
        target = libraries.defining_module(os.path.dirname(package.path), package.dotted or "", name)
        module = self.load(target) if target is not None else None
        if module is None:
            return UNKNOWN
        value = module.globals.get(name, UNKNOWN)
        return self._resolve(value, frozenset()) if isinstance(value, LazyImport) else value

    def star(self, module: str | None, importer: ModuleNS) -> dict[str, Any]:
        """``from .activations import *``: the module's ``__all__``, else its names without a leading ``_``.

        The module is loaded now (Python binds the names at the import). A module of an unknown
        root, or one that cannot be read, binds nothing: its names stay unknown.
        """
        if module == "torch.nn":  # no ``__all__``: every public name; the ones cnnlint knows are bound
            from cnnlint.interpret.torch_names import known_names

            return {n: QualName(f"torch.nn.{n}") for n in known_names(module)}
        if module is None or module.split(".", 1)[0] in KNOWN_ROOTS:
            return {}
        names = self.lazy_star(module, set())
        if names is not None:
            return {n: LazyImport(module, n, importer) for n in names}
        found = self.load(module)
        if found is None:
            return {}
        names = found.globals.get("__all__")
        if isinstance(names, ListVal) and not names.uncertain:
            names = tuple(names.items)
        if isinstance(names, tuple) and all(isinstance(n, str) for n in names):
            return {n: found.globals[n] for n in names if n in found.globals}
        return {k: v for k, v in found.globals.items() if not k.startswith("_")}

    def lazy_star(self, module: str, seen: set[str]) -> list[str] | None:
        """The names ``from module import *`` binds, read from the syntax (``stars.py``); None when the module
        must run at the import (its top-level code may change other modules, or cannot be read)."""
        if module in self.loaded or module in seen:
            return None  # loaded already: its globals say it; a cycle: as Python would, run it
        seen.add(module)
        path = self.find(module)
        if path is None:
            return None
        try:
            if os.path.getsize(path) > MAX_FILE_BYTES:
                return None
            found, cut = exported(path)
        except Exception:  # noqa: BLE001 - unreadable: the ordinary import says what it binds
            return None
        if not found.inert:
            return None
        self.session.dependencies.add(fragments.key(os.path.abspath(path), fragments.NAMES, found.hash, cut.file))
        names = list(found.names)
        for sub, level in found.stars:  # ``from .x import *`` inside it: x's names are its names too
            package = module if os.path.basename(path) == "__init__.py" else module.rpartition(".")[0]
            inner = self.absolute(sub, level, ModuleNS(path, package or None))
            more = self.lazy_star(inner, seen) if inner and inner.split(".", 1)[0] not in KNOWN_ROOTS else []
            if more is None:
                return None
            if not found.explicit:
                names.extend(n for n in more if n not in names)
        return names

    # ---- loading -------------------------------------------------------------------

    def resolve(self, lazy: LazyImport, interp: Any) -> Any:
        found = self._resolve(lazy, frozenset())
        return UNKNOWN if found is _CYCLE else found

    def _resolve(self, lazy: LazyImport, chain: frozenset[tuple[str, str | None]]) -> Any:
        """``chain``: the (module, name) pairs being resolved around this one. Names that import each other
        (geffnet's package star-imports a module doing ``from geffnet import config``) bind nothing yet:
        Python's ``from package import name`` then imports the submodule ``package.name``, as here."""
        dotted = lazy.module if lazy.attr is None else f"{lazy.module}.{lazy.attr}"
        if known_by_name(dotted):
            return QualName(dotted)
        module = self.load(lazy.module)
        if module is None:
            if lazy.attr is not None and self.namespace_package(lazy.module):
                sub = self.load(f"{lazy.module}.{lazy.attr}")  # ``from ns import sub``: Python imports ns.sub
                return sub if sub is not None else UNKNOWN
            return UNKNOWN
        if lazy.attr is None:
            return module
        value = module.globals.get(lazy.attr, MISSING)
        if isinstance(value, LazyImport):
            here = chain | {(lazy.module, lazy.attr)}
            inner = _CYCLE if (value.module, value.attr) in here else self._resolve(value, here)
            if inner is not _CYCLE:
                return inner
            sub = self.load(f"{lazy.module}.{lazy.attr}")
            return sub if sub is not None else _CYCLE
        if value is MISSING:
            sub = self.load(f"{lazy.module}.{lazy.attr}")
            if sub is None and module.reexporting:
                return self._reexported(module, lazy.attr)
            return sub if sub is not None else UNKNOWN
        return value

    def find(self, dotted: str) -> str | None:
        """The file of ``dotted``; every candidate looked for before it is a dependency (it would shadow it).
        The project's roots come first; an installed model library's after them (``libraries.py``)."""
        rel = dotted.replace(".", os.sep)
        roots = self.roots
        if libraries.is_library(dotted):
            roots = [*roots, *libraries.search_paths()]
        for root in roots:
            for candidate in (os.path.join(root, rel + ".py"), os.path.join(root, rel, "__init__.py")):
                if os.path.isfile(candidate):
                    if root not in self.roots:
                        self.library_files.add(candidate)
                    return candidate
                self.session.dependencies.add(os.path.abspath(candidate))
        return None

    def namespace_package(self, dotted: str) -> bool:
        """A directory of the project without ``__init__.py`` (PEP 420): Python imports its modules by name
        (pytorch-tabnet's sources used from a checkout: ``from pytorch_tabnet import sparsemax``)."""
        rel = dotted.replace(".", os.sep)
        return any(os.path.isdir(os.path.join(root, rel)) for root in self.roots)

    def ran(self, node: Any) -> None:
        """The body of ``node``, a function of an imported module, is being interpreted: a dependency."""
        key = self.bodies.get(id(node))
        if key is not None:
            self.session.dependencies.add(key)

    def load(self, dotted: str) -> ModuleNS | None:
        if dotted in self.loaded:
            return self.loaded[dotted]
        if dotted in self.loading or len(self.loaded) > 200:
            return None
        path = self.find(dotted)
        if path is None:
            self.loaded[dotted] = None
            root = dotted.split(".", 1)[0]
            if libraries.is_library(root) and self.loaded.get(root) is None and self.find(root) is None:
                self.missing_libraries.add(root)  # not installed where cnnlint looks: said in CNL100
            return None
        if path in self.library_files and dotted in libraries.REEXPORTING:
            module = ModuleNS(path, dotted, self.session.new_globals(imported=True), None, "", dotted)
            module.library = module.reexporting = True  # its names are found where they are defined
            self.loaded[dotted] = module
            return module
        budget = self._library_budget() if path in self.library_files and not self.in_library else None
        if budget is not None and self.library_work >= libraries.LIBRARY_WORK:
            return None  # the library budget is spent: unknown, not loaded
        self.loading.add(dotted)
        try:
            with budget or contextlib.nullcontext():
                module = self._interpret(path, dotted)
        finally:
            self.loading.discard(dotted)
        self.loaded[dotted] = module
        return module

    @contextlib.contextmanager
    def _library_budget(self) -> Iterator[None]:
        """A library module's code, and the modules it imports, run on the library's own budget."""
        session = self.session
        saved = session.work, session.max_work
        session.work, session.max_work = self.library_work, libraries.LIBRARY_WORK
        self.in_library = True
        try:
            yield
        finally:
            self.in_library = False
            self.library_work = session.work
            session.work, session.max_work = saved

    def _interpret(self, path: str, dotted: str) -> ModuleNS | None:
        from cnnlint.interpret.limits import BudgetExceeded
        from cnnlint.interpret.positions import Lines

        whole = os.path.abspath(path)
        try:
            if os.path.getsize(path) > MAX_FILE_BYTES:
                self.session.dependencies.add(whole)
                return None
            text, tree, cut = parsed(path)
        except Exception:  # noqa: BLE001 - an unreadable import is unknown, never a failure of this file
            self.session.dependencies.add(whole)
            return None
        is_package = os.path.basename(path) == "__init__.py"
        package = dotted if is_package else (dotted.rsplit(".", 1)[0] if "." in dotted else None)
        module = ModuleNS(path, package, self.session.new_globals(imported=True), Lines(text), text)
        module.dotted = dotted
        module.library = path in self.library_files
        self.session.dependencies.add(fragments.key(whole, fragments.TOP, cut.top, cut.file))
        self.trees.append(tree)
        for node_id, i in cut.index.items():
            self.bodies[node_id] = fragments.key(whole, f"f{i}", cut.bodies[i], cut.file)
        self.loaded[dotted] = module  # visible to circular imports while it is interpreted
        interp = self.session.interp
        # A module's own code is certain whatever branch first needed it: a fork must not undo its globals.
        saved_logs, interp.logs = interp.logs, []
        saved_loops, interp.loop_bodies = interp.loop_bodies, 0
        saved_returned, interp.after_return = interp.after_return, 0
        saved_catching, interp.catching = interp.catching, 0  # the importer's ``try`` does not reach in here
        saved_catching_import, interp.catching_import = interp.catching_import, 0
        try:
            with contextlib.suppress(BudgetExceeded, RecursionError):  # what was bound until then stays known
                interp.run_module(tree, module)
        finally:
            interp.logs = saved_logs
            interp.loop_bodies = saved_loops
            interp.after_return = saved_returned
            interp.catching = saved_catching
            interp.catching_import = saved_catching_import
        return module


# Parsed project files, shared by the files of one run and an editor's re-checks: a tree is never
# mutated by the interpreter, and the key (size, mtime) changes with the file.
_PARSE_CACHE: dict[str, tuple[tuple[int, int], str, ast.Module, fragments.Fragments]] = {}
PARSE_CACHE_SIZE = 256


def exported(path: str) -> tuple[stars.Exports, fragments.Fragments]:
    """What a star import of ``path`` binds (worked out once per parse), and the fragments it was read with."""
    _, tree, cut = parsed(path)
    if cut.exports is None:
        cut.exports = stars.exports(tree, KNOWN_ROOTS)
    return cut.exports, cut


def parsed(path: str) -> tuple[str, ast.Module, fragments.Fragments]:
    """The text, tree and fragments (with the hash of the bytes read) of a project file."""
    from cnnlint import source

    st = os.stat(path)
    key = (st.st_size, st.st_mtime_ns)
    hit = _PARSE_CACHE.get(path)
    if hit is not None and hit[0] == key:
        return hit[1], hit[2], hit[3]
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    text = source.decode(data)
    tree = ast.parse(text, path)
    cut = fragments.Fragments(text, tree, fragments.digest(data))
    if len(_PARSE_CACHE) >= PARSE_CACHE_SIZE:
        _PARSE_CACHE.clear()
    _PARSE_CACHE[path] = (key, text, tree, cut)
    return text, tree, cut
