"""The pre-commit hook as openshift/release would use it: real git, real pre-commit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
EXAMPLES = REPO / "examples" / "release"

pytestmark = pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed")


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hook_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo` of this checkout on a copy of the example tree, with two files
    staged: one clean, one with findings."""
    work = tmp_path_factory.mktemp("precommit")
    tree = work / "release"
    shutil.copytree(EXAMPLES, tree)
    _git(tree, "init", "-q")
    _git(tree, "add", ".")
    _git(tree, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "x")
    staged = [
        "ci-operator/config/acme/widget/acme-widget-main.yaml",
        "ci-operator/config/acme/widget/acme-widget-release-1.0.yaml",
    ]
    for path in staged:
        with open(tree / path, "a", encoding="utf-8") as handle:
            handle.write("# touched\n")
    _git(tree, "add", *staged)
    env = {**os.environ, "PRE_COMMIT_HOME": str(work / "cache"), "NO_COLOR": "1"}
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(REPO), "cilint", "--verbose"],
        cwd=tree,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=900,
    )


def test_hook_fails_and_reports_only_the_staged_files(
    hook_run: subprocess.CompletedProcess[str],
) -> None:
    out = hook_run.stdout
    assert hook_run.returncode == 1, out + hook_run.stderr
    assert "acme-widget-release-1.0.yaml:3:11: error: S003 [numeric-string]" in out
    assert "acme-widget-release-1.0.yaml:29:3: warning: S002 [unknown-key]" in out
    # Files with findings that were not staged are not reported.
    assert "acme-gadget" not in out and "step-registry" not in out
