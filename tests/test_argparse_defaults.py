"""A training script's argparse options at their defaults, as ``python train.py`` runs it (corpus G #02: a
DCGAN discriminator sized by ``opt.img_size // 2 ** 4``). The truth: Python's argparse, and torch running
the same script with no arguments."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from conftest import findings, script_error, summary_model
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnlint.interpret import argparse_values
from cnnlint.interpret.values import UNKNOWN, Builtin, ListVal, QualName

SCRIPT = """
import argparse
import torch
from torch import nn

parser = argparse.ArgumentParser(description="DCGAN")
group = parser.add_argument_group("model")
group.add_argument("--img_size", type=int, default={img_size}, help="size of each image dimension")
parser.add_argument("--channels", type=int, default="1")
parser.add_argument("--batch-size", type=int, default=4)
parser.add_argument("--cuda", action="store_true")
opt = parser.parse_args()


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(nn.Conv2d(opt.channels, 16, 3, 2, 1), nn.Conv2d(16, 32, 3, 2, 1))
        ds_size = {ds_size}
        self.adv_layer = nn.Linear(32 * ds_size ** 2, 1)

    def forward(self, img):
        out = self.model(img)
        out = out.view(out.shape[0], -1)
        return self.adv_layer(out)


discriminator = Discriminator()
if opt.cuda:
    discriminator.cuda()
imgs = torch.randn(opt.batch_size, opt.channels, opt.img_size, opt.img_size)
validity = discriminator(imgs)
"""


@pytest.mark.parametrize("img_size", [32, 64])
def test_a_model_sized_by_argparse_defaults_is_followed(tmp_path: Path, img_size: int) -> None:
    path = tmp_path / "dcgan.py"
    path.write_text(SCRIPT.format(img_size=img_size, ds_size="opt.img_size // 2 ** 2"))
    assert script_error(path) is None
    model = summary_model(path, "Discriminator", f"4,1,{img_size},{img_size}")
    assert model["output_shape"] == [4, 1]
    assert findings(path) == []


def test_a_size_the_defaults_get_wrong_is_found(tmp_path: Path) -> None:
    """The reporter's bug: the Linear was sized for four halvings, the model halves twice."""
    path = tmp_path / "dcgan.py"
    path.write_text(SCRIPT.format(img_size=64, ds_size="opt.img_size // 2 ** 4"))
    assert "mat1 and mat2 shapes cannot be multiplied (4x8192 and 512x1)" in (script_error(path) or "")
    assert [(code, "512" in message and "8192" in message) for _, code, message in findings(path)] == [("CNL001", True)]


def test_a_required_option_is_unknown(tmp_path: Path) -> None:
    """``--img_size`` must be given on the command line: nothing is known of it, nothing reported."""
    path = tmp_path / "dcgan.py"
    source = SCRIPT.format(img_size=64, ds_size="opt.img_size // 2 ** 4")
    path.write_text(source.replace("default=64, help", "required=True, help"))
    assert [code for _, code, _ in findings(path)] == ["CNL100"]  # where following stops, said; no error


# ---- argparse's own rules, against argparse ----------------------------------------------------------------

_TYPES = {"int": int, "float": float, "str": str, "bool": bool}
option = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["--img-size", "--lr", "--depth", "-n"]),
        "action": st.sampled_from([None, "store_true", "store_false", "store"]),
        "type": st.sampled_from([None, "int", "float", "str", "bool"]),
        "default": st.sampled_from([None, "32", "0.5", "", "x", 7, 2.5, False]),
        "give_default": st.booleans(),
    }
)


def _real(options: list[dict], parser_defaults: dict) -> dict | None:
    parser = argparse.ArgumentParser()
    try:
        for o in options:
            kwargs = _kwargs(o, lambda t: _TYPES[t])
            parser.add_argument(o["name"], **kwargs)
        parser.set_defaults(**parser_defaults)
        return vars(parser.parse_args([]))
    except (argparse.ArgumentError, ValueError, TypeError, SystemExit):
        return None


def _kwargs(o: dict, kind) -> dict:
    kwargs: dict = {}
    if o["action"] is not None:
        kwargs["action"] = o["action"]
    if o["type"] is not None and o["action"] in (None, "store"):
        kwargs["type"] = kind(o["type"])
    if o["give_default"]:
        kwargs["default"] = o["default"]
    return kwargs


@settings(max_examples=300, deadline=None)
@given(st.lists(option, min_size=1, max_size=4, unique_by=lambda o: o["name"]), st.booleans())
def test_the_defaults_are_argparses(options: list[dict], set_lr: bool) -> None:
    parser_defaults = {"lr": 0.1} if set_lr else {}
    expected = _real(options, parser_defaults)
    if expected is None:
        return  # argparse refuses the options themselves: not what this is about
    parser = argparse_values.call("argparse.ArgumentParser", [], {})
    for o in options:
        argparse_values.method(parser, "add_argument", [o["name"]], _kwargs(o, Builtin))
    argparse_values.method(parser, "set_defaults", [], parser_defaults)
    namespace = argparse_values.method(parser, "parse_args", [], {})
    got = namespace.attrs
    assert set(got) == set(expected)
    for dest, value in got.items():
        if value is not UNKNOWN:  # an invalid string default makes argparse exit: unknown here
            assert (type(value), value) == (type(expected[dest]), expected[dest]), dest


def test_what_argparse_alone_cannot_tell_is_unknown() -> None:
    parser = argparse_values.call("argparse.ArgumentParser", [], {})
    argparse_values.method(parser, "add_argument", ["data"], {})  # a positional: the command line's
    argparse_values.method(parser, "add_argument", ["--scale"], {"type": QualName("mylib.parse"), "default": "2"})
    namespace = argparse_values.method(parser, "parse_args", [], {})
    assert namespace.attrs == {"data": UNKNOWN, "scale": UNKNOWN}
    assert argparse_values.method(parser, "parse_args", [ListVal(["--scale", "3"])], {}) is UNKNOWN  # no data
    argparse_values.method(parser, "add_subparsers", [], {})
    assert argparse_values.method(parser, "parse_args", [], {}) is UNKNOWN


# ---- a command line the script gives itself: ``parser.parse_args(["--lr", "0.1"])`` ------------------------

NOTEBOOK = """
import argparse
import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("data")
parser.add_argument("--width", type=int, default=16)
parser.add_argument("--depth", type=int, default=1)
parser.add_argument("--bn", action="store_true")
args = parser.parse_args({argv})


class Net(nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        self.convs = nn.Sequential(*[nn.Conv2d(3 if i == 0 else width, width, 3, 2, 1) for i in range(depth)])
        self.head = nn.Linear(width * 8 * 8, 10)

    def forward(self, x):
        return self.head(self.convs(x).flatten(1))


net = Net(args.width, args.depth)
out = net(torch.randn(2, 3, 32, 32))
"""


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        ('["data/", "--width", "32", "--depth", "2"]', None),  # 32 x 8 x 8 after two halvings: right
        ('"data/ --width=8 --depth 2 --bn".split()', None),
        ('["--depth", "1", "data/"]', "mat1 and mat2 shapes cannot be multiplied (2x4096 and 1024x10)"),
        ('["data/", "--width", "4", "--depth", "3"]', "mat1 and mat2 shapes cannot be multiplied (2x64 and 256x10)"),
    ],
)
def test_a_command_line_given_in_the_code_is_parsed(tmp_path: Path, argv: str, error: str | None) -> None:
    path = tmp_path / "notebook.py"
    path.write_text(NOTEBOOK.format(argv=argv))
    assert script_error(path) == error
    got = findings(path)
    if error is None:
        assert got == []
    else:
        assert [code for _, code, _ in got] == ["CNL001"]


@pytest.mark.parametrize(
    "argv",
    [
        '["--width", "32"]',  # the positional is missing: argparse stops the script
        '["data/", "--wid", "32"]',  # an abbreviation: argparse's own matching, not modelled
        '["data/", "--width"]',  # expected one argument
        '["data/", "--width", "x"]',  # invalid int value
        '["data/", "extra"]',  # unrecognized arguments
        '["data/", "--bn=1"]',  # ignored explicit argument
    ],
)
def test_a_command_line_argparse_refuses_or_abbreviates_is_unknown(tmp_path: Path, argv: str) -> None:
    path = tmp_path / "notebook.py"
    path.write_text(NOTEBOOK.format(argv=argv).replace("default=16", "default=4"))  # wrong at its default
    assert [code for _, code, _ in findings(path) if code != "CNL100"] == []


command_line_option = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["--img-size", "--lr", "--depth", "-n", "-v", "--img-size", "--lr", "pos"]),
        "action": st.sampled_from([None, "store_true", "store_false", "store", "count", "append", "store_const"]),
        "type": st.sampled_from([None, "int", "float", "str"]),
        "default": st.sampled_from([None, "32", 7, False]),
        "give_default": st.booleans(),
        "required": st.sampled_from([False, False, False, True]),
        "choices": st.sampled_from([None, None, ["1", "2"], [1, 2]]),
        "nargs": st.sampled_from([None, None, None, None, "?", "+"]),
    }
)
# whole options with their values mostly, and the odd stray token
chunks = st.sampled_from(
    [["--img-size", "2"], ["--lr", "0.5"], ["--depth", "-1"], ["-n", "1"], ["-v"], ["--lr=2"], ["1"], ["x"]]
    + [["--lr"], ["-1"], ["--"], ["--img-size", "-n"]]
)
tokens = st.lists(chunks, max_size=4).map(lambda parts: [t for part in parts for t in part])


def _command_line_kwargs(o: dict, kind) -> dict:
    kwargs: dict = {}
    action = o["action"]
    positional = not o["name"].startswith("-")
    if positional and action not in (None, "store"):
        action = None  # argparse refuses flags for positionals
    if action is not None:
        kwargs["action"] = action
    if action in (None, "store", "append"):
        if o["type"] is not None:
            kwargs["type"] = kind(o["type"])
        if o["choices"] is not None:
            kwargs["choices"] = o["choices"]
        if o["nargs"] is not None:
            kwargs["nargs"] = o["nargs"]
    if action == "store_const":
        kwargs["const"] = 42
    if o["give_default"]:
        kwargs["default"] = o["default"]
    if o["required"] and not positional:
        kwargs["required"] = True
    return kwargs


def _real_command_line(options: list[dict], argv: list[str]) -> dict | None:
    import contextlib
    import io

    parser = argparse.ArgumentParser(add_help=False)
    try:
        for o in options:
            parser.add_argument(o["name"], **_command_line_kwargs(o, lambda t: _TYPES[t]))
    except (argparse.ArgumentError, ValueError, TypeError):
        return {}  # argparse refuses the options themselves: not what this is about
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            return vars(parser.parse_args(argv))
    except (argparse.ArgumentError, ValueError, TypeError, AttributeError, SystemExit):
        return None  # (``append`` to a string default raises AttributeError)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(command_line_option, min_size=1, max_size=4, unique_by=lambda o: o["name"]),
    tokens,
)
def test_a_command_line_is_parsed_as_argparse_parses_it(options: list[dict], argv: list[str]) -> None:
    """Whenever a namespace is given, it is argparse's; whenever argparse stops the script, it is unknown."""
    expected = _real_command_line(options, argv)
    if expected == {}:
        return
    parser = argparse_values.call("argparse.ArgumentParser", [], {"add_help": False})
    for o in options:
        argparse_values.method(parser, "add_argument", [o["name"]], _command_line_kwargs(o, Builtin))
    namespace = argparse_values.method(parser, "parse_args", [ListVal(list(argv))], {})
    if expected is None:
        assert namespace is UNKNOWN
        return
    if namespace is UNKNOWN:
        return  # a form not modelled: unknown is always allowed
    got = namespace.attrs
    assert set(got) == set(expected)
    for dest, value in got.items():
        if isinstance(value, ListVal):
            value = value.items
        if value is not UNKNOWN:
            assert (type(value), value) == (type(expected[dest]), expected[dest]), dest


def test_plain_command_lines_are_modelled() -> None:
    """Not everything is unknown: the forms notebooks write give argparse's values."""
    parser = argparse_values.call("argparse.ArgumentParser", [], {})
    argparse_values.method(parser, "add_argument", ["data"], {})
    argparse_values.method(parser, "add_argument", ["--lr"], {"type": Builtin("float"), "default": 0.1})
    argparse_values.method(parser, "add_argument", ["-n", "--depth"], {"type": Builtin("int"), "default": 2})
    argparse_values.method(parser, "add_argument", ["--cuda"], {"action": "store_true"})
    argparse_values.method(parser, "add_argument", ["-v"], {"action": "count"})
    argv = ListVal(["--lr=0.5", "train/", "-n", "-3", "--cuda", "-v", "-v"])
    namespace = argparse_values.method(parser, "parse_args", [argv], {})
    assert namespace.attrs == {"data": "train/", "lr": 0.5, "depth": -3, "cuda": True, "v": 2}
    known, extras = argparse_values.method(parser, "parse_known_args", [], {"args": ListVal(["x"])})
    assert known.attrs["data"] == "x" and extras.items == []
