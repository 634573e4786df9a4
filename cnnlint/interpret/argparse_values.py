"""A script's ``argparse`` options, as ``python script.py`` gives them: every option at its default.

Training scripts size their models from the command line (``opt.img_size // 2 ** 4``). Run with no
arguments, argparse gives each option its default: the string defaults through the option's ``type``,
``store_true`` False, an option without a default None, and a parser-level ``set_defaults`` where the
option has none of its own. That is Python's own answer, not a guess; what it cannot give (a required
option, a positional, a ``type`` that is not a builtin, sub-commands, arguments parsed from a list)
is unknown.
"""

from __future__ import annotations

import re

from cnnlint.interpret.values import MISSING, UNKNOWN, Builtin, ListVal, ModuleObj, QualName, is_plain
from cnnlint.records import dataclass, field

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_STORE_CONSTANT = {"store_true": False, "store_false": True}
_NO_DEST = frozenset({"help", "version"})
_PARSER_METHODS = frozenset(
    {"add_argument", "add_argument_group", "add_mutually_exclusive_group", "set_defaults", "parse_args"}
    | {"parse_known_args", "add_subparsers", "print_help", "print_usage", "error", "exit", "get_default"}
)


@dataclass(frozen=True)
class _Option:
    """One ``add_argument``: what a command line that names it does."""

    strings: tuple[str, ...]  # ``("-n", "--depth")``; empty for a positional
    dest: str
    action: Any
    nargs: Any
    const: Any
    kind: Any  # ``type``
    choices: Any
    required: bool


@dataclass(eq=False)
class ArgParser:
    """An ``ArgumentParser`` (its groups add to it): each destination's default, in the order added."""

    defaults: dict[str, Any] = field(default_factory=dict)
    types: dict[str, Any] = field(default_factory=dict)
    parser_defaults: dict[str, Any] = field(default_factory=dict)  # ``set_defaults(...)``
    uncertain: bool = False  # an option or sub-command it could not read: the namespace is unknown
    options: list[_Option] = field(default_factory=list)
    own_syntax: bool = False


def call(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """``argparse.X(...)``: a parser, or a ``Namespace`` of the keywords given."""
    if name == "argparse.ArgumentParser":
        # other prefix characters, or arguments read from files: a command line it parses is not read here
        return ArgParser(own_syntax=bool({"prefix_chars", "fromfile_prefix_chars"} & set(kwargs)))
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
        if parser.uncertain or len(args) > 1 or set(kwargs) - {"args"}:
            return UNKNOWN  # sub-commands, or a namespace of the caller's
        values = _parsed(parser) if given is None else _from_command_line(parser, given)
        if given is None and _checked_default(parser, set()):
            values = None
        if values is None:
            return UNKNOWN
        parsed = namespace(values)
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
    positional = not names[0].startswith("-")
    dest = kwargs.get("dest", _dest(names)) if action not in _NO_DEST else ""
    if not isinstance(dest, str) or not dest and action not in _NO_DEST:
        parser.uncertain = True
        return
    parser.options.append(
        _Option(
            () if positional else tuple(names),
            dest,
            action,
            kwargs.get("nargs"),
            kwargs.get("const"),
            kwargs.get("type"),
            kwargs.get("choices"),
            kwargs.get("required") is True or positional and kwargs.get("nargs") not in ("?", "*"),
        )
    )
    if action in _NO_DEST:
        return
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


_NEGATIVE = re.compile(r"^-\d+$|^-\d*\.\d+$")  # argparse's test for a negative number


def _from_command_line(parser: ArgParser, given: Any) -> dict[str, Any] | None:
    """The namespace argparse gives for ``given``, an argument list; None when argparse would stop the
    script (an unknown or missing option) or when the list uses a form not modelled here."""
    if parser.own_syntax:
        return None
    if isinstance(given, ListVal):
        if given.uncertain:
            return None
        given = given.items
    if not isinstance(given, (list, tuple)) or not all(isinstance(t, str) for t in given):
        return None
    values = _parsed(parser)
    by_string = {s: o for o in parser.options for s in o.strings}
    negatives_are_options = any(_NEGATIVE.match(s) for s in by_string)
    positionals = [o for o in parser.options if not o.strings]
    seen: set[str] = set()
    i = 0
    while i < len(given):
        token = given[i]
        if token == "--" or negatives_are_options and _NEGATIVE.match(token):
            return None
        if token.startswith("-") and token != "-" and not _NEGATIVE.match(token):
            name, eq, attached = token.partition("=") if token.startswith("--") else (token, "", "")
            option = by_string.get(name)
            if option is None or option.nargs is not None or option.action in _NO_DEST:
                return None  # unrecognised (or abbreviated), several values, help: argparse exits or differs
            i += 1
            if option.action in ("store", "append"):
                if not eq:
                    if i >= len(given) or _looks_like_option(given[i], negatives_are_options):
                        return None  # "expected one argument"
                    attached, i = given[i], i + 1
                value = _given(attached, option)
                if value is None:
                    return None
                if option.action == "append":
                    if values[option.dest] is not None and option.dest not in seen:
                        return None  # a default list is copied, then appended to: not modelled
                    previous = values[option.dest] if option.dest in seen else ListVal([])
                    value = ListVal([*previous.items, value])
            elif eq:
                return None  # "ignored explicit argument"
            elif option.action in _STORE_CONSTANT:
                value = not _STORE_CONSTANT[option.action]
            elif option.action == "store_const":
                value = option.const
            elif option.action == "count":
                value = (values[option.dest] or 0) + 1 if isinstance(values[option.dest], (int, type(None))) else None
                if value is None:
                    return None
            else:
                return None
            values[option.dest] = value
            seen.add(option.dest)
            continue
        if not positionals or positionals[0].nargs is not None:
            return None
        option = positionals.pop(0)
        value = _given(token, option)
        if value is None:
            return None
        values[option.dest] = value
        seen.add(option.dest)
        i += 1
    missing = [o for o in parser.options if o.required and o.dest not in seen]
    return None if missing or _checked_default(parser, seen) else values


def _checked_default(parser: ArgParser, seen: set[str]) -> bool:
    """A positional with ``nargs="?"`` or ``"*"`` that is not given still goes through its ``choices``
    (argparse checks its default like a typed value): not modelled."""
    return any(
        not o.strings and o.nargs is not None and o.choices is not None and o.dest not in seen for o in parser.options
    )


def _looks_like_option(token: str, negatives_are_options: bool) -> bool:
    return token.startswith("-") and (negatives_are_options or not _NEGATIVE.match(token))


def _given(text: str, option: _Option) -> Any:
    """A value typed on the command line, through ``type``; None when argparse rejects it."""
    value = _converted(text, option.kind) if option.kind is not None else text
    if value is UNKNOWN:
        return UNKNOWN if not isinstance(option.kind, Builtin) else None
    choices = option.choices
    if isinstance(choices, ListVal):
        choices = choices.items
    if choices is not None:
        if not isinstance(choices, (list, tuple)) or not all(is_plain(c) for c in choices):
            return UNKNOWN
        if value not in choices:
            return None  # "invalid choice"
    return value


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
