"""The progress line of a cold run: on a terminal's stderr (a real pseudo-terminal), never in a
pipe, under TERM=dumb, or when the cache answers."""

from __future__ import annotations

import importlib.util
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cilint.cli.progress import ProgressLine
from conftest import REPO
from pty_run import run_in_terminal

_SPEC = importlib.util.spec_from_file_location("generate_tree", REPO / "bench/generate_tree.py")
assert _SPEC and _SPEC.loader
generate_tree = importlib.util.module_from_spec(_SPEC)
sys.modules["generate_tree"] = generate_tree  # dataclasses look their module up by name
_SPEC.loader.exec_module(generate_tree)

DRAWN = re.compile(r"\rcilint: analysing (\d[\d,]*)/(\d[\d,]*) files…")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("progress")
    generate_tree.generate(root, 500, 1, 0)
    return root


def _check(tree: Path, *more: str) -> tuple[str, ...]:
    return ("check", "--root", str(tree), "--format", "json", *more)


def test_a_cold_run_draws_the_line_on_a_terminal_and_erases_it(tree: Path) -> None:
    run = run_in_terminal(*_check(tree, "--no-cache"), on_terminal=("stderr",))
    assert run.returncode == 0, run.terminal
    drawn = [
        (int(done.replace(",", "")), int(total.replace(",", "")))
        for done, total in DRAWN.findall(run.terminal)
    ]
    assert drawn, run.terminal
    total = drawn[0][1]
    assert total >= 500 and all(t == total for _, t in drawn)
    assert [d for d, _ in drawn] == sorted(d for d, _ in drawn) and drawn[-1][0] <= total
    assert run.terminal.endswith("\r\033[K")  # erased: the report starts on a clean line
    assert DRAWN.sub("", run.terminal) == "\r\033[K"  # nothing else on stderr
    assert run.stdout.startswith("{")  # the report, untouched, on stdout


def test_a_pipe_gets_no_progress(tree: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "cilint", *_check(tree, "--no-cache")],
        capture_output=True,
        text=True,
        env={**os.environ, "TERM": "xterm-256color"},
        check=False,
    )
    assert run.returncode == 0
    assert run.stderr == ""


def test_no_progress_under_term_dumb_or_from_a_warm_cache(tree: Path, tmp_path: Path) -> None:
    dumb = run_in_terminal(
        *_check(tree, "--no-cache"), on_terminal=("stderr",), env={"TERM": "dumb"}
    )
    assert dumb.returncode == 0 and dumb.terminal == ""
    cache = str(tmp_path / "cache")
    cold = run_in_terminal(*_check(tree, "--cache-dir", cache), on_terminal=("stderr",))
    assert DRAWN.search(cold.terminal), cold.terminal
    warm = run_in_terminal(*_check(tree, "--cache-dir", cache), on_terminal=("stderr",))
    assert warm.returncode == 0 and warm.terminal == ""
    assert warm.stdout == cold.stdout


def test_the_line_redraws_at_most_ten_times_a_second() -> None:
    stream = io.StringIO()
    line = ProgressLine(stream)
    for done in range(64, 30_000, 64):  # a fast run: every batch within the same 0.1 s
        line.advance(done, 30_000)
    assert stream.getvalue() == "\rcilint: analysing 64/30,000 files…"
    line.end()
    assert stream.getvalue().endswith("\r\033[K")


def test_small_runs_draw_nothing() -> None:
    stream = io.StringIO()
    line = ProgressLine(stream)
    line.advance(64, 499)
    line.end()
    assert stream.getvalue() == ""
