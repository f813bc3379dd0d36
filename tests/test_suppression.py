"""Suppressions: `# cilint: ignore[rule] reason` comments and `per_file_ignores`, through the
real command line (cached, uncached, a real git repository for the hook). The rule fixtures
(tests/fixtures/invalid-suppression, unused-suppression) hold the per-line cases."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cilint.yaml.comments import suppression_comments
from conftest import REPO, run_cilint

FIXTURE = REPO / "tests" / "fixtures" / "unproduced-tag" / "typo-in-base-image" / "tree"
CONFIG = "ci-operator/config/o/s/o-s-main.yaml"
GIT_ID = ["-c", "user.email=t@example.invalid", "-c", "user.name=t"]


def cilint(root: Path, *args: str, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {} if cache is None else {"CILINT_CACHE_DIR": str(cache)}
    return run_cilint("check", *args, cwd=root, **env)


def report(run: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert run.returncode in (0, 1), run.stderr
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def codes(run: subprocess.CompletedProcess[str]) -> list[tuple[int, str]]:
    return [(f["line"], f["code"]) for f in report(run)["findings"]]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(FIXTURE, root)
    return root


def edit(root: Path, old: str, new: str) -> None:
    path = root / CONFIG
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


# --- reading the comments ------------------------------------------------------------------------


def test_comments_apply_to_their_line_or_the_next_line_with_data() -> None:
    content = b"""a:
  b: 1  # cilint: ignore[T001] same line
  # cilint: ignore[S002, unknown-key] above, past a blank line and a comment

  # an ordinary comment
  c: 2
"""
    found = suppression_comments(content)
    assert [(c.line, c.column, c.target, c.rules, c.reason) for c in found] == [
        (2, 9, 2, ("T001",), "same line"),
        (3, 3, 6, ("S002", "unknown-key"), "above, past a blank line and a comment"),
    ]
    assert all(c.problem is None for c in found)


def test_text_inside_scalars_is_no_comment() -> None:
    content = b"""script: |
  # cilint: ignore[T001] a shell comment
quoted: "# cilint: ignore[T001] in a string"
single: 'a # cilint: ignore[T001] in a string'
plain: a#cilint:ignore[T001] no space before the hash
"""
    assert suppression_comments(content) == ()


def test_a_file_without_the_marker_costs_one_search() -> None:
    assert suppression_comments(b"a: 1  # noqa\n# cilint ignore[T001] no colon\n") == ()


def test_broken_yaml_still_yields_its_comments() -> None:
    content = b"a: [1, 2\n# cilint: ignore[Y001] broken on purpose\nb: 3\n"
    (comment,) = suppression_comments(content)
    assert (comment.line, comment.target, comment.rules) == (2, 3, ("Y001",))


# --- through the command line --------------------------------------------------------------------


def test_inline_suppression_counts_and_survives_the_cache(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = cilint(tree, "--format", "json", cache=cache)
    assert codes(before) == [(4, "T001")] and before.returncode == 1
    edit(tree, "  base:\n", "  base:  # cilint: ignore[T001] published by ART\n")
    cold = cilint(tree, "--format", "json", cache=cache)
    warm = cilint(tree, "--format", "json", cache=cache)
    uncached = cilint(tree, "--format", "json", "--no-cache")
    for run in (cold, warm, uncached):
        assert run.returncode == 0, run.stdout + run.stderr
        assert report(run)["findings"] == []
        assert report(run)["summary"]["suppressed"] == 1
    # A PATH run (the hook's shape, outside git) suppresses the same way.
    path_run = cilint(tree, "--format", "json", CONFIG, cache=cache)
    assert report(path_run)["findings"] == [] and report(path_run)["summary"]["suppressed"] == 1


def test_a_suppression_without_reason_suppresses_nothing(tree: Path) -> None:
    edit(tree, "  base:\n", "  base:  # cilint: ignore[T001]\n")
    run = cilint(tree, "--format", "json", "--no-cache")
    assert codes(run) == [(4, "T001"), (4, "C001")] and run.returncode == 1
    assert "suppressed" not in report(run)["summary"]


def test_per_file_ignores_by_glob_and_prefix(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (tree / ".cilint.yaml").write_text("per_file_ignores:\n  'ci-operator/config/o/**': [T]\n")
    run = cilint(tree, "--format", "json", cache=cache)
    assert report(run)["findings"] == [] and report(run)["summary"]["suppressed"] == 1
    # A stored run is not reused once the ignores change.
    (tree / ".cilint.yaml").write_text("per_file_ignores:\n  'ci-operator/config/x/**': [T]\n")
    assert codes(cilint(tree, "--format", "json", cache=cache)) == [(4, "T001")]


def test_an_unknown_rule_in_per_file_ignores_stops_the_run(tree: Path) -> None:
    (tree / ".cilint.yaml").write_text("per_file_ignores:\n  '**': [unproduce-tag]\n")
    run = cilint(tree, "--no-cache")
    assert run.returncode == 2 and run.stdout == ""
    assert "per_file_ignores '**'" in run.stderr and "unproduce-tag" in run.stderr


def test_turning_unused_suppression_off_silences_it(tree: Path) -> None:
    edit(tree, "resources:\n", "resources:  # cilint: ignore[S002] nothing here\n")
    assert codes(cilint(tree, "--format", "json", "--no-cache")) == [(4, "T001"), (8, "C002")]
    (tree / ".cilint.yaml").write_text("rules:\n  unused-suppression: 'off'\n")
    assert codes(cilint(tree, "--format", "json", "--no-cache")) == [(4, "T001")]


def test_the_baseline_does_not_record_suppressed_findings(tree: Path) -> None:
    edit(tree, "  base:\n", "  base:  # cilint: ignore[T001] published by ART\n")
    written = run_cilint("baseline", "write", "--no-cache", cwd=tree)
    assert written.returncode == 0, written.stderr
    assert "T001" not in (tree / ".cilint-baseline.yaml").read_text()


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *GIT_ID, *args], cwd=root, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_hook_honours_a_new_suppression_and_reports_a_newly_unused_one(tree: Path) -> None:
    _git(tree, "init", "-q", "-b", "main")
    edit(tree, "resources:\n", "resources:  # cilint: ignore[S002] old and unused\n")
    _git(tree, "add", ".")
    _git(tree, "commit", "-qm", "base")
    old = report(cilint(tree, "--format", "json", "--no-cache", CONFIG))["findings"]
    assert [(f["line"], f["code"], f["introduced"]) for f in old] == [
        (4, "T001", False),
        (8, "C002", False),
    ]
    # The change suppresses the T001 and fixes a tag another comment was hiding.
    edit(tree, "  base:\n", "  base:  # cilint: ignore[unproduced-tag] published by ART\n")
    _git(tree, "add", ".")
    run = cilint(tree, "--format", "json", "--no-cache", CONFIG)
    found = report(run)["findings"]
    assert [(f["line"], f["code"], f["introduced"]) for f in found] == [(8, "C002", False)]
    assert run.returncode == 0 and report(run)["summary"]["suppressed"] == 1
    # Now the tag gets fixed: the comment above it is left with nothing to hide.
    edit(tree, "    tag: ap\n", "    tag: app\n")
    _git(tree, "add", ".")
    found = report(cilint(tree, "--format", "json", "--no-cache", CONFIG))["findings"]
    assert [(f["line"], f["code"], f["introduced"]) for f in found] == [
        (4, "C002", True),
        (8, "C002", False),
    ]
