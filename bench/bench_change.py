"""Change-aware runs at openshift/release scale: the pre-commit hook and the PR job.

    .venv/bin/python bench/bench_change.py [--configs 30000]

Generates (once) a tree with bench/generate_tree.py into bench/out/change-N, commits it in its
own git repository, warms a cache with a whole-tree run (as the hook's earlier runs would have),
then measures, each as a separate `cilint` process:

  hook           `cilint check` on 5 changed files, one of them with its `promotion` stanza
                 removed (the config whose solely promoted tags the most configs pull), the
                 other 4 with an unrelated edit; best of 3, each a new edit
  changed-since  `cilint check --changed-since base` on a branch whose commit changes 50
                 inputs (that promotion removed, base images retagged, comments, resources,
                 a supplementalCIImages entry deleted, configs deleted and added); best of 3
  whole          `cilint check` of the whole changed tree with the same warm cache, for scale

and checks that the findings each introduces (by identity) equal the difference of two whole
runs without a cache, of the working tree and of the base checked out on its own.
"""

from __future__ import annotations

import argparse
import compileall
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BIN = Path(sys.executable).parent
GIT = ["git", "-c", "user.email=bench@example.invalid", "-c", "user.name=bench"]


def git(root: Path, *args: str) -> str:
    out = subprocess.run([*GIT, *args], cwd=root, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def tree(configs: int) -> Path:
    out = BENCH / "out" / f"change-{configs}"
    if not (out / ".git").exists() or git(out, "status", "--porcelain"):
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(
            [sys.executable, str(BENCH / "generate_tree.py"), str(out), "--configs", str(configs)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        git(out, "init", "-q", "-b", "main")
        git(out, "add", "-A")
        git(out, "commit", "-qm", "base")
    return out


def timed(command: list[str], cwd: Path) -> tuple[float, bytes]:
    start = time.perf_counter()
    run = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if run.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{run.stderr.decode()}")
    return elapsed, run.stdout


def promotion_to_remove(root: Path, cache: Path) -> tuple[str, int]:
    """The config whose promotion, removed, leaves the most configs pulling an unproduced
    tag; and how many configs that is."""
    from cilint.config.settings import load_settings
    from cilint.pipeline.run import RunOptions, load_tree

    graph = load_tree(load_settings(root), RunOptions(jobs=0, cache_dir=cache), rules=False).graph
    pullers: dict[str, set[str]] = defaultdict(set)
    for consumer in graph.consumers:
        if consumer.tag:
            pullers[consumer.tag].add(consumer.location.path)
    active: dict[str, list[str]] = defaultdict(list)
    for producer in graph.producers:
        if producer.tag and producer.state == "active":
            active[producer.tag].append(producer.location.path)
    starved: dict[str, set[str]] = defaultdict(set)
    for tag, paths in active.items():
        only = len(set(paths)) == 1 and paths[0].startswith("ci-operator/config/")
        if only and not graph.coverage(tag).conditional:
            starved[paths[0]] |= pullers[tag]
    path = max(sorted(starved), key=lambda p: len(starved[p]))
    return path, len(starved[path])


def without_promotion(text: str) -> str:
    """The config without its top-level `promotion:` stanza."""
    return re.sub(r"^promotion:\n(?:[ -].*\n)*", "", text, flags=re.M)


def hook_edits(root: Path, target: str, edit: int) -> list[str]:
    configs = sorted(
        p.relative_to(root).as_posix() for p in (root / "ci-operator/config").rglob("*.yaml")
    )
    others = [p for p in configs if p != target][:: max(1, len(configs) // 5)][:4]
    (root / target).write_text(without_promotion((root / target).read_text()) + f"# edit {edit}\n")
    for path in others:
        with open(root / path, "a", encoding="utf-8") as handle:
            handle.write(f"# unrelated edit {edit}\n")
    return [target, *others]


def branch_edits(root: Path, target: str) -> list[str]:
    """50 changed inputs, committed on a branch."""
    configs = sorted(
        p.relative_to(root).as_posix() for p in (root / "ci-operator/config").rglob("*.yaml")
    )
    step = max(1, len(configs) // 60)
    picked = [p for p in configs if p != target][::step][:46]
    changed = [target]
    (root / target).write_text(without_promotion((root / target).read_text()))
    for n, path in enumerate(picked[:20]):  # comments
        with open(root / path, "a", encoding="utf-8") as handle:
            handle.write(f"# branch edit {n}\n")
    for path in picked[20:35]:  # resources
        text = (root / path).read_text()
        (root / path).write_text(text.replace("cpu: 100m", "cpu: 200m", 1))
    for path in picked[35:42]:  # base images retagged to something nothing produces
        text = (root / path).read_text()
        (root / path).write_text(re.sub(r"(\n    tag: )(\S+)", r"\1\2-missing", text, count=1))
    for path in picked[42:44]:  # deleted
        (root / path).unlink()
    for n, path in enumerate(picked[44:46]):  # added: a copy under a new org
        new = root / "ci-operator/config/bench-new" / f"r{n}" / Path(path).name
        new.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / path, new)
    mirror = root / "core-services/image-mirroring/_config.yaml"
    text = mirror.read_text()
    (mirror).write_text(re.sub(r"\n  \S+:\n    image: \S+\n", "\n", text, count=1))
    changed += picked + ["core-services/image-mirroring/_config.yaml"]
    git(root, "add", "-A")
    return changed


def full_identities(root: Path) -> Counter:
    from cilint.config.settings import load_settings
    from cilint.pipeline.run import RunOptions, run_check

    result = run_check(load_settings(root), None, RunOptions(jobs=0, cache_dir=None))
    return Counter(f.identity() for f in result.findings)


def base_identities(root: Path, rev: str) -> Counter:
    where = BENCH / "out" / f"{root.name}-base"
    shutil.rmtree(where, ignore_errors=True)
    git(root, "worktree", "prune")
    git(root, "worktree", "add", "-q", "--detach", str(where), rev)
    try:
        return full_identities(where)
    finally:
        git(root, "worktree", "remove", "--force", str(where))


def incremental_identities(root: Path, cache: Path, rev: str | None) -> Counter:
    from cilint.change.run import compare_change
    from cilint.config.settings import load_settings
    from cilint.inputs.git import head_base, merge_base, repository_prefix
    from cilint.pipeline.run import RunOptions

    base = merge_base(root, rev) if rev else head_base(root, repository_prefix(root) or "")
    run = compare_change(load_settings(root), base, RunOptions(jobs=0, cache_dir=cache))
    return Counter(run.now[i].identity() for i in run.new)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", type=int, default=30_000)
    args = parser.parse_args()
    compileall.compile_dir(REPO / "lint" / "cilint", quiet=1)
    root = tree(args.configs)
    cache = BENCH / "out" / f"cache-change-{args.configs}"
    shutil.rmtree(cache, ignore_errors=True)
    cilint = [str(BIN / "cilint")]
    warm = [*cilint, "check", "--root", str(root), "--cache-dir", str(cache), "--format", "json"]
    timed(warm, root)  # the warm cache of earlier runs
    target, starved = promotion_to_remove(root, cache)
    figures: dict[str, float] = {}
    notes: list[str] = [f"promotion removed: {target} (pulled by {starved} configs)"]
    try:
        hooks, outputs = [], []
        for edit in range(3):
            files = hook_edits(root, target, edit)
            git(root, "add", "-A")
            seconds, out = timed([*warm, *files], root)
            hooks.append(seconds)
            outputs.append(json.loads(out))
        figures["hook"] = min(hooks)
        notes.append("hook runs: " + ", ".join(f"{s:.2f} s" for s in hooks))
        report = outputs[-1]
        crossing = [f for f in report["findings"] if "cause" in f]
        notes.append(
            f"hook reported {len(report['findings'])} findings, {len(crossing)} in other files "
            f"with their cause; introduced {report['summary']['change']['introduced']}"
        )
        want = full_identities(root) - base_identities(root, "HEAD")
        got = incremental_identities(root, cache, None)
        figures["hook_equal"] = float(want == got)
        notes.append(
            f"hook: {sum(want.values())} introduced by two whole runs, "
            f"{sum(got.values())} incrementally"
        )
    finally:
        git(root, "reset", "-q", "--hard")
        git(root, "clean", "-qfd")
    try:
        git(root, "checkout", "-q", "-b", "bench-branch")
        changed = branch_edits(root, target)
        git(root, "commit", "-qm", "branch")
        since = [*warm, "--changed-since", "main"]
        runs = [timed(since, root) for _ in range(3)]
        figures["changed_since"] = min(s for s, _ in runs)
        report = json.loads(runs[-1][1])
        notes.append("changed-since runs: " + ", ".join(f"{s:.2f} s" for s, _ in runs))
        notes.append(
            f"changed-since: {len(set(changed))} files changed, "
            f"{report['summary']['change']['changed_files']} inputs, "
            f"{report['summary']['change']['introduced']} introduced, "
            f"{report['summary']['change']['fixed']} fixed"
        )
        want = full_identities(root) - base_identities(root, "main")
        got = incremental_identities(root, cache, "main")
        figures["changed_since_equal"] = float(want == got)
        figures["whole"] = timed(warm, root)[0]
    finally:
        git(root, "checkout", "-q", "-f", "main")
        git(root, "branch", "-qD", "bench-branch")
        git(root, "clean", "-qfd")
    print(f"bench_change: {args.configs} configs, warm cache")
    print(f"  hook, 5 changed files:           {figures['hook']:.2f} s   (target < 1 s)")
    print(f"  --changed-since, 50 files:       {figures['changed_since']:.2f} s   (target < 3 s)")
    print(f"  whole-tree check of the change:  {figures['whole']:.2f} s")
    same = {True: "yes", False: "NO"}
    print(
        "  introduced == whole(now) - whole(base): "
        f"hook {same[bool(figures['hook_equal'])]}, "
        f"changed-since {same[bool(figures['changed_since_equal'])]}"
    )
    for note in notes:
        print(f"  {note}")
    return 0 if figures["hook_equal"] and figures["changed_since_equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
