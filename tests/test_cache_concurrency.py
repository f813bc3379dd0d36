"""Runs sharing one cache at once (issue 14): from a cold cache and a warm one, on one tree and
on two, and a run started while another writes the cache. Every run succeeds with the report
of a run without a cache, byte for byte, warns about nothing, and the cache is sound after.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cilint.cache.files import FILE_NAME
from conftest import REPO, bench_generate_tree, run_cilint

RUNS = 5
EXAMPLES = REPO / "examples" / "release"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shared") / "tree"
    bench_generate_tree().generate(root, 300, 2, 1)
    return root


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Large enough that a cold run writes its results for a while (several MB)."""
    root = tmp_path_factory.mktemp("shared-big") / "tree"
    bench_generate_tree().generate(root, 2500, 3, 1)
    return root


def _clean(root: Path, tmp_path: Path) -> bytes:
    report = tmp_path / f"clean-{root.parent.name}.json"
    done = run_cilint("check", "--root", str(root), "--no-cache", "--format", "json",
                      "-o", str(report))  # fmt: skip
    assert done.returncode == 1 and done.stderr == ""
    return report.read_bytes()


def _start(root: Path, cache: Path, report: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cilint", "check", "--root", str(root), "-j", "2",
         "--cache-dir", str(cache), "--format", "json", "-o", str(report)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip


def _finish(runs: list[tuple[subprocess.Popen[str], Path, bytes]]) -> None:
    """Each run exits 1 (the trees have findings) with no word on stderr, and wrote the
    report a run without a cache writes."""
    for process, report, expected in runs:
        _, stderr = process.communicate(timeout=300)
        assert (process.returncode, stderr) == (1, ""), stderr
        assert report.read_bytes() == expected


def _sound(cache: Path, roots: list[Path], tmp_path: Path) -> None:
    """The database passes SQLite's own check, and a run after the others answers from it,
    silently, with the same report."""
    db = sqlite3.connect(cache / FILE_NAME)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    stats = db.execute("SELECT count(*) FROM stats").fetchone()[0]
    db.close()
    assert stats == len(roots)  # one stat row per tree
    for root in roots:
        report = tmp_path / f"after-{root.parent.name}.json"
        _finish([(_start(root, cache, report), report, _clean(root, tmp_path))])


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_runs_at_once_on_one_tree(tree: Path, tmp_path: Path, warm: bool) -> None:
    expected = _clean(tree, tmp_path)
    cache = tmp_path / "cache"
    if warm:
        _finish([(_start(tree, cache, tmp_path / "first.json"), tmp_path / "first.json", expected)])
    reports = [tmp_path / f"report-{n}.json" for n in range(RUNS)]
    _finish([(_start(tree, cache, report), report, expected) for report in reports])
    _sound(cache, [tree], tmp_path)


def test_runs_at_once_on_two_trees(tree: Path, tmp_path: Path) -> None:
    """Two roots in one cache: each keeps its own stats, runs and walk."""
    cache = tmp_path / "cache"
    roots = [tree, EXAMPLES]
    expected = {root: _clean(root, tmp_path) for root in roots}
    runs = []
    for n in range(RUNS + 1):
        root = roots[n % 2]
        report = tmp_path / f"report-{n}.json"
        runs.append((_start(root, cache, report), report, expected[root]))
    _finish(runs)
    _sound(cache, roots, tmp_path)


def _wal_size(cache: Path) -> int:
    try:
        return os.stat(cache / f"{FILE_NAME}-wal").st_size
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("when", ["storing-results", "storing-a-change"])
def test_a_run_started_while_another_writes(big_tree: Path, tmp_path: Path, when: str) -> None:
    """The second run starts while the first writes the cache: a cold run storing its
    results (its -wal past 1 MB), or a warm run after one file changed, at its first write."""
    expected = _clean(big_tree, tmp_path)
    cache = tmp_path / "cache"
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    threshold = 1 << 20
    if when == "storing-a-change":
        _finish([(_start(big_tree, cache, first), first, expected)])
        some = next(iter(sorted((big_tree / "ci-operator" / "config").rglob("*.yaml"))))
        some.write_text(some.read_text() + "# changed\n")
        threshold = 0
    one = _start(big_tree, cache, first)
    deadline = time.monotonic() + 120
    while _wal_size(cache) <= threshold and one.poll() is None:
        assert time.monotonic() < deadline, "the first run never wrote its cache"
        time.sleep(0.01)
    assert one.poll() is None, "the first run ended before the second could start"
    two = _start(big_tree, cache, second)
    _finish([(one, first, expected), (two, second, expected)])
    _sound(cache, [big_tree], tmp_path)
