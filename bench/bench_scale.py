"""cilint at openshift/release scale: every figure of the speed issue, as ratios measured in the
same run.

    python3 dev.py bench                       # bench_load.py, then this with the defaults
    .venv/bin/python bench/bench_scale.py [--configs 30000] [--scaling 1000,3000,10000,30000]
                                          [--tree generated|corpus]

Generates (once, cached under bench/out/) a release-like tree of N ci-operator configs with
bench/generate_tree.py (or, with `--tree corpus`, the real files of ../shared/corpus replicated
by bench/corpus_tree.py into bench/out/corpus-N), then measures, each as a separate `cilint`
process like a user runs it:

  parse      a bare single-process yaml.load(CSafeLoader) of the same files (the baseline),
             best of 3
  cold       `cilint check` with an empty cache, all cores, best of 3   ratio to parse
  cold -j1   the same with one worker, no cache                      ratio to parse
  warm       again, nothing changed                                  seconds, ratio to cold
  pre-commit 5 files changed, `cilint check` on those 5, best of 3 edits  seconds, ratio to cold
  explain    `cilint explain`: first after a change (it builds the index of tags), then warm
             (best of 3): a typical promoted tag, a tag nobody pulls, the busiest tag
  check-jsonschema / yamllint on the same configs (same ci-operator schema): ratio to cold
  peak RSS of the cold run; the scaling exponent of cold time over N;
  and whether cold, warm, -j1 and -jN findings are byte-identical.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BIN = Path(sys.executable).parent


def tree(configs: int, seed: int = 1, kind: str = "generated") -> Path:
    if kind == "corpus":  # real files of ../shared replicated (bench/corpus_tree.py)
        out = BENCH / "out" / f"corpus-{configs}"
        if not (out / ".complete").exists():
            subprocess.run(
                [
                    sys.executable,
                    str(BENCH / "corpus_tree.py"),
                    str(out),
                    "--configs",
                    str(configs),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        return out
    out = BENCH / "out" / f"tree-{configs}-{seed}"
    if not (out / ".complete").exists():
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(
            [
                sys.executable,
                str(BENCH / "generate_tree.py"),
                str(out),
                "--configs",
                str(configs),
                "--seed",
                str(seed),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (out / ".complete").write_text("")
    return out


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, bytes, int]:
    """(seconds, stdout, peak RSS of the child in KiB)."""
    start = time.perf_counter()
    run = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if run.returncode not in (0, 1) and "cilint" in command[0]:
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{run.stderr.decode()}")
    return elapsed, run.stdout, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def inputs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def bare_parse(files: list[Path]) -> float:
    contents = [p.read_bytes() for p in files]
    start = time.perf_counter()
    for content in contents:
        with contextlib.suppress(yaml.YAMLError):
            list(yaml.load_all(content, Loader=yaml.CSafeLoader))
    return time.perf_counter() - start


def cilint(*args: str) -> list[str]:
    return [str(BIN / "cilint"), *args]


def measure(
    configs: int, full: bool, notes: dict[str, str] | None = None, kind: str = "generated"
) -> dict[str, float]:
    notes = {} if notes is None else notes  # what was measured, in words
    root = tree(configs, kind=kind)
    name = f"cache-{configs}" if kind == "generated" else f"cache-{kind}-{configs}"
    cache = BENCH / "out" / name
    shutil.rmtree(cache, ignore_errors=True)
    figures: dict[str, float] = {"files": len(inputs(root))}
    # This machine's speed drifts by ±10% from minute to minute: the best of 3, each way (and
    # for every size of the scaling exponent alike).
    figures["parse"] = min(bare_parse(inputs(root)) for _ in range(3 if full else 1))
    json_args = ["--format", "json", "--root", str(root)]
    colds = []
    for _ in range(3):
        shutil.rmtree(cache, ignore_errors=True)
        colds.append(timed(cilint("check", *json_args, "--cache-dir", str(cache))))
    figures["cold"], cold_out, figures["rss_kib"] = min(colds)
    notes["cold runs"] = ", ".join(f"{seconds:.2f} s" for seconds, _, _ in colds)
    if not full:
        return figures
    figures["cold_j1"], serial_out, _ = timed(cilint("check", *json_args, "--no-cache", "-j1"))
    figures["warm"], warm_out, _ = timed(cilint("check", *json_args, "--cache-dir", str(cache)))
    parallel_out = timed(cilint("check", *json_args, "--no-cache", "-j0"))[1]
    figures["identical"] = float(len({cold_out, serial_out, warm_out, parallel_out}) == 1)

    changed = [p for p in inputs(root) if "/ci-operator/config/" in p.as_posix()][:5]
    originals = {p: p.read_bytes() for p in changed}
    precommits = []
    try:
        for edit in range(3):  # a new edit each time (the same bytes again would be cached)
            for path in changed:
                path.write_bytes(originals[path] + f"# touched by bench_scale {edit}\n".encode())
            precommits.append(
                timed(
                    cilint(
                        "check",
                        "--root",
                        str(root),
                        "--cache-dir",
                        str(cache),
                        *[str(p) for p in changed],
                    )
                )[0]
            )
        figures["precommit"] = min(precommits)
        notes["pre-commit runs"] = ", ".join(f"{seconds:.2f} s" for seconds in precommits)
    finally:
        for path, content in originals.items():
            path.write_bytes(content)
    timed(cilint("check", *json_args, "--cache-dir", str(cache)))  # re-warm after the restore
    typical, busiest = explain_tags(root)
    unpulled = "acme/nobody-pulls:this-tag"  # a tag nothing in the tree names
    # The first explain after the tree changed builds the index of tags from the cached results
    # (`cilint.explain.index`); the next ones answer from it.
    figures["explain_build"] = timed(
        cilint("explain", "--root", str(root), "--cache-dir", str(cache), typical)
    )[0]
    for name, tag in (
        ("explain", typical),
        ("explain_unpulled", unpulled),
        ("explain_busiest", busiest),
    ):
        figures[name] = min(
            timed(cilint("explain", "--root", str(root), "--cache-dir", str(cache), tag))[0]
            for _ in range(3)
        )
    notes["explained"] = f"typical {typical}, busiest {busiest}"

    configs_files = [str(p) for p in inputs(root / "ci-operator" / "config")]
    schema = REPO / "schemas" / "ci-operator-config.schema.json"
    if (BIN / "check-jsonschema").exists():
        figures["check_jsonschema"] = in_chunks(
            [str(BIN / "check-jsonschema"), "--schemafile", str(schema)], configs_files
        )
    if (BIN / "yamllint").exists():
        figures["yamllint"] = in_chunks(
            [str(BIN / "yamllint"), "-d", "{extends: default, rules: {line-length: disable}}"],
            configs_files,
        )
    return figures


def explain_tags(root: Path) -> tuple[str, str]:
    """A typical promoted tag (the median number of direct consumers among promoted tags) and
    the tag pulled by the most places (an answer thousands of lines long)."""
    from collections import Counter

    from cilint.config.settings import load_settings
    from cilint.pipeline.run import RunOptions, load_tree

    graph = load_tree(load_settings(root), RunOptions(jobs=0), rules=False).graph
    pulls = Counter(c.tag for c in graph.consumers if c.tag)
    promoted = sorted(
        {p.tag for p in graph.producers if p.kind == "promotion" and p.tag and pulls[p.tag]},
        key=lambda t: (pulls[t], t),
    )
    return promoted[len(promoted) // 2], max(sorted(pulls), key=lambda t: pulls[t])


def in_chunks(command: list[str], files: list[str], size: int = 2000) -> float:
    """Total seconds over invocations of at most `size` files, as pre-commit splits them."""
    return sum(timed([*command, *files[i : i + size]])[0] for i in range(0, len(files), size))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", type=int, default=30_000)
    parser.add_argument(
        "--scaling",
        default="1000,3000,10000",
        help="smaller sizes for the scaling exponent (comma-separated)",
    )
    parser.add_argument(
        "--tree",
        choices=("generated", "corpus"),
        default="generated",
        help="bench/generate_tree.py's synthetic tree, or the real corpus files replicated "
        "(bench/corpus_tree.py)",
    )
    args = parser.parse_args()
    # cilint's bytecode, as `pip install` writes it for a user: with the editable install of
    # dev.py and PYTHONDONTWRITEBYTECODE (set on some machines, this one included) every
    # `cilint` process would compile its ~60 modules again (measured: explain 0.52 s -> 0.40 s).
    compileall.compile_dir(REPO / "lint" / "cilint", quiet=1)
    notes: dict[str, str] = {}
    figures = measure(args.configs, full=True, notes=notes, kind=args.tree)
    parse = figures["parse"]
    print(
        f"bench_scale: {'corpus tree, ' if args.tree == 'corpus' else ''}"
        f"{args.configs} configs, {int(figures['files'])} files, "
        f"{os.cpu_count()} cores"
    )
    rows = [
        ("bare CSafeLoader parse (1 process)", parse, 1.0, ""),
        (
            "cold cilint check (all cores)",
            figures["cold"],
            figures["cold"] / parse,
            "target <= 0.5x parse",
        ),
        ("cold cilint check -j1, no cache", figures["cold_j1"], figures["cold_j1"] / parse, ""),
        (
            "warm, nothing changed",
            figures["warm"],
            figures["warm"] / figures["cold"],
            "target < 1 s",
        ),
        (
            "pre-commit, 5 files changed",
            figures["precommit"],
            figures["precommit"] / figures["cold"],
            "target < 1 s",
        ),
        (
            "explain, first after a change",
            figures["explain_build"],
            figures["explain_build"] / figures["cold"],
            "builds the index of tags",
        ),
        (
            "explain a typical tag, warm",
            figures["explain"],
            figures["explain"] / figures["cold"],
            "target < 0.25 s",
        ),
        (
            "explain an unpulled tag, warm",
            figures["explain_unpulled"],
            figures["explain_unpulled"] / figures["cold"],
            "target < 0.25 s",
        ),
        (
            "explain the busiest tag, warm",
            figures["explain_busiest"],
            figures["explain_busiest"] / figures["cold"],
            "target < 0.25 s",
        ),
    ]
    for name in ("check_jsonschema", "yamllint"):
        if name in figures:
            rows.append(
                (
                    f"{name} on the configs",
                    figures[name],
                    figures[name] / figures["cold"],
                    "cilint should be >= 5x faster than check-jsonschema",
                )
            )
    for name, seconds, ratio, note in rows:
        base = "x parse" if "cold" in name or "parse" in name else "x cold"
        if "jsonschema" in name or "yamllint" in name:
            base = "x cilint cold"
        print(f"  {name:<38} {seconds:8.2f} s  {ratio:6.2f}{base:<14} {note}")
    print(
        f"  peak RSS of cold run                   {figures['rss_kib'] / 1024:8.0f} MiB"
        "  target < 1024 MiB (max over the child processes so far)"
    )
    print(f"  findings identical cold/warm/-j1/-jN   {'yes' if figures['identical'] else 'NO'}")
    print(f"  explained: {notes['explained']}")
    print(f"  cold runs (best taken): {notes['cold runs']}")
    print(f"  pre-commit runs, a new edit each (best taken): {notes['pre-commit runs']}")
    sizes = [int(n) for n in args.scaling.split(",") if n] + [args.configs]
    times = [
        measure(n, full=False, kind=args.tree)["cold"] if n != args.configs else figures["cold"]
        for n in sizes
    ]
    slope = (
        ((math.log(times[-1]) - math.log(times[0])) / (math.log(sizes[-1]) - math.log(sizes[0])))
        if len(sizes) > 1
        else float("nan")
    )
    pairs = ", ".join(f"{n}: {t:.2f} s" for n, t in zip(sizes, times, strict=True))
    print(f"  scaling of cold time: {pairs}; exponent {slope:.2f} (target <= 1.1)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
