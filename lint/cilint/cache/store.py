"""A persistent cache of per-file results, embedded (SQLite; no server to run).

- A file's result is stored under the hash of (its path, its bytes, a salt). The salt holds the
  cilint version, the schemas, the policy and the set of disabled rules, so a change to any of
  them misses the cache instead of reusing stale answers.
- A stat table (root, salt) → {path: (size, mtime, key)} lets a warm run skip reading unchanged
  files; it is one MessagePack row (a row per file was much slower to read), written in the same
  transaction as the results it points to, so an entry implies its result.
- A mentions table (name → key) indexes what each result mentions (`cilint.cache.index`), so a
  run about a few files or one tag loads only the results that matter (`cilint.cache.closure`).
- A snapshot table keeps the last walk of the tree (`cilint.inputs.snapshot`) per root and
  layout, which a warm run checks with a stat per folder and input instead of walking again.
- Two tables hold `cilint explain`'s index of tags (`cilint.cache.tag_index`).
- A run table keeps the findings of a whole run under the hash of every (path, key): when nothing
  changed, `cilint check` answers without building the graph again.
- SQLite in WAL mode makes two runs sharing the cache at once safe; writes are transactions, so a
  crash leaves the previous state. The file's `user_version` holds the shape of the tables
  (`SHAPE`): a database that is damaged or holds other tables is deleted and rebuilt; one that
  cannot be used (read-only, full, locked, an I/O error) is left as it is and the run goes on
  without a cache. Either says so in one warning on stderr, from the run's own connection; a
  worker's (`primary=False`) only stops using it and tells the run (`problem`).
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

import msgspec

from cilint.cache import tag_index
from cilint.cache.codec import RecordError, StoredRun, decode, decode_run, encode_run
from cilint.cache.files import FILE_NAME, path_key
from cilint.facts.result import FileResult
from cilint.printable import is_utf8

T = TypeVar("T")
_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS mentions (
    name TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (name, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats (
    root TEXT NOT NULL, salt TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (root, salt));
CREATE TABLE IF NOT EXISTS runs (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    root TEXT NOT NULL, scope TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (root, scope));
"""
    + tag_index.TABLES
)
# The tables' shape, kept in the database's user_version: a file with other tables (an older
# cilint's, or not cilint's) is rebuilt rather than half-read.
SHAPE = zlib.crc32(_SCHEMA.encode()) & 0x7FFFFFFF or 1
# The stat row, decoded only into this type: unlike a pickle, reading it can never run code, and
# anything of another shape is refused.
_STATS_ENCODER = msgspec.msgpack.Encoder()
_STATS_DECODER = msgspec.msgpack.Decoder(dict[str, tuple[int, int, str]])
# What makes a database worth throwing away: damaged bytes, or tables of another shape (SQLite
# reports a missing table or column as a plain error). Any other error leaves it alone.
_DAMAGE = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_ERROR})


class _OtherShape(sqlite3.DatabaseError):
    """The database holds tables, but not of this `SHAPE`."""


def _damaged(err: BaseException) -> bool:
    if isinstance(err, _OtherShape):
        return True
    code = getattr(err, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in _DAMAGE


def _create_tables(db: sqlite3.Connection) -> None:
    """Create the tables in an empty database and mark it with their shape; one transaction,
    so that runs opening a new cache at once create them once."""
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != SHAPE:
            if version or db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise _OtherShape(f"shape {version}")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SHAPE}")
        db.execute("COMMIT")
    except BaseException:
        _roll_back(db)
        raise


def _roll_back(db: sqlite3.Connection) -> None:
    """Undo the open transaction, unless SQLite already has (it does after an I/O error or a
    full disk, and a ROLLBACK then would fail and hide the error)."""
    if db.in_transaction:
        db.execute("ROLLBACK")


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _in_index_order(blobs: Mapping[str, tuple[bytes, Iterable[str]]]) -> list[tuple[str, str]]:
    """Every (name, key) row of the mentions table, sorted: grouped by name first, which sorts
    255,000 rows in half the time of sorting the pairs (most names repeat)."""
    keys_of: dict[str, list[str]] = {}
    for key in sorted(blobs):
        for name in blobs[key][1]:
            listed = keys_of.get(name)
            if listed is None:
                keys_of[name] = [key]
            else:
                listed.append(key)
    return [(name, key) for name in sorted(keys_of) for key in keys_of[name]]


class ResultCache:
    def __init__(self, directory: Path, root: Path, salt: str = "", primary: bool = True) -> None:
        self.directory = directory
        self.root = path_key(str(root.resolve()))
        self.salt = salt  # stats are per salt: two configurations do not share results
        self.failures = 0  # database errors so far (each answered with a default)
        self.problem: str | None = None  # the first of them, in words
        # The run's own connection warns and rebuilds a damaged file; a worker's does neither.
        self.primary = primary
        self._warned = False
        self.path = directory / FILE_NAME
        self._db: sqlite3.Connection | None = self._open()

    def _connect(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if db.execute("PRAGMA user_version").fetchone()[0] != SHAPE:
                _create_tables(db)
            db.execute("SELECT count(*) FROM results LIMIT 1").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _open(self) -> sqlite3.Connection | None:
        try:
            return self._connect()
        except (sqlite3.Error, OSError) as err:
            if self.primary and _damaged(err):
                return self._rebuilt(err)
            self._failed(err)
            self._warn(f"cache disabled: cannot use {self.path} ({_words(err)})")
            return None

    def _rebuilt(self, damage: BaseException) -> sqlite3.Connection | None:
        """Self-healing: throw the damaged cache away and start again."""
        try:
            _remove(self.path)
            db = self._connect()
        except (sqlite3.Error, OSError) as err:
            self._failed(err)
            self._warn(f"cache disabled: cannot use {self.path} ({_words(err)})")
            return None
        if isinstance(damage, _OtherShape):
            self._warn(f"cache rebuilt: {self.path} held another version's tables ({damage})")
        else:
            self._warn(f"cache rebuilt: {self.path} was damaged ({_words(damage)})")
        return db

    def _safely(self, work: Callable[[sqlite3.Connection], T], default: T) -> T:
        """Run a database call; on a database error return `default`, rebuilding a damaged
        cache and leaving any other alone for the rest of the run."""
        if self._db is None:
            return default
        try:
            return work(self._db)
        except sqlite3.Error as err:
            self._failed(err)
            self.close()
            if self.primary and _damaged(err):
                self._db = self._rebuilt(err)
            else:
                self._warn(f"cache disabled for this run: {self.path} ({_words(err)})")
            return default

    def _failed(self, err: BaseException) -> None:
        self.failures += 1
        self.problem = self.problem or _words(err)

    def _warn(self, text: str) -> None:
        if self.primary and not self._warned:  # one line a run, whatever follows
            self._warned = True
            print(f"cilint: warning: {text}", file=sys.stderr)

    def failed_elsewhere(self, problem: str) -> None:
        """A worker's connection failed (`problem`): the run's results are not all stored, and
        this run stops using the cache."""
        self.failures += 1
        self.problem = self.problem or problem
        self.close()
        self._warn(f"cache disabled for this run: {self.path} ({problem})")

    @property
    def usable(self) -> bool:
        """Open, and no error so far: its answers (the index in particular) are complete."""
        return self._db is not None and self.failures == 0

    def stat_keys(self) -> dict[str, tuple[int, int, str]]:
        """path → (size, mtime_ns, key) recorded for this root and salt."""
        row = self._safely(lambda db: self._stat_row(db), None)
        return self._decoded_stats(row)

    def _stat_row(self, db: sqlite3.Connection) -> tuple[bytes] | None:
        row: tuple[bytes] | None = db.execute(
            "SELECT value FROM stats WHERE root = ? AND salt = ?", (self.root, self.salt)
        ).fetchone()
        return row

    @staticmethod
    def _decoded_stats(row: tuple[bytes] | None) -> dict[str, tuple[int, int, str]]:
        if row is None:
            return {}
        try:
            return _STATS_DECODER.decode(row[0])
        except Exception:  # noqa: BLE001 - a corrupt entry: every file is read again
            return {}

    def blobs(self, keys: list[str]) -> dict[str, bytes]:
        """key → the stored (encoded) result, for the keys the cache holds."""
        found: dict[str, bytes] = {}

        def read(db: sqlite3.Connection) -> dict[str, bytes]:
            for start in range(0, len(keys), 900):  # SQLite's limit on bound parameters
                chunk = keys[start : start + 900]
                marks = ",".join("?" * len(chunk))
                found.update(
                    db.execute(f"SELECT key, value FROM results WHERE key IN ({marks})", chunk)
                )
            return found

        return self._safely(read, found)

    def results(self, keys: list[str]) -> dict[str, FileResult]:
        """key → the stored result, decoded; an entry that does not decode is a miss."""
        found: dict[str, FileResult] = {}
        for key, blob in self.blobs(keys).items():
            try:
                found[key] = decode(blob)
            except RecordError:
                continue
        return found

    def store(
        self,
        blobs: Mapping[str, tuple[bytes, Iterable[str]]],
        stats: dict[str, tuple[int, int, str]],
        vanished: Iterable[str] = (),
    ) -> None:
        """Store encoded results with the names they mention (key → (blob, names)), record the
        stat of new or changed files and forget the stats of files that are gone; one
        transaction."""

        def write(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?, ?)",
                    ((key, blob) for key, (blob, _) in blobs.items()),
                )
                db.executemany(  # in index order: SQLite inserts them faster
                    "INSERT OR IGNORE INTO mentions VALUES (?, ?)", _in_index_order(blobs)
                )
                recorded = self._decoded_stats(self._stat_row(db))  # as of this transaction
                for path in vanished:
                    recorded.pop(path, None)
                recorded.update(stats)
                db.execute(
                    "INSERT OR REPLACE INTO stats VALUES (?, ?, ?)",
                    (self.root, self.salt, _encoded_stats(recorded)),
                )
                db.execute("COMMIT")
            except BaseException:
                _roll_back(db)
                raise

        self._safely(write, None)

    def mentioning(self, names: Iterable[str]) -> dict[str, set[str]]:
        """key → which of `names` it mentions, for every stored result that mentions one."""
        wanted = sorted(set(names))
        found: dict[str, set[str]] = {}

        def read(db: sqlite3.Connection) -> dict[str, set[str]]:
            for start in range(0, len(wanted), 900):
                chunk = wanted[start : start + 900]
                marks = ",".join("?" * len(chunk))
                for name, key in db.execute(
                    f"SELECT name, key FROM mentions WHERE name IN ({marks})", chunk
                ):
                    found.setdefault(key, set()).add(name)
            return found

        return self._safely(read, found)

    def mentioning_prefix(self, prefix: str) -> dict[str, set[str]]:
        """key → the names starting with `prefix` it mentions (e.g. every tag of a stream)."""
        found: dict[str, set[str]] = {}
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)

        def read(db: sqlite3.Connection) -> dict[str, set[str]]:
            for name, key in db.execute(
                "SELECT name, key FROM mentions WHERE name >= ? AND name < ?", (prefix, end)
            ):
                found.setdefault(key, set()).add(name)
            return found

        return self._safely(read, found)

    def snapshot(self, scope: str) -> bytes | None:
        """The last walk of this root under `scope` (the layout), as stored."""
        row = self._safely(
            lambda db: db.execute(
                "SELECT value FROM snapshots WHERE root = ? AND scope = ?", (self.root, scope)
            ).fetchone(),
            None,
        )
        return None if row is None else bytes(row[0])

    def store_snapshot(self, scope: str, blob: bytes) -> None:
        self._safely(
            lambda db: db.execute(
                "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?)", (self.root, scope, blob)
            ),
            None,
        )

    def store_tag_index(self, scope: str, build: str, head: bytes, rows: dict[str, bytes]) -> None:
        """Replace this root's index of tags under `scope` (`cilint.cache.tag_index`)."""
        self._safely(lambda db: tag_index.write(db, self.root, scope, build, head, rows), None)

    def run(self, key: str) -> StoredRun | None:
        """The findings of the whole run under `key`; one that does not decode is a miss."""
        row = self._safely(
            lambda db: db.execute("SELECT value FROM runs WHERE key = ?", (key,)).fetchone(), None
        )
        if row is None:
            return None
        try:
            return decode_run(row[0])
        except RecordError:
            return None

    def store_run(self, key: str, value: StoredRun) -> None:
        try:
            blob = encode_run(value)
        except OverflowError:  # beyond what LZ4 compresses at once: answered whole next time
            self.failures += 1
            return

        def write(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM runs")  # only the newest run is worth keeping
                db.execute("INSERT INTO runs VALUES (?, ?)", (key, blob))
                db.execute("COMMIT")
            except BaseException:  # Ctrl-C too: never an empty runs table committed later
                _roll_back(db)
                raise

        self._safely(write, None)

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _encoded_stats(stats: dict[str, tuple[int, int, str]]) -> bytes:
    try:
        return _STATS_ENCODER.encode(stats)
    except UnicodeEncodeError:  # a path that is not UTF-8 (MessagePack holds UTF-8): not kept
        return _STATS_ENCODER.encode({p: v for p, v in stats.items() if is_utf8(p)})


def _words(err: BaseException) -> str:
    """An error in a few words (an OSError's without its errno)."""
    if isinstance(err, OSError) and err.strerror:
        return f"{err.filename}: {err.strerror}" if err.filename else err.strerror
    return str(err)
