"""One very large ci-operator config against ordinary ones: what a megabyte costs.

    .venv/bin/python bench/bench_large_file.py [--configs 1000] [--sizes 1,4,19] [--runs 3]

Writes (once, under bench/out/large-file/) a tree holding one ci-operator config of about
1, 4 and 19 MB of small `tests` entries (57 bytes each: 330,000 of them in 19 MB), in three
variants: every entry valid; the same with one schema error at the top (a missing `resources`:
python-jsonschema is then asked why the document is invalid); and one test in 100 without its
`container` (a finding each: 3,300 in 19 MB). Each is checked by a separate
`cilint check --no-cache -j1` process, and so is bench_scale.py's generated tree of `--configs`
ordinary configs (bench/generate_tree.py) and a tree of one tiny config, whose time (the
start-up) is taken off every other before dividing by the megabytes read. It prints seconds
per MB and peak RSS of each, and the ratio of each large file's cost per MB to the ordinary
tree's (the target: at most 3x), measured in the same run.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import sys
from pathlib import Path

from bench_graph import measured as process_figures
from bench_scale import BENCH, REPO, inputs, tree

MB = 1_000_000
HEAD = "build_root:\n  from_repository: true\n"
RESOURCES = "resources:\n  '*':\n    requests:\n      cpu: 100m\n"
METADATA = "zz_generated_metadata:\n  branch: main\n  org: o\n  repo: r\n"


VARIANTS = ("valid", "one-error", "1%-errors")


def entry(index: int, variant: str) -> str:
    if variant == "1%-errors" and index % 100 == 99:
        return f"- as: t{index}\n  commands: make\n"  # no container: a schema finding
    return f"- as: t{index}\n  commands: make\n  container:\n    from: src\n"


def large_config(size: int, variant: str) -> str:
    """A config of about `size` bytes of tests, of `variant` (see the module)."""
    room = size - len(HEAD) - len(RESOURCES) - len(METADATA)
    count = max(1, room // len(entry(10**5, "valid")))
    tests = "".join(entry(i, variant) for i in range(count))
    return HEAD + ("" if variant == "one-error" else RESOURCES) + "tests:\n" + tests + METADATA


def write_tree(root: Path, config: str) -> Path:
    """A tree holding `config` as its one ci-operator config (written once)."""
    path = root / "ci-operator" / "config" / "o" / "r" / "o-r-main.yaml"
    if not path.is_file() or path.stat().st_size != len(config):
        shutil.rmtree(root, ignore_errors=True)
        path.parent.mkdir(parents=True)
        path.write_text(config)
    return root


def measured(root: Path) -> tuple[float, int]:
    """(seconds, peak RSS in KiB) of one `cilint check` of `root`, as its own process."""
    command = [sys.executable, "-m", "cilint", "check", "--root", str(root), "--no-cache", "-j1"]
    seconds, rss, _ = process_figures([*command, "--exit-zero"])  # findings are expected
    return seconds, rss // 1024


def best(root: Path, runs: int) -> tuple[float, int]:
    return min(measured(root) for _ in range(runs))


def megabytes(root: Path) -> float:
    return sum(p.stat().st_size for p in inputs(root)) / MB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--configs", type=int, default=1000, help="ordinary configs in the reference tree"
    )
    parser.add_argument("--sizes", default="1,4,19", help="sizes of the large config, in MB")
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs each")
    args = parser.parse_args()
    compileall.compile_dir(REPO / "lint" / "cilint", quiet=1)  # as bench_scale.py does
    out = BENCH / "out" / "large-file"
    tiny = write_tree(out / "tiny", large_config(0, "valid"))
    startup, _ = best(tiny, args.runs)
    ordinary = tree(args.configs)
    seconds, rss = best(ordinary, args.runs)
    size = megabytes(ordinary)
    per_mb = (seconds - startup) / size
    print(f"bench_large_file: start-up {startup:.2f} s (one tiny config), taken off each time")
    print(
        f"  ordinary: {args.configs} generated configs, {size:.1f} MB  {seconds:7.2f} s  "
        f"{per_mb:6.3f} s/MB  {rss / 1024:6.0f} MiB"
    )
    for variant in VARIANTS:
        for mb in (float(s) for s in args.sizes.split(",") if s):
            name = f"{mb:g}mb-{variant}"
            root = write_tree(out / name.replace("%", "pct"), large_config(int(mb * MB), variant))
            seconds, rss = best(root, args.runs)
            cost = (seconds - startup) / megabytes(root)
            print(
                f"  {name:<16} {megabytes(root):5.1f} MB  {seconds:7.2f} s  {cost:6.3f} s/MB  "
                f"{rss / 1024:6.0f} MiB  {cost / per_mb:5.1f}x ordinary  (target <= 3x)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
