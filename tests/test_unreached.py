"""Model code the module run never builds as a model (``cnnlint.interpret.unreached``), through ``check``.

What the chain extractor used to cover: a class whose base cnnlint cannot read,
Sequentials in functions nobody calls or in methods of classes never built,
and ``nn.Sequential(a, b, *unknown)``. Only what the code fixes itself is
checked; the rest stays unknown and says so in CNL100.
"""

from __future__ import annotations

import textwrap

from conftest import run_cli

HEADER = "import torch\nimport torch.nn as nn\n\n"


def diagnostics(tmp_path, body: str, *extra: str) -> list[tuple[int, str, str]]:
    path = tmp_path / "m.py"
    path.write_text(HEADER + textwrap.dedent(body))
    result = run_cli("check", "--output-format", "json", "--show-info", "--no-cache", *extra, str(path))
    assert result.exit_code in (0, 1), result.stderr
    return sorted((d["location"]["row"], d["code"], d["message"]) for d in result.json())


def codes(found: list[tuple[int, str, str]]) -> list[tuple[int, str]]:
    return [(row, code) for row, code, _ in found]


def test_class_with_an_unread_base_says_why_and_checks_its_sequential(tmp_path):
    found = diagnostics(
        tmp_path,
        """\
        from d2l import torch as d2l

        class Net(d2l.Classifier):
            def __init__(self):
                super().__init__()
                self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(8), nn.Linear(9, 2))

        model = Net()
        model.layer_summary((1, 1, 4, 4))
        """,
    )
    assert (6, "CNL100") in codes(found)
    note = next(m for row, c, m in found if row == 6)
    assert "derives from d2l.Classifier, which cnnlint cannot read" in note
    assert (9, "CNL001") in codes(found)  # the layer_summary input reaches self.net: LazyLinear(8) -> Linear(9)


def test_unread_base_without_an_input_reports_nothing_assumed(tmp_path):
    found = diagnostics(
        tmp_path,
        """\
        from somewhere import Base

        class Net(Base):
            def __init__(self, n):
                super().__init__()
                self.head = nn.Sequential(nn.Linear(n, 4), nn.ReLU())

            def forward(self, x):
                return self.head(x) + self.missing(x)

        net = Net(3)
        y = net(torch.randn(2, 3))
        """,
    )
    assert [c for _, c in codes(found) if c != "CNL100"] == []


def test_sequential_in_a_function_nobody_calls(tmp_path):
    found = diagnostics(
        tmp_path,
        """\
        def build():
            net = nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))

        def head(num_classes):
            return nn.Sequential(nn.Linear(8, 4), nn.Linear(4, num_classes), nn.Conv2d(3, 8, 3, strides=2))
        """,
    )
    assert (5, "CNL001") in codes(found) or (5, "CNL013") in codes(found)
    assert (8, "CNL005") in codes(found)  # strides=: torch raises whatever num_classes is
    assert not any(row == 8 and code == "CNL001" for row, code in codes(found))


def test_pragma_inside_a_function_nobody_calls(tmp_path):
    found = diagnostics(
        tmp_path,
        """\
        def case():
            # cnnlint: input=(1, 3)
            net = nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2))
        """,
    )
    assert codes(found) == [(6, "CNL001")]


def test_class_never_built_gets_argument_checks(tmp_path):
    found = diagnostics(
        tmp_path,
        """\
        class Net(nn.Module):
            def __init__(self, c, *args, **kwargs):
                super().__init__()
                self.pool = nn.MaxPool1d(2, padding=())
                self.conv = nn.Conv2d(c, 8, 3, **kwargs)
        """,
    )
    assert (7, "CNL005") in codes(found)
    assert not any(row == 8 for row, _ in codes(found))  # unknown c and **kwargs: nothing to say


def test_sequential_with_an_unknown_starred_tail_keeps_its_known_head(tmp_path):
    found = diagnostics(
        tmp_path,
        """\
        def make(blocks):
            # cnnlint: input=(1, 3)
            net = nn.Sequential(nn.Linear(3, 4), nn.Linear(5, 2), *blocks)
            return net
        """,
    )
    assert (6, "CNL001") in codes(found)
    assert any(code == "CNL100" and "*blocks cannot be followed" in m for _, code, m in found)


def test_summary_names_the_unreached_sequential(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(HEADER + "def build():\n    # cnnlint: input=(1, 3)\n    net = nn.Sequential(nn.Linear(3, 4))\n")
    result = run_cli("summary", "--output-format", "json", str(path))
    assert result.exit_code == 0, result.stderr
    import json

    (model,) = json.loads(result.stdout)["models"]
    assert (model["name"], model["output_shape"]) == ("net", [1, 4])


def test_lambda_nobody_calls_gets_argument_checks(tmp_path):
    found = diagnostics(
        tmp_path, "make = lambda *a, **k: nn.Sequential(nn.Linear(3, 4), nn.Conv2d(3, 8, 3, strides=2))\n"
    )
    assert (4, "CNL005") in codes(found)


def test_class_with_star_args_is_built_when_a_pragma_names_it(tmp_path):
    found = diagnostics(
        tmp_path,
        """\
        # cnnlint: input=(1, 3)
        class Net(nn.Module):
            def __init__(self, width=4, *args, **kwargs):
                super().__init__()
                self.fc1 = nn.Linear(3, width)
                self.fc2 = nn.Linear(5, 2)

            def forward(self, x):
                return self.fc2(self.fc1(x))
        """,
    )
    assert codes(found) == [(9, "CNL001")]


def test_each_unbuilt_class_gets_its_own_first_error(tmp_path):
    """torch stops an ``__init__`` at its first error: one per class, never one class hiding another's."""
    found = diagnostics(
        tmp_path,
        """\
        class A(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.a = nn.MaxPool1d(2, padding=())
                self.b = nn.Linear(3)

        class B(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.a = nn.Dropout(2.0)
        """,
    )
    assert [(r, c) for r, c in codes(found) if c != "CNL100"] == [(7, "CNL005"), (13, "CNL005")]
