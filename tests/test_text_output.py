"""The text format as people and problem matchers see it: one gcc-style line a finding in pipes,
grouped, aligned and wrapped on a terminal (a real pseudo-terminal), the severity word
whatever the colour, and a summary line with its counts and plurals right."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cilint.cli.terminal import use_color
from cilint.findings import Finding, Severity
from cilint.inputs.discovery import Inventory
from cilint.pipeline.results import ChangeSummary, CheckResult
from cilint.report.summary import summary_line
from conftest import REPO
from pty_run import run_in_terminal

EXAMPLES = REPO / "examples" / "release"
# gcc's shape, which editors and CI problem matchers read
GCC_LINE = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|info): "
    r"(?P<code>[A-Z]\d{3}) \[(?P<rule>[a-z0-9-]+)\] (?P<message>.+)$"
)
ESCAPE = re.compile(r"\033\[[0-9;]*m")


def piped(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "cilint", "check", "--root", str(EXAMPLES), *args],
        capture_output=True,
        text=True,
        env={**clean, "COLUMNS": "40", **env},
        check=False,
        cwd=REPO,
    )


@pytest.fixture(scope="module")
def findings() -> list[dict]:  # type: ignore[type-arg]
    run = piped("--format", "json")
    return json.loads(run.stdout)["findings"]  # type: ignore[no-any-return]


def test_piped_output_is_one_gcc_line_a_finding_with_the_whole_message(
    findings: list[dict],  # type: ignore[type-arg]
) -> None:
    # COLUMNS=40: a pipe is never wrapped, whatever the terminal's width
    run = piped("--min-severity", "info")
    assert run.returncode == 1 and run.stderr == ""
    lines = run.stdout.splitlines()
    assert lines[-2] == "" and lines[-1].startswith("Found ")
    parsed = [GCC_LINE.match(line) for line in lines[:-2]]
    assert all(parsed), [line for line, m in zip(lines, parsed, strict=False) if not m]
    assert [
        (m["path"], int(m["line"]), int(m["col"]), m["severity"], m["code"], m["message"])
        for m in parsed
        if m
    ] == [
        (f["path"], f["line"], f["column"], f["severity"], f["code"], f["message"])
        for f in findings
    ]
    assert "\033" not in run.stdout


def test_force_color_colours_a_pipe_and_keeps_the_words() -> None:
    run = piped(FORCE_COLOR="1")
    assert "\033[" in run.stdout
    plain = ESCAPE.sub("", run.stdout).splitlines()
    assert all(GCC_LINE.match(line) for line in plain[:-2])
    assert ESCAPE.sub("", piped().stdout) == ESCAPE.sub("", run.stdout)
    assert "\033[" in piped("--color", "always", NO_COLOR="1").stdout
    assert "\033" not in piped("--color", "never", FORCE_COLOR="1").stdout


def test_a_terminal_gets_findings_grouped_by_file_aligned_and_wrapped(
    findings: list[dict],  # type: ignore[type-arg]
) -> None:
    width = 72
    run = run_in_terminal("check", "--root", str(EXAMPLES), "--min-severity", "info", columns=width)
    assert run.returncode == 1, run.stderr
    assert "\033[1m" in run.terminal  # coloured: a terminal, NO_COLOR unset
    lines = ESCAPE.sub("", run.terminal).splitlines()
    assert all(len(line) <= width for line in lines if " " in line.strip()), lines
    assert lines[-1].startswith("Found ") and lines[-2] == ""
    # Reassemble: a header line per file, a finding line per finding, continuation lines.
    by_file: dict[str, list[tuple[str, str, str]]] = {}
    current: list[tuple[str, str, str]] = []
    indents: dict[str, set[int]] = {}  # where each file's rows start their code
    indent = 0
    for line in lines[:-2]:
        if not line:
            continue
        if not line.startswith(" "):
            current = by_file.setdefault(line, [])
            indents[line] = set()
            continue
        row = re.match(r"^  (\d+:\d+) +(error|warning|info) +(?=\S)", line)
        if row:
            indent = row.end()
            indents[list(by_file)[-1]].add(indent)
            current.append((row[1], row[2], line[indent:]))
        else:
            assert line.startswith(" " * indent) and line[indent] != " ", line
            place, severity, text = current[-1]
            current[-1] = (place, severity, f"{text} {line[indent:]}")
    expected: dict[str, list[tuple[str, str, str]]] = {}
    for f in findings:
        expected.setdefault(f["path"], []).append(
            (
                f"{f['line']}:{f['column']}",
                f["severity"],
                f"{f['code']} [{f['rule']}] {f['message']}",
            )
        )
    assert list(by_file) == list(expected)
    for path, rows in expected.items():
        got = by_file[path]
        assert [(place, severity) for place, severity, _ in got] == [
            (place, severity) for place, severity, _ in rows
        ]
        # wrapping only breaks at spaces: joined with one space, the words are the message's
        assert [text.split() for _, _, text in got] == [text.split() for _, _, text in rows]
    # aligned: within a file, every finding's code starts in the same column
    assert all(len(columns) == 1 for columns in indents.values()), indents


def test_no_color_on_a_terminal_keeps_the_grouping_without_escapes() -> None:
    run = run_in_terminal("check", "--root", str(EXAMPLES), env={"NO_COLOR": "1"})
    assert "\033" not in run.terminal
    assert run.terminal.startswith("ci-operator/config/acme/gadget/acme-gadget-main.yaml\n  2:3")
    dumb = run_in_terminal("check", "--root", str(EXAMPLES), env={"TERM": "dumb"})
    assert "\033" not in dumb.terminal


@pytest.mark.parametrize(
    ("choice", "terminal", "environ", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),  # empty is unset (no-color.org)
        ("auto", True, {"TERM": "dumb"}, False),
        ("auto", True, {"TERM": "xterm"}, True),
        ("auto", False, {"FORCE_COLOR": "1"}, True),
        ("auto", False, {"FORCE_COLOR": ""}, False),
        ("auto", False, {"FORCE_COLOR": "1", "TERM": "dumb"}, True),
        ("auto", True, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),
        ("always", False, {"TERM": "dumb"}, True),
        ("never", True, {"FORCE_COLOR": "1"}, False),
        ("never", True, {}, False),
    ],
)
def test_when_to_colour(
    choice: str, terminal: bool, environ: dict[str, str], expected: bool
) -> None:
    assert use_color(choice, terminal, environ) is expected


def _finding(path: str, severity: Severity) -> Finding:
    return Finding(path, 1, 1, "T001", "unproduced-tag", severity, "m")


def _result(findings: list[Finding], files: int, **more: object) -> CheckResult:
    return CheckResult(findings, Inventory(), files, **more)  # type: ignore[arg-type]


def test_summary_counts_findings_files_and_plurals() -> None:
    e, w, i = Severity.ERROR, Severity.WARNING, Severity.INFO
    assert summary_line(_result([], 1)) == "No findings in 1 file."
    assert summary_line(_result([], 30_000)) == "No findings in 30,000 files."
    found = [_finding("a", e), _finding("a", e), _finding("b", w)]
    assert summary_line(_result(found, 120)) == (
        "Found 2 errors and 1 warning in 2 files (120 files checked)."
    )
    assert summary_line(_result([_finding("a", i)], 1)) == (
        "Found 1 info in 1 file (1 file checked)."
    )
    assert summary_line(_result([_finding("a", e), _finding("b", w), _finding("c", i)], 3)) == (
        "Found 1 error, 1 warning and 1 info in 3 files (3 files checked)."
    )


def test_summary_counts_what_was_left_out_and_the_change() -> None:
    e, w, i = Severity.ERROR, Severity.WARNING, Severity.INFO
    hidden = [_finding("a", i)] * 12
    assert summary_line(_result([], 5, hidden=hidden)) == (
        "No errors or warnings in 5 files. 12 infos not shown (--min-severity info shows them)."
    )
    mixed = [_finding("a", w), _finding("a", i)]
    assert summary_line(_result([_finding("a", e)], 5, hidden=mixed)).endswith(
        " 1 warning and 1 info not shown (--min-severity info shows them)."
    )
    assert summary_line(_result([], 5, hidden=[_finding("a", w)])) == (
        "No errors in 5 files. 1 warning not shown (--min-severity warning shows it)."
    )
    assert summary_line(_result([], 5, suppressed=[_finding("a", e)] * 3)) == (
        "No findings in 5 files. 3 suppressed."
    )
    assert summary_line(_result([], 5, baselined=[_finding("a", e)] * 2)) == (
        "No findings in 5 files. 2 more in the baseline."
    )
    change = ChangeSummary("HEAD", "abc", changed=1, introduced=1, fixed=0)
    assert summary_line(_result([_finding("a", e)], 5, change=change)) == (
        "Found 1 error in 1 file (5 files checked). "
        "Against HEAD, 1 changed input: 1 finding introduced, 0 fixed."
    )
    change = ChangeSummary("HEAD", "abc", changed=3, introduced=0, fixed=2)
    assert summary_line(_result([], 5, change=change)).endswith(
        "3 changed inputs: 0 findings introduced, 2 fixed."
    )


def test_show_files_lists_on_stdout_before_the_report(tmp_path: Path) -> None:
    run = piped("--show-files")
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    first_finding = next(n for n, line in enumerate(lines) if GCC_LINE.match(line))
    listing = lines[:first_finding]
    assert listing and all(line.count("\t") >= 1 for line in listing), listing
    assert "ci-operator-config\tci-operator/config/acme/gizmo/acme-gizmo-main.yaml" in listing
