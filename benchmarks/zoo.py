"""How much of other model zoos' released code cnnlint follows: pytorchcv, pretrainedmodels, ResNeSt, geffnet.

    python benchmarks/zoo.py [--packages pytorchcv,resnest] [--size 224]

Each package's wheel (or sdist) is fetched with ``pip download --no-deps`` into
``${XDG_CACHE_HOME:-~/.cache}/cnnlint-zoo`` and unpacked, never installed or
imported. Every file is checked twice: as it is (the inputs its own code
feeds, e.g. pytorchcv's ``_test()``), then with ``--input NAME=1,3,S,S`` for
every model that has no input, as a user naming the model would. A model
counts as followed when ``summary`` reports a known output and no unknown
layer. Printed per package: models, followed, errors (any finding but
CNL003/CNL100 in the run as it is: each must be one torch would raise too),
and the commonest reasons following stopped (CNL100, numbers dropped).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

PACKAGES = {
    "pytorchcv": ("pytorchcv==0.0.74", "pytorchcv/models"),
    "pretrainedmodels": ("pretrainedmodels==0.7.4", "pretrainedmodels/models"),
    "resnest": ("resnest==0.0.5", "resnest/torch"),
    "geffnet": ("geffnet==1.0.2", "geffnet"),
}
_STOP = re.compile(r"^(.+?):(\d+):\d+: CNL100 (.*)$")
_FINDING = re.compile(r"^(.+?):(\d+):\d+: (CNL\d+) ")


def _cache() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cnnlint-zoo"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _fetch(requirement: str) -> Path:
    """The unpacked package directory (downloaded once)."""
    name = requirement.split("==")[0]
    target = _cache() / name
    if target.is_dir():
        return target
    download = _cache() / "downloads"
    download.mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(download), requirement], check=True
    )
    stem = name.replace("-", "_").lower()
    archive = next(p for p in download.iterdir() if p.name.replace("-", "_").lower().startswith(stem))
    target.mkdir()
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            z.extractall(target)
    else:
        with tarfile.open(archive) as t:
            t.extractall(target, filter="data")
    return target


def _models(cnnlint: list[str], path: Path, extra: list[str]) -> list[dict]:
    out = subprocess.run([*cnnlint, "summary", "--output-format", "json", str(path), *extra], capture_output=True)
    try:
        return json.loads(out.stdout)["models"]
    except (json.JSONDecodeError, KeyError):
        return []


def _followed(model: dict) -> bool:
    return bool(model.get("output_shape")) and not model.get("partial")


def measure(cnnlint: list[str], root: Path, size: int) -> dict:
    reasons: collections.Counter[str] = collections.Counter()
    where: dict[str, str] = {}
    errors: list[str] = []
    models = followed = followed_as_is = 0
    for path in sorted(root.rglob("*.py")):
        as_is = _models(cnnlint, path, [])
        if not as_is:
            continue
        check = subprocess.run([*cnnlint, "check", "--no-cache", "--show-info", str(path)], capture_output=True)
        for line in check.stdout.decode().splitlines():
            found = _FINDING.match(line)
            if found and found.group(3) not in ("CNL003", "CNL100"):
                errors.append(line[:200])
        bare = [m["name"] for m in as_is if m["input_shape"] is None]
        named = [arg for name in bare for arg in ("--input", f"{name}=1,3,{size},{size}")]
        forced = _models(cnnlint, path, named) if named else as_is
        stops = subprocess.run([*cnnlint, "check", "--no-cache", "--show-info", str(path), *named], capture_output=True)
        for line in stops.stdout.decode().splitlines():
            stop = _STOP.match(line)
            if stop and "is not checked" not in stop.group(3):
                key = re.sub(r"\d+", "N", stop.group(3))[:100]
                reasons[key] += 1
                where.setdefault(key, f"{Path(stop.group(1)).name}:{stop.group(2)}")
        models += len(forced)
        followed += sum(_followed(m) for m in forced)
        followed_as_is += sum(_followed(m) for m in as_is)
    return {
        "models": models,
        "followed": followed,
        "as_is": followed_as_is,
        "errors": errors,
        "reasons": reasons,
        "where": where,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", default=",".join(PACKAGES), help="comma-separated: " + ", ".join(PACKAGES))
    parser.add_argument("--size", type=int, default=224, help="the spatial size given to models with no input")
    parser.add_argument("--cnnlint", default="cnnlint", help="the command to run (default: cnnlint)")
    parser.add_argument("--reasons", type=int, default=8, help="how many stop reasons to print per package")
    args = parser.parse_args()
    cnnlint = args.cnnlint.split()
    for name in args.packages.split(","):
        requirement, models_dir = PACKAGES[name]
        unpacked = _fetch(requirement)
        root = unpacked / models_dir
        if not root.is_dir():  # an sdist unpacks into name-version/
            root = next(unpacked.glob(f"*/{models_dir}"))
        result = measure(cnnlint, root, args.size)
        print(
            f"== {name} ({requirement}): {result['models']} models, followed {result['followed']} "
            f"with --input 1,3,{args.size},{args.size} where none is fed ({result['as_is']} as the code feeds "
            f"them), errors={len(result['errors'])}"
        )
        for line in result["errors"]:
            print(f"  {line}")
        for reason, count in result["reasons"].most_common(args.reasons):
            print(f"  {count:4d}  {reason}  [{result['where'][reason]}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
