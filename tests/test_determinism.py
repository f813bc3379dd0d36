"""Determinism (issue 14): the same tree gives the same report, byte for byte, in every format
(json, sarif, junit, text), whatever the run: repeated, one worker or two or one per core,
without a cache, cold, warm (the stored run) or warm from the results (the graph built again),
under any PYTHONHASHSEED, and whatever order the file system lists the folders in.

None of the formats carries a time or a path outside the tree: SARIF names cilint's version
(the same for every run of one install), JUnit no time at all; so nothing is masked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CORPUS_RELEASE, REPO, bench_generate_tree

EXAMPLES = REPO / "examples" / "release"
FORMATS = {"json": "json", "sarif": "sarif", "junit": "xml", "text": "txt"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("determinism") / "tree"
    bench_generate_tree().generate(root, 400, 7, 1)  # 400 configs, a fault of each rule
    return root


@pytest.fixture(params=["examples", "generated", "corpus"])
def tree(request: pytest.FixtureRequest) -> Path:
    if request.param == "examples":
        return EXAMPLES
    if request.param == "corpus":
        if not CORPUS_RELEASE.is_dir():
            pytest.skip(f"the shared corpus is not at {CORPUS_RELEASE}")
        return CORPUS_RELEASE
    root: Path = request.getfixturevalue("generated")
    return root


def _reports(
    root: Path, out: Path, *args: str, seed: str = "0", cwd: Path = REPO
) -> dict[str, bytes]:
    """One run writing every format to `out`; the reports' bytes by format."""
    out.mkdir(parents=True)
    outputs = [
        arg for fmt, ext in FORMATS.items() for arg in ("--format", fmt, "-o", f"{fmt}.{ext}")
    ]
    done = subprocess.run(
        [sys.executable, "-m", "cilint", "check", "--root", str(root), *args, *outputs],
        cwd=out,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "PYTHONHASHSEED": seed},
        check=False,
    )
    assert done.returncode in (0, 1) and done.stdout == "" and done.stderr == "", done.stderr
    return {fmt: (out / f"{fmt}.{ext}").read_bytes() for fmt, ext in FORMATS.items()}


def _differences(reference: dict[str, bytes], other: dict[str, bytes]) -> list[str]:
    return [fmt for fmt in FORMATS if other[fmt] != reference[fmt]]


def test_every_kind_of_run_gives_the_same_bytes(tree: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    reference = _reports(tree, tmp_path / "reference", "--no-cache", "-j", "1")
    assert all(reference.values()) and b"<testcase" in reference["junit"]
    runs = {
        "again": _reports(tree, tmp_path / "again", "--no-cache", "-j", "1"),
        "two-workers": _reports(tree, tmp_path / "j2", "--no-cache", "-j", "2", seed="1"),
        "default-jobs": _reports(tree, tmp_path / "j0", "--no-cache", seed="random"),
        "cold": _reports(tree, tmp_path / "cold", "--cache-dir", cache, "-j", "2"),
        "warm": _reports(tree, tmp_path / "warm", "--cache-dir", cache, "-j", "1", seed="1"),
    }
    # Another tree's run takes the stored run's place: the next run of this one loads the
    # cached results and builds the graph again.
    other = EXAMPLES if tree != EXAMPLES else CORPUS_RELEASE
    if other.is_dir():
        _reports(other, tmp_path / "other", "--cache-dir", cache)
        runs["warm-results"] = _reports(tree, tmp_path / "results", "--cache-dir", cache,
                                        seed="random")  # fmt: skip
    different = {name: diff for name, run in runs.items() if (diff := _differences(reference, run))}
    assert different == {}


@pytest.mark.parametrize("seed", ["0", "random"])
def test_hash_seeds_with_a_cache_filled_under_another(
    generated: Path, tmp_path: Path, seed: str
) -> None:
    """Results stored by a run under one PYTHONHASHSEED, read by a run under another, with one
    file changed so that the run is computed again from them and one fresh result."""
    root = tmp_path / "tree"
    shutil.copytree(generated, root)
    cache = str(tmp_path / "cache")
    _reports(root, tmp_path / "filled", "--cache-dir", cache, "-j", "2", seed="12345")
    config = sorted((root / "ci-operator" / "config").rglob("*.yaml"))[3]
    config.write_text(config.read_text() + "# changed\n")
    reference = _reports(root, tmp_path / "reference", "--no-cache", "-j", "1")
    mixed = _reports(root, tmp_path / "mixed", "--cache-dir", cache, "-j", "2", seed=seed)
    assert _differences(reference, mixed) == []


def _copy(source: Path, target: Path, reverse: bool) -> None:
    """Every file and folder of `source` made again under `target`, in path order or the
    reverse."""
    files = sorted(p for p in source.rglob("*") if p.is_file())
    for path in reversed(files) if reverse else files:
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(path.read_bytes())


def _lists_in_creation_order(folder: Path) -> bool:
    """Whether this file system lists a folder's entries by when they were made (tmpfs), not
    by name or by hash of the name (ext4), which alone can give two copies different orders."""
    probe = folder / "probe"
    for order, names in (("forward", "abcdefgh"), ("reverse", "hgfedcba")):
        (probe / order).mkdir(parents=True)
        for name in names:
            (probe / order / name).touch()
    listed = [os.listdir(probe / order) for order in ("forward", "reverse")]
    shutil.rmtree(probe)
    return listed[0] != listed[1]


def _walk(root: Path) -> list[str]:
    """Every path under `root`, in the order the file system lists them."""
    return [path.relative_to(root).as_posix() for path in root.rglob("*")]


@pytest.fixture
def ordered_place(tmp_path: Path) -> Iterator[Path]:
    """A folder whose listings follow creation order: under pytest's, else in /dev/shm."""
    if _lists_in_creation_order(tmp_path):
        yield tmp_path
        return
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        place = Path(tempfile.mkdtemp(prefix="cilint-order-", dir=shm))
        try:
            if _lists_in_creation_order(place):
                yield place
                return
        finally:
            shutil.rmtree(place)
    pytest.skip("no file system here lists folders in creation order (tmpfs)")


def test_file_system_order_does_not_matter(tree: Path, ordered_place: Path) -> None:
    """The tree made twice, its files created in opposite orders, under different folder
    names: the folders list in different orders, the reports are the same."""
    forward, reverse = ordered_place / "release", ordered_place / "another-name"
    _copy(tree, forward, reverse=False)
    _copy(tree, reverse, reverse=True)
    assert _walk(forward) != _walk(reverse), "the copies list in the same order"
    reports = ordered_place / "reports"
    first = _reports(forward, reports / "forward", "--no-cache", "-j", "2")
    assert (
        _differences(first, _reports(reverse, reports / "reverse", "--no-cache", "-j", "2")) == []
    )
    cache = str(ordered_place / "cache")
    _reports(forward, reports / "filled", "--cache-dir", cache, "-j", "2")
    # The reverse copy with the cache the forward one filled: other stats, the same results.
    warm = _reports(reverse, reports / "warm", "--cache-dir", cache, "-j", "1")
    assert _differences(first, warm) == []
