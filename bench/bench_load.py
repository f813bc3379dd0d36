"""Loading + schema validation vs a bare parse of the same files, measured in the same run.

    python3 dev.py bench            # or: .venv/bin/python bench/bench_load.py [--repeat N]

Reads every input of the shared corpus (openshift-release and ci-tools' ci-operator configs)
into memory once, then times, best of N rounds:
  bare      yaml.load(CSafeLoader) of each file (the libyaml parse floor)
  ruamel    ruamel.yaml YAML(typ="safe", pure=False) (the design card's parser, C mode)
  cilint    cilint's per-file stage: Go-faithful load, JSON Schema validation, file rules
and prints ms per file and each ratio against `bare`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

import yaml
from ruamel.yaml import YAML

from cilint.config.settings import load_settings
from cilint.inputs.discovery import InputFile, discover
from cilint.inputs.kinds import Kind
from cilint.pipeline.per_file import analyze

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CILINT_SHARED", REPO.parent / "shared")).resolve()


def corpus_inputs() -> list[tuple[InputFile, bytes]]:
    release = SHARED / "corpus" / "openshift-release"
    settings = load_settings(release)
    inputs = [
        (item, (release / item.path).read_bytes())
        for item in discover(release, settings.layout).files
        if item.kind is not Kind.MAPPING
    ]
    testdata = SHARED / "corpus" / "ci-tools-testdata"
    for path in sorted(testdata.rglob("*.yaml")):
        content = path.read_bytes()
        if b"zz_generated_metadata:" in content:
            rel = path.relative_to(testdata).as_posix()
            inputs.append((InputFile(rel, Kind.CI_OPERATOR_CONFIG, rel.rsplit("/", 3)[0]), content))
    return inputs


def best_of(rounds: int, work) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not (SHARED / "corpus").is_dir():
        print(f"bench_load: skipped, no corpus at {SHARED}", file=sys.stderr)
        return 0
    inputs = corpus_inputs()
    contents = [content for _, content in inputs]
    size = sum(len(c) for c in contents)
    ruamel = YAML(typ="safe", pure=False)

    def bare() -> None:
        for content in contents:
            with contextlib.suppress(yaml.YAMLError):  # the corpus has broken files on purpose
                list(yaml.load_all(content, Loader=yaml.CSafeLoader))

    def ruamel_safe() -> None:
        for content in contents:
            with contextlib.suppress(Exception):  # ruamel has its own errors (duplicate keys)
                list(ruamel.load_all(content))

    def cilint() -> None:
        for item, content in inputs:
            analyze(item, content)

    cilint()  # compile the validators once, as a real run does before the first file
    timings = {
        "bare CSafeLoader parse": best_of(args.repeat, bare),
        "ruamel.yaml safe (C)": best_of(args.repeat, ruamel_safe),
        "cilint load+schema+rules": best_of(args.repeat, cilint),
    }
    base = timings["bare CSafeLoader parse"]
    print(f"bench_load: {len(inputs)} files, {size / 1024:.0f} KiB, best of {args.repeat}")
    for name, seconds in timings.items():
        per_file = seconds / len(inputs) * 1000
        print(
            f"  {name:<26} {seconds * 1000:8.1f} ms  {per_file:6.3f} ms/file  "
            f"{seconds / base:5.2f}x bare"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
