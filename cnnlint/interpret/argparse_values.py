"""A script's ``argparse`` options, as ``python script.py`` gives them: every option at its default.

Training scripts size their models from the command line (``opt.img_size // 2 ** 4``). Run with no
arguments, argparse gives each option its default: the string defaults through the option's ``type``,
``store_true`` False, an option without a default None, and a parser-level ``set_defaults`` where the
option has none of its own. That is Python's own answer, not a guess; what it cannot give (a required
option, a positional, a ``type`` that is not a builtin, sub-commands, arguments parsed from a list)
is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cnnlint.interpret.values import MISSING, UNKNOWN, Builtin, ListVal, ModuleObj, QualName, is_plain

_STORE_CONSTANT = {"store_true": False, "store_false": True}
_NO_DEST = frozenset({"help", "version"})
_PARSER_METHODS = frozenset(
    {"add_argument", "add_argument_group", "add_mutually_exclusive_group", "set_defaults", "parse_args"}
    | {"parse_known_args", "add_subparsers", "print_help", "print_usage", "error", "exit", "get_default"}
)


@dataclass(eq=False)
class ArgParser:
    """An ``ArgumentParser`` (its groups add to it): each destination's default, in the order added."""

    defaults: dict[str, Any] = field(default_factory=dict)
    types: dict[str, Any] = field(default_factory=dict)
    parser_defaults: dict[str, Any] = field(default_factory=dict)  # ``set_defaults(...)``
    uncertain: bool = False  # an option or sub-command it could not read: the namespace is unknown


def call(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``argparse.X(...)``: a parser, or a ``Namespace`` of the keywords given."""
    if name == "argparse.ArgumentParser":
        return ArgParser()
    if name == "argparse.Namespace" and not args:
        return namespace(dict(kwargs))
    return UNKNOWN


def is_method(name: str) -> bool:
    return name in _PARSER_METHODS


def method(parser: ArgParser, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if name == "add_argument":
        _add_argument(parser, args, kwargs)
        return None
    if name in ("add_argument_group", "add_mutually_exclusive_group"):
        return parser  # a group's options are the parser's
    if name == "set_defaults":
        if args:
            parser.uncertain = True
        parser.parser_defaults.update(kwargs)
        for dest, value in kwargs.items():
            if dest in parser.defaults:
                parser.defaults[dest] = value
        return None
    if name == "get_default" and len(args) == 1 and isinstance(args[0], str):
        return parser.defaults.get(args[0], parser.parser_defaults.get(args[0]))
    if name in ("parse_args", "parse_known_args"):
        given = args[0] if args else kwargs.get("args")
        if parser.uncertain or not (given is None or isinstance(given, ListVal) and not given.items):
            return UNKNOWN  # sub-commands, or a command line of its own (``parse_args(["--lr", "0.1"])``)
        parsed = namespace(_parsed(parser))
        return parsed if name == "parse_args" else (parsed, ListVal([]))
    if name == "add_subparsers":
        parser.uncertain = True
        return UNKNOWN
    return None  # print_help, error, exit: nothing the model's shapes depend on


def namespace(values: dict[str, Any]) -> ModuleObj:
    """A plain object holding the options: ``opt.img_size`` reads, ``opt.cuda = ...`` writes."""
    return ModuleObj("object", attrs=values)


def _add_argument(parser: ArgParser, names: list[Any], kwargs: dict[str, Any]) -> None:
    if not names or not all(isinstance(n, str) for n in names):
        parser.uncertain = True
        return
    action = kwargs.get("action", "store")
    if action in _NO_DEST:
        return
    dest = kwargs.get("dest", _dest(names))
    if not isinstance(dest, str) or not dest:
        parser.uncertain = True
        return
    positional = not names[0].startswith("-")
    if _suppressed(kwargs.get("default", MISSING)):
        parser.defaults.pop(dest, None)
        return
    value = _default(parser, dest, action, kwargs)
    if positional and kwargs.get("nargs") not in ("?", "*") or kwargs.get("required") is True:
        value = UNKNOWN  # the command line must give it
    parser.defaults[dest] = value
    parser.types[dest] = kwargs.get("type")


def _dest(names: list[str]) -> str:
    """argparse's destination: the first long option (``--img-size`` is ``img_size``), else the first."""
    long = next((n for n in names if n.startswith("--")), None)
    chosen = long or names[0]
    return chosen.lstrip("-").replace("-", "_") if chosen.startswith("-") else chosen


def _default(parser: ArgParser, dest: str, action: Any, kwargs: dict[str, Any]) -> Any:
    if "default" in kwargs:
        return kwargs["default"]
    if dest in parser.parser_defaults:
        return parser.parser_defaults[dest]
    if action in _STORE_CONSTANT:
        return _STORE_CONSTANT[action]
    if action in ("store", "store_const", "append", "append_const", "count", "extend"):
        return None
    return UNKNOWN  # an Action class of the script's own


def _parsed(parser: ArgParser) -> dict[str, Any]:
    values = {dest: _converted(value, parser.types.get(dest)) for dest, value in parser.defaults.items()}
    for dest, value in parser.parser_defaults.items():
        values.setdefault(dest, value)
    return values


def _converted(value: Any, kind: Any) -> Any:
    """A string default goes through ``type`` as if typed on the command line (``default="32", type=int``)."""
    if not isinstance(value, str) or kind is None:
        return value
    if not isinstance(kind, Builtin) or kind.name not in ("int", "float", "str", "bool"):
        return UNKNOWN
    try:
        converted = {"int": int, "float": float, "str": str, "bool": bool}[kind.name](value)
    except ValueError:
        return UNKNOWN  # argparse exits with an error
    return converted if is_plain(converted) else UNKNOWN


def _suppressed(default: Any) -> bool:
    """``default=argparse.SUPPRESS``: no attribute at all unless given."""
    return default == "==SUPPRESS==" or isinstance(default, QualName) and default.name == "argparse.SUPPRESS"
