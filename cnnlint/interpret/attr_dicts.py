"""Configuration dicts read by attribute: easydict's ``EasyDict``, yacs' ``CfgNode`` (detectron-style
``_C = CN(); _C.MODEL = CN(); _C.MODEL.DEPTH = 50``), ml_collections' ``ConfigDict`` and munch's ``Munch``.

Each is a dict whose keys are also attributes; they are known by name, never read from disk. What each
library does with a nested dict is kept: EasyDict and ConfigDict turn it into one of theirs when built and
when set, CfgNode when built, Munch never (its ``cfg.a.b`` on a plain dict is an error, unknown here).
``merge_from_file`` / ``merge_from_list`` (a YAML file, a command line) make every value unknown; ``clone``
copies; ``freeze`` and ``lock`` change nothing read here. An attribute that is not a key, or that is
both a key and a method, is unknown.
"""

from __future__ import annotations

from cnnlint.interpret.values import UNKNOWN, AttrDictVal, DictVal, ListVal, MethodOf

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# constructor -> when nested dicts become attribute dicts: "always" (built and set), "built", "never"
CONSTRUCTORS = {
    "easydict.EasyDict": "always",
    "yacs.config.CfgNode": "built",
    "ml_collections.ConfigDict": "always",
    "ml_collections.config_dict.ConfigDict": "always",
    "ml_collections.config_dict.config_dict.ConfigDict": "always",
    "munch.Munch": "never",
}
ROOTS = frozenset(name.split(".", 1)[0] for name in CONSTRUCTORS)
_FIRST_ARGUMENT = {"easydict": "d", "yacs": "init_dict", "ml_collections": "initial_dictionary"}
_MERGES = frozenset({"merge_from_file", "merge_from_list", "merge_from_other_cfg", "update_from_flattened_dict"})
_NOTHING = frozenset({"freeze", "defrost", "lock", "unlock", "register_deprecated_key", "register_renamed_key"})
_COPIES = frozenset({"clone", "copy_and_resolve_references"})
_PLAIN = frozenset({"to_dict", "toDict"})
OWN_METHODS = _MERGES | _NOTHING | _COPIES | _PLAIN
_DICT_METHODS = frozenset({"get", "keys", "values", "items", "pop", "popitem", "setdefault", "update", "copy", "clear"})
_MORE_DICT_NAMES = frozenset({"fromkeys", "move_to_end", "default_factory"})  # (OrderedDict, defaultdict)


def build(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    converts = CONSTRUCTORS[name]
    root = name.split(".", 1)[0]
    first = _FIRST_ARGUMENT.get(root)
    given = dict(kwargs)
    source = args[0] if args else given.pop(first, None) if first is not None else None
    if len(args) > 1 or (root != "easydict" and root != "munch" and given):
        return UNKNOWN  # (yacs' key_list / new_allowed, ConfigDict's type_safe: not modelled)
    if source is None:
        items: dict[Any, Any] = {}
    elif isinstance(source, DictVal) and not source.uncertain:
        items = dict(source.items)
    else:
        return UNKNOWN  # ``EasyDict(yaml.safe_load(f))``: the file's
    items.update(given)
    made = AttrDictVal({}, converts)
    for key, value in items.items():
        made.items[key] = _converted(value, converts) if converts != "never" else value
    return made


def _converted(value: Any, converts: str, depth: int = 0) -> Any:
    """A nested dict (and, for EasyDict, the dicts in a list or tuple) as the library makes it."""
    if depth > 20:
        return UNKNOWN
    if isinstance(value, DictVal) and not isinstance(value, AttrDictVal):
        if value.uncertain:
            return UNKNOWN
        return AttrDictVal({k: _converted(v, converts, depth + 1) for k, v in value.items.items()}, converts)
    if converts == "always" and isinstance(value, tuple):
        return tuple(_converted(v, converts, depth + 1) for v in value)
    if converts == "always" and isinstance(value, ListVal) and not value.uncertain:
        return ListVal([_converted(v, converts, depth + 1) for v in value.items])
    return value


def dict_attribute(name: str) -> bool:
    """A name a plain dict (an OrderedDict, a defaultdict) answers as an attribute."""
    return name in _DICT_METHODS or name in _MORE_DICT_NAMES or name.startswith("__")


def attribute(owner: AttrDictVal, name: str) -> Any:
    """``cfg.MODEL``: the key's value; a method of the dict or of the library; else unknown."""
    method = name in _DICT_METHODS or name in OWN_METHODS
    if owner.uncertain:
        return MethodOf(owner, name) if method else UNKNOWN
    if name in owner.items:
        return UNKNOWN if method else owner.items[name]
    return MethodOf(owner, name) if method else UNKNOWN


def set_value(interp: Any, owner: AttrDictVal, name: str, value: Any) -> None:
    """``cfg.lr = 0.1`` is ``cfg["lr"] = 0.1`` (converted as the library converts what is set)."""
    if owner.converts == "always":
        value = _converted(value, "always")
    interp.set_item(owner, name, value)


def method(interp: Any, owner: AttrDictVal, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if name in _MERGES:
        _forget(owner)  # a YAML file or a command line: every value may change
        return None
    if name in _NOTHING:
        return None
    if name in _COPIES:
        return _copied(owner, plain=False)
    return _copied(owner, plain=True)  # to_dict


def _forget(value: Any, depth: int = 0) -> None:
    if isinstance(value, DictVal) and depth <= 20:
        value.uncertain = True
        for inner in value.items.values():
            _forget(inner, depth + 1)


def _copied(value: Any, plain: bool, depth: int = 0) -> Any:
    """A deep copy, each dict of its own kind (``clone`` is ``copy.deepcopy``); ``plain``: every dict a plain
    dict (``to_dict``)."""
    if depth > 20:
        return UNKNOWN
    if isinstance(value, DictVal):
        items = {k: _copied(v, plain, depth + 1) for k, v in value.items.items()}
        made = AttrDictVal(items, value.converts) if isinstance(value, AttrDictVal) and not plain else DictVal(items)
        made.uncertain = value.uncertain
        return made
    if isinstance(value, ListVal):
        copied = ListVal([_copied(v, plain, depth + 1) for v in value.items])
        copied.uncertain = value.uncertain
        return copied
    return value
