"""A deterministic fingerprint of cnnlint on the real-world tree: evaluated nodes and a digest of results.

    python benchmarks/realworld_digest.py [--dump FILE] [SUBSTRING ...]

Runs ``check_bytes`` in this process over the torchvision + timm model sources of
``benchmarks/realworld.py`` (only the files whose path contains a SUBSTRING, if given) and prints
the number of expression nodes the interpreter evaluated (the work, independent of the machine's
speed) and a digest of every finding (location, code, message) and every model (name, parameters,
output shape). A change meant to keep behaviour keeps the digest; the node count says what it cost.
``--dump FILE`` writes what the digest is made of, a line per finding and model, so that two versions'
dumps can be compared with ``diff`` (a change of digest then says which models changed, and how).
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
    args = sys.argv[1:]
    dump: Path | None = None
    if args[:1] == ["--dump"] and len(args) > 1:
        dump, args = Path(args[1]), args[2:]
    dumped: list[str] = []
    if args:
        files = [f for f in files if any(s in str(f) for s in args)]
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
        lines = [f"{name}:{d.location}:{d.code}:{d.message}\n" for d in result.diagnostics]
        for line in lines:
            digest.update(line.encode())
        for m in result.models:
            output = m.trace.output if m.trace else None
            model = repr((m.model.name, m.params_total, output))
            digest.update(model.encode())
            lines.append(f"{name}: {model}\n")
        dumped.extend(lines)
    if dump is not None:
        dump.write_text("".join(dumped))
    print(f"files {len(files)} nodes {count[0]:,} digest {digest.hexdigest()[:16]}")


if __name__ == "__main__":
    main()
