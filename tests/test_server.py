"""The language server, driven over stdio by a real (if tiny) LSP client (``lspclient.LspClient``).

``python -m cnnlint server`` runs as a subprocess, as an editor runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from lspclient import LspClient

pytest.importorskip("pygls")

BUGGY = """\
import torch
from torch import nn

net = nn.Sequential(
    nn.Conv2d(1, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(),
    nn.MaxPool2d(kernel_size=3, stride=2),
    nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
    nn.MaxPool2d(kernel_size=3, stride=2),
    nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),
    nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
    nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
    nn.MaxPool2d(kernel_size=3, stride=2),
    nn.Flatten(),
    nn.Linear(9216, 4096), nn.ReLU(),
    nn.Dropout(p=0.5),
    nn.Linear(4096, 4096), nn.ReLU(),
    nn.Dropout(p=0.5),
    nn.Linear(4096, 10),
)

X = torch.randn(1, 1, 224, 224)
print(net(X).shape)
"""
FIXED = BUGGY.replace("nn.Linear(9216, 4096)", "nn.Linear(6400, 4096)")
LINEAR_ROW = BUGGY.splitlines().index("    nn.Linear(9216, 4096), nn.ReLU(),")  # 0-based

# Two non-BMP characters before the layer on its line (2 UTF-16 units, 1 code point each), after a
# form feed that str.splitlines would count as a line break and the LSP does not.
EMOJI_BEFORE = """\
import torch.nn as nn
\x0c
s = "\U0001f600\U0001f600"; head = nn.Sequential(nn.Linear(512, 256), nn.Linear(512, 10))
"""
EMOJI_ROW = 2

CHANNELS = """\
import torch.nn as nn
features = nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1),
    nn.BatchNorm2d(64),
)
"""


@dataclass
class Session:
    client: LspClient
    root: Path
    init: dict


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory):
    """The module's server processes, started together so that their start-up times overlap.

    "main" is shared by most tests (each opens its own files); "utf32" gets a client offering other
    capabilities.
    """
    base = tmp_path_factory.mktemp("lsp")
    commands = {"main": None, "utf32": None}
    started: dict[str, tuple[LspClient, Path]] = {}
    try:
        for name, command in commands.items():
            root = base / name
            root.mkdir()
            started[name] = (LspClient(root, command), root)
        yield started
    finally:
        for client, _root in started.values():
            client.kill()


@pytest.fixture(scope="module")
def session(servers: dict[str, tuple[LspClient, Path]]):
    client, root = servers["main"]
    init = client.initialize(root)
    yield Session(client, root, init)
    assert client.shutdown() == 0, client.stderr  # shutdown, then exit: a clean 0


def _doc(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path.as_uri()


def _lines(first: int, last: int) -> dict:
    return {"start": {"line": first, "character": 0}, "end": {"line": last, "character": 0}}


def _by_code(diagnostics: list[dict], code: str) -> list[dict]:
    return [d for d in diagnostics if d.get("code") == code]


# --------------------------------------------------------------------------------------------


def test_buggy_alexnet_round_trip(session: Session) -> None:
    client, tmp_path = session.client, session.root
    result = session.init
    caps = result["capabilities"]
    assert caps["codeActionProvider"]["codeActionKinds"] == ["quickfix", "source.fixAll.cnnlint"]
    assert caps["inlayHintProvider"]
    assert caps["hoverProvider"]
    assert caps["textDocumentSync"]["openClose"] is True
    assert caps["textDocumentSync"]["save"]
    assert caps["textDocumentSync"]["change"] == 1  # Full: pygls's incremental edits split lines on form feeds
    assert result["serverInfo"]["name"] == "cnnlint"

    uri = _doc(tmp_path, "alexnet.py", BUGGY)
    client.open(uri, BUGGY)
    diagnostics = client.diagnostics(uri, version=1)
    (linear,) = _by_code(diagnostics, "CNL001")
    column = BUGGY.splitlines()[LINEAR_ROW].index("nn.Linear")
    assert linear["range"] == {
        "start": {"line": LINEAR_ROW, "character": column},
        "end": {"line": LINEAR_ROW, "character": column + len("nn.Linear(9216, 4096)")},
    }
    assert linear["severity"] == 1  # Error
    assert linear["source"] == "cnnlint"
    assert "6400" in linear["message"]
    assert linear["codeDescription"]["href"].endswith("#cnl001-linear-in-features")
    warnings = _by_code(diagnostics, "CNL003")
    assert warnings and all(d["severity"] == 2 for d in warnings)  # Warning
    assert not _by_code(diagnostics, "CNL100")  # info is off by default

    # Quick fix: replaces exactly the in_features argument.
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": {"start": linear["range"]["start"], "end": linear["range"]["start"]},
            "context": {"diagnostics": [linear], "only": ["quickfix"]},
        },
    )
    assert isinstance(actions, list)
    (action,) = actions
    assert action["kind"] == "quickfix"
    assert action["isPreferred"] is True
    assert action["diagnostics"][0]["code"] == "CNL001"
    (edit,) = action["edit"]["changes"][uri]
    arg = column + len("nn.Linear(")
    assert edit == {
        "range": {"start": {"line": LINEAR_ROW, "character": arg}, "end": {"line": LINEAR_ROW, "character": arg + 4}},
        "newText": "6400",
    }

    # Fix all is offered as a source action.
    fix_all = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        },
    )
    assert [a["kind"] for a in fix_all] == ["source.fixAll.cnnlint"]
    assert fix_all[0]["edit"]["changes"][uri] == [edit]

    # Hover on the fixed-by-hand layer and on a conv: shapes, params, MACs.
    hover = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 10}},
    )
    assert hover is not None
    value = hover["contents"]["value"]
    assert "Conv2d" in value
    assert "(1, 1, 224, 224)" in value and "(1, 96, 54, 54)" in value
    assert "params 11,712" in value
    assert "MACs" in value

    # Inlay hints: the output shape at the end of each constructor call.
    hints = client.request(
        "textDocument/inlayHint",
        {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 40, "character": 0}},
        },
    )
    assert isinstance(hints, list)
    labels = {(h["position"]["line"], h["position"]["character"]): h["label"] for h in hints}
    conv_end = BUGGY.splitlines()[4].index("), nn.ReLU()") + 1
    assert labels[(4, conv_end)] == "\u2192 (1, 96, 54, 54)"
    flatten_row = BUGGY.splitlines().index("    nn.Flatten(),")
    assert labels[(flatten_row, len("    nn.Flatten()"))] == "\u2192 (1, 6400)"

    # The fix typed in: CNL001 goes away.
    client.change(uri, FIXED, version=2)
    diagnostics = client.diagnostics(uri, version=2)
    assert not _by_code(diagnostics, "CNL001")
    assert _by_code(diagnostics, "CNL003")  # the stride warnings stay


def test_non_bmp_columns_are_utf16(session: Session) -> None:
    client, tmp_path = session.client, session.root
    uri = _doc(tmp_path, "emoji.py", EMOJI_BEFORE)
    client.open(uri, EMOJI_BEFORE)
    (diag,) = _by_code(client.diagnostics(uri), "CNL001")
    line = EMOJI_BEFORE.split("\n")[EMOJI_ROW]
    code_points = line.index("nn.Linear(512, 10)")
    units = code_points + 2  # two emoji, each a surrogate pair
    assert diag["range"]["start"] == {"line": EMOJI_ROW, "character": units}
    assert diag["range"]["end"] == {"line": EMOJI_ROW, "character": units + len("nn.Linear(512, 10)")}
    actions = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}},
    )
    quick = [a for a in actions if a["kind"] == "quickfix"]
    (edit,) = quick[0]["edit"]["changes"][uri]
    start = units + len("nn.Linear(")
    assert edit["range"] == {
        "start": {"line": EMOJI_ROW, "character": start},
        "end": {"line": EMOJI_ROW, "character": start + 3},
    }
    assert edit["newText"] == "256"


def test_channel_fix_save_and_close(session: Session) -> None:
    client, tmp_path = session.client, session.root
    uri = _doc(tmp_path, "channels.py", CHANNELS)
    client.open(uri, CHANNELS)
    (diag,) = _by_code(client.diagnostics(uri), "CNL002")
    assert diag["range"]["start"] == {"line": 3, "character": 4}
    actions = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}},
    )
    kinds = sorted(a["kind"] for a in actions)
    assert kinds == ["quickfix", "source.fixAll.cnnlint"]
    quick = next(a for a in actions if a["kind"] == "quickfix")
    (edit,) = quick["edit"]["changes"][uri]
    start = len("    nn.BatchNorm2d(")
    assert edit == {
        "range": {"start": {"line": 3, "character": start}, "end": {"line": 3, "character": start + 2}},
        "newText": "32",
    }

    # No input declared: no inlay hints (shapes are not known), but hover still shows what is.
    hints = client.request(
        "textDocument/inlayHint",
        {"textDocument": {"uri": uri}, "range": _lines(0, 9)},
    )
    assert hints == []

    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert _by_code(client.diagnostics(uri), "CNL002")
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []


def test_config_selection_and_inputs_apply(session: Session) -> None:
    """Settings come from the nearest pyproject.toml above the document, inputs included."""
    client = session.client
    project = session.root / "configured"
    (project / "models").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.cnnlint]\nignore = ["CNL003"]\n[tool.cnnlint.inputs]\n"models/head.py::head" = [1, 256, 5, 5]\n',
        encoding="utf-8",
    )
    uri = _doc(project, "alexnet.py", BUGGY)
    client.open(uri, BUGGY)
    diagnostics = client.diagnostics(uri)
    assert _by_code(diagnostics, "CNL001")
    assert not _by_code(diagnostics, "CNL003")

    head = "import torch.nn as nn\nhead = nn.Sequential(nn.Flatten(), nn.Linear(9216, 10))\n"
    uri = _doc(project / "models", "head.py", head)
    client.open(uri, head)
    (diag,) = _by_code(client.diagnostics(uri), "CNL001")
    assert "6400" in diag["message"]


def test_show_info_setting(session: Session) -> None:
    client = session.client
    text = "import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), MyBlock(), nn.ReLU())\n"
    uri = _doc(session.root, "info.py", text)
    client.open(uri, text)
    assert not _by_code(client.diagnostics(uri), "CNL100")
    client.notify("workspace/didChangeConfiguration", {"settings": {"cnnlint": {"showInfo": True}}})
    try:
        infos = _by_code(client.diagnostics(uri), "CNL100")
        assert infos and all(d["severity"] == 3 for d in infos)  # Information
    finally:
        client.notify("workspace/didChangeConfiguration", {"settings": {"cnnlint": {"showInfo": False}}})
    assert not _by_code(client.diagnostics(uri), "CNL100")


def test_broken_input_never_kills_the_server(session: Session) -> None:
    client, tmp_path = session.client, session.root
    uri = _doc(tmp_path, "broken.py", "def f(:\n")
    client.open(uri, "def f(:\n")
    (diag,) = client.diagnostics(uri)
    assert diag["code"] == "CNL999"
    # Requests about a document that was never opened, with odd positions, still get answers.
    ghost = (tmp_path / "ghost.py").as_uri()
    assert (
        client.request(
            "textDocument/hover", {"textDocument": {"uri": ghost}, "position": {"line": 99, "character": 99}}
        )
        is None
    )
    assert (
        client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 50, "character": 0}, "end": {"line": 60, "character": 0}},
                "context": {"diagnostics": []},
            },
        )
        == []
    )
    client.change(uri, BUGGY, version=2)
    assert _by_code(client.diagnostics(uri, version=2), "CNL001")


def test_utf32_negotiated_and_versioned_edits(servers: dict[str, tuple[LspClient, Path]]) -> None:
    """A client that offers UTF-32 positions and versioned document edits gets both."""
    client, tmp_path = servers["utf32"]
    with client:
        result = client.initialize(
            tmp_path,
            capabilities={
                "general": {"positionEncodings": ["utf-32", "utf-16"]},
                "workspace": {"workspaceEdit": {"documentChanges": True}},
            },
        )
        assert result["capabilities"]["positionEncoding"] == "utf-32"
        uri = _doc(tmp_path, "emoji.py", EMOJI_BEFORE)
        client.open(uri, EMOJI_BEFORE, version=7)
        (diag,) = _by_code(client.diagnostics(uri), "CNL001")
        code_points = EMOJI_BEFORE.split("\n")[EMOJI_ROW].index("nn.Linear(512, 10)")
        assert diag["range"]["start"] == {"line": EMOJI_ROW, "character": code_points}
        actions = client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": diag["range"],
                "context": {"diagnostics": [diag], "only": ["quickfix"]},
            },
        )
        (change,) = actions[0]["edit"]["documentChanges"]
        assert change["textDocument"] == {"uri": uri, "version": 7}
        assert change["edits"][0]["newText"] == "256"
        client.request("shutdown", None)
        after = client.call("textDocument/hover", {"textDocument": {"uri": uri}, "position": diag["range"]["start"]})
        assert after["error"]["code"] == -32600  # InvalidRequest: the server has been shut down
        client.notify("exit")
        assert client.proc.wait(15) == 0


# --------------------------------------------------------------------------------------------
# Position conversion, in-process


def test_positions_utf16_utf8_utf32() -> None:
    from cnnlint.diagnostics import Location
    from cnnlint.server import Positions

    text = "a = 1\r\nx = '\U0001f600\u00e9'; y\rz\n"
    for encoding, column in (("utf-16", 11), ("utf-8", 14), ("utf-32", 10)):
        positions = Positions.of(text, encoding)
        pos = positions.to_lsp(Location(2, 11))  # the "y" after the non-BMP and the 2-byte char
        assert (pos.line, pos.character) == (1, column), encoding
        assert positions.from_lsp(pos) == Location(2, 11)
        assert (positions.to_lsp(Location(3, 1)).line, positions.to_lsp(Location(4, 1)).line) == (2, 3)
    positions = Positions.of(text)
    assert positions.to_lsp(Location(2, 99)).character == 12  # clamped to the line
    assert positions.to_lsp(Location(99, 1)).line == 3  # clamped to the last line
    mid = positions.from_lsp(positions.to_lsp(Location(2, 7)).__class__(line=1, character=6))
    assert mid == Location(2, 6)  # inside a surrogate pair rounds down to the character
    form_feed = Positions.of("a\x0cb\nc")  # a form feed is not a line break for the LSP
    assert form_feed.to_lsp(Location(2, 1)).line == 1


def test_bom_in_buffer_shifts_first_row_only() -> None:
    from cnnlint.diagnostics import Location
    from cnnlint.server import Positions

    positions = Positions.of("\ufeffnet = 1\nb", checked_text="net = 1\nb")
    assert positions.to_lsp(Location(1, 1)).character == 1
    assert positions.to_lsp(Location(2, 1)).character == 0
    assert positions.from_lsp(positions.to_lsp(Location(1, 3))) == Location(1, 3)


def test_encode_buffer_follows_coding_cookie() -> None:
    from cnnlint.server import encode_buffer

    assert encode_buffer("x = '\u00e9'\n") == "x = '\u00e9'\n".encode()
    latin = "# -*- coding: latin-1 -*-\nx = '\u00e9'\n"
    assert encode_buffer(latin) == latin.encode("latin-1")
    assert encode_buffer("# coding: latin-1\nx = '\U0001f600'\n") == "# coding: latin-1\nx = '\U0001f600'\n".encode()


def test_kinds_and_ranges() -> None:
    from lsprotocol import types as lsp

    from cnnlint.server import kind_matches, overlaps

    assert kind_matches("source.fixAll.cnnlint", ["source"])
    assert kind_matches("source.fixAll.cnnlint", ["source.fixAll"])
    assert not kind_matches("source.fixAll.cnnlint", ["quickfix"])
    assert not kind_matches("source.fixAllX", ["source.fixAll"])
    assert kind_matches("quickfix", None)

    def rng(a: int, b: int, c: int, d: int) -> lsp.Range:
        return lsp.Range(start=lsp.Position(line=a, character=b), end=lsp.Position(line=c, character=d))

    assert overlaps(rng(3, 4, 3, 10), rng(3, 10, 3, 10))  # cursor at the end
    assert overlaps(rng(3, 4, 3, 10), rng(0, 0, 9, 0))
    assert not overlaps(rng(3, 4, 3, 10), rng(3, 11, 3, 12))
