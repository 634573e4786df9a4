"""Never silent, never a guess: an output cnnlint cannot work out is said where it is lost (CNL100), and what
torch computes from known sizes is followed, with torch as the oracle.

- pytorch-tabnet's ghost batch norm: ``x.chunk(int(np.ceil(n / vbs)), 0)`` is followed where ``n`` is known
  (``int()`` of a NumPy scalar), and says where following stops at a symbolic batch;
- OpenAI CLIP's ``AttentionPool2d``: ``F.multi_head_attention_forward`` gives torch's shapes and torch's
  errors, for configurations hypothesis draws;
- any torch call that turns known tensors into an unknown one leaves a note: once per call site.
"""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest
from conftest import findings, run_cli, summary_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnlint.check import CheckOptions, check_bytes

torch = pytest.importorskip("torch")

SETTINGS = settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))

GBN = textwrap.dedent(
    """
    import numpy as np
    import torch
    from torch import nn


    class GBN(nn.Module):
        def __init__(self, input_dim, virtual_batch_size={vbs}, momentum=0.01):
            super().__init__()
            self.virtual_batch_size = virtual_batch_size
            self.bn = nn.BatchNorm1d(input_dim, momentum=momentum)

        def forward(self, x):
            chunks = x.chunk(int(np.ceil(x.shape[0] / self.virtual_batch_size)), 0)
            res = [self.bn(x_) for x_ in chunks]
            return torch.cat(res, dim=0)


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(16, 8)
            self.bn = GBN(8)

        def forward(self, x):
            return self.bn(self.fc(x))
    """
)


def row_of(source: str, text: str) -> int:
    """The row of the first line holding ``text`` (rows as cnnlint reports them, from 1)."""
    return next(i for i, line in enumerate(source.splitlines(), start=1) if text in line)


CHUNK_ROW = row_of(GBN, "x.chunk(")


def torch_run(source: str, path: Path, dims: tuple[int, ...]) -> Any:
    """Torch's answer for ``Net()`` on ``dims``: the output's shape, or the exception it raised."""
    path.write_text(source)
    namespace: dict = {}
    exec(compile(source, str(path), "exec"), namespace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = namespace["Net"]()(torch.zeros(*dims))
        except Exception as exc:  # noqa: BLE001 - torch raising is the answer
            return exc
    return list(out.shape) if out is not None else None


def errors(path: Path, dims: str) -> list[tuple[int, str]]:
    """(row, code) of every error or warning cnnlint reports for ``Net`` at ``dims``: notes left out."""
    return [(row, code) for row, code, _ in findings(path, "--input", f"Net={dims}") if code != "CNL100"]


def notes(path: Path, dims: str) -> list[tuple[int, str]]:
    return [(row, message) for row, code, message in findings(path, "--input", f"Net={dims}") if code == "CNL100"]


# ---- the ghost batch norm -----------------------------------------------------------------------


@SETTINGS
@given(batch=st.integers(1, 400), vbs=st.integers(1, 200))
def test_ghost_batch_norm_is_followed_to_torchs_shape(tmp_path_factory: Any, batch: int, vbs: int) -> None:
    """``int(np.ceil(n / vbs))`` chunks of a known batch: torch's shape, no note, followed to the end; where
    a chunk holds one sample, torch's error."""
    path = tmp_path_factory.mktemp("gbn") / "gbn.py"
    source = GBN.format(vbs=vbs)
    expected = torch_run(source, path, (batch, 16))
    if isinstance(expected, Exception):  # a chunk of one sample: BatchNorm1d refuses it in training
        assert [code for _, code in errors(path, f"{batch},16")] == ["CNL005"], expected
        return
    model = summary_model(path, "Net", f"{batch},16")
    assert model["output_shape"] == expected == [batch, 8]
    assert model["stopped_at_row"] is None
    assert notes(path, f"{batch},16") == []


def test_ghost_batch_norm_at_a_symbolic_batch_says_where_it_stops(tmp_path: Path) -> None:
    """At a batch B the number of chunks is not known: a note at the chunk, never an error nor silence."""
    path = tmp_path / "gbn.py"
    path.write_text(GBN.format(vbs=128))
    assert errors(path, "B,16") == []
    said = notes(path, "B,16")
    assert [row for row, _ in said] == [CHUNK_ROW]
    assert "x.chunk" in said[0][1]
    result = run_cli("check", "--input", "Net=B,16", str(path))
    assert "1 stopped" in result.stdout


@pytest.mark.parametrize("expr", ["np.sqrt(200.0)", "np.ceil(7 / 2)", "np.floor(np.log(1000.0))", "np.round(2.5)"])
def test_int_of_a_numpy_scalar_is_numpys(tmp_path: Path, expr: str) -> None:
    """``int(np.f(...))`` of known numbers is NumPy's value (an inexact one only where truncation is sure)."""
    import numpy as np

    source = "import numpy as np\nimport torch\nfrom torch import nn\n\n\nclass Net(nn.Module):\n"
    source += f"    def forward(self, x):\n        return x.new_zeros(int({expr}))\n"
    path = tmp_path / "n.py"
    path.write_text(source)
    assert summary_model(path, "Net", "2")["output_shape"] == [int(eval(expr, {"np": np}))]


# ---- F.multi_head_attention_forward ---------------------------------------------------------------

MHA = textwrap.dedent(
    """
    import torch
    import torch.nn.functional as F
    from torch import nn


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.in_w = nn.Parameter(torch.zeros(3 * {e}, {e}))
            self.in_b = nn.Parameter(torch.zeros(3 * {e}))
            self.q_w = nn.Parameter(torch.zeros({e}, {e}))
            self.k_w = nn.Parameter(torch.zeros({e}, {kdim}))
            self.v_w = nn.Parameter(torch.zeros({e}, {vdim}))
            self.out_w = nn.Parameter(torch.zeros({e_out}, {e}))
            self.bias_k = nn.Parameter(torch.zeros(1, 1, {e}))

        def forward(self, x):
            k = torch.zeros({key_dims})
            v = torch.zeros({value_dims})
            out, weights = F.multi_head_attention_forward(
                x, k, v, {check}, {heads}, self.in_w, self.in_b,
                {bias_k}, {bias_v}, {zero}, 0.0, self.out_w, None,
                need_weights={need}, average_attn_weights={average},
                use_separate_proj_weight={separate}, q_proj_weight=self.q_w, k_proj_weight=self.k_w,
                v_proj_weight=self.v_w,
            )
            return {returned}
    """
)
MHA_ROW = row_of(MHA, "F.multi_head_attention_forward(")


@st.composite
def attention_configs(draw: Any) -> dict[str, Any]:
    """Mostly valid calls, with each error torch raises drawn now and then."""
    heads = draw(st.integers(1, 4))
    e = heads * draw(st.integers(1, 4)) + draw(st.sampled_from([0, 0, 0, 1]))  # sometimes not divisible
    length, source, batch = draw(st.integers(1, 5)), draw(st.integers(1, 5)), draw(st.integers(1, 3))
    separate = draw(st.booleans())
    kdim = draw(st.sampled_from([e, e, e + 1])) if separate else e
    vdim = draw(st.sampled_from([e, e, e + 2])) if separate else draw(st.sampled_from([e, e, e, e + 1]))
    value_len = draw(st.sampled_from([source, source, source, source + 1]))
    batched = draw(st.booleans())
    lead = (batch,) if batched else ()
    need = draw(st.booleans())
    bias = draw(st.booleans())
    config = {
        "e": e,
        "kdim": kdim,
        "vdim": vdim,
        "e_out": draw(st.integers(1, 6)),
        "heads": heads,
        "check": draw(st.sampled_from([e, e, e, e + 1])),
        "key_dims": ", ".join(map(str, (source, *lead, kdim))),
        "value_dims": ", ".join(map(str, (value_len, *lead, vdim))),
        "bias_k": "self.bias_k" if bias else "None",
        "bias_v": "self.bias_k" if bias else "None",
        "zero": draw(st.booleans()),
        "need": need,
        "average": draw(st.booleans()),
        "separate": separate,
        "returned": "weights" if need and draw(st.booleans()) else "out",
    }
    config["input"] = (length, batch, e) if batched else (length, e)
    return config


def _dims(shape: tuple[int, ...]) -> str:
    return ",".join(map(str, shape))


@SETTINGS
@given(config=attention_configs())
def test_multi_head_attention_forward_is_torchs(tmp_path_factory: Any, config: dict[str, Any]) -> None:
    """Torch's output (or attention weights) shape where torch runs; an error at the call where it raises."""
    path = tmp_path_factory.mktemp("mha") / "mha.py"
    source = MHA.format(**config)
    expected = torch_run(source, path, config["input"])
    dims = _dims(config["input"])
    if isinstance(expected, Exception):
        assert [row for row, _ in errors(path, dims)] == [MHA_ROW], expected
        return
    assert errors(path, dims) == []
    model = summary_model(path, "Net", dims)
    assert model["output_shape"] == expected
    assert model["stopped_at_row"] is None


def _mha_source(**changes: Any) -> str:
    config = {
        "e": 16, "kdim": 16, "vdim": 16, "e_out": 16, "heads": 2, "check": 16, "key_dims": "6, 2, 16",
        "value_dims": "6, 2, 16", "bias_k": "None", "bias_v": "None", "zero": False, "need": False,
        "average": True, "separate": True, "returned": "out",
    }  # fmt: skip
    config.update(changes)
    return MHA.format(**config)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"check": 32}, "CNL002"),  # embed_dim_to_check is not the query's width
        ({"heads": 3}, "CNL005"),  # 16 is not divisible by 3 heads
        ({"value_dims": "7, 2, 16"}, "CNL002"),  # key and value of other lengths
        ({"key_dims": "6, 1, 16", "value_dims": "6, 1, 16"}, "CNL002"),  # the key's batch is not the query's
    ],
)
def test_an_error_torch_raises_is_reported_and_the_fix_is_quiet(tmp_path: Path, changes: dict, code: str) -> None:
    """Each error torch raises at this call is reported there, with its code; the valid call reports nothing."""
    path = tmp_path / "mha.py"
    assert isinstance(torch_run(_mha_source(**changes), path, (5, 2, 16)), Exception)
    assert errors(path, "5,2,16") == [(MHA_ROW, code)]
    assert torch_run(_mha_source(), path, (5, 2, 16)) == [5, 2, 16]
    assert errors(path, "5,2,16") == []
    assert notes(path, "5,2,16") == []


def test_an_unknown_num_heads_is_a_note_never_an_error(tmp_path: Path) -> None:
    """A size cnnlint cannot read makes the result unknown: said at the call, never a guessed error."""
    path = tmp_path / "mha.py"
    path.write_text(_mha_source(heads="int(x.sum())"))
    assert errors(path, "5,2,16") == []
    assert [row for row, _ in notes(path, "5,2,16")] == [MHA_ROW]


CLIP_POOL = textwrap.dedent(
    """
    import torch
    import torch.nn.functional as F
    from torch import nn


    class Net(nn.Module):
        def __init__(self, spacial_dim=4, embed_dim=16, num_heads=2, output_dim=8):
            super().__init__()
            self.positional_embedding = nn.Parameter(torch.randn(spacial_dim**2 + 1, embed_dim) / embed_dim**0.5)
            self.k_proj = nn.Linear(embed_dim, embed_dim)
            self.q_proj = nn.Linear(embed_dim, embed_dim)
            self.v_proj = nn.Linear(embed_dim, embed_dim)
            self.c_proj = nn.Linear(embed_dim, output_dim or embed_dim)
            self.num_heads = num_heads

        def forward(self, x):
            x = x.flatten(start_dim=2).permute(2, 0, 1)  # NCHW -> (HW)NC
            x = torch.cat([x.mean(dim=0, keepdim=True), x], dim=0)  # (HW+1)NC
            x = x + self.positional_embedding[:, None, :].to(x.dtype)  # (HW+1)NC
            x, _ = F.multi_head_attention_forward(
                query=x[:1], key=x, value=x,
                embed_dim_to_check=x.shape[-1],
                num_heads=self.num_heads,
                q_proj_weight=self.q_proj.weight,
                k_proj_weight=self.k_proj.weight,
                v_proj_weight=self.v_proj.weight,
                in_proj_weight=None,
                in_proj_bias=torch.cat([self.q_proj.bias, self.k_proj.bias, self.v_proj.bias]),
                bias_k=None,
                bias_v=None,
                add_zero_attn=False,
                dropout_p=0,
                out_proj_weight=self.c_proj.weight,
                out_proj_bias=self.c_proj.bias,
                use_separate_proj_weight=True,
                training=self.training,
                need_weights=False
            )
            return x.squeeze(0)
    """
)


def test_clips_attention_pool_is_followed_to_torchs_output(tmp_path: Path) -> None:
    """OpenAI CLIP's ``AttentionPool2d`` as written (``self.q_proj.bias`` is the layer's bias parameter)."""
    path = tmp_path / "clip.py"
    expected = torch_run(CLIP_POOL, path, (3, 16, 4, 4))
    model = summary_model(path, "Net", "3,16,4,4")
    assert model["output_shape"] == expected == [3, 8]
    assert model["stopped_at_row"] is None
    assert findings(path, "--input", "Net=3,16,4,4") == []


# ---- never silent ---------------------------------------------------------------------------------

UNMODELLED = textwrap.dedent(
    """
    import torch
    import torch.nn.functional as F
    from torch import nn


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            for _ in range(3):
                x = self.fc(torch.cdist(x, x)[..., :4])
            return F.gumbel_softmax(logits=x, tau=1.0)
    """
)


def test_an_op_cnnlint_does_not_follow_is_said_once_where_it_is(tmp_path: Path) -> None:
    """``torch.cdist`` on known tensors, three times in a loop: one note at its line; what follows it (an input
    already unknown) adds nothing. torch runs the file, so nothing is an error."""
    path = tmp_path / "ops.py"
    assert torch_run(UNMODELLED, path, (4, 4, 4)) is not None
    said = notes(path, "4,4,4")
    assert [row for row, _ in said] == [row_of(UNMODELLED, "torch.cdist")]
    assert "cdist" in said[0][1]
    assert errors(path, "4,4,4") == []


def test_a_functional_called_by_keywords_is_never_silent(tmp_path: Path) -> None:
    """``F.gumbel_softmax(logits=x)``, all by keyword, on a known tensor: not modelled, so a note says so."""
    path = tmp_path / "gumbel.py"
    source = UNMODELLED.replace("torch.cdist(x, x)[..., :4]", "x")
    assert torch_run(source, path, (1, 4, 4)) == [1, 4, 4]
    said = notes(path, "1,4,4")
    assert [row for row, _ in said] == [row_of(source, "F.gumbel_softmax")]
    assert "F.gumbel_softmax is not followed" in said[0][1]


BIASES = textwrap.dedent(
    """
    import torch
    from torch import nn


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.q = nn.Linear(8, 6)
            self.conv = nn.Conv1d(8, 8, 1)
            self.ln = nn.LayerNorm(8)
            self.bn = nn.BatchNorm1d(8)
            self.rnn = nn.GRU(8, 8)
            self.none = nn.Linear(8, 8, bias=False)

        def forward(self, x):
            assert self.none.bias is None and self.rnn.bias is True
            both = torch.cat([self.q.bias, self.q.bias])
            return x + self.conv.bias + self.ln.bias + self.bn.bias + self.ln.weight + both[:8]
    """
)


def test_a_layers_bias_is_its_parameter(tmp_path: Path) -> None:
    """``layer.bias`` is the bias parameter torch holds (None without one); a recurrent layer's is its flag."""
    path = tmp_path / "biases.py"
    expected = torch_run(BIASES, path, (2, 8))
    model = summary_model(path, "Net", "2,8")
    assert model["output_shape"] == expected == [2, 8]
    assert findings(path, "--input", "Net=2,8") == []


CLS_TOKEN_NO_INPUT = """
import torch
from torch import nn


class ViT(nn.Module):
    def __init__(self, dim=16):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, 4, 4)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.head = nn.Linear(dim, 10)

    def forward(self, x):
        x = self.proj(x).flatten(2).transpose(1, 2)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1)
        return self.head(x[:, 0])
"""


def test_a_model_without_an_input_is_not_noted_for_what_the_input_leaves_unknown() -> None:
    """timm's ViTs without an input: in the run with no input size, ``x.shape[0]`` is unknown by design, so
    ``cls_token.expand(x.shape[0], -1, -1)`` is not a silent loss to note; the note had stopped input-free
    checking from finding the size, and the output lost its batch (26 timm models in the real-world tree)."""
    options = CheckOptions(want_models=True, is_enabled=lambda code: True)  # notes too
    result = check_bytes(CLS_TOKEN_NO_INPUT.encode(), "vit.py", options)
    assert [d.code for d in result.diagnostics] == []
    assert result.models[0].model.accepts.status == "some"
