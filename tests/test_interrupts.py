"""Interrupts and kills (issue 14): real processes, real signals.

Ctrl-C and SIGTERM stop a cold run at once (exit 130 / 143, one line on stderr, no process
left behind); a run killed at any point leaves the cache and its report old or new, never
half-written, and the next run's findings equal a clean run's.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import bench_generate_tree, run_cilint

BIG = 6000  # configs: a cold run with two workers takes a few seconds
SMALL = 200


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("interrupts") / "tree"
    bench_generate_tree().generate(root, BIG, 1, 0)
    return root


@pytest.fixture(scope="module")
def small_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kills") / "tree"
    bench_generate_tree().generate(root, SMALL, 1, 1)  # with findings to report
    return root


def _start(*args: str) -> subprocess.Popen[str]:
    """`python -m cilint ARGS` in its own session: its process group is everything it forks."""
    return subprocess.Popen(
        [sys.executable, "-m", "cilint", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        start_new_session=True,
    )


def _processes() -> list[tuple[int, str, int, int]]:
    """(pid, state, parent, process group) of every process (from /proc: psutil is not a
    dependency)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after the command, which may hold spaces
        found.append((int(entry.name), fields[0], int(fields[1]), int(fields[2])))
    return found


def _children(pid: int) -> list[int]:
    """The live processes whose parent is `pid`."""
    return [child for child, state, parent, _ in _processes() if parent == pid and state != "Z"]


def _group_alive(pgid: int, within: float = 5) -> bool:
    """Whether a live process of group `pgid` is still there after `within` seconds. Zombies
    do not count: a worker whose parent was killed waits for init to reap it, which in a
    container can take a while."""
    deadline = time.monotonic() + within
    while True:
        live = [pid for pid, state, _, group in _processes() if group == pgid and state != "Z"]
        if not live or time.monotonic() >= deadline:
            return bool(live)
        time.sleep(0.05)


def _wait_for_workers(process: subprocess.Popen[str], count: int) -> None:
    """Until the run has forked its `count` workers (the per-file stage has begun)."""
    deadline = time.monotonic() + 60
    while len(_children(process.pid)) < count:
        assert process.poll() is None, "the run ended before its workers started"
        assert time.monotonic() < deadline, "no workers after 60 s"
        time.sleep(0.02)


@pytest.fixture
def reaper() -> Iterator[list[subprocess.Popen[str]]]:
    """Kills what a failed test leaves running (only the groups of the processes it started)."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if _group_alive(process.pid, within=0):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [(signal.SIGINT, 130, "cilint: interrupted"), (signal.SIGTERM, 143, "cilint: terminated")],
    ids=["SIGINT", "SIGTERM"],
)
@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
@pytest.mark.parametrize("to_group", [False, True], ids=["to-process", "to-group"])
def test_a_signal_stops_a_cold_run_at_once(
    big_tree: Path,
    tmp_path: Path,
    reaper: list[subprocess.Popen[str]],
    signum: signal.Signals,
    code: int,
    line: str,
    cached: bool,
    to_group: bool,
) -> None:
    """`to_group`: as a terminal's Ctrl-C, which reaches the workers too."""
    cache = ["--cache-dir", str(tmp_path / "cache")] if cached else ["--no-cache"]
    process = _start("check", "--root", str(big_tree), "-j", "2", *cache, "--format", "json")
    reaper.append(process)
    _wait_for_workers(process, 2)
    time.sleep(0.2)  # into the per-file stage
    sent = time.monotonic()
    (os.killpg if to_group else os.kill)(process.pid, signum)
    # The workers hold the pipes too: communicate() returns when every process is gone.
    _, stderr = process.communicate(timeout=60)
    elapsed = time.monotonic() - sent
    print(f"{signum.name} {'cache' if cached else 'no-cache'}: exited in {elapsed:.2f} s")
    assert process.returncode == code, stderr
    assert stderr.splitlines() == [line]
    assert elapsed < 5  # well under 1 s unloaded (bench/NOTES.md); generous for a busy machine
    assert not _group_alive(process.pid)


def _clean_report(root: Path, tmp_path: Path) -> str:
    clean = tmp_path / "clean.json"
    done = run_cilint(
        "check", "--root", str(root), "--no-cache", "--format", "json", "-o", str(clean)
    )
    assert done.returncode in (0, 1), done.stderr
    return clean.read_text()


def test_a_killed_run_leaves_its_report_and_cache_whole(small_tree: Path, tmp_path: Path) -> None:
    """50 runs killed at random points: the report is absent or the clean run's, and the
    next run with the same cache reports what a run without one does."""
    expected = _clean_report(small_tree, tmp_path)
    json.loads(expected)
    report = tmp_path / "report.json"
    cache = tmp_path / "cache"
    rng = random.Random(14)
    signals = [signal.SIGKILL, signal.SIGTERM, signal.SIGINT]
    for attempt in range(50):
        if attempt % 10 == 0:  # now and then a cold run again, and no report yet
            report.unlink(missing_ok=True)
            for stale in cache.glob("*"):
                stale.unlink()
        process = _start(
            "check", "--root", str(small_tree), "-j", "2", "--cache-dir", str(cache),
            "--format", "json", "-o", str(report),
        )  # fmt: skip
        time.sleep(rng.uniform(0.05, 0.8))
        signum = rng.choice(signals)
        os.killpg(process.pid, signum)
        process.communicate(timeout=60)
        assert process.returncode in (0, 1, -signum, 128 + signum), (attempt, signum)
        if report.exists():
            assert report.read_text() == expected, (attempt, signum)
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert process.returncode == -signal.SIGKILL or not leftovers, leftovers
        for leftover in leftovers:  # what only SIGKILL can leave: a temporary file, never read
            (tmp_path / leftover).unlink()
        assert not _group_alive(process.pid)
        again = run_cilint(
            "check", "--root", str(small_tree), "--cache-dir", str(cache),
            "--format", "json", "-o", str(report),
        )  # fmt: skip
        assert again.returncode in (0, 1), again.stderr
        assert report.read_text() == expected, (attempt, signum)
