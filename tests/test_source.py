"""cnnlint.source: bytes -> text -> tree; every failure is a SourceError with a position."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest

from cnnlint import source
from cnnlint.source import SourceError, check_syntax, decode, may_define_model, parse, parse_ast

# --------------------------------------------------------------------------- decode


def test_decode_plain_utf8() -> None:
    assert decode("x = 'é'\n".encode()) == "x = 'é'\n"


def test_decode_drops_the_bom() -> None:
    text = decode(b"\xef\xbb\xbfimport torch\n")
    assert text == "import torch\n"


@pytest.mark.parametrize(
    "header",
    [
        b"# -*- coding: latin-1 -*-\n",
        b"# vim: set fileencoding=iso-8859-1 :\n",
        b"#!/usr/bin/env python\n# coding=latin-1\n",
    ],
)
def test_decode_honours_a_coding_cookie(header: bytes) -> None:
    data = header + "name = 'café'\n".encode("latin-1")
    assert decode(data).endswith("name = 'café'\n")


def test_cookie_on_line_two_after_code_is_not_a_cookie() -> None:
    data = b"x = 1\n# coding: latin-1\ny = '\xe9'\n"
    with pytest.raises(SourceError) as info:
        decode(data)
    assert info.value.row == 3


def test_non_utf8_without_cookie_is_a_source_error_at_the_byte() -> None:
    data = b"import torch\nname = 'caf\xe9'\n"
    with pytest.raises(SourceError) as info:
        decode(data)
    err = info.value
    assert (err.row, err.column) == (2, 12)
    assert "UTF-8" in err.message and "coding" in err.message
    assert "\n" not in err.message


def test_unknown_encoding_cookie() -> None:
    with pytest.raises(SourceError) as info:
        decode(b"# coding: klingon-7\nx = 1\n")
    assert "klingon-7" in info.value.message
    assert info.value.row == 1


def test_bom_with_a_conflicting_cookie() -> None:
    with pytest.raises(SourceError) as info:
        decode(b"\xef\xbb\xbf# coding: latin-1\nx = 1\n")
    assert "BOM" in info.value.message


def test_decode_keeps_every_newline_kind() -> None:
    assert decode(b"a = 1\r\nb = 2\rc = 3\n") == "a = 1\r\nb = 2\rc = 3\n"


# --------------------------------------------------------------------------- check_syntax


def test_check_syntax_returns_the_tree_and_parse_ast_reuses_it() -> None:
    text = "import torch.nn as nn\nnet = nn.Sequential(nn.ReLU())\n"
    tree = check_syntax(text, "m.py")
    assert isinstance(tree, ast.Module)
    assert parse_ast(text) is tree


def test_parse_ast_parses_text_it_has_not_seen() -> None:
    assert isinstance(parse_ast("x = 1\n"), ast.Module)


@pytest.mark.parametrize(
    ("text", "row", "message"),
    [
        ("x = 1\ns = 'abc\n", 2, "unterminated string literal (detected at line 2)"),
        ('x = 1\n"""never closed\n\n', 2, "unterminated triple-quoted string literal"),
        ("print x\n", 1, "Missing parentheses in call to 'print'"),
        ("def f():\nreturn 1\n", 2, "expected an indented block"),
        ("net = nn.Sequential(\n    nn.ReLU(),\n", 1, "'(' was never closed"),
        ("x = = 1\n", 1, "invalid syntax"),
    ],
)
def test_syntax_errors_are_source_errors_with_a_position(text: str, row: int, message: str) -> None:
    with pytest.raises(SourceError) as info:
        check_syntax(text, "bad.py")
    err = info.value
    assert err.row == row
    assert err.column >= 1
    assert message in err.message
    assert "\n" not in err.message


def test_nul_byte_is_located() -> None:
    with pytest.raises(SourceError) as info:
        check_syntax("x = 1\ny = 2\x00\n", "nul.py")
    err = info.value
    assert "null" in err.message
    assert (err.row, err.column) == (2, 6)


def test_deep_parentheses_are_a_source_error_not_recursion() -> None:
    text = "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
    with pytest.raises(SourceError) as info:
        check_syntax(text, "deep.py")
    assert info.value.row == 1


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "+".join(["1"] * 100_000) + "\n",
        "x = a" + ".b" * 50_000 + "\n",
        "x = " + "-" * 50_000 + "1\n",
    ],
)
def test_pathological_nesting_is_a_source_error(text: str) -> None:
    with pytest.raises(SourceError) as info:
        check_syntax(text, "deep.py")
    assert "nested" in info.value.message or info.value.message


def test_source_error_positions_are_never_zero() -> None:
    err = SourceError("boom", 0, 0)
    assert (err.row, err.column) == (1, 1)


# --------------------------------------------------------------------------- parse (libcst)


def test_parse_returns_a_libcst_module() -> None:
    module = parse("x = 1\n")
    assert module.code == "x = 1\n"


def test_parse_error_is_a_source_error() -> None:
    with pytest.raises(SourceError) as info:
        parse("x = (\n")
    assert info.value.row >= 1
    assert "\n" not in info.value.message


# --------------------------------------------------------------------------- pre-filter


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"import torch.nn as nn\nnet = nn.Sequential()\n", True),
        (b"from torch.nn import Sequential as S\n", True),
        (b"class Net(nn.Module):\n    pass\n", True),
        (b"from torch.nn import Module\n", True),
        (b"import numpy as np\nx = np.zeros(3)\n", False),
        ("net = nn.Sequential()\n", True),
        ("print('hello')\n", False),
        (b"from .byobnet import ByobNet\n@register_model\ndef botnet(**kw):\n    return ByobNet(**kw)\n", True),
        ("@register_model\ndef botnet(**kw):\n    return ByobNet(**kw)\n", True),
        (b"from ._registry import register_model, list_models\n", False),
        (b"import torch\nfrom models import ResNet18\nnet = ResNet18()\nnet(torch.randn(1, 3, 32, 32))\n", True),
        ("from efficientnet_pytorch import EfficientNet\nimport torch\n", True),
    ],
)
def test_may_define_model(data: bytes | str, expected: bool) -> None:
    assert may_define_model(data) is expected


# --------------------------------------------------------------------------- import cost


def test_front_end_never_imports_libcst() -> None:
    """decode/check_syntax/may_define_model (and the interpreter, declare_inputs) work without libcst."""
    program = textwrap.dedent(
        """
        import sys
        from cnnlint import source
        data = b"import torch.nn as nn\\nnet = nn.Sequential(nn.Linear(4, 2))  # cnnlint: input=(1, 4)\\n"
        text = source.decode(data)
        source.may_define_model(data)
        source.check_syntax(text, "m.py")
        source.may_define_model(b"x = 1\\n")
        from cnnlint.check import check_bytes
        result = check_bytes(data, "m.py")
        assert result.diagnostics == [] and len(result.checked) == 1, result
        print("libcst" in sys.modules, "torch" in sys.modules)
        """
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_module_reexports() -> None:
    assert set(source.__all__) >= {"SourceError", "decode", "check_syntax", "parse", "may_define_model"}
