"""--runtime: torch on the meta device as a second opinion (SPEC §3 CNL007, §4 --runtime)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import FIXTURES, ROOT, run_cli

from cnnlint import runtime, runtime_client, runtime_plan
from cnnlint.check import CheckOptions, FileResult, check_bytes
from cnnlint.runtime_worker import Unsafe, validate
from cnnlint.shapes.catalogue import CATALOGUE
from cnnlint.shapes.dims import Shape

TIMEOUT = 120.0  # generous: a loaded CI machine; the timeout test sets its own
CORPUS = ROOT / "tests" / "corpus"


def check(source: str, filename: str = "model.py") -> tuple[FileResult, list]:
    """The static pass (all codes kept) and the runtime diagnostics of one file."""
    result = check_bytes(
        textwrap.dedent(source).encode(), filename, CheckOptions(want_models=True, is_enabled=lambda code: True)
    )
    return result, runtime.runtime_diagnostics(result, timeout=TIMEOUT)


def codes(diagnostics) -> list[tuple[int, str]]:
    return sorted((d.location.row, d.code) for d in diagnostics)


def cnl007(diagnostics) -> list:
    return [d for d in diagnostics if d.code == "CNL007"]


# ---- the validator: what may be evaluated -------------------------------------

ALIASES = {"nn": "torch.nn", "torch": "torch", "F": "torch.nn.functional", "Conv": "torch.nn.Conv2d", "os": "os"}
CONSTANTS = {"WIDTH": 64, "self.HIDDEN": 128, "SIZES": (3, 3)}


@pytest.mark.parametrize(
    "code",
    [
        "nn.Conv2d(3, 96, kernel_size=11, stride=4)",
        "Conv(3, WIDTH, 3, padding=1)",
        "nn.Linear(256 * 6 * 6, 4096)",
        "nn.Linear(self.HIDDEN, WIDTH // 2 + 1)",
        "nn.MaxPool2d(SIZES, stride=(2, 2))",
        "nn.LeakyReLU(-0.2, inplace=True)",
        "nn.BatchNorm2d(64, eps=1e-5, dtype=torch.float32)",
        "nn.Sequential(nn.ReLU(), nn.Flatten())",
        "nn.Linear(2 ** 10, 10)",
        "nn.Upsample(scale_factor=2, mode='nearest')",
        "nn.TransformerEncoderLayer(64, 4, activation=F.gelu)",
    ],
)
def test_validator_accepts_layer_expressions(code):
    validate(code, ALIASES, CONSTANTS)


@pytest.mark.parametrize(
    "code, reason",
    [
        ("nn.Linear(os.system('touch CANARY'), 10)", "os.system"),
        ("nn.Linear(__import__('os').system('x'), 10)", "__import__"),
        ("nn.Linear(10, 10).__class__", "private"),
        ("nn.Module.__subclasses__()", "private"),
        ("nn._reduction", "private"),
        ("torch.hub.load('evil/repo', 'model')", "not a torch.nn class"),
        ("torch.save(nn.Linear(1, 1), 'f')", "not a torch.nn class"),
        ("nn.init.zeros_(nn.Linear(1, 1).weight)", "not a torch.nn class"),
        ("nn.Linear(*SIZES)", "*"),
        ("nn.Linear(**{'in_features': 1})", "**"),
        ("nn.Linear((lambda: 3)(), 10)", "something other"),
        ("nn.Linear([i for i in SIZES][0], 10)", "Subscript"),
        ("nn.Linear(SIZES[0], 10)", "Subscript"),
        ("nn.Linear(WIDTH if WIDTH else 1, 10)", "IfExp"),
        ("nn.Linear((n := 3), 10)", "NamedExpr"),
        ("nn.Linear(f'{WIDTH}', 10)", "JoinedStr"),
        ("nn.Linear(9 ** 9 ** 9, 1)", "power"),
        ("nn.Linear(1 << 40, 1)", "LShift"),
        ("nn.Linear(hidden, 10)", "'hidden'"),
        ("MyBlock(64)", "MyBlock"),
        ("open('/etc/passwd')", "open"),
        ("nn.Linear(10, 10); import os", "single expression"),
        ("torch", "as a value"),
    ],
)
def test_validator_rejects_everything_else(code, reason):
    with pytest.raises(Unsafe) as err:
        validate(code, ALIASES, CONSTANTS)
    assert reason in str(err.value)


# ---- agreement: fixtures and correct models -----------------------------------


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.py")), ids=lambda p: p.name)
def test_fixtures_agree_with_torch(path):
    result, diagnostics = check(path.read_text(), str(path))
    assert not cnl007(diagnostics), [d.message for d in cnl007(diagnostics)]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.py")), ids=lambda p: p.name)
def test_corpus_agrees_with_torch(path):
    result, diagnostics = check(path.read_text(), str(path))
    assert not cnl007(diagnostics), [d.message for d in cnl007(diagnostics)]


# Small correct models in the styles the runtime check must rebuild.
CORRECT = {
    "aliased_imports": """
        import torch.nn as tnn
        from torch.nn import Conv2d as C, ReLU

        # cnnlint: input=(2, 3, 32, 32)
        net = tnn.Sequential(
            C(3, 16, 3, padding=1), ReLU(), tnn.MaxPool2d(2), tnn.Flatten(), tnn.Linear(16 * 16 * 16, 10)
        )
    """,
    "module_constants": """
        from torch import nn

        WIDTH = 32
        CLASSES = 7

        # cnnlint: input=(1, 1, 28, 28)
        net = nn.Sequential(
            nn.Conv2d(1, WIDTH, kernel_size=5, stride=2, padding=2),
            nn.BatchNorm2d(WIDTH),
            nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d((1, 1)),
            nn.Flatten(),
            nn.Linear(WIDTH, CLASSES),
        )
    """,
    "ordered_dict": """
        from collections import OrderedDict
        import torch.nn as nn

        # cnnlint: input=(4, 3, 65, 65)
        net = nn.Sequential(OrderedDict([
            ("conv", nn.Conv2d(3, 8, 3, stride=2)),
            ("act", nn.GELU()),
            ("pool", nn.AvgPool2d(3, stride=2, ceil_mode=True)),
            ("flat", nn.Flatten()),
            ("fc", nn.Linear(8 * 16 * 16, 2)),
        ]))
    """,
    "nested_sequentials": """
        import torch.nn as nn

        # cnnlint: input=(1, 3, 16, 16)
        net = nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 6, 3), nn.ReLU(), nn.Sequential(nn.Conv2d(6, 6, 3, padding=1), nn.Tanh())),
            nn.MaxPool2d(2, 2),
            nn.Sequential(nn.Flatten(), nn.Linear(6 * 7 * 7, 5)),
        )
    """,
    "module_class_view": """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F


        class Net(nn.Module):
            def __init__(self, classes=10):
                super().__init__()
                self.conv1 = nn.Conv2d(3, 6, 5)
                self.pool = nn.MaxPool2d(2, 2)
                self.conv2 = nn.Conv2d(6, 16, 5)
                self.fc1 = nn.Linear(16 * 5 * 5, 120)
                self.fc2 = nn.Linear(120, classes)

            def forward(self, x):
                x = self.pool(F.relu(self.conv1(x)))
                x = self.pool(F.relu(self.conv2(x)))
                x = x.view(x.size(0), -1)
                x = F.dropout(F.relu(self.fc1(x)), p=0.5, training=self.training)
                return F.log_softmax(self.fc2(x), dim=1)


        net = Net()
        out = net(torch.randn(2, 3, 32, 32))
    """,
    "symbolic_batch_1d": """
        import torch.nn as nn

        # cnnlint: input=(B, 16, 100)
        net = nn.Sequential(
            nn.Conv1d(16, 32, 5, padding=2), nn.BatchNorm1d(32), nn.ReLU(),
            nn.MaxPool1d(2), nn.Conv1d(32, 32, 3, dilation=2, padding=2),
            nn.AdaptiveMaxPool1d(1), nn.Flatten(), nn.Linear(32, 4),
        )
    """,
    "transposed_decoder": """
        import torch.nn as nn

        # cnnlint: input=(1, 64, 4, 4)
        net = nn.Sequential(
            nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1, output_padding=0), nn.ReLU(),
            nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(16, 3, 3, padding="same"), nn.Sigmoid(),
        )
    """,
    "conv3d_and_norms": """
        from torch import nn

        # cnnlint: input=(1, 3, 8, 32, 32)
        net = nn.Sequential(
            nn.Conv3d(3, 8, (3, 3, 3), stride=(1, 2, 2), padding=1),
            nn.GroupNorm(2, 8),
            nn.ReLU(),
            nn.MaxPool3d((1, 2, 2)),
            nn.Flatten(),
            nn.LayerNorm(8 * 8 * 8 * 8),
        )
    """,
    "pixel_shuffle_and_padding": """
        import torch.nn as nn

        # cnnlint: input=(1, 1, 24, 24)
        net = nn.Sequential(
            nn.ReflectionPad2d(2), nn.Conv2d(1, 64, 5), nn.Tanh(),
            nn.Conv2d(64, 3 * 3 ** 2, 3, padding=1), nn.PixelShuffle(3),
        )
    """,
    "devices_dtypes_embedding": """
        import torch
        import torch.nn as nn

        DEVICE = "cuda"

        # cnnlint: input=(2, 7)
        net = nn.Sequential(
            nn.Embedding(100, 16, device=DEVICE),
            nn.Flatten(),
            nn.Linear(7 * 16, 10, device="cpu", dtype=torch.float32),
            nn.ReLU(),
            nn.Linear(10, 2),
        )
    """,
    "mlp_flatten_functional": """
        import torch
        from torch import nn
        import torch.nn.functional as F


        # cnnlint: input=(8, 1, 28, 28)
        class MLP(nn.Module):
            HIDDEN = 256

            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(28 * 28, self.HIDDEN)
                self.fc2 = nn.Linear(self.HIDDEN, 10)

            def forward(self, x):
                x = torch.flatten(x, 1)
                x = torch.relu(self.fc1(x))
                return F.softmax(self.fc2(x), dim=-1)
    """,
}


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_correct_models_agree_and_are_really_compared(name):
    result, diagnostics = check(CORRECT[name])
    assert not cnl007(diagnostics), [d.message for d in cnl007(diagnostics)]
    assert not [d for d in diagnostics if d.code == "CNL100" and "skips" in d.message]
    assert result.models
    for mr in result.models:
        shapes = runtime.runtime_shapes(mr, TIMEOUT)
        leaves = [(s, t) for s, t in zip(mr.trace.steps, shapes) if s.layer.children is None]
        assert leaves and all(isinstance(t, tuple) for _, t in leaves), shapes
        # torch's shape at every layer equals the static one (symbols ran as 1)
        for step, torch_shape in leaves:
            static = tuple(1 if isinstance(d, str) else d for d in step.out_shape.dims)
            assert static == torch_shape, (step.layer.type_name, step.out_shape, torch_shape)


# ---- disagreement: CNL007 ------------------------------------------------------


def test_wrong_static_formula_is_caught_at_every_layer_it_concerns(monkeypatch):
    """The engine thinks Conv2d outputs one more column; the worker (torch) does not share the patch."""
    conv = CATALOGUE["Conv2d"]

    def one_too_wide(args, shape):
        out = conv.infer(args, shape)
        return out.replace(-1, out.dims[-1] + 1) if out.fully_known else out

    monkeypatch.setitem(CATALOGUE, "Conv2d", dataclasses.replace(conv, infer=one_too_wide))
    path = FIXTURES / "alexnet_original.py"
    result, diagnostics = check(path.read_text(), str(path))
    found = cnl007(diagnostics)
    rows = [d.location.row for d in found]
    text = path.read_text().splitlines()
    conv_rows = [i for i, line in enumerate(text, 1) if "nn.Conv2d(" in line]
    assert rows == conv_rows  # once per conv, no cascade onto the layers after them
    first = found[0]
    assert first.message == "output shape differs: static (1, 96, 55, 56), torch (1, 96, 55, 55)"
    assert first.location.column == text[first.location.row - 1].index("nn.Conv2d(") + 1


def test_forward_error_static_missed_quotes_torch(monkeypatch):
    linear = CATALOGUE["Linear"]

    def never_raises(args, shape):
        return Shape(*shape.dims[:-1], args["out_features"])

    monkeypatch.setitem(CATALOGUE, "Linear", dataclasses.replace(linear, infer=never_raises))
    _, diagnostics = check(
        """
        import torch.nn as nn

        # cnnlint: input=(1, 256, 5, 5)
        net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(9216, 4096),
        )
        """
    )
    (diag,) = cnl007(diagnostics)
    assert diag.location.row == 7
    assert diag.message.startswith("torch raises here, where cnnlint found no error: RuntimeError: ")
    assert "9216" in diag.message and "6400" in diag.message


def test_construction_error_static_missed_is_cnl007_even_without_input(monkeypatch):
    dropout = CATALOGUE["Dropout"]
    monkeypatch.setitem(CATALOGUE, "Dropout", dataclasses.replace(dropout, check=lambda args: None))
    for pragma in ("# cnnlint: input=(1, 10)", "# no input declared"):
        _, diagnostics = check(
            f"""
            import torch.nn as nn

            {pragma}
            net = nn.Sequential(nn.Linear(10, 10), nn.Dropout(p=1.5), nn.Linear(10, 2))
            """
        )
        (diag,) = cnl007(diagnostics)
        assert (diag.location.row, diag.location.column) == (5, 40)
        assert diag.message == (
            "torch rejects this layer, which cnnlint found no error in: "
            "ValueError: dropout probability has to be between 0 and 1, but got 1.5"
        )


def test_both_raise_only_the_static_diagnostic_shows():
    path = FIXTURES / "d2l_alexnet_wrong_linear.py"
    result, diagnostics = check(path.read_text(), str(path))
    assert not cnl007(diagnostics)
    (mr,) = result.models
    shapes = runtime.runtime_shapes(mr, TIMEOUT)
    raised = [(s, t) for s, t in zip(mr.trace.steps, shapes) if isinstance(t, str)]
    assert len(raised) == 1
    step, message = raised[0]
    assert [f.code for f in step.findings] == ["CNL001"] and "RuntimeError" in message
    # the static pass recovers (Linear still outputs out_features): so does the runtime check
    assert shapes[-1] == (1, 10)


def test_what_torch_does_after_the_first_error_is_not_a_mismatch():
    """A BatchNorm with the wrong width: torch stops there. Replayed on their own, the layers after it see the
    shapes the static pass carried on with and may raise too; that is never a CNL007."""
    result, diagnostics = check(
        """
        import torch
        import torch.nn as nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 32, 7, 2, 3, bias=False)
                self.bn1 = nn.BatchNorm2d(64)
                self.conv2 = nn.Conv2d(64, 64, 3, padding=1)

            def forward(self, x):
                return self.conv2(self.bn1(self.conv1(x)))

        y = Net()(torch.randn(2, 1, 32, 32))
        """
    )
    (mr,) = result.models
    shapes = runtime.runtime_shapes(mr, TIMEOUT)
    assert isinstance(shapes[-1], str)  # the replayed conv2 raises on the 32 channels...
    assert codes(diagnostics) == []  # ...and nothing is reported for it: only the static CNL002 stands
    assert [(d.location.row, d.code) for d in result.diagnostics] == [(9, "CNL002")]


def test_what_the_meta_device_cannot_run_is_a_note_not_a_mismatch():
    from cnnlint.runtime_compare import _disagreement

    source = b"import torch.nn as nn\n# cnnlint: input=(1, 4)\nnet = nn.Sequential(nn.Linear(4, 2))\n"
    result = check_bytes(source, "m.py", CheckOptions(want_models=True))
    (step,) = result.models[0].trace.steps
    missing = "NotImplementedError: Could not run 'aten::foo' with arguments from the 'Meta' backend."
    assert _disagreement(step, ("forward", missing), ())[0] == "CNL100"
    wrong = "RuntimeError: mat1 and mat2 shapes cannot be multiplied"
    assert _disagreement(step, ("forward", wrong), ())[0] == "CNL007"
    assert _disagreement(step, ("shape", (1, 2)), ()) is None
    assert _disagreement(step, ("shape", (1, 3)), ()) == (
        "CNL007",
        "output shape differs: static (1, 2), torch (1, 3)",
    )


def test_static_unknown_torch_error_later_is_not_reported():
    result, diagnostics = check(
        """
        import torch.nn as nn

        # cnnlint: input=(1, 3, 8, 8)
        net = nn.Sequential(
            nn.Conv2d(3, 4, 3),
            nn.Unfold(kernel_size=2),
            nn.Linear(5, 3),
        )
        """
    )
    (mr,) = result.models
    shapes = runtime.runtime_shapes(mr, TIMEOUT)
    assert shapes[0] == (1, 4, 6, 6)
    assert isinstance(shapes[2], str)  # torch raised at the Linear...
    assert not cnl007(diagnostics)  # ...but the static pass had no expectation there


def test_runtime_shapes_align_with_trace_steps():
    result, _ = check(
        """
        import torch.nn as nn
        from mylib import Block

        # cnnlint: input=(1, 3, 16, 16)
        net = nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU()),
            nn.Flatten(),
            Block(8),
            nn.Linear(8, 2),
        )
        """
    )
    (mr,) = result.models
    shapes = runtime.runtime_shapes(mr, TIMEOUT)
    names = [s.layer.type_name for s in mr.trace.steps]
    assert len(shapes) == len(mr.trace.steps) == 6, names
    assert shapes[:4] == [(1, 8, 14, 14), (1, 8, 14, 14), (1, 8, 14, 14), (1, 8 * 14 * 14)]
    assert shapes[4:] == [None, None]  # the unknown block is not built; nothing runs after it


def test_symbolic_dims_run_as_one_and_say_so():
    _, diagnostics = check(CORRECT["symbolic_batch_1d"])
    notes = [d.message for d in diagnostics if d.code == "CNL100"]
    assert notes == ["runtime check ran the symbolic input dimensions as B=1"]


def test_model_without_input_is_only_built():
    result, diagnostics = check(
        """
        import torch.nn as nn

        head = nn.Sequential(nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
        """
    )
    assert runtime.runtime_shapes(result.models[0], TIMEOUT) == [None, None, None]
    assert codes(diagnostics) == [(4, "CNL100")]
    assert "built but not run" in diagnostics[0].message


def test_noqa_suppresses_cnl007(monkeypatch):
    dropout = CATALOGUE["Dropout"]
    monkeypatch.setitem(CATALOGUE, "Dropout", dataclasses.replace(dropout, check=lambda args: None))
    _, diagnostics = check(
        """
        import torch.nn as nn

        net = nn.Sequential(nn.Dropout(p=2.0))  # noqa: CNL007
        """
    )
    assert not cnl007(diagnostics)


# ---- safety: nothing of the user's file runs -----------------------------------


def test_runtime_never_runs_the_users_code(tmp_path):
    canary = tmp_path / "CANARY"
    model = tmp_path / "model.py"
    model.write_text(
        textwrap.dedent(
            f"""\
            import os
            import torch.nn as nn

            os.system("touch {canary}")

            # cnnlint: input=(1, 10)
            net = nn.Sequential(
                nn.Linear(10, 10),
                nn.Linear(10, os.system("touch {canary}")),
                nn.Linear(10, __import__("os").system("touch {canary}")),
            )
            """
        )
    )
    result = run_cli("check", "--runtime", "--show-info", "--output-format", "json", str(model))
    assert result.exit_code in (0, 1), result.stderr
    assert not canary.exists()
    skipped = [d for d in result.json() if d["code"] == "CNL100" and "runtime check skips" in d["message"]]
    assert [d["location"]["row"] for d in skipped] == [9, 10]
    assert "os.system" in skipped[0]["message"]


def test_without_torch_the_cli_exits_2_with_the_install_hint(tmp_path):
    model = tmp_path / "model.py"
    model.write_text("import torch.nn as nn\nnet = nn.Sequential(nn.Linear(2, 2))\n")
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from cnnlint.cli import main\n"
        f"sys.argv = ['cnnlint', 'check', '--runtime', {str(model)!r}]\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=_env(), timeout=60
    )
    assert proc.returncode == 2
    assert "--runtime needs torch: pip install torch" in proc.stderr
    assert "cnnlint[" not in proc.stderr  # cnnlint is not on PyPI: never tell users to install it from there


def test_torch_is_imported_only_in_the_worker(monkeypatch):
    """With torch made unimportable here, the check still runs: only the worker process imports it."""
    monkeypatch.setitem(sys.modules, "torch", None)
    result, diagnostics = check((FIXTURES / "lenet.py").read_text())
    assert not [d for d in diagnostics if d.code in ("CNL007", "CNL100")]
    assert runtime.runtime_shapes(result.models[0], TIMEOUT)[-1] == (1, 10)


def test_dynamo_stand_in_falls_back_to_the_real_module():
    """The worker skips importing torch._dynamo; if anything needs it, the model is checked again with it."""
    code = textwrap.dedent(
        """\
        import sys, warnings
        warnings.simplefilter("ignore")
        from cnnlint.runtime_worker import Checker
        checker = Checker()
        checker.warm_up()
        assert checker.stub is not None and "torch._dynamo" in sys.modules
        first = []
        plain_check = Checker._check

        def needs_dynamo(self, request):
            if not first:
                first.append(1)
                import torch._dynamo.external_utils  # fails while the stand-in is in place
            return plain_check(self, request)

        Checker._check = needs_dynamo
        request = {"aliases": {"nn": "torch.nn"}, "constants": {}, "input": (1, 4),
                   "nodes": [{"kind": "module", "code": "nn.Linear(4, 2)", "in": (1, 4)}]}
        print(checker.check(request), checker.stub, type(sys.modules["torch._dynamo"]).__name__)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=_env(), timeout=300
    )
    assert proc.stdout.strip() == "[('shape', (1, 2))] None module", proc.stderr


def test_a_worker_that_cannot_start_is_reported_not_retried(tmp_path, monkeypatch, capsys):
    broken = tmp_path / "broken_worker.py"
    broken.write_text("raise SystemExit(3)\n")
    monkeypatch.setattr(runtime_client, "WORKER_FILE", broken)
    monkeypatch.setattr(runtime_client, "_worker", None)
    monkeypatch.setattr(runtime_client, "_broken", None)
    monkeypatch.setattr(runtime_client, "_warned", set())
    result, diagnostics = check(CORRECT["aliased_imports"] + CORRECT["module_constants"])
    assert len(result.models) == 2
    failures = [d.message for d in diagnostics if d.code == "CNL100"]
    assert failures == ["runtime check unavailable: the torch worker exited (exit status 3)"] * 2
    assert capsys.readouterr().err.count("the torch worker exited") == 1
    assert not runtime_client._worker.alive


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


# ---- time limit (last: it kills the shared worker) -----------------------------

SLOW_AND_FAST = """\
import torch.nn as nn

# cnnlint: input=(1, 10)
slow = nn.Sequential(nn.Linear(10, 10))

# cnnlint: input=(1, 10)
fast = nn.Sequential(nn.Linear(10, 10), nn.Dropout(p=1.5))
"""


def test_a_model_over_its_time_limit_is_stopped_and_the_run_goes_on(tmp_path, monkeypatch):
    dropout = CATALOGUE["Dropout"]
    monkeypatch.setitem(CATALOGUE, "Dropout", dataclasses.replace(dropout, check=lambda args: None))
    monkeypatch.setitem(runtime_plan._test_delays, "slow", 60.0)
    runtime.start_worker()
    runtime_client._get_worker().wait_ready()  # the time limit covers checking, not importing torch
    model = tmp_path / "model.py"
    model.write_text(SLOW_AND_FAST)
    result = run_cli(
        "check", "--runtime", "--runtime-timeout", "0.5", "--show-info", "--output-format", "json", str(model)
    )
    found = {(d["location"]["row"], d["code"]): d["message"] for d in result.json()}
    assert found[(4, "CNL100")] == "runtime check timed out after 0.5 s"
    assert (7, "CNL007") in found  # the next model was checked by a fresh worker
    assert result.exit_code == 1


def test_a_timeout_is_reported_without_show_info(tmp_path, monkeypatch):
    monkeypatch.setitem(runtime_plan._test_delays, "slow", 60.0)
    runtime.start_worker()
    runtime_client._get_worker().wait_ready()
    model = tmp_path / "model.py"
    model.write_text(SLOW_AND_FAST.split("\n\n# cnnlint: input=(1, 10)\nfast")[0] + "\n")
    result = run_cli("check", "--runtime", "--runtime-timeout", "0.5", str(model))
    assert f"{model}:4:1: runtime check timed out after 0.5 s" in result.stderr
    assert "CNL100" not in result.stdout


def teardown_module(module):
    runtime.shutdown()


# ---- torch raising at a layer cnnlint does not follow (SPEC §3 CNL007: "torch raised") ----------

UNFOLLOWED = {
    "fractional": ("nn.FractionalMaxPool2d(2, output_size=9)", (1, 8, 6, 6)),
    "cosine": ("nn.CosineSimilarity()", (1, 8, 6, 6)),
    "unpool_one_argument": ("nn.MaxUnpool2d(2)", (1, 8, 6, 6)),
    "fractional_fits": ("nn.FractionalMaxPool2d(2, output_size=3)", (1, 8, 6, 6)),
    "cross_map_lrn": ("nn.CrossMapLRN2d(3)", (1, 8, 6, 6)),
}


def _torch_error(layer: str, dims: tuple[int, ...]) -> str | None:
    """The oracle: torch itself (on the CPU, with real data) running ``Sequential(Conv2d(8, 8, 1), layer)``."""
    import torch
    from torch import nn

    net = nn.Sequential(nn.Conv2d(8, 8, 1), eval(layer, {"nn": nn}))
    try:
        net(torch.randn(*dims))
    except (RuntimeError, TypeError, ValueError) as exc:
        return type(exc).__name__
    return None


@pytest.mark.parametrize("name", sorted(UNFOLLOWED))
def test_torch_raising_at_a_layer_cnnlint_does_not_follow_is_cnl007(tmp_path, name):
    layer, dims = UNFOLLOWED[name]
    path = tmp_path / "m.py"
    path.write_text(
        f"from torch import nn\n\n# cnnlint: input={dims}\nnet = nn.Sequential(nn.Conv2d(8, 8, 1), {layer})\n"
    )
    column = path.read_text().splitlines()[3].index(layer) + 1
    raised = _torch_error(layer, dims)
    result = run_cli("check", "--runtime", "--output-format", "json", str(path))
    found = [(d["location"]["row"], d["location"]["column"], d["message"]) for d in result.json()]
    if raised is None:
        assert result.exit_code == 0 and found == []
        return
    assert result.exit_code == 1, result.stderr
    ((row, col, message),) = found
    assert (row, col) == (4, column)
    assert message.startswith(f"torch raises here, at a layer cnnlint does not follow: {raised}: ")
    # without --runtime nothing is claimed: the layer is only where following stops
    assert run_cli("check", str(path)).exit_code == 0
    text = run_cli("summary", "--runtime", str(path)).stdout
    assert "raised" in text and "^ CNL007 (error) torch raises here, at a layer cnnlint does not follow" in text


def test_a_layer_called_as_torch_runs_it_raises_only_where_torch_does(tmp_path):
    """A forward that calls an unfollowed layer with more than the tensor (``unpool(y, indices)``), or feeds
    it integers the check does not know of (``EmbeddingBag``), runs under torch: no CNL007 (the oracle)."""
    source = textwrap.dedent(
        """
        import torch
        from torch import nn


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(8, 8, 1)
                self.pool = nn.MaxPool2d(2, return_indices=True)
                self.unpool = nn.MaxUnpool2d(2)
                self.cos = nn.CosineSimilarity()

            def forward(self, x):
                a = self.conv(x)
                y, i = self.pool(a)
                return self.cos(a, self.unpool(y, i))


        class Bag(nn.Module):
            def __init__(self):
                super().__init__()
                self.bag = nn.EmbeddingBag(10, 3)
                self.fc = nn.Linear(3, 2)

            def forward(self, x):
                return self.fc(self.bag(x))


        class Att(nn.Module):
            def __init__(self):
                super().__init__()
                self.att = nn.MultiheadAttention(8, 2, batch_first=True)

            def forward(self, x):
                return self.att(x, x, x)[0]


        net = Net()
        net(torch.randn(1, 8, 6, 6))
        Att()(torch.randn(1, 5, 8))
        bag = Bag()
        bag(torch.randint(0, 10, (2, 4)))
        seqbag = nn.Sequential(nn.EmbeddingBag(10, 3), nn.Linear(3, 2))
        seqbag(torch.randint(0, 10, (2, 4)))
        """
    )
    exec(compile(source, "oracle", "exec"), {})  # torch runs all three without raising
    path = tmp_path / "m.py"
    path.write_text(source)
    result = run_cli("check", "--runtime", "--output-format", "json", str(path))
    assert result.exit_code == 0 and result.json() == [], result.stdout


def test_what_the_meta_device_cannot_run_at_an_unfollowed_layer_stays_a_note():
    from cnnlint.runtime_compare import _disagreement

    source = (
        b"import torch.nn as nn\n# cnnlint: input=(1, 8, 6, 6)\nnet = nn.Sequential(nn.FractionalMaxPool2d(2, 3))\n"
    )
    result = check_bytes(source, "m.py", CheckOptions(want_models=True))
    (step,) = result.models[0].trace.steps
    assert step.stopped and step.layer.spec is None and step.in_shape == Shape(1, 8, 6, 6)
    missing = "NotImplementedError: Could not run 'aten::foo' with arguments from the 'Meta' backend."
    assert _disagreement(step, ("forward", missing), ())[0] == "CNL100"
    assert (
        _disagreement(step, ("forward", "RuntimeError: expected indices to be long or int, got torch.float32"), ())
        is None
    )
    wrong = "RuntimeError: too large"
    assert _disagreement(step, ("forward", wrong), ("B",)) == (
        "CNL007",
        "torch raises here, at a layer cnnlint does not follow: RuntimeError: too large (with B=1)",
    )
    assert _disagreement(step, ("shape", (1, 8, 3, 3)), ()) is None  # no static shape to compare with
