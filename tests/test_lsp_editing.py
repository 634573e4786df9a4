"""The language server under typing (issue 13, item 9): coalesced checks, no flicker on a half-typed
line, and hover/inlay hints in forward, all through a real server process."""

from __future__ import annotations

import pytest
from lspclient import LspClient
from test_server import BUGGY, LINEAR_ROW, _by_code, _doc

pytest.importorskip("pygls")

LENET = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


net = Net()
y = net(torch.randn(1, 1, 32, 32))
"""
LENET_LINES = LENET.split("\n")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("editing")
    with LspClient(root) as lsp:
        # A generous per-document budget: under a loaded CI machine (a fresh worker compiling cnnlint while
        # the torch tests run beside it) the hover records of the first document took over the default 5 s,
        # and a hover asked right after the diagnostics found none. Over-budget behaviour: test_lsp_robust.
        lsp.initialize(root, options={"checkTimeoutMs": 60_000})
        lsp.root = root  # type: ignore[attr-defined]
        yield lsp
        assert lsp.shutdown() == 0, lsp.stderr


def _published_versions(client: LspClient, uri: str) -> list[int]:
    return [
        m["params"]["version"]
        for _, m in client.log
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
    ]


def test_superseded_versions_are_never_published(client: LspClient) -> None:
    # Named typing.py on purpose: a worker that ran in the project's directory would import it as the
    # standard library's typing module and die.
    uri = _doc(client.root, "typing.py", BUGGY)  # type: ignore[attr-defined]
    client.open(uri, BUGGY)
    client.diagnostics(uri, version=1)
    typed = "#"
    for version in range(2, 32):  # a burst of keystrokes, as fast as the pipe takes them
        typed += "#"  # on a first line (the encoding's row): every version is a whole-file check, not a cheap re-check
        client.change(uri, typed + "\n" + BUGGY, version=version)
    final = client.diagnostics(uri, version=31)
    assert _by_code(final, "CNL001"), final
    versions = _published_versions(client, uri)
    assert versions == sorted(versions) and versions[-1] == 31
    assert len(versions) < 10  # one per check that finished with nothing newer waiting, not one per key


def test_half_typed_line_keeps_the_rest(client: LspClient) -> None:
    uri = _doc(client.root, "half.py", BUGGY)  # type: ignore[attr-defined]
    client.open(uri, BUGGY)
    before = client.diagnostics(uri, version=1)
    (linear,) = _by_code(before, "CNL001")
    warnings = _by_code(before, "CNL003")

    # A line being typed below the model: the syntax error, and everything else as it was.
    lines = BUGGY.split("\n")
    typing = "\n".join(lines[:2] + ["extra = nn.Conv2d(3, "] + lines[2:])  # one row inserted above the model
    client.change(uri, typing, version=2)
    during = client.diagnostics(uri, version=2)
    (syntax,) = _by_code(during, "CNL999")
    (moved,) = _by_code(during, "CNL001")
    assert moved["range"]["start"]["line"] == LINEAR_ROW + 1  # moved down with the inserted row
    assert moved["range"]["start"]["character"] == linear["range"]["start"]["character"]
    assert len(_by_code(during, "CNL003")) == len(warnings)
    # The quick fix of a carried diagnostic edits the right place.
    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": moved["range"],
            "context": {"diagnostics": [moved], "only": ["quickfix"]},
        },
    )
    (action,) = actions
    (edit,) = action["edit"]["changes"][uri]
    assert edit["range"]["start"]["line"] == LINEAR_ROW + 1 and edit["newText"] == "6400"

    # A half-typed edit on the Linear's own row drops what was on that row, keeps the rest.
    broken = BUGGY.replace("nn.Linear(9216, 4096), nn.ReLU(),", "nn.Linear(9216, 4096, nn.ReLU(),,")
    client.change(uri, broken, version=3)
    during = client.diagnostics(uri, version=3)
    assert _by_code(during, "CNL999") and not _by_code(during, "CNL001")
    assert len(_by_code(during, "CNL003")) == len(warnings)

    # Parses again: a full check.
    client.change(uri, BUGGY.replace("9216", "6400"), version=4)
    after = client.diagnostics(uri, version=4)
    assert not _by_code(after, "CNL999") and not _by_code(after, "CNL001")


def _hover(client: LspClient, uri: str, row: int, text: str, offset: int = 0) -> str | None:
    column = LENET_LINES[row].index(text) + offset
    hover = client.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": row, "character": column}}
    )
    return None if hover is None else hover["contents"]["value"]


def test_hover_and_inlay_hints_in_forward(client: LspClient) -> None:
    uri = _doc(client.root, "lenet.py", LENET)  # type: ignore[attr-defined]
    client.open(uri, LENET)
    assert client.diagnostics(uri) == []
    row = LENET_LINES.index("        x = self.pool(F.relu(self.conv1(x)))")

    conv1 = _hover(client, uri, row, "conv1")
    assert conv1 is not None and "**Conv2d**" in conv1 and "`(1, 1, 32, 32)` \u2192 `(1, 6, 28, 28)`" in conv1
    pool = _hover(client, uri, row, "self.pool")
    assert pool is not None and "**MaxPool2d**" in pool and "\u2192 `(1, 6, 14, 14)`" in pool
    relu = _hover(client, uri, row, "F.relu", 2)
    assert relu is not None and "**ReLU**" in relu
    fc2 = _hover(client, uri, LENET_LINES.index("        return self.fc2(x)"), "fc2")
    assert fc2 is not None and "**Linear**" in fc2 and "\u2192 `(1, 10)`" in fc2
    assert _hover(client, uri, row, "x =") is None

    hints = client.request(
        "textDocument/inlayHint",
        {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 14, "character": 0}, "end": {"line": 20, "character": 0}},
        },
    )
    got = {(h["position"]["line"], h["position"]["character"]): h["label"] for h in hints}
    expected = {
        (15, len(LENET_LINES[15])): "\u2192 (1, 6, 14, 14)",
        (16, len(LENET_LINES[16])): "\u2192 (1, 16, 5, 5)",
        (17, len(LENET_LINES[17])): "\u2192 (1, 400)",
        (18, len(LENET_LINES[18])): "\u2192 (1, 120)",
        (19, len(LENET_LINES[19])): "\u2192 (1, 10)",
    }
    assert got == expected


def test_edits_through_the_server_show_what_a_whole_check_shows(client: LspClient) -> None:
    """The worker re-checks only the changed parts; what the editor shows is still the whole file's result."""
    from test_lsp_incremental import DOC, edited, row_of

    from cnnlint.lsp.worker import run_job
    from cnnlint.rules import RULES

    path = client.root / "parts.py"  # type: ignore[attr-defined]
    uri = _doc(client.root, "parts.py", DOC)  # type: ignore[attr-defined]
    client.open(uri, DOC)
    client.diagnostics(uri, version=1)
    texts = [
        edited(DOC, row_of(DOC, "HIDDEN = 400"), "HIDDEN = 576"),  # the constant Net1 reads: its error goes
        edited(DOC, row_of(DOC, "out1 = net1("), "out1 = net1(torch.randn(1, 1, 12, 12))"),
        DOC.replace("import torch.nn as nn\n", "import torch.nn as nn\n\n\n"),  # everything moves down
        DOC.replace("net2(torch.randn(2, 16, 8, 8))", "net2(torch.randn(2, 16, 4, 4))"),
    ]
    for version, text in enumerate(texts, start=2):
        client.change(uri, text, version=version)
        shown = client.diagnostics(uri, version=version)
        job = {"data": text.encode(), "filename": str(path), "enabled": [c for c in RULES if c != "CNL100"]}
        whole = run_job({**job, "inputs": {}})[0]["diagnostics"]
        assert sorted((d["code"], d["range"]["start"]["line"], d["message"]) for d in shown) == sorted(
            (d.code, d.location.row - 1, d.message) for d in whole
        ), (version, shown)
