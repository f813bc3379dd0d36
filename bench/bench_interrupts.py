"""How fast a signal stops a cold run (issue 14): SIGINT and SIGTERM, to the process or to its
whole group (a terminal's Ctrl-C), with and without a cache.

    .venv/bin/python bench/bench_interrupts.py [--configs 3000] [--repeat 5]

Generates (once) a tree with bench/generate_tree.py into bench/out/interrupts-N, times one
uninterrupted cold run, then for each case starts `cilint check -j 2 --format json -o FILE`
under /usr/bin/time, sends the signal at a random point of the per-file stage (after the
workers started, before the run's end) and measures the time from the signal until every
process of the run is gone, with the exit code, the first line of stderr and the peak memory
(/usr/bin/time's %M, of the main process).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TIME = "/usr/bin/time"


def _generate(configs: int) -> Path:
    root = BENCH / "out" / f"interrupts-{configs}"
    if not (root / "ci-operator").is_dir():
        subprocess.run(
            [sys.executable, str(BENCH / "generate_tree.py"), str(root), "--configs", str(configs)],
            check=True,
        )  # fmt: skip
    return root


def _processes() -> list[tuple[int, str, int, int]]:
    """(pid, state, parent, process group) of every process, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()  # after the command's name
            found.append((int(entry.name), fields[0], int(fields[1]), int(fields[2])))
    return found


def _children(pid: int) -> list[int]:
    return [child for child, _, parent, _ in _processes() if parent == pid]


def _group_alive(pgid: int) -> bool:
    return any(group == pgid and state != "Z" for _, state, _, group in _processes())


def _command(root: Path, out: Path, cached: bool) -> list[str]:
    cache = ["--cache-dir", str(out / "cache")] if cached else ["--no-cache"]
    return [sys.executable, "-m", "cilint", "check", "--root", str(root), "-j", "2", *cache,
            "--format", "json", "-o", str(out / "report.json")]  # fmt: skip


def _whole(root: Path, out: Path) -> float:
    shutil.rmtree(out / "cache", ignore_errors=True)
    started = time.monotonic()
    subprocess.run(_command(root, out, True), capture_output=True, check=False)
    return time.monotonic() - started


def _interrupted(
    root: Path, out: Path, signum: signal.Signals, group: bool, cached: bool, delay: float
) -> tuple[float, int, str, int] | None:
    """(seconds from the signal to the last process's exit, exit code, stderr's first line,
    peak memory in KB); None if the run ended before the signal."""
    shutil.rmtree(out / "cache", ignore_errors=True)
    measured = out / "time.txt"
    timer = subprocess.Popen(
        [TIME, "-f", "%e %M", "-o", str(measured), *_command(root, out, cached)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    deadline = time.monotonic() + 60
    while not (cilint := _children(timer.pid)) or len(_children(cilint[0])) < 2:
        if time.monotonic() > deadline or timer.poll() is not None:
            raise SystemExit("the run never started its workers")
        time.sleep(0.01)
    time.sleep(delay)
    sent = time.monotonic()
    # /usr/bin/time ignores SIGINT, not SIGTERM: SIGTERM goes to cilint's process only.
    try:
        if group and signum == signal.SIGINT:
            os.killpg(timer.pid, signum)
        else:
            os.kill(cilint[0], signum)
    except ProcessLookupError:  # the run ended first: no sample
        timer.communicate()
        return None
    _, stderr = timer.communicate(timeout=120)
    while _group_alive(timer.pid):
        time.sleep(0.005)
    elapsed = time.monotonic() - sent
    words = stderr.splitlines()
    code = int(words[0].rsplit(" ", 1)[1]) if words and "exited with" in words[0] else 0
    lines = [line for line in words if not line.startswith("Command ")]
    peak = int(measured.read_text().split()[-1])
    return elapsed, code or timer.returncode, lines[0] if lines else "", peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not Path(TIME).is_file():
        raise SystemExit(f"{TIME} is needed for the peak memory")
    root = _generate(args.configs)
    out = BENCH / "out" / "interrupts-run"
    out.mkdir(parents=True, exist_ok=True)
    whole = _whole(root, out)
    print(f"{args.configs} configs: an uninterrupted cold run (with a cache) takes {whole:.2f} s")
    rng = random.Random(14)
    cases = [
        (signal.SIGINT, True, False), (signal.SIGINT, True, True),
        (signal.SIGINT, False, True), (signal.SIGTERM, False, False),
        (signal.SIGTERM, False, True),
    ]  # fmt: skip
    print("| signal | to | cache | time to exit (median, max) | exit | stderr | peak memory |")
    print("|---|---|---|---|---|---|---|")
    for signum, group, cached in cases:
        runs: list[tuple[float, int, str, int]] = []
        while len(runs) < args.repeat:
            run = _interrupted(root, out, signum, group, cached, rng.uniform(0.05, whole * 0.5))
            if run is not None:
                runs.append(run)
        times = [run[0] for run in runs]
        codes = sorted({run[1] for run in runs})
        said = sorted({run[2] for run in runs})
        peak = max(run[3] for run in runs)
        print(
            f"| {signum.name} | {'group' if group else 'process'} | "
            f"{'cold' if cached else 'none'} | {statistics.median(times):.2f} s, "
            f"{max(times):.2f} s | {', '.join(map(str, codes))} | {' / '.join(said)} | "
            f"{peak / 1024:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
