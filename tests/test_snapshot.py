"""A warm run reuses the last walk of the tree when the folders it listed are unchanged
(`cilint.inputs.snapshot`): after any sequence of edits, creations, deletions, renames and type
changes, the inventory a run uses must be exactly a new walk's."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cilint.cache.store import ResultCache
from cilint.config.settings import load_settings
from cilint.inputs import snapshot
from cilint.inputs.discovery import Inventory, discover
from cilint.pipeline.run import current_inventory, salt
from conftest import REPO

EXAMPLES = REPO / "examples" / "release"
CONFIGS = Path("ci-operator/config")


def _age(root: Path, step: int) -> None:
    """Every folder's times well in the past (and new ones each step): else they are too recent
    for a walk to vouch for (`discovery.RACY_NS`)."""
    past = time.time_ns() - (100 + step) * 1_000_000_000
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir() and not p.is_symlink())]:
        os.utime(folder, ns=(past, past), follow_symlinks=False)


def _as_walked(root: Path, cache: Path) -> tuple[Inventory, Inventory]:
    settings_ = load_settings(root)
    store = ResultCache(cache, root, salt(settings_))
    try:
        used = current_inventory(settings_, store)
    finally:
        store.close()
    return used, discover(settings_.root, settings_.layout, settings_.exclude)


def _same(used: Inventory, walked: Inventory) -> None:
    assert used.files == walked.files
    assert sorted(used.skipped) == sorted(walked.skipped)
    assert used.stats == walked.stats


def _configs(root: Path) -> list[Path]:
    return sorted(p for p in (root / CONFIGS).rglob("*.yaml") if p.is_file() and not p.is_symlink())


def _edit(root: Path, n: int) -> None:
    path = _configs(root)[n % len(_configs(root))]
    path.write_text(path.read_text() + f"# edit {n}\n")


def _create(root: Path, n: int) -> None:
    folder = root / CONFIGS / "acme" / "gadget"
    (folder / f"acme-gadget-new-{n}.yaml").write_text("build_root: {from_repository: true}\n")


def _delete(root: Path, n: int) -> None:
    _configs(root)[n % len(_configs(root))].unlink()


def _rename(root: Path, n: int) -> None:
    path = _configs(root)[n % len(_configs(root))]
    path.rename(path.with_name(f"renamed-{n}-{path.name}"))


def _new_folder(root: Path, n: int) -> None:
    folder = root / CONFIGS / f"neworg{n}" / "repo"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"neworg{n}-repo-main.yaml").write_text("build_root: {from_repository: true}\n")


def _to_symlink(root: Path, n: int) -> None:
    path = _configs(root)[n % len(_configs(root))]
    path.unlink()
    path.symlink_to(_configs(root)[0])


def _to_template(root: Path, n: int) -> None:
    path = _configs(root)[n % len(_configs(root))]
    path.rename(path.with_name(path.name + ".j2"))


def _remove_layout_folder(root: Path, n: int) -> None:
    shutil.rmtree(root / "clusters", ignore_errors=True)


OPERATIONS = {
    f.__name__: f
    for f in (
        _edit,
        _create,
        _delete,
        _rename,
        _new_folder,
        _to_symlink,
        _to_template,
        _remove_layout_folder,
    )
}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.sampled_from(sorted(OPERATIONS)), st.integers(0, 50)), max_size=6))
def test_the_inventory_a_run_uses_is_a_new_walks(
    tmp_path_factory: pytest.TempPathFactory, operations: list[tuple[str, int]]
) -> None:
    base = tmp_path_factory.mktemp("snapshot")
    root, cache = base / "release", base / "cache"
    shutil.copytree(EXAMPLES, root, symlinks=True)
    _age(root, 0)
    _same(*_as_walked(root, cache))  # stores the walk
    for step, (name, n) in enumerate(operations, start=1):
        OPERATIONS[name](root, n)
        _same(*_as_walked(root, cache))  # a changed folder: walked again
        _age(root, step)
        _same(*_as_walked(root, cache))  # walked again and stored
        _same(*_as_walked(root, cache))  # reused


def test_an_edit_in_place_keeps_the_walk_and_takes_the_new_stat(tmp_path: Path) -> None:
    root, cache = tmp_path / "release", tmp_path / "cache"
    shutil.copytree(EXAMPLES, root, symlinks=True)
    _age(root, 0)
    _as_walked(root, cache)
    settings_ = load_settings(root)
    store = ResultCache(cache, root, salt(settings_))
    stored = snapshot.decode(store.snapshot(repr((settings_.layout, settings_.exclude))) or b"")
    store.close()
    assert stored is not None, "an aged tree's walk is kept"
    _edit(root, 0)
    edited = _configs(root)[0].relative_to(root).as_posix()
    assert snapshot.refresh(str(root), stored)  # the folders still hold
    assert stored.stats[edited] == walked_stat(root, edited)
    (root / CONFIGS / "acme" / "new.yaml").write_text("{}\n")
    assert not snapshot.refresh(str(root), stored)  # a folder changed


def walked_stat(root: Path, path: str) -> tuple[int, int]:
    st_ = (root / path).stat()
    return st_.st_size, st_.st_mtime_ns


def test_a_walk_during_changes_is_not_kept(tmp_path: Path) -> None:
    """Folders changed within the last two seconds may change again within the same clock
    tick unseen: such a walk is used, never kept."""
    root = tmp_path / "release"
    shutil.copytree(EXAMPLES, root, symlinks=True)
    (root / CONFIGS / "acme" / "fresh.yaml").write_text("{}\n")
    settings_ = load_settings(root)
    walked = discover(settings_.root, settings_.layout, settings_.exclude)
    assert walked.folders[(CONFIGS / "acme").as_posix()] is None
    assert snapshot.encode(walked) is None
    _age(root, 1)
    walked = discover(settings_.root, settings_.layout, settings_.exclude)
    assert snapshot.encode(walked) is not None


def test_a_damaged_snapshot_is_a_walk(tmp_path: Path) -> None:
    assert snapshot.decode(b"not a pickle") is None
    assert not snapshot.unchanged_packed(str(tmp_path), b"\x01\x02")
