"""`cilint check --fix`: mirror lists reordered into the policy's order, every other byte kept
(golden files in tests/fixtures/mirror-precedence/<case>/fixed/), and a second run changes
nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

FIXTURES = Path(__file__).parent / "fixtures" / "mirror-precedence"
# The cases whose mirror-precedence findings are all about order (fixable by reordering).
FIXABLE = ["qci-before-cache", "source-listed-first", "flow-style-qci-first"]


def cilint(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cilint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("case", FIXABLE)
def test_fix_reorders_and_keeps_every_other_byte(case: str, tmp_path: Path) -> None:
    original = FIXTURES / case / "tree"
    work = tmp_path / "tree"
    shutil.copytree(original, work)
    preview = cilint("check", "--root", str(work), "--fix", "--diff")
    assert preview.returncode == 1 and preview.stdout.startswith("--- a/")
    assert _files(work) == _files(original), "--diff must not write"

    run = cilint("check", "--root", str(work), "--fix", "--format", "json")
    assert "fixed" in run.stderr
    remaining = json.loads(run.stdout)["findings"]
    assert not [
        f for f in remaining if f["rule"] == "mirror-precedence" and f["severity"] == "error"
    ]

    golden = FIXTURES / case / "fixed"
    if os.environ.get("CILINT_UPDATE_GOLDENS"):
        for path, content in _files(work).items():
            if content != _files(original)[path]:
                (golden / path).parent.mkdir(parents=True, exist_ok=True)
                (golden / path).write_bytes(content)
    expected = {**_files(original), **_files(golden)}
    assert _files(work) == expected

    again = cilint("check", "--root", str(work), "--fix", "--diff")
    assert again.returncode == 0 and again.stdout == ""


def test_fix_leaves_what_it_cannot_fix(tmp_path: Path) -> None:
    work = tmp_path / "tree"
    shutil.copytree(FIXTURES / "qci-missing" / "tree", work)
    before = _files(work)
    run = cilint("check", "--root", str(work), "--fix", "--format", "json")
    assert run.returncode == 1 and _files(work) == before
    assert {f["rule"] for f in json.loads(run.stdout)["findings"]} == {"mirror-precedence"}


def test_diff_needs_fix() -> None:
    run = cilint("check", "--root", str(FIXTURES / "qci-before-cache" / "tree"), "--diff")
    assert run.returncode == 2 and "--diff goes with --fix" in run.stderr
