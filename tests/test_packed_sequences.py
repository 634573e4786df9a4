"""Packed sequences through recurrent layers (corpus G #15, #19: an initial state sized for two layers fed to
a one-layer LSTM over a ``pack_padded_sequence``). The truth: torch running the same model."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from conftest import findings, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SOURCE = """
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.{kind}({input_size}, 8, num_layers={layers}, bidirectional={bi}, batch_first={bf})

    def forward(self, x):
        state = {state}
        packed = pack_padded_sequence(x, {lengths}, batch_first={bf})
        out, _ = self.rnn(packed, state)
        padded, lengths = pad_packed_sequence(out, batch_first={pad_bf}{total})
        return padded
"""


def _source(kind: str = "GRU", state: tuple[int, int, int] | None = None, total: int | None = None, **rest) -> str:
    """The model, with one GRU layer over (T, B, 4) unless told otherwise."""
    values = {"input_size": 4, "layers": 1, "bi": False, "bf": False, "pad_bf": False, "lengths": [5, 3, 1]}
    values.update(rest)
    extra = "" if total is None else f", total_length={total}"
    return SOURCE.format(kind=kind, state=_state(kind, state), total=extra, **values)


def _state(kind: str, dims: tuple[int, int, int] | None) -> str:
    if dims is None:
        return "None"
    one = f"torch.zeros{dims}"
    return f"({one}, {one})" if kind == "LSTM" else one


def _torch_output(source: str, dims: tuple[int, ...]) -> list[int] | str:
    namespace: dict = {}
    exec(compile(source, "<model>", "exec"), namespace)
    try:
        return list(namespace["Net"]()(torch.randn(*dims)).shape)
    except (RuntimeError, ValueError) as err:
        return str(err)


def _cnnlint(path: Path, dims: tuple[int, ...]) -> tuple[list, list[str]]:
    result = run_cli("summary", str(path), "--input", "Net=" + ",".join(map(str, dims)), "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr
    data = result.json()
    (model,) = [m for m in data["models"] if m["name"] == "Net"]
    reported = [*data["diagnostics"], *(d for layer in model["layers"] for d in layer["diagnostics"])]
    errors = [d["code"] for d in reported if d["severity"] == "error"]
    return model["output_shape"], errors


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["LSTM", "GRU", "RNN"]),
    layers=st.integers(1, 2),
    bi=st.booleans(),
    bf=st.booleans(),
    pad_bf=st.booleans(),
    batch=st.integers(1, 3),
    steps=st.integers(1, 4),
    data=st.data(),
)
def test_a_packed_sequence_is_followed_as_torch_runs_it(
    tmp_path: Path, kind: str, layers: int, bi: bool, bf: bool, pad_bf: bool, batch: int, steps: int, data
) -> None:
    lengths = sorted(data.draw(st.lists(st.integers(1, steps), min_size=batch, max_size=batch)), reverse=True)
    input_size = data.draw(st.sampled_from([4, 4, 4, 5]))
    total = data.draw(st.sampled_from([None, None, steps, steps + 2]))
    right = (layers * (2 if bi else 1), batch, 8)
    state = data.draw(
        st.sampled_from([None, right, (right[0] + 1, batch, 8), (right[0], batch + 1, 8), (right[0], batch, 7)])
    )
    shape_of = {"input_size": input_size, "layers": layers, "bi": bi, "bf": bf, "pad_bf": pad_bf}
    source = _source(kind, state, total, lengths=lengths, **shape_of)
    dims = (batch, steps, 4) if bf else (steps, batch, 4)
    path = tmp_path / "packed.py"
    path.write_text(source)
    shape, errors = _cnnlint(path, dims)
    if kind == "LSTM" and (state not in (None, right) or input_size != 4):
        # torch 2.13's LSTM never checks a packed input or the state it is given with one (``LSTM.forward``
        # skips ``check_forward_args`` on that path): the kernel raises ("Expected more hidden states in
        # stacked_rnn", a size or mat1/mat2 error) or, when every length is equal, runs on (a wrong
        # input_size gives an output; a wrong state was seen to abort the process). Not run here; what an
        # unpacked input gets is said.
        assert errors and set(errors) <= {"CNL002", "CNL017"}
        return
    expected = _torch_output(source, dims)
    if isinstance(expected, str):
        assert errors, expected  # every refusal of these shapes is found
        assert set(errors) <= {"CNL002", "CNL017"}
    else:
        assert errors == []
        assert shape == expected


def test_the_reporters_model_is_found(tmp_path: Path) -> None:
    """G #15: ``init_hidden`` builds two layers of state for ``nn.LSTM(128, 32, num_layers=1)``."""
    path = tmp_path / "names.py"
    source = _source("LSTM", (2, 3, 8))
    path.write_text(source + "\n\nnet = Net()\nout = net(torch.randn(5, 3, 4))\n")
    assert "Expected more hidden states" in _torch_output(source, (5, 3, 4))  # torch 2.13's words
    (found,) = [(row, code, message) for row, code, message in findings(path) if code != "CNL100"]
    assert found[:2] == (15, "CNL017")  # ``out, _ = self.rnn(packed, state)``
    assert "(1, 3, 8)" in found[2] and "(2, 3, 8)" in found[2]


@pytest.mark.parametrize(
    "lengths",
    [
        "[1, 3, 5]",  # not sorted: torch refuses with enforce_sorted=True
        "[5, 3]",  # not one per sequence
        "[9, 3, 1]",  # longer than the padded tensor
        "lengths_from_data",  # not known
    ],
)
def test_lengths_torch_refuses_or_not_known_are_never_reported(tmp_path: Path, lengths: str) -> None:
    """The state is wrong too; with lengths cnnlint cannot vouch for, nothing is reported."""
    source = _source("GRU", (2, 3, 8), lengths=lengths)
    path = tmp_path / "packed.py"
    path.write_text(source.replace("def forward(self, x):", "def forward(self, x, lengths_from_data):"))
    _, errors = _cnnlint(path, (5, 3, 4))
    assert errors == [] or lengths == "lengths_from_data" and errors == ["CNL017"]


def test_pad_packed_time_is_the_longest_length(tmp_path: Path) -> None:
    """Not the padded input's time: ``pad_packed_sequence`` pads to the longest length (or ``total_length``)."""
    source = _source(bf=True, pad_bf=True, lengths=[3, 2])
    path = tmp_path / "packed.py"
    path.write_text(source)
    assert _torch_output(source, (2, 6, 4)) == [2, 3, 8]
    assert _cnnlint(path, (2, 6, 4)) == ([2, 3, 8], [])
