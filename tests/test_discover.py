"""Discovery walks big trees with two processes (a forked child takes half of the folders); the
inventory must be the same as one process's, on every tree we have and on awkward ones."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cilint.config.settings import load_settings
from cilint.inputs.discovery import Inventory, discover
from conftest import CORPUS_RELEASE, REPO

TREES = [
    p
    for p in (
        CORPUS_RELEASE,
        REPO / "examples" / "release",
        *(REPO / "tests" / "fixtures").glob("*/*/tree"),
    )
    if p.is_dir()
]


def _both(root: Path) -> tuple[Inventory, Inventory]:
    settings = load_settings(root)
    single = discover(settings.root, settings.layout, settings.exclude, split_min=10**9)
    split = discover(settings.root, settings.layout, settings.exclude, split_min=0)
    return single, split


@pytest.mark.parametrize("root", TREES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_two_processes_find_what_one_finds(root: Path) -> None:
    single, split = _both(root)
    assert split.files == single.files
    assert split.skipped == single.skipped
    assert split.stats == single.stats


def test_awkward_entries_are_skipped_with_their_reason_either_way(tmp_path: Path) -> None:
    config = tmp_path / "ci-operator" / "config"
    for org in ("a", "b", "c", "d"):
        (config / org / "repo").mkdir(parents=True)
        (config / org / "repo" / f"{org}-repo-main.yaml").write_text("{}\n")
    (config / "a" / "repo" / "..data").mkdir()
    (config / "b" / "repo" / ".hidden.yaml").write_text("{}\n")
    os.symlink("b-repo-main.yaml", config / "b" / "repo" / "b-repo-main__link.yaml")
    os.symlink("../a", config / "c" / "linked-org")
    (config / "d" / "repo" / "d-repo-main.yaml.j2").write_text("{}\n")
    single, split = _both(tmp_path)
    assert split.files == single.files
    assert split.skipped == single.skipped
    assert [f.path for f in split.files] == [
        f"ci-operator/config/{org}/repo/{org}-repo-main.yaml" for org in "abcd"
    ]
    assert dict(split.skipped) == {
        "ci-operator/config/a/repo/..data": "configmap mount artefact ('..' name)",
        "ci-operator/config/b/repo/b-repo-main__link.yaml": "symbolic link, not followed",
        "ci-operator/config/c/linked-org": "symbolic link, not followed",
        "ci-operator/config/d/repo/d-repo-main.yaml.j2": (
            "template or other derived file; ci-operator only reads *.yaml and *.yml"
        ),
    }
