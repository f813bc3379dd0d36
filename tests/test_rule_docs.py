"""A rule's documentation where people read it: `cilint rule X` on a terminal (plain text), the
reference docs/rules.md (generated, never stale), and "did you mean" for a misspelt rule
wherever a rule is named (the command, --select/--ignore, `.cilint.yaml`)."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cilint.rules.doc_text import plain
from cilint.rules.registry import ALL_RULES
from conftest import REPO
from conftest import run_cilint as cilint

EXAMPLES = REPO / "examples" / "release"


def test_the_rules_reference_is_what_the_docstrings_say_now() -> None:
    """Regenerate with `cilint rules --format markdown --full > docs/rules.md`."""
    generated = cilint("rules", "--format", "markdown", "--full")
    assert generated.returncode == 0
    assert (REPO / "docs" / "rules.md").read_text() == generated.stdout
    for module in ALL_RULES:
        spec = module.RULE
        assert f"\n## {spec.code} {spec.name}\n" in generated.stdout
        assert (module.__doc__ or "").strip() in generated.stdout


def test_the_rules_table_shows_each_summary_as_written() -> None:
    """No raw `<` (GitHub drops `<ns>` as an unknown HTML tag) nor a bare `|` in a cell."""
    text = (REPO / "docs" / "rules.md").read_text()
    for module in ALL_RULES:
        spec = module.RULE
        row = next(line for line in text.splitlines() if line.startswith(f"| [{spec.code}]("))
        cell = row.removesuffix(" |").split(" | ", 3)[3]
        assert "<" not in cell and not re.search(r"(?<!\\)\|", cell), row
        assert html.unescape(cell.replace("\\|", "|")) == spec.summary


def test_markdown_becomes_plain_text() -> None:
    markdown = "\n".join(
        [
            "# Title",
            "**What it does**",
            "Reads `base_images` and **every** *other* [field](https://example.com/f).",
            "A `*-commands*` glob and a **`bold code`** span.",
            "```yaml",
            "# a comment, kept",
            "key: `value`",
            "",
            "```",
            "- a list item",
        ]
    )
    assert plain(markdown).splitlines() == [
        "Title",
        "What it does",
        "Reads base_images and every other field (https://example.com/f).",
        "A *-commands* glob and a bold code span.",
        "    # a comment, kept",
        "    key: `value`",
        "",
        "- a list item",
    ]
    marked = plain(markdown, heading=lambda text: f"<{text}>").splitlines()
    assert marked[:2] == ["<Title>", "<What it does>"]


def test_rule_prints_plain_text_for_every_rule() -> None:
    everything = cilint("rules", "--full")
    assert everything.returncode == 0
    for module in ALL_RULES:
        spec = module.RULE
        shown = cilint("rule", spec.name)
        assert shown.returncode == 0
        assert shown.stdout.startswith(f"{spec.code} {spec.name} (default severity: ")
        assert shown.stdout in everything.stdout
        for marker in ("**", "`", "```"):
            assert marker not in shown.stdout, (spec.name, marker)
        assert "\033[" not in shown.stdout  # not a terminal: no bold


def test_rule_headings_are_bold_on_a_terminal() -> None:
    """`cilint rule` under a pseudo-terminal, as a person runs it."""
    import pty

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "cilint", "rule", "T001"],
        stdout=follower,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait() == 0
    os.close(leader)
    shown = b"".join(chunks).decode()
    assert "\033[1mWhat it does\033[0m" in shown and "**" not in shown


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["rule", "unproduce-tag"],
            "cilint: error: unknown rule 'unproduce-tag': did you mean 'unproduced-tag' (T001)? "
            "`cilint rules` lists them\n",
        ),
        (
            ["rule", "zzzz"],
            "cilint: error: unknown rule 'zzzz': `cilint rules` lists them\n",
        ),
        (
            ["check", "--root", str(EXAMPLES), "--select", "T001,unknown-keys"],
            "cilint: error: 'unknown-keys' names no rule: did you mean 'unknown-key' (S002)? "
            "give a code (T001), a prefix (T, M00) or a name (unproduced-tag); `cilint rules` "
            "lists them\n",
        ),
        (
            ["check", "--root", str(EXAMPLES), "--ignore", "mirror-precedance"],
            "cilint: error: 'mirror-precedance' names no rule: did you mean 'mirror-precedence' "
            "(M001)? give a code (T001), a prefix (T, M00) or a name (unproduced-tag); "
            "`cilint rules` lists them\n",
        ),
    ],
)
def test_a_misspelt_rule_gets_a_suggestion(args: list[str], expected: str) -> None:
    run = cilint(*args)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == expected


def test_a_misspelt_rule_in_the_configuration_gets_a_suggestion(tmp_path: Path) -> None:
    config = tmp_path / ".cilint.yaml"
    config.write_text("rules:\n  numeric-strings: warning\n")
    run = cilint("check", "--root", str(tmp_path))
    assert run.returncode == 2
    assert run.stderr == (
        f"cilint: error: {config}: in rules: unknown rule 'numeric-strings': did you mean "
        "'numeric-string' (S003)? `cilint rules` lists them\n"
    )
