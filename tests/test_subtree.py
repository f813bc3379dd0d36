"""A PATH run on a warm cache loads only the results its answer needs (`cilint.cache.closure`),
and `cilint explain` answers from the cache's index of tags (`cilint.explain.index`); each answer
must be exactly the whole tree's. Checked for every file and every tag of the example tree, the
corpus and every fixture tree, also after edits."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from cilint.cache import closure as subtree
from cilint.cache.store import ResultCache
from cilint.config.settings import load_settings
from cilint.explain.answer import explain
from cilint.explain.ask import from_index, from_tree
from cilint.explain.graph_source import GraphSource
from cilint.pipeline.results import CheckResult
from cilint.pipeline.run import RunOptions, load_tree, run_check
from cilint.rules.reads import Read
from cilint.tags import parse_ist
from conftest import CORPUS_RELEASE, REPO

FIXTURE_TREES = sorted((REPO / "tests" / "fixtures").glob("*/*/tree"))
ROOTS = [p for p in (CORPUS_RELEASE, REPO / "examples" / "release") if p.is_dir()]


@pytest.fixture
def loaded_counts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """(results loaded, inputs in the tree) of every sub-tree gathered during the test."""
    counts: list[tuple[int, int]] = []
    for name in ("for_files",):
        original = getattr(subtree, name)

        def recording(gatherer: subtree.Gatherer, *args: object, _original=original) -> object:
            answer = _original(gatherer, *args)
            counts.append((len(gatherer.loaded), len(gatherer.files)))
            return answer

        monkeypatch.setattr(subtree, name, recording)
    return counts


def _expected(full: CheckResult, path: str) -> tuple[list, int, list]:
    return (
        [f for f in full.findings if f.path == path],
        1 if path in {i.path for i in full.inventory.files} else 0,
        full.inventory.skipped,
    )


def _agree_per_file(root: Path, cache: Path) -> None:
    settings = load_settings(root)
    full = run_check(settings, None, RunOptions(jobs=1))
    checked = {f.path for f in full.findings} | {i.path for i in full.inventory.files}
    # A PATH run fills the cache but stores no whole run, which would answer the others.
    run_check(settings, [min(checked)], RunOptions(jobs=1, cache_dir=cache))
    for path in sorted(checked):
        partial = run_check(settings, [path], RunOptions(jobs=1, cache_dir=cache))
        got = (partial.findings, partial.files_reported, partial.inventory.skipped)
        assert got[0] == _expected(full, path)[0], path
        assert got[2] == full.inventory.skipped, path


def _agree_per_tag(root: Path, cache: Path) -> None:
    """Every tag's answer from the index (built by a first explain) is the whole graph's."""
    settings = load_settings(root)
    whole = load_tree(settings, RunOptions(jobs=1), rules=False)
    registries = settings.policy.registries
    graph = GraphSource(whole.context.view(frozenset(Read), "explain"), registries)
    tags = {p.tag for p in whole.graph.producers if p.tag}
    tags |= {c.tag for c in whole.graph.consumers if c.tag}
    tags |= {f"{c.stream}:latest" for c in whole.graph.consumers if c.stream}
    tags |= {"acme/widget:nonexistent", "ocp/builder:rhel-9-golang-1.99", "nowhere/x:y"}
    from_tree(settings, RunOptions(jobs=1, cache_dir=cache), None, "nowhere/x:y", False)
    for ist in sorted(tags):
        tag = parse_ist(ist)
        if tag is None:
            continue
        for everyone in (False, True):
            expected = explain(graph, registries, tag, everyone)
            indexed = from_index(root.resolve(), cache, None, ist, everyone)
            assert indexed is not None, f"no index after a first explain ({ist})"
            assert indexed[1] == [expected], ist


@pytest.mark.parametrize("root", ROOTS, ids=lambda r: r.name)
def test_a_path_run_on_each_file_agrees_with_the_whole_tree(
    root: Path, tmp_path: Path, loaded_counts: list[tuple[int, int]]
) -> None:
    _agree_per_file(root, tmp_path / "cache")
    # The sub-tree was used, and it was smaller than the tree at least for most files.
    assert loaded_counts
    assert sum(1 for loaded, total in loaded_counts if loaded < total) > len(loaded_counts) / 2


@pytest.mark.parametrize("root", ROOTS, ids=lambda r: r.name)
def test_explain_of_each_tag_agrees_with_the_whole_tree(root: Path, tmp_path: Path) -> None:
    _agree_per_tag(root, tmp_path / "cache")


@pytest.mark.parametrize(
    "tree", FIXTURE_TREES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}"
)
def test_fixture_trees_agree_per_file_and_per_tag(tree: Path, tmp_path: Path) -> None:
    _agree_per_file(tree, tmp_path / "cache")
    _agree_per_tag(tree, tmp_path / "cache")


def _age_folders(root: Path) -> None:
    past = time.time_ns() - 10_000_000_000
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        os.utime(folder, ns=(past, past))


def _edit(root: Path, pattern: str, old: str, new: str) -> None:
    for path in sorted(root.rglob(pattern)):
        text = path.read_text()
        if old in text:
            path.write_text(text.replace(old, new, 1))
            return
    raise AssertionError(f"no {pattern} holds {old!r}")


@pytest.mark.parametrize("source", ROOTS, ids=lambda r: r.name)
def test_edits_after_the_cache_was_filled_are_seen(source: Path, tmp_path: Path) -> None:
    """Change files after a full run (a config loses its promotion, a registry step its name,
    a new config pulls a tag), then ask about each file and each tag: still the whole tree's
    answers."""
    root = tmp_path / "release"
    shutil.copytree(source, root, symlinks=True)
    cache = tmp_path / "cache"
    run_check(load_settings(root), None, RunOptions(jobs=1, cache_dir=cache))
    from_tree(load_settings(root), RunOptions(jobs=1, cache_dir=cache), None, "a/b:c", False)
    assert from_index(root.resolve(), cache, None, "a/b:c", False) is not None
    _edit(root / "ci-operator" / "config", "*.yaml", "promotion:", "promotion_gone:")
    _edit(root / "ci-operator" / "step-registry", "*-ref.yaml", "  as: ", "  as: renamed-")
    if any(root.rglob("*-chain.yaml")):
        _edit(root / "ci-operator" / "step-registry", "*-chain.yaml", "- ref: ", "- ref: x-")
    new = root / "ci-operator" / "config" / "neworg" / "new" / "neworg-new-main.yaml"
    new.parent.mkdir(parents=True)
    new.write_text(
        "base_images:\n  base:\n    namespace: ocp\n    name: builder\n    tag: nope\n"
        "build_root:\n  image_stream_tag:\n    namespace: ocp\n    name: builder\n"
        "    tag: rhel-9-golang-1.22-openshift-4.17\n"
        "resources:\n  '*':\n    requests:\n      cpu: 100m\n"
        "tests:\n- as: unit\n  commands: make test\n  container:\n    from: src\n"
        "zz_generated_metadata:\n  branch: main\n  org: neworg\n  repo: new\n"
    )
    assert from_index(root.resolve(), cache, None, "a/b:c", False) is None, "a stale index"
    _agree_per_file(root, cache)
    _age_folders(root)  # else they are too recent to vouch for an index (`discovery.RACY_NS`)
    _agree_per_tag(root, cache)


def test_a_failing_cache_falls_back_to_the_whole_tree(tmp_path: Path) -> None:
    root = REPO / "examples" / "release"
    settings = load_settings(root)
    cache = tmp_path / "cache"
    run_check(settings, None, RunOptions(jobs=1, cache_dir=cache))
    path = next(f.path for f in run_check(settings, None, RunOptions(jobs=1)).findings)
    expected = run_check(settings, [path], RunOptions(jobs=1)).findings
    (cache / ResultCache(cache, root).path.name).write_bytes(b"not a database" * 100)
    assert run_check(settings, [path], RunOptions(jobs=1, cache_dir=cache)).findings == expected
