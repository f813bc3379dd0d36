"""The baseline (`cilint baseline write|check`, applied by `cilint check`): a round trip on a
copy of the example tree, the way a repository adopts cilint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, valid_sarif

EXAMPLES = REPO / "examples" / "release"
GIZMO = "ci-operator/config/acme/gizmo/acme-gizmo-main.yaml"


def cilint(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "CILINT_CACHE_DIR": str(tree.parent / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "cilint", *args],
        cwd=tree,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "release"
    shutil.copytree(EXAMPLES, root)
    return root


def _report(run: subprocess.CompletedProcess[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(run.stdout)


def test_round_trip(tree: Path) -> None:
    before = _report(cilint(tree, "check", "--root", ".", "--format", "json"))
    assert before["findings"], "the example tree has findings to baseline"
    written = cilint(tree, "baseline", "write", "--root", ".")
    assert written.returncode == 0, written.stderr
    assert f"wrote {len(before['findings'])} finding(s)" in written.stderr
    assert not [p for p in tree.iterdir() if p.name.startswith(".cilint-baseline.yaml.")]

    # Re-run: every old finding is baselined, counted, and the check passes.
    run = cilint(tree, "check", "--root", ".", "--format", "json")
    assert run.returncode == 0, run.stdout + run.stderr
    report = _report(run)
    assert report["findings"] == []
    assert report["summary"]["baselined"] == len(before["findings"])
    assert cilint(tree, "baseline", "check", "--root", ".").returncode == 0

    # Lines shifted above baselined findings change nothing.
    gizmo = tree / GIZMO
    gizmo.write_text("# one\n# two\n" + gizmo.read_text())
    assert cilint(tree, "check", "--root", ".").returncode == 0

    # A new fault: only it fails.
    gizmo.write_text(gizmo.read_text().replace("ref: acme-unitt", "ref: acme-unittt"))
    run = cilint(tree, "check", "--root", ".", "--format", "json")
    assert run.returncode == 1
    new = _report(run)["findings"]
    assert [(f["path"], f["code"]) for f in new] == [(GIZMO, "R001")]
    assert "acme-unittt" in new[0]["message"]
    # ...and the entry of the fault it replaced is stale: a warning, and `baseline check` fails.
    assert "1 baseline entry" in run.stderr and "no longer matches" in run.stderr
    assert "R001 [unresolved-step] ref acme-unitt" in run.stderr
    checked = cilint(tree, "baseline", "check", "--root", ".")
    assert checked.returncode == 1
    assert checked.stdout.strip().splitlines() == [
        f"{GIZMO}: R001 [unresolved-step] ref acme-unitt"
    ]

    # Writing again takes the new state; nothing is stale or new.
    assert cilint(tree, "baseline", "write", "--root", ".").returncode == 0
    assert cilint(tree, "check", "--root", ".").returncode == 0
    assert cilint(tree, "baseline", "check", "--root", ".").returncode == 0
    # --no-baseline reports everything again.
    assert cilint(tree, "check", "--root", ".", "--no-baseline").returncode == 1


def test_entries_count_their_findings(tree: Path) -> None:
    """An entry holds N identical findings: one found against an entry of 2 leaves 1 stale."""
    assert cilint(tree, "baseline", "write", "--root", ".").returncode == 0
    text = (tree / ".cilint-baseline.yaml").read_text()
    assert "count: 2" not in text
    (tree / ".cilint-baseline.yaml").write_text(text.replace("count: 1", "count: 2", 1))
    run = cilint(tree, "check", "--root", ".")
    assert run.returncode == 0
    assert "1 baseline entry" in run.stderr and "no longer matches" in run.stderr


def test_sarif_shows_baselined_findings_as_suppressed(tree: Path) -> None:
    assert cilint(tree, "baseline", "write", "--root", ".").returncode == 0
    log = valid_sarif(cilint(tree, "check", "--root", ".", "--format", "sarif").stdout)
    results = log["runs"][0]["results"]
    assert results and all(r["suppressions"][0]["kind"] == "external" for r in results)


def test_a_broken_baseline_is_a_clear_error(tree: Path) -> None:
    (tree / ".cilint-baseline.yaml").write_text("findings: [\n")
    run = cilint(tree, "check", "--root", ".")
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and ".cilint-baseline.yaml" in run.stderr
    (tree / ".cilint-baseline.yaml").write_text("version: 7\n")
    run = cilint(tree, "check", "--root", ".")
    assert run.returncode == 2 and "not a cilint baseline" in run.stderr
    assert (
        cilint(tree, "baseline", "check", "--root", ".", "--baseline", "nope.yaml").returncode == 2
    )
