"""``nn.ParameterList`` / ``nn.ParameterDict`` iterated, zipped and indexed as torch does, against torch.

vit-pytorch's ViT-5 scales each block by a parameter of a ParameterList:
``for (attn, ff), ls in zip(self.layers, self.ls)``. Iterating the list must
give its tensors (a dict its keys, ``values()``/``items()`` its parameters),
and they count in the model's parameters. The oracle is torch running the
same file: its output shape and parameter count, or an error where it raises.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import findings, summary_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

HEADER = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, dim={dim}, depth={depth}):
        super().__init__()
        self.layers = nn.ModuleList([nn.ModuleList([nn.Linear(dim, dim), nn.Linear(dim, dim)]) for _ in range(depth)])
"""

# How a model builds its scales and walks them with its blocks; ``{sizes}`` is the list of each scale's size.
FORMS = {
    "zip": """
        self.ls = nn.ParameterList([nn.Parameter(torch.ones(n)) for n in {sizes}])

    def forward(self, x):
        for (attn, ff), ls in zip(self.layers, self.ls):
            x = attn(x) * ls + x
            x = ff(x) + x
        return x
""",
    "appended": """
        self.ls = nn.ParameterList()
        for n in {sizes}:
            self.ls.append(nn.Parameter(torch.ones(n)))

    def forward(self, x):
        for i, (attn, ff) in enumerate(self.layers):
            x = attn(x) * self.ls[i] + ff(x)
        return x
""",
    "dict values": """
        self.ls = nn.ParameterDict({{f"s{{i}}": nn.Parameter(torch.ones(n)) for i, n in enumerate({sizes})}})

    def forward(self, x):
        for (attn, ff), ls in zip(self.layers, self.ls.values()):
            x = ff(attn(x) * ls)
        return x
""",
    "dict items": """
        self.ls = nn.ParameterDict([(f"s{{i}}", nn.Parameter(torch.ones(n))) for i, n in enumerate({sizes})])

    def forward(self, x):
        for (attn, ff), (name, ls) in zip(self.layers, self.ls.items()):
            x = ff(attn(x)) * self.ls[name] + ls
        return x
""",
    "sliced": """
        self.ls = nn.ParameterList([torch.ones(n) for n in {sizes}])

    def forward(self, x):
        for (attn, ff), ls in zip(self.layers[::-1], self.ls[::-1]):
            x = attn(x) + ff(x) * ls
        return x
""",
}

FOOTER = """

y = Net()(torch.randn(2, 4, {dim}))
"""


def _source(form: str, dim: int, sizes: list[int]) -> str:
    body = FORMS[form].format(sizes=sizes)
    return textwrap.dedent(HEADER).format(dim=dim, depth=len(sizes)) + body + FOOTER.format(dim=dim)


def _torch(source: str, dim: int) -> tuple[list[int], int] | None:
    """(output shape, parameter count) torch gives, or None when its forward raises."""
    namespace: dict = {"__name__": "model"}
    exec(compile(source.split("\n\ny = ")[0], "model", "exec"), namespace)
    net = namespace["Net"]()
    try:
        out = net(torch.zeros(2, 4, dim))
    except RuntimeError:
        return None
    return list(out.shape), sum(p.numel() for p in net.parameters())


def _errors(path: Path) -> list[tuple[int, str, str]]:
    return [f for f in findings(path) if f[1] != "CNL100"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    form=st.sampled_from(sorted(FORMS)),
    dim=st.integers(2, 8),
    depth=st.integers(1, 3),
    wrong=st.lists(st.sampled_from([0, 0, 0, 0, 1, 2]), min_size=3, max_size=3),
)
def test_scales_walked_with_the_blocks_are_torchs(
    tmp_path: Path, form: str, dim: int, depth: int, wrong: list[int]
) -> None:
    """The output shape and parameter count are torch's; an error (and only then) where torch raises."""
    sizes = [dim + w if w < 2 else 1 for w in wrong[:depth]]  # 1 broadcasts; dim + 1 does not
    source = _source(form, dim, sizes)
    path = tmp_path / "model.py"
    path.write_text(source)
    expected = _torch(source, dim)
    errors = _errors(path)
    if expected is None:
        assert errors, source
        return
    model = summary_model(path, "Net", f"2,4,{dim}")
    assert not errors, (errors, source)
    assert (model["output_shape"], model["total_params"]) == expected, source


def test_the_vit5_blocker_is_followed(tmp_path: Path) -> None:
    """Must not fire: zip over a ModuleList of pairs and a ParameterList, as vit-pytorch's ViT-5."""
    path = tmp_path / "model.py"
    path.write_text(_source("zip", 16, [16, 16]))
    assert findings(path) == []
    model = summary_model(path, "Net", "2,4,16")
    assert (model["output_shape"], model["total_params"]) == ([2, 4, 16], 2 * 2 * (16 * 16 + 16) + 2 * 16)


def test_a_scale_of_the_wrong_size_is_reported(tmp_path: Path) -> None:
    """Must fire: the second block's scale has 17 entries for 16 features (torch's broadcast raises)."""
    path = tmp_path / "model.py"
    source = _source("zip", 16, [16, 17])
    path.write_text(source)
    assert _torch(source, 16) is None
    assert [code for _, code, _ in _errors(path)] == ["CNL008"]


def test_a_list_changed_where_it_may_not_run_is_unknown_not_guessed(tmp_path: Path) -> None:
    """Must not fire: a scale appended under a condition cnnlint cannot decide leaves the list unknown."""
    path = tmp_path / "model.py"
    path.write_text(
        textwrap.dedent(
            """
            import random
            import torch
            from torch import nn


            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.layers = nn.ModuleList([nn.Linear(16, 16)])
                    self.ls = nn.ParameterList()
                    if random.random() < 0.5:
                        self.ls.append(nn.Parameter(torch.ones(17)))
                    self.ls.append(nn.Parameter(torch.ones(16)))

                def forward(self, x):
                    for layer, ls in zip(self.layers, self.ls):
                        x = layer(x) * ls
                    return x


            y = Net()(torch.randn(2, 4, 16))
            """
        )
    )
    assert _errors(path) == []


def test_a_plain_dict_is_not_read_in_insertion_order(tmp_path: Path) -> None:
    """Must not fire: torch sorts a plain dict's keys (an OrderedDict keeps its order), so a dict written out of
    order is not guessed: here insertion order would mismatch the blocks, torch's sorted order does not."""
    path = tmp_path / "model.py"
    path.write_text(
        textwrap.dedent(
            """
            import torch
            from torch import nn


            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.layers = nn.ModuleList([nn.Linear(16, 8), nn.Linear(8, 16)])
                    self.ls = nn.ParameterDict({"b": nn.Parameter(torch.ones(16)), "a": nn.Parameter(torch.ones(8))})

                def forward(self, x):
                    for layer, ls in zip(self.layers, self.ls.values()):
                        x = layer(x) * ls
                    return x


            y = Net()(torch.randn(2, 4, 16))
            """
        )
    )
    _run(path)
    assert _errors(path) == []


def _run(path: Path) -> None:
    import runpy

    runpy.run_path(str(path), run_name="__main__")
