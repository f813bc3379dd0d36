"""`cilint explain` answers from the cache's index of tags (`cilint.explain.index`) when it holds:
the same bytes as an answer from the loaded tree, without loading the tree or the modules that
load it, and never from an index that no longer holds (`tests/test_subtree.py` compares every
tag's answer)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cilint.cache.files import FILE_NAME
from cilint.config.settings import load_settings
from cilint.explain.ask import from_index, from_tree
from cilint.pipeline.run import RunOptions
from conftest import REPO, run_cilint

EXAMPLES = REPO / "examples" / "release"
QUESTIONS = [
    "acme/widget:widget",
    "acme/widget:widgit",
    "ocp/4.18:base-rhel9",
    "ocp/4.18:base-rhle9",
    '"quay.io/openshift/ci:acme_widget_widget" not found',
    "quay-proxy.ci.openshift.org/openshift/ci:acme_widget_widgit",
    "nowhere/x:y",
]


def _aged_copy(tmp_path: Path) -> Path:
    """The example tree with its folders' times in the past, as a checkout's are: a walk of
    folders changed in the last two seconds is never kept (`discovery.RACY_NS`)."""
    root = tmp_path / "release"
    shutil.copytree(EXAMPLES, root, symlinks=True)
    past = time.time_ns() - 100_000_000_000
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        os.utime(folder, ns=(past, past))
    return root


def _explain(root: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cilint("explain", "--root", str(root), "--cache-dir", str(cache), *args)


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path]:
    root, cache = _aged_copy(tmp_path), tmp_path / "cache"
    first = _explain(root, cache, "acme/widget:widget")
    assert first.returncode == 0, first.stderr
    assert from_index(root, cache, None, "acme/widget:widget", False) is not None
    return root, cache


@pytest.mark.parametrize("form", ["text", "json"])
def test_the_index_answers_as_the_loaded_tree_does(indexed: tuple[Path, Path], form: str) -> None:
    root, cache = indexed
    for question in QUESTIONS:
        for more in ([], ["--all"]):
            args = [*more, "--format", form, question]
            fast = _explain(root, cache, *args)
            slow = run_cilint("explain", "--root", str(root), "--no-cache", *args)
            assert (fast.returncode, fast.stdout, fast.stderr) == (
                slow.returncode,
                slow.stdout,
                slow.stderr,
            ), question


def test_an_answer_from_the_index_loads_no_tree(indexed: tuple[Path, Path]) -> None:
    root, cache = indexed
    probe = (
        "import sys\n"
        "from cilint.cli.entry import _dispatch\n"
        f"done = _dispatch(['explain', '--root', {str(root)!r}, '--cache-dir', {str(cache)!r},"
        " 'acme/widget:widgit'])\n"
        "heavy = ['cilint.pipeline.run', 'cilint.config.settings', 'cilint.graph.tag_graph',"
        " 'cilint.rules.context', 'networkx', 'jsonschema', 'jsonschema_rs', 'yaml_rs']\n"
        "print(done.code, [m for m in heavy if m in sys.modules], file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert run.stderr.strip().splitlines()[-1] == "1 []", run.stderr
    assert "Did you mean acme/widget:widget" in run.stdout


def test_a_changed_tree_or_configuration_is_not_answered_from_the_index(
    indexed: tuple[Path, Path],
) -> None:
    root, cache = indexed
    config = root / "ci-operator" / "config" / "acme" / "widget" / "acme-widget-main.yaml"
    text = config.read_text()
    config.write_text(text.replace("promotion:", "promotion_gone:", 1))
    assert from_index(root, cache, None, "acme/widget:widget", False) is None
    after = json.loads(_explain(root, cache, "--format", "json", "acme/widget:widget").stdout)
    fresh = json.loads(
        run_cilint(
            "explain", "--root", str(root), "--no-cache", "--format", "json", "acme/widget:widget"
        ).stdout
    )
    assert after == fresh
    config.write_text(text)
    _explain(root, cache, "acme/widget:widget")
    assert from_index(root, cache, None, "acme/widget:widget", False) is not None
    (root / ".cilint.yaml").write_text("rules: {unproduced-tag: warning}\n")
    assert from_index(root, cache, None, "acme/widget:widget", False) is None


def test_a_damaged_index_is_built_again(indexed: tuple[Path, Path]) -> None:
    root, cache = indexed
    with sqlite3.connect(cache / FILE_NAME) as db:
        db.execute("UPDATE tag_index_heads SET value = ?", (b"x\0not a pickle",))
    assert from_index(root, cache, None, "acme/widget:widget", False) is None
    assert _explain(root, cache, "acme/widget:widget").returncode == 0
    assert from_index(root, cache, None, "acme/widget:widget", False) is not None
    with sqlite3.connect(cache / FILE_NAME) as db:
        db.execute("DELETE FROM tag_index")  # a head without its rows: every tag unknown
    assert from_index(root, cache, None, "acme/widget:widget", False) is None


def test_several_readings_load_the_tree_once(tmp_path: Path) -> None:
    root, cache = _aged_copy(tmp_path), tmp_path / "cache"
    readings, answers, _ = from_tree(
        load_settings(root),
        RunOptions(jobs=1, cache_dir=cache),
        None,
        "acme_widget_2_0_widget",
        False,
    )
    assert len(readings.tags) == len(answers) > 1


def test_a_name_with_a_control_character_is_escaped_in_the_text_answer(tmp_path: Path) -> None:
    root = _aged_copy(tmp_path)
    source = root / "ci-operator" / "config" / "acme" / "widget" / "acme-widget-main.yaml"
    odd = source.with_name("acme-widget-main\x1b[31m.yaml")
    odd.write_text(source.read_text())  # a second promotion of the tag, listed as a producer
    text = run_cilint("explain", "--root", str(root), "--no-cache", "acme/widget:widget").stdout
    assert "\x1b" not in text
    assert "acme-widget-main\\x1b[31m.yaml" in text
