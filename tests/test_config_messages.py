"""A `.cilint.yaml` that YAML reads otherwise than it looks: `off`, `no`, `yes` unquoted are
booleans (YAML 1.1, as Go's yaml.v2 reads it), and the error says so and how to write it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

TREE = REPO / "tests" / "fixtures" / "unknown-key" / "typo" / "tree"


def check_with(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cilint", "check", "--root", str(TREE), "--config", str(config)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )


@pytest.mark.parametrize(
    ("written", "where", "message"),
    [
        (
            "rules:\n  S002: off\n",
            "2:9",
            "rules.S002: expected error, warning, info or 'off'; YAML reads unquoted off/no/false "
            "as false: write 'off' in quotes",
        ),
        (
            "rules:\n  unknown-key: no\n",
            "2:16",
            "rules.unknown-key: expected error, warning, info or 'off'; YAML reads unquoted "
            "off/no/false as false: write 'off' in quotes",
        ),
        (
            "rules:\n  S002: on\n",
            "2:9",
            "rules.S002: expected error, warning, info or 'off'; YAML reads unquoted on/yes/true "
            "as true: quote the word you meant",
        ),
        (
            "rules:\n  S002: loud\n",
            "2:9",
            "rules.S002: expected error, warning, info or 'off'; got \"loud\"",
        ),
        (
            "fail_level: no\n",
            "1:13",
            "fail_level: expected error, warning or info; YAML reads unquoted off/no/false as "
            "false: quote the word you meant",
        ),
        (
            "policy: yes\n",
            "1:9",
            "policy: expected a string; YAML reads unquoted on/yes/true as true: quote the word "
            "you meant",
        ),
    ],
)
def test_a_yaml_boolean_where_a_word_belongs_says_to_quote_it(
    tmp_path: Path, written: str, where: str, message: str
) -> None:
    config = tmp_path / ".cilint.yaml"
    config.write_text(written)
    run = check_with(config)
    assert run.returncode == 2 and run.stdout == ""
    assert (
        run.stderr == f"cilint: error: {config}:{where}: invalid cilint configuration: {message}\n"
    )


def test_quoted_off_turns_the_rule_off(tmp_path: Path) -> None:
    config = tmp_path / ".cilint.yaml"
    config.write_text("rules:\n  S002: 'off'\n")
    run = check_with(config)
    assert run.returncode == 0, run.stderr
    assert "S002" not in run.stdout and run.stdout.startswith("No findings in ")


@pytest.mark.parametrize("written", ["max_file_size: 10MB\n", "max_file_size: 0\n"])
def test_a_max_file_size_that_is_no_size_is_a_configuration_error(
    tmp_path: Path, written: str
) -> None:
    config = tmp_path / ".cilint.yaml"
    config.write_text(written)
    run = check_with(config)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith(f"cilint: error: {config}:1:16: invalid cilint configuration: ")
    assert "max_file_size" in run.stderr


@pytest.mark.parametrize(
    ("written", "reported"), [("max_file_size: 100\n", True), ("max_file_size: 1KiB\n", False)]
)
def test_max_file_size_takes_bytes_or_a_binary_unit(
    tmp_path: Path, written: str, reported: bool
) -> None:
    config = tmp_path / ".cilint.yaml"
    config.write_text(written)
    run = check_with(config)
    assert run.returncode in (0, 1), run.stderr
    assert ("Y005 [file-too-large]" in run.stdout) is reported
