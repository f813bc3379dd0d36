"""`cilint graph` at openshift/release scale: the summary drawn with no argument, and the
neighbourhood of the busiest tag.

    .venv/bin/python bench/bench_graph.py [--configs 30000] [--tree PATH]

Uses the tree of bench/bench_scale.py (bench/generate_tree.py's, generated once into
bench/out/tree-N-1) or any tree given with --tree, a cache of its own in a temporary folder, and
measures each as a separate `cilint graph` process, as a user runs it:

  cold      `cilint graph` with an empty cache (it analyses every file first)
  summary   `cilint graph` warm, no argument: the folders ↔ namespaces summary; best of 3
  busy tag  `cilint graph TAG` warm, for the tag with the most direct pullers plus importers of
            its stream; best of 3

with, for each, the wall time, the peak RSS of the process (its workers included) and the size
of the DOT it prints; exits 1 if one needs 1 GiB or more. About 30 s at 30,000 configs once
the tree exists.
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench_scale import BIN, REPO, tree

GIB = 1 << 30


def measured(command: list[str]) -> tuple[float, int, int]:
    """(seconds, peak RSS in bytes, stdout bytes) of one process; its own rusage, not the
    maximum over every child this script has waited for."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
        assert process.stderr is not None
        errors = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"bench: {' '.join(command)} failed:\n{errors.decode()}")
        size = out.tell()
    return elapsed, usage.ru_maxrss * 1024, size


def busiest_tag(root: Path, cache: Path) -> tuple[str, int, int]:
    """The tag pulled by the most files, counting the importers of its stream; and those two
    counts."""
    from cilint.config.settings import load_settings
    from cilint.pipeline.run import RunOptions, load_tree
    from cilint.tags import parse_ist

    graph = load_tree(load_settings(root), RunOptions(jobs=0, cache_dir=cache), rules=False).graph
    pullers = Counter(
        c.tag for c in {(c.location.path, c.tag): c for c in graph.consumers if c.tag}.values()
    )
    importers = Counter(
        c.stream
        for c in {(c.location.path, c.stream): c for c in graph.consumers if not c.tag}.values()
    )

    def reach(ist: str) -> int:
        tag = parse_ist(ist)
        return pullers[ist] + (importers[tag.stream] if tag else 0)

    busiest = max(sorted(pullers), key=reach)
    tag = parse_ist(busiest)
    return busiest, pullers[busiest], importers[tag.stream] if tag else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", type=int, default=30_000)
    parser.add_argument("--tree", type=Path, help="an existing release tree (default: generated)")
    args = parser.parse_args()
    root = args.tree.resolve() if args.tree else tree(args.configs)
    compileall.compile_dir(REPO / "lint" / "cilint", quiet=1)  # as bench_scale.py says why
    with tempfile.TemporaryDirectory(prefix="cilint-bench-graph-") as cache:
        graph = [str(BIN / "cilint"), "graph", "--root", str(root), "--cache-dir", cache]
        rows = [("cold, no argument", measured(graph))]
        tag, pullers, importers = busiest_tag(root, Path(cache))
        rows.append(("summary (no argument)", min(measured(graph) for _ in range(3))))
        rows.append((f"busy tag {tag}", min(measured([*graph, tag]) for _ in range(3))))
    print(f"bench_graph: {root}, {os.cpu_count()} cores")
    print(f"busy tag {tag}: pulled by {pullers} files, its stream imported by {importers}")
    print(f"{'what':<50} {'seconds':>8} {'peak RSS':>10} {'output':>10}")
    for what, (seconds, rss, size) in rows:
        print(f"{what:<50} {seconds:8.2f} {rss / GIB:6.2f} GiB {size / 1e6:8.2f} MB")
    over = [what for what, (_, rss, _) in rows if rss >= GIB]
    if over:
        print(f"bench_graph: over 1 GiB: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
