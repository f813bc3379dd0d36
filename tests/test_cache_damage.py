"""A damaged cache (issue 14): truncated, garbage, another version's, a record that does not
decode, stray -wal/-shm files. Each is detected and rebuilt, or read around: the run's report
is byte for byte a run's without a cache, with its exit code, at most one warning line, and the
run after it is clean (no warning, the same report).

Every case damages a real cache that a real run filled, and runs `cilint` as a subprocess.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import lz4.block
import pytest

from cilint.cache.files import FILE_NAME, FORMAT
from conftest import REPO, bench_generate_tree, run_cilint

EXAMPLES = REPO / "examples" / "release"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 generated configs (568 inputs: enough for `-j 2` to use its workers), with one
    fault of each rule, so the report has findings to get wrong."""
    root = tmp_path_factory.mktemp("damage") / "tree"
    bench_generate_tree().generate(root, 300, 1, 1)
    return root


@pytest.fixture(scope="module")
def clean(tree: Path) -> subprocess.CompletedProcess[str]:
    done = _check(tree, "--no-cache")
    assert done.returncode == 1 and done.stderr == ""
    assert len(json.loads(done.stdout)["findings"]) > 10
    return done


def _check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cilint("check", "--root", str(root), "-j", "2", "--format", "json", *args)


def _warm(root: Path, cache: Path) -> Path:
    """A cache filled by a run; its database file (no -wal left: the last connection folds it
    in)."""
    done = _check(root, "--cache-dir", str(cache))
    assert done.returncode in (0, 1) and done.stderr == ""
    database = cache / FILE_NAME
    assert database.is_file() and not Path(f"{database}-wal").exists()
    return database


def _same_as_clean(
    done: subprocess.CompletedProcess[str], clean: subprocess.CompletedProcess[str]
) -> list[str]:
    """The report and exit code of a run without a cache; the warning lines (at most one)."""
    assert done.stdout == clean.stdout
    assert done.returncode == clean.returncode, done.stderr
    warnings = done.stderr.splitlines()
    assert len(warnings) <= 1, warnings
    assert all(line.startswith("cilint: warning: cache ") for line in warnings), warnings
    return warnings


def _edit(database: Path, *statements: str) -> None:
    db = sqlite3.connect(database)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def _touch_inputs(root: Path) -> None:
    """New times on every input, same bytes: the run looks each key up again in the workers
    (as after a `git checkout`)."""
    for path in root.rglob("*.yaml"):
        path.touch()


# -- damage to the file itself -------------------------------------------------------------


def _truncate(size: Callable[[int], int]) -> Callable[[Path, Path], None]:
    def damage(database: Path, root: Path) -> None:
        with database.open("r+b") as handle:
            handle.truncate(size(database.stat().st_size))

    return damage


def _garbage(database: Path, root: Path) -> None:
    database.write_bytes(random.Random(14).randbytes(64 * 1024))


def _garbage_pages(database: Path, root: Path) -> None:
    """Pages in the middle overwritten: the header is intact, the b-trees are not."""
    size = database.stat().st_size
    with database.open("r+b") as handle:
        handle.seek(size // 3)
        handle.write(random.Random(3).randbytes(size // 3))


def _other_application(database: Path, root: Path) -> None:
    database.unlink()
    _edit(database, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)",
          "INSERT INTO notes VALUES (1, 'not cilint''s')")  # fmt: skip


def _other_shape(database: Path, root: Path) -> None:
    """The tables' names, other columns (an older or newer cilint's)."""
    database.unlink()
    _edit(database, "CREATE TABLE results (key TEXT PRIMARY KEY, value BLOB, size INTEGER)",
          "CREATE TABLE stats (root TEXT, value BLOB)")  # fmt: skip


def _no_shape_mark(database: Path, root: Path) -> None:
    """This version's tables, but no mark of their shape (as cilint wrote them before it
    kept one)."""
    _edit(database, "PRAGMA user_version = 0")


def _forged_shape(database: Path, root: Path) -> None:
    """The right mark on a table of another shape: found when a query fails (with no stored
    run to answer, the results are read)."""
    _edit(database, "DROP TABLE results", "CREATE TABLE results (k TEXT, v BLOB)",
          "DELETE FROM runs")  # fmt: skip


def _stray_wal_and_shm(database: Path, root: Path) -> None:
    """Garbage -wal and -shm files beside an intact database (SQLite checks a WAL's header
    and checksums, and rebuilds the shared memory of a database nobody has open)."""
    Path(f"{database}-wal").write_bytes(random.Random(5).randbytes(40_000))
    Path(f"{database}-shm").write_bytes(random.Random(6).randbytes(32_768))


def _wal_of_a_deleted_database(database: Path, root: Path) -> None:
    """A real -wal and -shm, of a database since deleted (`rm cache-v6.sqlite3` alone): its
    frames apply to a new, empty file."""
    db = sqlite3.connect(database)
    db.execute("PRAGMA wal_autocheckpoint = 0")  # the frames stay in the -wal
    db.execute("DELETE FROM runs")
    db.execute("UPDATE results SET value = value")
    db.commit()
    kept = {suffix: Path(f"{database}{suffix}").read_bytes() for suffix in ("-wal", "-shm")}
    db.close()
    database.unlink()
    for suffix, content in kept.items():
        Path(f"{database}{suffix}").write_bytes(content)
    assert len(kept["-wal"]) > 3 * 4096  # frames of several pages, not the whole file


DAMAGE = {
    "empty-file": _truncate(lambda size: 0),
    "cut-in-the-header": _truncate(lambda size: 60),
    "first-page-only": _truncate(lambda size: 4096),
    "cut-in-half": _truncate(lambda size: size // 2),
    "garbage": _garbage,
    "garbage-pages": _garbage_pages,
    "another-application": _other_application,
    "tables-of-another-shape": _other_shape,
    "no-shape-mark": _no_shape_mark,
    "forged-shape-mark": _forged_shape,
    "stray-wal-and-shm": _stray_wal_and_shm,
    "wal-of-a-deleted-database": _wal_of_a_deleted_database,
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_database_is_rebuilt(
    tree: Path,
    clean: subprocess.CompletedProcess[str],
    tmp_path: Path,
    damage: Callable[[Path, Path], None],
) -> None:
    cache = tmp_path / "cache"
    database = _warm(tree, cache)
    damage(database, tree)
    _same_as_clean(_check(tree, "--cache-dir", str(cache)), clean)
    again = _check(tree, "--cache-dir", str(cache))
    assert _same_as_clean(again, clean) == [], "the cache was not rebuilt"
    db = sqlite3.connect(database)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("SELECT count(*) FROM runs").fetchone() == (1,)
    db.close()


def test_the_warning_says_what_was_done(
    tree: Path, clean: subprocess.CompletedProcess[str], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    database = _warm(tree, cache)
    _garbage(database, tree)
    warnings = _same_as_clean(_check(tree, "--cache-dir", str(cache)), clean)
    assert warnings == [
        f"cilint: warning: cache rebuilt: {database} was damaged (file is not a database)"
    ]
    _other_shape(database, tree)
    warnings = _same_as_clean(_check(tree, "--cache-dir", str(cache)), clean)
    assert warnings == [
        f"cilint: warning: cache rebuilt: {database} held another version's tables (shape 0)"
    ]


# -- a damaged record in a sound database --------------------------------------------------

NOT_A_RECORD = "x'00112233445566778899'"

RECORDS = {
    # Every result: a warm run loads them (misses), and the workers find them again by key.
    "results": (f"UPDATE results SET value = {NOT_A_RECORD}", "DELETE FROM runs"),
    "one-result": (
        f"UPDATE results SET value = {NOT_A_RECORD} WHERE key = (SELECT min(key) FROM results)",
        "DELETE FROM runs",
    ),
    "stats": (f"UPDATE stats SET value = {NOT_A_RECORD}",),
    "stats-and-run": (f"UPDATE stats SET value = {NOT_A_RECORD}", "DELETE FROM runs"),
    "stored-run": (f"UPDATE runs SET value = {NOT_A_RECORD}",),
    "walk": (f"UPDATE snapshots SET value = {NOT_A_RECORD}",),
    "everything": (
        f"UPDATE results SET value = {NOT_A_RECORD}",
        f"UPDATE stats SET value = {NOT_A_RECORD}",
        f"UPDATE runs SET value = {NOT_A_RECORD}",
        f"UPDATE snapshots SET value = {NOT_A_RECORD}",
    ),
}


# Each record with two workers and the inputs' stats as recorded; the results also looked up
# again by key (touched inputs), in the workers and in the run's own process (-j 1).
RECORD_CASES = [
    *((name, False, "2") for name in RECORDS),
    *((name, touched, jobs) for name in ("results", "everything")
      for touched, jobs in ((True, "2"), (True, "1"), (False, "1"))),
]  # fmt: skip


@pytest.mark.parametrize(
    ("record", "touched", "jobs"),
    RECORD_CASES,
    ids=[f"{name}-{'touched' if touched else 'same-stats'}-j{jobs}" for name, touched, jobs
         in RECORD_CASES],
)  # fmt: skip
def test_a_record_that_does_not_decode_is_a_miss(
    tree: Path,
    clean: subprocess.CompletedProcess[str],
    tmp_path: Path,
    record: str,
    touched: bool,
    jobs: str,
) -> None:
    cache = tmp_path / "cache"
    database = _warm(tree, cache)
    _edit(database, *RECORDS[record])
    if touched:
        _touch_inputs(tree)
    done = _check(tree, "--cache-dir", str(cache), "-j", jobs)
    assert _same_as_clean(done, clean) == [], "a damaged record is read around, silently"
    again = _check(tree, "--cache-dir", str(cache), "-j", jobs)
    assert _same_as_clean(again, clean) == []
    db = sqlite3.connect(database)
    blobs = [value for (value,) in db.execute("SELECT value FROM results")]
    db.close()
    assert bytes.fromhex(NOT_A_RECORD[2:-1]) not in blobs, "damaged results not stored again"


def test_a_path_run_reads_around_damaged_results(tmp_path: Path) -> None:
    """A PATH run loads only the results its files need (`cilint.cache.closure`)."""
    root = tmp_path / "tree"
    shutil.copytree(EXAMPLES, root)
    path = "ci-operator/config/acme"
    expected = run_cilint("check", "--root", str(root), "--no-cache", "--format", "json", path,
                          cwd=root)  # fmt: skip
    cache = tmp_path / "cache"
    database = _warm(root, cache)
    _edit(database, *RECORDS["everything"])
    done = run_cilint("check", "--root", str(root), "--cache-dir", str(cache), "--format",
                      "json", path, cwd=root)  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (
        expected.returncode,
        expected.stdout,
        expected.stderr,
    )


def test_explain_reads_around_a_damaged_index(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ("explain", "--root", str(EXAMPLES), "--cache-dir", str(cache), "acme/widget:widget")
    first = run_cilint(*args)
    assert first.returncode == 0 and "Produced by:" in first.stdout
    database = cache / FILE_NAME
    for statement in (
        f"UPDATE tag_index SET value = {NOT_A_RECORD}",
        f"UPDATE tag_index_heads SET value = {NOT_A_RECORD}",
        f"UPDATE tag_index_heads SET value = CAST('abc' || x'00' || {NOT_A_RECORD} AS BLOB)",
    ):
        _edit(database, statement)
        done = run_cilint(*args)
        assert (done.returncode, done.stdout, done.stderr) == (0, first.stdout, "")


# -- a pickle planted in the cache ---------------------------------------------------------
# A cache folder restored in CI from another job is anyone's bytes: reading it must never run
# code, as unpickling a record would.


class _Creates:
    """Unpickled, this creates the file at `path`: a stand-in for any code."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.path), "w")


def _planted(database: Path, tables: dict[str, Path]) -> None:
    """Each table's records (the stats, the walk, explain's index head) replaced by a pickle
    that creates the file given for the table."""
    db = sqlite3.connect(database)
    for table, path in tables.items():
        payload = pickle.dumps(_Creates(path), pickle.HIGHEST_PROTOCOL)
        if table == "tag_index_heads":  # stored as its build id, a NUL, the LZ4-packed head
            (head,) = db.execute("SELECT value FROM tag_index_heads").fetchone()
            build = bytes(head).partition(b"\0")[0]
            payload = build + b"\0" + lz4.block.compress(payload, store_size=True)
        assert db.execute(f"UPDATE {table} SET value = ?", (payload,)).rowcount == 1, table
    db.commit()
    db.close()


def _aged_copy(source: Path, tmp_path: Path) -> Path:
    """A copy of `source` with its folders' times in the past, as a checkout's are: a walk of
    folders changed in the last two seconds is not kept (`discovery.RACY_NS`)."""
    root = tmp_path / "tree"
    shutil.copytree(source, root, symlinks=True)
    past = time.time_ns() - 100_000_000_000
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        os.utime(folder, ns=(past, past))
    return root


PLANTED = {"stats": ["stats"], "walk": ["snapshots"], "both": ["stats", "snapshots"]}


@pytest.mark.parametrize("tables", PLANTED.values(), ids=PLANTED.keys())
def test_a_pickle_planted_in_the_cache_never_runs(
    tree: Path, tmp_path: Path, tables: list[str]
) -> None:
    root = _aged_copy(tree, tmp_path)
    expected = _check(root, "--no-cache")
    cache = tmp_path / "cache"
    planted = {table: tmp_path / f"ran-from-{table}" for table in tables}
    _planted(_warm(root, cache), planted)
    for _ in range(2):  # and the run after it
        done = _check(root, "--cache-dir", str(cache))
        assert [path.name for path in planted.values() if path.exists()] == []
        assert _same_as_clean(done, expected) == [], "a planted record is read around, silently"


PLANTED_INDEX = {
    "head": ["tag_index_heads"],
    "head-stats-and-walk": ["tag_index_heads", "stats", "snapshots"],
}


@pytest.mark.parametrize("tables", PLANTED_INDEX.values(), ids=PLANTED_INDEX.keys())
def test_a_pickle_planted_in_explains_index_never_runs(tmp_path: Path, tables: list[str]) -> None:
    root = _aged_copy(EXAMPLES, tmp_path)
    args = ("explain", "--root", str(root), "acme/widget:widget")
    expected = run_cilint(*args, "--no-cache")
    assert expected.returncode == 0 and "Produced by:" in expected.stdout
    cache = tmp_path / "cache"
    first = run_cilint(*args, "--cache-dir", str(cache))  # builds the index
    assert (first.returncode, first.stdout, first.stderr) == (0, expected.stdout, "")
    planted = {table: tmp_path / f"ran-from-{table}" for table in tables}
    _planted(cache / FILE_NAME, planted)
    for _ in range(2):
        done = run_cilint(*args, "--cache-dir", str(cache))
        assert [path.name for path in planted.values() if path.exists()] == []
        assert (done.returncode, done.stdout, done.stderr) == (0, expected.stdout, "")


def test_another_format_beside_it_is_left_alone(
    tree: Path, clean: subprocess.CompletedProcess[str], tmp_path: Path
) -> None:
    """An older cilint's cache (another FORMAT: another file name) is neither read nor
    touched: that cilint may still be in use."""
    cache = tmp_path / "cache"
    cache.mkdir()
    older = cache / f"cache-v{FORMAT - 1}.sqlite3"
    _edit(older, "CREATE TABLE results (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
          f"INSERT INTO results VALUES ('k', {NOT_A_RECORD})")  # fmt: skip
    newer = cache / f"cache-v{FORMAT + 1}.sqlite3"
    newer.write_bytes(b"a format this cilint does not know")
    before = {p.name: p.read_bytes() for p in (older, newer)}
    for _ in range(2):
        assert _same_as_clean(_check(tree, "--cache-dir", str(cache)), clean) == []
    assert {p.name: p.read_bytes() for p in (older, newer)} == before
    assert (cache / FILE_NAME).is_file()
