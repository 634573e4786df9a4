"""Two hundred tensor expressions as ``forward`` writes them, each fed to an ``nn.Identity`` so the summary
shows its shape: cnnlint gives torch's shape or none, never another (``x.mT`` was ``x``; ``x.norm(2)``
reduced dim 2; ``x.sum(axis=1)`` reduced every dim), follows most of them, and, as torch runs every one,
reports no error on any."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

torch = pytest.importorskip("torch")

EXPRS = [
    "x.flatten(1)",
    "x.flatten(0, 1)",
    "x.view(x.size(0), -1)",
    "x.mean((1, 2))",
    "x.mean([1, 2], keepdim=True)",
    "x.sum(-1, keepdim=True)",
    "F.softmax(x, -1)",
    "x.softmax(-1)",
    "x.transpose(-1, -2)",
    "x.permute(0, 2, 1)",
    "x.unsqueeze(1).expand(-1, 5, -1, -1)",
    "x.repeat(1, 2, 1)",
    "x.new_zeros(3, 4)",
    "x.new_zeros((3, 4))",
    "torch.cat([x, x], -1)",
    "torch.stack([x, x], 1)",
    "x.chunk(3, 1)[0]",
    "x.split([1, 2], 1)[1]",
    "F.pad(x, (1, 1))",
    "F.interpolate(x.unsqueeze(1), scale_factor=2)",
    "x.roll(1, 1)",
    "x.flip(1)",
    "torch.flip(x, [1])",
    "x.narrow(1, 0, 2)",
    "x.select(1, 0)",
    "x.diagonal(dim1=1, dim2=2)",
    "x.cumsum(1)",
    "F.normalize(x, dim=-1)",
    "F.normalize(x, 2, 1)",
    "x.logsumexp(1)",
    "x.prod(1)",
    "x.amax((1, 2))",
    "x.argmax()",
    "x.argmax(1, True)",
    "torch.clamp(x, 0, 1)",
    "torch.bmm(x, x.transpose(1, 2))",
    "x @ x.mT",
    "x.mT",
    "torch.outer(x[0, 0], x[0, 0])",
    "x.squeeze()",
    "x.squeeze(1)",
    "x.unflatten(2, (2, 2))",
    "x.movedim(1, -1)",
    "x.swapaxes(0, 1)",
    "torch.flatten(x)",
    "torch.flatten(x, 1)",
    "x.reshape(-1)",
    "x.view(-1, 4)",
    "x.expand_as(x)",
    "x.type_as(x)",
    "torch.var_mean(x, 1)[0]",
    "x.aminmax(dim=1).min",
    "torch.cumsum(x, dim=1)",
    "F.glu(x, -1)",
    "x.sum(dim=(1, 2), keepdim=True)",
    "F.layer_norm(x, (4,))",
    "F.dropout(x, 0.1)",
    "F.log_softmax(x, 1)",
    "torch.tensordot(x, x, dims=([2], [2]))",
    "torch.std_mean(x, 1)[1]",
    "x.max(1)[1]",
    "torch.sum(x, 1)",
    "torch.mean(x, (1, 2), True)",
    "torch.amax(x, 1)",
    "torch.norm(x, dim=1)",
    "torch.norm(x)",
    "torch.linalg.norm(x, dim=-1)",
    "torch.linalg.vector_norm(x, 2, -1)",
    "x.view(2, 12)[:, ::2]",
    "x[:, -1]",
    "x[:, :, None]",
    "x[None]",
    "x[..., 0]",
    "x[0, :, 1:3]",
    "x[:, [0, 1]]",
    "x.T if x.dim() == 2 else x.transpose(0, 1)",
    "torch.einsum('bij->bji', x)",
    "x.reshape(x.shape[0], -1, 2)",
    "torch.repeat_interleave(x, 2, dim=0)",
    "x.tile((2,))",
    "torch.tile(x, (2, 1, 1))",
    "x.expand(2, 3, 4)",
    "F.avg_pool1d(x, 2)",
    "F.max_pool1d(x, 2, 2)",
    "F.adaptive_avg_pool1d(x, 1)",
    "F.conv1d(x, torch.zeros(5, 3, 1))",
    "F.linear(x, torch.zeros(6, 4))",
    "F.embedding(torch.zeros(2, 5, dtype=torch.long), torch.zeros(10, 3))",
    "x.new_ones(x.shape[:-1])",
    "torch.zeros_like(x)",
    "torch.ones(x.shape[0], 1)",
    "torch.full((2, 3), 1.0)",
    "torch.arange(x.shape[1])",
    "torch.linspace(0, 1, 5)",
    "torch.randn_like(x)",
    "torch.empty(0, 4)",
    "x.sort(1, True)[0]",
    "x.topk(2, 1, False)[1]",
    "x.sum(1, dtype=torch.float64)",
    "x.mean(-1).unsqueeze(-1)",
    "y.mT",
    "x @ y.mT",
    "torch.diagonal(x, 1, 1, 2)",
    "x[0].diagonal(-1)",
    "x[0, 0].outer(x[0, 1, :3])",
    "torch.tensordot(x, x[0], dims=2)",
    "torch.tensordot(x, x, 0)",
    "F.embedding(x.argmax(-1), torch.zeros(10, 3), padding_idx=0)",
    "torch.tensor_split(x, 2, 1)[1]",
    "x.tensor_split(3, -1)[2]",
    "x.tensor_split([1, 2], 1)[0]",
    "x.tensor_split((1, 3), dim=2)[1]",
    # where torch's shape once differed: a tensor operand of pow/clamp/masked_fill broadcasts, ``axis=`` and
    # ``keepdims=`` are torch's own names for ``dim``/``keepdim``, keyword-only sizes, a list of lists as an
    # index is a tuple, a max pool with ``return_indices=True`` returns two tensors, torch.normal's size
    "x[:, :1].pow(x)",
    "x[:, :1].clamp(min=x)",
    "torch.clamp(x[:, :1], x)",
    "x[:, :1].masked_fill(x > 0, 0.0)",
    "torch.masked_fill(x[:, :1], x > 0, 1.0)",
    "x[:, :1].clip(x)",
    "x.sum(axis=1)",
    "x.mean(axis=-1, keepdim=True)",
    "x.mean((1, 2), keepdims=True)",
    "x[:1, :1].squeeze(axis=1)",
    "x.chunk(2, axis=1)[1]",
    "x.sort(axis=1)[1]",
    "x.softmax(axis=1)",
    "torch.normal(x, 1.0)",
    "torch.normal(0.0, 1.0, (2, 3))",
    "x.permute(dims=(0, 2, 1))",
    "x.expand(size=(2, 3, 4))",
    "x[[[0, 1]]]",
    "x[[[0, 1], [1, 2]]]",
    "F.max_pool1d(x, 2, return_indices=True)[0]",
    "F.max_pool1d(x, 2, return_indices=True)[1]",
    "F.adaptive_max_pool1d(x, 2, True)[1]",
    "x.msort()",
    "x.moveaxis(0, -1)",
    "torch.broadcast_to(x[:, :1], (2, 3, 4))",
    "torch.broadcast_to(x, (5, 2, 3, 4))",
    "x.clamp_min(0)",
    "x[:, :1].clamp_max(x[0])",
    "x.transpose(dim0=1, dim1=2)",
    "x.type(torch.float64)",
    "x.where(x > 0, y)",
    "x[:, :1].where(x > 0, 0.0)",
    "x.ravel()",
    "torch.logical_and(x > 0, y[0] > 0)",
    "torch.hypot(x, y[:, :1])",
    "torch.isnan(x).any(-1)",
    "x.mode(-1).values",
    "x.mode().indices",
    "torch.count_nonzero(x, dim=1)",
    "x.scatter(2, torch.zeros(2, 3, 1, dtype=torch.long), 1.0)",
    "x.index_add(1, torch.arange(2), x[:, :2])",
    "torch.logcumsumexp(x, 1)",
    "x.flatten(1, 2)",
    "x.unflatten(-1, (2, -1))",
    "torch.roll(x, shifts=(1, 1), dims=(1, 2))",
    "x.movedim((0, 1), (2, 0))",
    "torch.einsum('bnd,bmd->bnm', x, y)",
    "torch.einsum('bnd,de->bne', x, torch.zeros(4, 5))",
    "torch.einsum('i,j->ij', x[0, 0], x[0, 1])",
    "torch.einsum('ba,cb', x[0], x[1].T)",
    "F.unfold(x.view(2, 3, 2, 2), 2)",
    "F.fold(x.reshape(2, 4, 3), (2, 4), (2, 2), stride=(1, 1))",
    "F.pixel_shuffle(x.view(2, 12, 1, 1), 2)",
    "F.pixel_unshuffle(x.view(2, 3, 2, 2), 2)",
    "x.new_full((2, 5), 0.5)",
    "x.new_empty(x.size(0), 7)",
    "x.new_zeros(())",
    "F.scaled_dot_product_attention(x, x, x, attn_mask=torch.ones(3, 3, dtype=torch.bool))",
    "F.scaled_dot_product_attention(x, x, x, is_causal=True)",
    "F.scaled_dot_product_attention(x.unsqueeze(1), x.unsqueeze(1), x.unsqueeze(1)[..., :2])",
    "x.expand_as(torch.zeros(5, 2, 3, 4))",
    "x.view_as(x.reshape(6, 4))",
    "x.masked_fill(torch.ones(3, 1, dtype=torch.bool), 0.0)",
    "x.chunk(4, 2)[-1]",
    "x.split(2, 1)[1]",
    "torch.meshgrid(torch.arange(3), torch.arange(4), indexing='xy')[1]",
    "torch.arange(4)[None, :] - torch.arange(3)[:, None]",
    "torch.arange(x.size(1)).unsqueeze(0).expand(x.size(0), -1)",
    "torch.arange(10, 0, -2)",
    "torch.arange(0, 1, 0.25)",
    "torch.unbind(x, -1)[2]",
    "x.index_select(1, torch.tensor([0, 2]))",
    "x[:, [0, 2], [1, 3]]",
    "x[[0, 1], :, [1, 2]]",
    "x[0, ..., [1, 2]]",
    "x[torch.arange(2)[:, None], torch.arange(3)]",
    "x[:, None, :, None]",
    "x[:, ::2, 1::2]",
    "x[torch.arange(2), 0]",
    "x[:, 5:]",
    "F.interpolate(x.unsqueeze(0), scale_factor=1.5)",
    "F.max_pool1d(x, 3, ceil_mode=True)",
    "F.one_hot(x.argmax(-1), 5)",
    "torch.cat([x, torch.zeros(0)])",
    "x.norm(2, -1, True)",
    "torch.linalg.norm(x, ord=2, dim=(1, 2))",
    "x.median(1).values",
    "torch.var_mean(x, dim=(1, 2), keepdim=True)[1]",
    "torch.zeros(3) @ x",
    "x.unsqueeze(1) @ x.unsqueeze(-1)",
    "x.repeat(2, 1, 1, 1)",
    "x.repeat_interleave(2)",
    "torch.lerp(x[:, :1], y, 0.5)",
    "x[:, :1].addcmul(x, y)",
    "torch.where(x[:, :1] > 0, x, 0.0)",
    # a bool (or uint8) index selects what the data decides, whatever made it: never read as indices
    "x[(x > 0).any(-1)]",
    "x[(x > 0).max(-1).values]",
    "x[(x > 0).type(torch.bool)]",
    "x[torch.zeros(2, dtype=torch.bool)]",
    "x[torch.ones(2, 3, dtype=torch.bool)]",
    "x[torch.zeros_like(x, dtype=torch.bool)]",
    "x[torch.full((2,), False)]",
    "x[torch.where(x > 0, True, False)]",
    "x[torch.stack([x[0] > 0, x[1] > 0])]",
    "x[torch.zeros(2, dtype=torch.uint8)]",
    "x[torch.zeros(3, dtype=torch.long)]",
    "x[torch.full((3,), 1, dtype=torch.long)]",
    "x[torch.arange(4).view(2, 2) % 2]",
    "x[torch.stack([torch.arange(2), torch.arange(2)])]",
    "torch.bernoulli(x.sigmoid())",
    "x.sigmoid().bernoulli()",
    "torch.bernoulli(torch.full((1,), 0.5, dtype=x.dtype, device=x.device))",
    "x.clone().bernoulli_(0.5)",
    "float(torch.bernoulli(torch.full((1,), 0.5))) / 0.5 * x",  # a one-element tensor read back: a float
    "x - 2 * float(x.mean()) + float(x[0, 0, :1])",
    "torch.autograd.Variable(x, requires_grad=True)",  # the legacy wrapper: a tensor sharing the data
    "torch.index_select(x, dim=1, index=torch.autograd.Variable(torch.arange(2)))",
    "F.grid_sample(x.unsqueeze(1), torch.zeros(2, 5, 6, 2), align_corners=True)",
    "F.grid_sample(input=x.view(2, 1, 3, 2, 2), grid=torch.zeros(2, 4, 5, 6, 3), mode='nearest')",
    "F.grid_sample(x.unsqueeze(1), torch.zeros(1, 5, 6, 2).expand(2, -1, -1, -1))",
]


def _model() -> str:
    calls = "\n".join(f"        self.ids[{i}]({e})" for i, e in enumerate(EXPRS))
    return f"""import torch
import torch.nn as nn
import torch.nn.functional as F


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.ids = nn.ModuleList([nn.Identity() for _ in range({len(EXPRS)})])

    def forward(self, x):
        y = x * 2
{calls}
        return x
"""


def _torch_shapes() -> list:
    import torch.nn.functional as F

    x = torch.randn(2, 3, 4)
    names = {"torch": torch, "F": F, "x": x, "y": x * 2}
    return [list(eval(e, names).shape) for e in EXPRS]


def test_forward_expressions_give_torchs_shape_or_none(tmp_path: Path) -> None:
    path = tmp_path / "ops.py"
    path.write_text(_model())
    result = run_cli("summary", str(path), "--input", "M=2,3,4", "--output-format", "json")
    assert result.exit_code in (0, 1), result.stderr
    rows = [row for row in result.json()["models"][0]["layers"] if row["type"] == "Identity"]
    assert len(rows) == len(EXPRS)
    truth = _torch_shapes()
    wrong = [(e, r["output_shape"], t) for e, r, t in zip(EXPRS, rows, truth) if r["output_shape"] not in (None, t)]
    assert wrong == []
    known = sum(r["output_shape"] is not None for r in rows)
    assert known >= 222, [e for e, r in zip(EXPRS, rows) if r["output_shape"] is None]
    reported = run_cli("check", "--show-info", "--output-format", "json", str(path), "--input", "M=2,3,4")
    assert reported.exit_code in (0, 1), reported.stderr
    assert [(d["location"]["row"], d["message"]) for d in reported.json() if d["severity"] != "info"] == []
