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
    lines = cilint("--quiet", "--min-severity", "info").stdout.splitlines()
    assert len(lines) == len(everything)
    assert all(line.startswith(f["path"]) for line, f in zip(lines, everything, strict=True))


def test_exit_zero() -> None:
    assert cilint().returncode == 1
    assert cilint("--exit-zero").returncode == 0
    assert cilint("--exit-zero", "--select", "X9").returncode == 2


def test_min_severity_hides_infos_from_text_and_sarif_by_default(
    everything: list[dict],  # type: ignore[type-arg]
) -> None:
    infos = [f for f in everything if f["severity"] == "info"]
    assert infos, "the example tree has conditional-tag infos"
    text = cilint("--quiet").stdout.splitlines()
    assert len(text) == len(everything) - len(infos)
    sarif = json.loads(cilint("--format", "sarif").stdout)["runs"][0]["results"]
    assert {r["level"] for r in sarif} == {"error", "warning"}
    assert len(cilint("--quiet", "--min-severity", "info").stdout.splitlines()) == len(everything)
    errors_only = json.loads(cilint("--format", "json", "--min-severity", "error").stdout)
    assert {f["severity"] for f in errors_only["findings"]} == {"error"}
    assert errors_only["summary"]["hidden"] == len(everything) - len(errors_only["findings"])


def test_hidden_findings_still_decide_the_exit_code() -> None:
    # --fail-level info shows the infos that fail the run (never hidden above it) ...
    run = cilint("--quiet", "--select", "T002", "--fail-level", "info")
    assert run.returncode == 1 and "T002" in run.stdout
    # ... and a --min-severity above the fail level hides them, without changing the verdict.
    run = cilint("--quiet", "--select", "T002", "--fail-level", "info", "--min-severity", "error")
    assert run.returncode == 1 and run.stdout == ""


def test_select_and_extend_select_turn_on_rules_the_config_turns_off(tmp_path: Path) -> None:
    config = tmp_path / "cilint.yaml"
    config.write_text("rules:\n  conditional-tag: 'off'\n  T001: 'off'\n")

    def codes(*args: str) -> Counter[str]:
        run = cilint("--format", "json", "--config", str(config), *args)
        return Counter(f["code"] for f in json.loads(run.stdout)["findings"])

    default = codes()
    assert "T002" not in default and "T001" not in default
    extended = codes("--extend-select", "T002")
    assert extended["T002"] == 2 and "T001" not in extended
    assert extended - Counter({"T002": 2}) == default
    assert set(codes("--select", "T001", "--extend-select", "conditional-tag")) == {"T001", "T002"}
