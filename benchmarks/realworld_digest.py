"""A deterministic fingerprint of cnnlint on the real-world tree: evaluated nodes and a digest of results.

    python benchmarks/realworld_digest.py [SUBSTRING ...]

Runs ``check_bytes`` in this process over the torchvision + timm model sources of
``benchmarks/realworld.py`` (only the files whose path contains a SUBSTRING, if given) and prints
the number of expression nodes the interpreter evaluated (the work, independent of the machine's
speed) and a digest of every finding (location, code, message) and every model (name, parameters,
output shape). A change meant to keep behaviour keeps the digest; the node count says what it cost.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realworld import realworld_src  # noqa: E402

from cnnlint.check import check_bytes  # noqa: E402
from cnnlint.interpret import expressions  # noqa: E402


def main() -> None:
    root = realworld_src()
    files = sorted(root.rglob("*.py"))
    if len(sys.argv) > 1:
        files = [f for f in files if any(s in str(f) for s in sys.argv[1:])]
    count = [0]
    evaluate = expressions.Expressions.eval

    def counted(self: expressions.Expressions, node: object, frame: object) -> object:
        count[0] += 1
        return evaluate(self, node, frame)  # type: ignore[arg-type]

    expressions.Expressions.eval = counted  # type: ignore[method-assign]
    digest = hashlib.sha256()
    for path in files:
        result = check_bytes(path.read_bytes(), str(path))
        name = path.relative_to(root)
        for d in result.diagnostics:
            digest.update(f"{name}:{d.location}:{d.code}:{d.message}\n".encode())
        for m in result.models:
            output = m.trace.output if m.trace else None
            digest.update(repr((m.model.name, m.params_total, output)).encode())
    print(f"files {len(files)} nodes {count[0]:,} digest {digest.hexdigest()[:16]}")


if __name__ == "__main__":
    main()
