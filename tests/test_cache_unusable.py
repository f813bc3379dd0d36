"""A cache that cannot be written (issue 14): a read-only folder or database, a path that
cannot be made a folder, a full disk (a real file-size limit), before the run and in its
middle. The run degrades to no cache: the report and exit code of a run without one, one
warning line, never a failure.

Read-only means read-only for the run: as root, permissions do not stop us, so the run is
started as the unprivileged user 65534 (`setpriv`, or a `preexec_fn` that drops to it).
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cilint.cache.files import FILE_NAME
from conftest import bench_generate_tree, run_cilint

NOBODY = 65534


@pytest.fixture(scope="module")
def place() -> Iterator[Path]:
    """A folder any user can read (pytest's own are its owner's only)."""
    folder = Path(tempfile.mkdtemp(prefix="cilint-unusable-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def tree(place: Path) -> Path:
    root = place / "tree"
    bench_generate_tree().generate(root, 300, 4, 1)
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.fixture(scope="module")
def clean(tree: Path) -> subprocess.CompletedProcess[str]:
    done = _check(tree, "--no-cache")
    assert done.returncode == 1 and done.stderr == ""
    return done


def _check(root: Path, *args: str, **how: object) -> subprocess.CompletedProcess[str]:
    """`cilint check` on `root`, its JSON report on stdout (a pipe: no file-size limit)."""
    command = [sys.executable, "-m", "cilint", "check", "--root", str(root), "-j", "2",
               "--format", "json", *args]  # fmt: skip
    prefix = how.pop("prefix", [])
    assert isinstance(prefix, list)
    return subprocess.run(
        [*prefix, *command],
        capture_output=True,
        text=True,
        cwd="/",
        env={**os.environ, "NO_COLOR": "1", "HOME": "/nonexistent"},
        check=False,
        **how,  # type: ignore[call-overload]
    )


def _degraded(
    done: subprocess.CompletedProcess[str], clean: subprocess.CompletedProcess[str], said: str
) -> None:
    """The report and exit code of a run without a cache, and one warning saying `said`."""
    assert done.stdout == clean.stdout
    assert done.returncode == clean.returncode, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"cilint: warning: {said}"), (
        done.stderr
    )


# -- read-only -----------------------------------------------------------------------------


def _drop_to_nobody() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _as_nobody_ways() -> list[dict[str, object]]:
    """How to start a process as user 65534, most plain first: dropping to it before exec;
    `setpriv`; `setpriv` keeping the right to read and search any folder (not to write), for
    an interpreter installed where 65534 cannot read (under /root)."""
    ways: list[dict[str, object]] = [{"preexec_fn": _drop_to_nobody}]
    setpriv = shutil.which("setpriv")
    if setpriv:
        drop = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        ways.append({"prefix": drop})
        keep = ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]
        ways.append({"prefix": [*drop, *keep]})
    return ways


@pytest.fixture(scope="module")
def unprivileged(place: Path) -> dict[str, object]:
    """How to run cilint so that a folder of root's, mode 0755, is read-only to it."""
    if os.geteuid() != 0:
        return {}  # permissions already apply to us
    locked = place / "probe"
    locked.mkdir(mode=0o755, exist_ok=True)
    probe = f"import cilint.cli.entry, lz4, msgspec, yaml; open({str(locked / 'x')!r}, 'w')"
    for way in _as_nobody_ways():
        how = dict(way)
        prefix = how.pop("prefix", [])
        assert isinstance(prefix, list)
        try:
            done = subprocess.run(
                [*prefix, sys.executable, "-c", probe], capture_output=True, text=True,
                cwd="/", check=False, **how,  # type: ignore[call-overload]
            )  # fmt: skip
        except OSError:  # 65534 cannot run the interpreter at all
            continue
        if "PermissionError" in done.stderr and str(locked) in done.stderr:
            return way
    pytest.skip("cannot run cilint as an unprivileged user (no setpriv, and 65534 cannot run it)")


def _warm(root: Path, cache: Path) -> None:
    done = _check(root, "--cache-dir", str(cache))
    assert done.returncode == 1 and done.stderr == ""


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _touch_inputs(root: Path) -> None:
    for path in root.rglob("*.yaml"):
        path.touch()


@pytest.mark.parametrize("warm", [False, True], ids=["empty", "warm"])
def test_a_read_only_cache_folder(
    tree: Path,
    clean: subprocess.CompletedProcess[str],
    place: Path,
    unprivileged: dict[str, object],
    warm: bool,
) -> None:
    cache = place / f"read-only-{'warm' if warm else 'empty'}"
    cache.mkdir(mode=0o755)
    if warm:
        _warm(tree, cache)
    before = _snapshot(cache)
    done = _check(tree, "--cache-dir", str(cache), **unprivileged)
    _degraded(done, clean, f"cache disabled: cannot use {cache / FILE_NAME}")
    assert _snapshot(cache) == before


def test_a_cache_folder_that_cannot_be_created(
    tree: Path,
    clean: subprocess.CompletedProcess[str],
    place: Path,
    unprivileged: dict[str, object],
) -> None:
    parent = place / "read-only-parent"
    parent.mkdir(mode=0o755)
    cache = parent / "cache"
    done = _check(tree, "--cache-dir", str(cache), **unprivileged)
    _degraded(done, clean, f"cache disabled: cannot use {cache / FILE_NAME}")
    assert not cache.exists()


def test_a_read_only_database_in_a_writable_folder(
    tree: Path,
    clean: subprocess.CompletedProcess[str],
    place: Path,
    unprivileged: dict[str, object],
) -> None:
    """SQLite opens it read-only: a run that only reads it answers from it, silently; one
    that has results to store is told it cannot, once."""
    cache = place / "read-only-database"
    _warm(tree, cache)
    cache.chmod(0o777)
    database = cache / FILE_NAME
    before = database.read_bytes()
    reading = _check(tree, "--cache-dir", str(cache), **unprivileged)
    assert (reading.returncode, reading.stdout, reading.stderr) == (1, clean.stdout, "")
    _touch_inputs(tree)
    done = _check(tree, "--cache-dir", str(cache), **unprivileged)
    _degraded(done, clean, f"cache disabled for this run: {database}")
    assert database.read_bytes() == before


@pytest.mark.parametrize("under", [False, True], ids=["a-file", "under-a-file"])
def test_a_file_where_the_folder_should_be(
    tree: Path, clean: subprocess.CompletedProcess[str], tmp_path: Path, under: bool
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder\n")
    cache = blocker / "sub" if under else blocker
    done = _check(tree, "--cache-dir", str(cache))
    _degraded(done, clean, f"cache disabled: cannot use {cache / FILE_NAME}")
    assert blocker.read_text() == "not a folder\n"


# -- full ----------------------------------------------------------------------------------


def _file_size_limit(limit: int) -> Callable[[], None]:
    """A `preexec_fn`: no file of the run grows past `limit` bytes; a write past it fails
    with EFBIG (SIGXFSZ ignored, else it would kill the run), as on a full disk."""

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limited


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(
    ("limit", "said"),
    [
        # Below SQLite's 32 KiB of shared memory (-shm): the cache cannot even be opened.
        (16 * 1024, "cache disabled: cannot use"),
        # Opened; its first writes fail.
        (128 * 1024, "cache disabled for this run:"),
    ],
    ids=["at-open", "at-the-first-write"],
)
def test_a_full_disk_on_a_cold_run(
    tree: Path,
    clean: subprocess.CompletedProcess[str],
    tmp_path: Path,
    limit: int,
    said: str,
    jobs: str,
) -> None:
    cache = tmp_path / "cache"
    done = _check(tree, "--cache-dir", str(cache), "-j", jobs, preexec_fn=_file_size_limit(limit))
    _degraded(done, clean, said)
    after = _check(tree, "--cache-dir", str(cache), "-j", jobs)  # room again: a sound cache
    assert (after.returncode, after.stdout, after.stderr) == (1, clean.stdout, "")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_writes_that_fail_after_reads_succeeded(
    tree: Path, clean: subprocess.CompletedProcess[str], tmp_path: Path, jobs: str
) -> None:
    """A warm cache, every input touched: the run reads the results back by key, then cannot
    store the new stats (the -wal cannot grow past 40 KiB)."""
    cache = tmp_path / "cache"
    _warm(tree, cache)
    _touch_inputs(tree)
    done = _check(
        tree, "--cache-dir", str(cache), "-j", jobs, preexec_fn=_file_size_limit(40 * 1024)
    )
    _degraded(done, clean, f"cache disabled for this run: {cache / FILE_NAME}")
    after = _check(tree, "--cache-dir", str(cache), "-j", jobs)
    assert (after.returncode, after.stdout, after.stderr) == (1, clean.stdout, "")


def test_cilint_itself_is_not_what_fails(tree: Path, tmp_path: Path) -> None:
    """The file-size limit above is real: the same limit on the report's file fails the run
    (exit 2, one line), which is what a cache must never do."""
    report = tmp_path / "report.json"
    done = run_cilint("check", "--root", str(tree), "--no-cache", "--format", "json",
                      "-o", str(report))  # fmt: skip
    assert done.returncode == 1 and report.stat().st_size > 40 * 1024
    report.unlink()
    limited = _check(tree, "--no-cache", "-o", str(report), preexec_fn=_file_size_limit(40 * 1024))
    assert limited.returncode == 2
    assert limited.stderr == f"cilint: error: --output {report}: cannot write: File too large\n"
    assert not report.exists() and not list(tmp_path.glob("*.tmp"))
