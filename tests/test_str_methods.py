"""String methods the interpreter answers: Python's own result (a list as a tuple), or unknown."""

from __future__ import annotations

import pytest

from cnnlint.interpret.plain_methods import str_method
from cnnlint.interpret.values import UNKNOWN

CALLS = [
    ("resnet50_gn", "count", ("n",)),
    ("resnet50_gn", "find", ("50",)),
    ("resnet50_gn", "rfind", ("x",)),
    ("resnet50_gn", "index", ("_",)),
    ("stage.0.conv", "rindex", (".",)),
    ("vit_b_16", "partition", ("_",)),
    ("vit_b_16", "rpartition", ("_",)),
    ("tf_efficientnet_b0", "removeprefix", ("tf_",)),
    ("model.pth", "removesuffix", (".pth",)),
    ("a\nb\r\nc", "splitlines", ()),
    ("abc", "isalpha", ()),
    ("b0", "isalnum", ()),
    ("16", "isnumeric", ()),
    ("16", "isdecimal", ()),
    ("Abc", "islower", ()),
    ("ABC", "isupper", ()),
    (" ", "isspace", ()),
    ("Conv Block", "istitle", ()),
    ("conv_1", "isidentifier", ()),
    ("relu", "capitalize", ()),
    ("GELU", "casefold", ()),
    ("ReLU", "swapcase", ()),
    ("7", "zfill", (3,)),
    ("ab", "ljust", (5, "-")),
    ("ab", "rjust", (5,)),
    ("ab", "center", (6, "*")),
    ("a-b-c", "split", ("-", 1)),
    ("a-b-c", "replace", ("-", "_")),
]


@pytest.mark.parametrize(("text", "name", "args"), CALLS)
def test_str_methods_are_pythons(text: str, name: str, args: tuple) -> None:
    expected = getattr(text, name)(*args)
    got = str_method(None, text, name, list(args), {})
    assert got == (tuple(expected) if isinstance(expected, list) else expected)


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("abc", "index", ("z",)),  # Python raises ValueError
        ("abc", "zfill", (10**9,)),  # never built
        ("abc", "center", ("wide",)),  # TypeError
        ("a" * 5000, "replace", ("a", "aaa")),  # longer than the interpreter keeps
        ("abc", "encode", ()),  # not modelled
    ],
)
def test_str_methods_that_raise_or_grow_are_unknown(text: str, name: str, args: tuple) -> None:
    assert str_method(None, text, name, list(args), {}) is UNKNOWN
