"""Editor latency of ``cnnlint server``: driven over stdio as an editor drives it.

    python benchmarks/lsp_latency.py [--edits 40] [--bursts 8] [--lines 500]

A generated model file of about 500 lines (LeNet-style classes and Sequentials)
is opened; then

- one-line edits, one at a time (a layer argument changes, full-text
  didChange as VS Code and Neovim send it): time from sending the change to
  the publishDiagnostics for that version; median, p90, max;
Every version sent is a text the server has not seen (its memo of recent
versions never answers here).

- typing: 30 keystrokes 10 ms apart (one didChange each), then the time from
  the last key to the diagnostics of the last version; median and max over
  the bursts, and how many versions were published per burst.

Targets (issue 13): one-line edit <= 50 ms median, <= 100 ms p90; final
diagnostics <= 150 ms after the last key. The calibration lines check the same
edits in-process: the whole file (``check_bytes``) and by parts, as the worker
does (``cnnlint.lsp.incremental``), which is the floor of the figures above.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from lspclient import LspClient  # noqa: E402

HEADER = '''"""Generated: many small models, as a model-zoo file looks."""

import torch
import torch.nn as nn
import torch.nn.functional as F
'''
BLOCK = """

class Net{i}(nn.Module):
    \"\"\"LeNet variant {i}.\"\"\"

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, {i} + 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net{i} = Net{i}()
out{i} = net{i}(torch.randn(1, 1, 32, 32))


features{i} = nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
    nn.Flatten(),
    nn.Linear(64 * 16 * 16, 10),
)
X{i} = torch.randn(1, 3, 32, 32)
"""


def model_file(lines: int) -> str:
    parts = [HEADER]
    index = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(BLOCK.format(i=index))
        index += 1
    return "".join(parts)


def arrival(client: LspClient, uri: str, version: int) -> float:
    """Wait for the diagnostics of ``version``; the time the client read them."""
    client.diagnostics(uri, version=version, timeout=60)
    for stamp, message in reversed(client.log):
        params = message.get("params") or {}
        if (
            message.get("method") == "textDocument/publishDiagnostics"
            and params.get("uri") == uri
            and params.get("version") == version
        ):
            return stamp
    raise AssertionError("published diagnostics not logged")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--bursts", type=int, default=8)
    parser.add_argument("--lines", type=int, default=500)
    args = parser.parse_args()

    text = model_file(args.lines)
    lines = text.split("\n")
    target = next(i for i, line in enumerate(lines) if "self.fc3 = nn.Linear(84, 3 + 10)" in line)
    with tempfile.TemporaryDirectory() as tmp, LspClient(Path(tmp)) as client:
        root = Path(tmp)
        path = root / "zoo.py"
        path.write_text(text, encoding="utf-8")
        uri = path.as_uri()
        client.initialize(root)
        started = time.perf_counter()
        client.open(uri, text)
        arrival(client, uri, 1)
        print(f"model file: {len(lines)} lines; open -> diagnostics {1000 * (time.perf_counter() - started):.0f} ms")

        version = 1
        edits: list[float] = []
        for n in range(args.edits):
            version += 1
            lines[target] = f"        self.fc3 = nn.Linear(84, {n} + 10)"  # never a text seen before
            sent = time.perf_counter()
            client.change(uri, "\n".join(lines), version)
            edits.append(arrival(client, uri, version) - sent)
            time.sleep(0.05)  # the editor is idle between edits
        ms = [1000 * e for e in edits]
        print(
            f"one-line edit -> diagnostics ({args.edits} edits): median {statistics.median(ms):.1f} ms, "
            f"p90 {percentile(ms, 0.9):.1f} ms, max {max(ms):.1f} ms"
        )
        bare = [1000 * s for s in bare_checks("\n".join(lines), target, args.edits)]
        print(
            f"  for calibration, the same edits checked in-process with check_bytes: "
            f"median {statistics.median(bare):.1f} ms, p90 {percentile(bare, 0.9):.1f} ms"
        )
        wall, cpu = part_checks("\n".join(lines), target, args.edits)
        print(
            f"  and re-checked by parts in-process (the worker's cnnlint.lsp.incremental): "
            f"median {statistics.median(wall):.1f} ms, p90 {percentile(wall, 0.9):.1f} ms "
            f"(CPU median {statistics.median(cpu):.1f} ms)"
        )

        finals: list[float] = []
        published: list[int] = []
        typed_row = len(lines) - 2
        for burst in range(args.bursts):
            first = version + 1
            for char in f"# burst {burst:02d}, typed at 10 ms/key":
                version += 1
                lines[typed_row] += char
                client.change(uri, "\n".join(lines), version)
                last_key = time.perf_counter()
                time.sleep(0.01)
            finals.append(arrival(client, uri, version) - last_key)
            published.append(sum(1 for v in range(first, version + 1) if _was_published(client, uri, v)))
            lines[typed_row] = ""
            version += 1
            client.change(uri, "\n".join(lines), version)
            arrival(client, uri, version)
            time.sleep(0.1)
        ms = [1000 * f for f in finals]
        print(
            f"typing 30 keys at 10 ms -> final diagnostics after the last key ({args.bursts} bursts): "
            f"median {statistics.median(ms):.1f} ms, max {max(ms):.1f} ms; "
            f"versions published per burst: {statistics.median(published):.0f} of 30"
        )
        client.shutdown()


def bare_checks(text: str, row: int, count: int) -> list[float]:
    """The check alone (no server, no process boundary), on this machine now: the floor for the figures."""
    from cnnlint.check import CheckOptions, check_bytes

    lines = text.split("\n")
    times = []
    for n in range(count):
        lines[row] = f"        self.fc3 = nn.Linear(84, {n} + 10)"
        data = "\n".join(lines).encode()
        started = time.perf_counter()
        check_bytes(data, "zoo.py", CheckOptions(want_models=True))
        times.append(time.perf_counter() - started)
    return times


def part_checks(text: str, row: int, count: int) -> tuple[list[float], list[float]]:
    """What the worker does per edit (ms, wall and CPU): only the changed model is checked again."""
    from cnnlint.lsp.incremental import Incremental
    from cnnlint.lsp.worker import run_job, views_by_model

    parts = Incremental(run_job, views_by_model)
    lines = text.split("\n")
    wall, cpu = [], []
    for n in range(-1, count):
        lines[row] = f"        self.fc3 = nn.Linear(84, {n} + 10)"
        job = {"data": "\n".join(lines).encode(), "filename": "zoo.py", "enabled": ["CNL001"], "inputs": {}}
        started, used = time.perf_counter(), time.process_time()
        _, views = parts.run(job)
        if n >= 0:  # the first is the whole-file check a document starts with
            wall.append(1000 * (time.perf_counter() - started))
            cpu.append(1000 * (time.process_time() - used))
        views()
    return wall, cpu


def _was_published(client: LspClient, uri: str, version: int) -> bool:
    return any(
        m.get("method") == "textDocument/publishDiagnostics"
        and (m.get("params") or {}).get("uri") == uri
        and m["params"].get("version") == version
        for _, m in client.log
    )


if __name__ == "__main__":
    main()
