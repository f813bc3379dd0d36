"""What `cilint check` reports and how: --select, --ignore, --statistics, --quiet, --exit-zero,
on the example tree (which fires every rule)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO

EXAMPLES = REPO / "examples" / "release"


def cilint(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cilint", "check", "--root", str(EXAMPLES), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=Path(EXAMPLES),
    )


@pytest.fixture(scope="module")
def everything() -> list[dict]:  # type: ignore[type-arg]
    return json.loads(cilint("--format", "json").stdout)["findings"]


def _codes(*args: str) -> Counter[str]:
    run = cilint("--format", "json", *args)
    return Counter(f["code"] for f in json.loads(run.stdout)["findings"])


def test_select_by_code_name_and_prefix(everything: list[dict]) -> None:  # type: ignore[type-arg]
    all_codes = Counter(f["code"] for f in everything)
    assert _codes("--select", "T") == Counter({c: n for c, n in all_codes.items() if c[0] == "T"})
    assert _codes("--select", "M00,unknown-key") == Counter(
        {c: n for c, n in all_codes.items() if c.startswith("M00") or c == "S002"}
    )
    assert _codes("--select", "t001", "--select", "R001") == Counter(
        {"T001": all_codes["T001"], "R001": all_codes["R001"]}
    )


def test_ignore_wins_over_select(everything: list[dict]) -> None:  # type: ignore[type-arg]
    all_codes = Counter(f["code"] for f in everything)
    codes = _codes("--select", "T", "--ignore", "conditional-tag,T00")
    assert codes == Counter({c: n for c, n in all_codes.items() if c[0] == "T" and c[:3] != "T00"})
    assert codes == Counter()  # every T rule is T00x: nothing is left
    assert _codes("--ignore", "Y")["Y001"] == 0 and _codes("--ignore", "Y")["T001"] == 1


def test_an_unknown_rule_is_a_usage_error() -> None:
    run = cilint("--select", "X9")
    assert run.returncode == 2
    assert run.stdout == "" and run.stderr.count("\n") == 1 and "'X9' names no rule" in run.stderr


def test_statistics_counts_each_rule(everything: list[dict]) -> None:  # type: ignore[type-arg]
    run = cilint("--statistics")
    assert run.returncode == 1
    rows = [line.split() for line in run.stdout.splitlines()]
    assert {(code, rule): int(n) for n, code, rule in rows} == Counter(
        (f["code"], f["rule"]) for f in everything
    )
    assert [int(n) for n, _, _ in rows] == sorted((int(n) for n, _, _ in rows), reverse=True)


def test_quiet_prints_the_findings_only(everything: list[dict]) -> None:  # type: ignore[type-arg]
    lines = cilint("--quiet").stdout.splitlines()
    assert len(lines) == len(everything)
    assert all(line.startswith(f["path"]) for line, f in zip(lines, everything, strict=True))


def test_exit_zero() -> None:
    assert cilint().returncode == 1
    assert cilint("--exit-zero").returncode == 0
    assert cilint("--exit-zero", "--select", "X9").returncode == 2
