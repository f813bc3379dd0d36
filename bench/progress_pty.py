"""What the progress line costs: a cold `cilint check --no-cache` with stderr on a
pseudo-terminal (the line is drawn) against stderr on a pipe (nothing is drawn), alternated,
best of N each, stdout to /dev/null in both.

    .venv/bin/python bench/progress_pty.py --tree bench/out/tree-30000-1 [--rounds 3]

Not part of `dev.py bench` (a cold run per round at 30,000 configs takes a while); the figures
are in bench/NOTES.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path


def _timed(tree: Path, on_pty: bool) -> tuple[float, int]:
    """Seconds of one cold run, and how many times the line was drawn."""
    master, slave = os.openpty() if on_pty else (-1, -1)
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    drawn: list[bytes] = []
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "cilint", "check", "--root", str(tree), "--no-cache"],
        stdout=subprocess.DEVNULL,
        stderr=slave if on_pty else subprocess.PIPE,
        env=env,
    )
    if on_pty:
        os.close(slave)

        def drain() -> None:
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                drawn.append(chunk)

        reader = threading.Thread(target=drain)
        reader.start()
        process.wait()
        reader.join()
        os.close(master)
    else:
        _, err = process.communicate()
        drawn.append(err)
    elapsed = time.perf_counter() - start
    return elapsed, b"".join(drawn).count(b"\rcilint: analysing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.rounds):
        for on_pty in (True, False):
            seconds, redraws = _timed(args.tree, on_pty)
            times[on_pty].append(seconds)
            where = "pty " if on_pty else "pipe"
            print(f"{where}: {seconds:.2f} s, line drawn {redraws} times", flush=True)
    pty, pipe = min(times[True]), min(times[False])
    print(f"best of {args.rounds}: pty {pty:.2f} s, pipe {pipe:.2f} s, ratio {pty / pipe:.3f}")


if __name__ == "__main__":
    main()
