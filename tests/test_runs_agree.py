"""Cold, warm, one worker, all workers, a corrupt cache, two runs sharing a cache at once: the
same findings, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cilint.cache.files import FILE_NAME
from cilint.config.settings import load_settings
from cilint.pipeline.run import RunOptions, run_check
from conftest import CORPUS_RELEASE, REPO

ROOTS = [p for p in (CORPUS_RELEASE, REPO / "examples" / "release") if p.is_dir()]


def _json(root: Path, options: RunOptions) -> list[dict]:
    return [f.as_json() for f in run_check(load_settings(root), None, options).findings]


@pytest.mark.parametrize("root", ROOTS, ids=lambda r: r.name)
def test_cold_warm_serial_parallel_agree(root: Path, tmp_path: Path) -> None:
    reference = _json(root, RunOptions(jobs=1))
    assert _json(root, RunOptions(jobs=2, parallel_min=1)) == reference
    cache = tmp_path / "cache"
    assert _json(root, RunOptions(jobs=2, parallel_min=1, cache_dir=cache)) == reference  # cold
    assert _json(root, RunOptions(jobs=1, cache_dir=cache)) == reference  # warm, run cache
    (cache / FILE_NAME).chmod(0o644)
    assert _json(root, RunOptions(jobs=1, cache_dir=cache)) == reference


def _cli(root: Path, cache: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cilint",
            "check",
            "--root",
            str(root),
            "--format",
            "json",
            "--cache-dir",
            str(cache),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_a_corrupt_cache_heals_itself(tmp_path: Path) -> None:
    root = REPO / "examples" / "release"
    cache = tmp_path / "cache"
    first = _cli(root, cache).communicate()
    (cache / FILE_NAME).write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (cache / f"{FILE_NAME}{suffix}").unlink(missing_ok=True)
    healed = _cli(root, cache)
    out, err = healed.communicate()
    assert healed.returncode == 1 and out == first[0]
    assert "Traceback" not in err
    again = _cli(root, cache).communicate()
    assert again[0] == first[0] and again[1] == ""


def test_two_runs_share_a_cache_at_once(tmp_path: Path) -> None:
    root = REPO / "examples" / "release"
    cache = tmp_path / "cache"
    runs = [_cli(root, cache) for _ in range(4)]
    outputs = [run.communicate() for run in runs]
    assert all(run.returncode == 1 for run in runs)
    assert len({out for out, _ in outputs}) == 1
    assert all(err == "" for _, err in outputs)
    assert json.loads(outputs[0][0])["summary"]["files"] > 10


def test_a_changed_file_is_seen_by_a_warm_run(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "tree"
    shutil.copytree(REPO / "examples" / "release", root)
    cache = tmp_path / "cache"
    options = RunOptions(cache_dir=cache)
    before = _json(root, options)
    config = root / "ci-operator/config/acme/gizmo/acme-gizmo-main.yaml"
    config.write_text(config.read_text().replace("tag: widgit", "tag: widget"))
    after = _json(root, options)
    assert after == _json(root, RunOptions())
    assert len(after) == len(before) - 1


@pytest.mark.parametrize("selection", [None, ["ci-operator/config/acme/widget"]])
def test_two_configurations_sharing_a_cache_keep_their_own_results(
    tmp_path: Path, selection: list[str] | None
) -> None:
    """A rule switched off changes the per-file results: a run with it off must not reuse the
    results of a run with it on (stats used to be shared across configurations)."""
    import shutil

    root = tmp_path / "tree"
    shutil.copytree(REPO / "examples" / "release", root)
    cache = tmp_path / "cache"

    def findings(options: RunOptions) -> list[dict]:
        return [f.as_json() for f in run_check(load_settings(root), selection, options).findings]

    rule_on = findings(RunOptions())
    assert any(f["rule"] == "numeric-string" for f in rule_on)
    assert findings(RunOptions(cache_dir=cache)) == rule_on
    config = root / ".cilint.yaml"  # the example tree's own settings, kept
    original = config.read_text() if config.exists() else ""
    config.write_text(original + "rules:\n  numeric-string: 'off'\n")
    rule_off = findings(RunOptions())
    assert not any(f["rule"] == "numeric-string" for f in rule_off)
    assert findings(RunOptions(cache_dir=cache)) == rule_off
    config.write_text(original)
    assert findings(RunOptions(cache_dir=cache)) == rule_on


def test_cache_clean(tmp_path: Path) -> None:
    """Every format's files go (an older cilint's would stay forever), nothing else does."""
    cache = tmp_path / "cache"
    _cli(REPO / "examples" / "release", cache).communicate()
    for old in ("cache-v4.sqlite3", "cache-v4.sqlite3-wal", "cache-v12.sqlite3-shm"):
        (cache / old).write_bytes(b"old")
    (cache / "notes.txt").write_text("mine\n")
    (cache / "cache-v5.sqlite3.bak").write_text("mine too\n")

    def clean() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "cilint", "cache", "clean", "--cache-dir", str(cache)]
        return subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)

    run = clean()
    assert run.returncode == 0, run.stderr
    assert run.stderr.startswith(f"cilint: removed {cache} (cache-v12.sqlite3-shm, cache-v4.")
    assert FILE_NAME in run.stderr
    assert sorted(p.name for p in cache.iterdir()) == ["cache-v5.sqlite3.bak", "notes.txt"]
    again = clean()
    assert (again.returncode, again.stderr) == (0, f"cilint: no cache in {cache}\n")


@pytest.mark.parametrize("root", ROOTS, ids=lambda r: r.name)
def test_a_path_run_reports_exactly_the_full_runs_findings_for_those_paths(root: Path) -> None:
    full = run_check(load_settings(root)).findings
    paths = sorted({f.path for f in full})
    for selection in ([paths[0]], paths[1::3], [paths[-1].rsplit("/", 1)[0]]):
        expected = [
            f for f in full if any(f.path == s or f.path.startswith(s + "/") for s in selection)
        ]
        assert run_check(load_settings(root), selection).findings == expected
