"""The help users read: every option of every command says what it does, the choices of
--format and --color are explained, and `cilint --help` shows what cilint is for and how it is
run."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator

from cilint.cli.parser import build_parser
from cilint.graph.drawing import RENDERERS
from cilint.report import FORMATS
from conftest import REPO


def cilint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cilint", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100"},
        check=False,
        cwd=REPO,
    )


def _commands(
    parser: argparse.ArgumentParser, name: str = "cilint"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _commands(sub, f"{name} {sub_name}")


def _undocumented(parser: argparse.ArgumentParser) -> Iterator[str]:
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            continue
        if isinstance(action, argparse._SubParsersAction):
            yield from (f"command {c.dest}" for c in action._choices_actions if not c.help)
        if not action.help or action.help == argparse.SUPPRESS:
            yield "/".join(action.option_strings) or action.dest


def test_every_option_of_every_command_has_help() -> None:
    walked = dict(_commands(build_parser()))
    assert {"cilint check", "cilint explain", "cilint rule", "cilint cache"} <= set(walked)
    missing = [
        f"{name}: {what}" for name, parser in walked.items() for what in _undocumented(parser)
    ]
    assert missing == []


def test_format_and_color_choices_are_explained() -> None:
    shown = cilint("check", "--help").stdout
    assert cilint("check", "--help").returncode == 0
    for name in [*FORMATS, "auto", "always", "never"]:
        assert f"\n{' ' * 24}{name}: " in shown, name
    assert "NO_COLOR" in shown and "FORCE_COLOR" in shown and "TERM=dumb" in shown
    for name in RENDERERS:
        assert f"{name}: " in cilint("graph", "--help").stdout


def test_top_level_help_says_what_cilint_does_and_shows_examples() -> None:
    run = cilint("--help")
    assert run.returncode == 0
    text = run.stdout
    assert "openshift/release" in text and "exit codes: 0" in text
    examples = text[text.index("\nexamples:\n") :]
    for invocation in (
        "  cilint check\n",
        "  cilint check ci-operator/config/",
        "  cilint check --changed-since origin/main",
        "  cilint explain ",
        "  cilint check --format sarif",
    ):
        assert invocation in examples, invocation
    # RawDescriptionHelpFormatter: the examples keep their own lines
    assert "\n      the pull-request job:" in examples


def test_no_command_prints_the_help_to_stderr_and_exits_2() -> None:
    run = cilint()
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == cilint("--help").stdout


def test_debug_before_the_command_is_kept() -> None:
    parser = build_parser()
    assert parser.parse_args(["--debug", "check"]).debug is True
    assert parser.parse_args(["check", "--debug"]).debug is True
    assert parser.parse_args(["check"]).debug is False
