"""The tables of `cilint explain`'s index of tags (`cilint.explain.index`) in the cache
database: one head per root and configuration (what the index was built from, and how to tell
it still holds), and the rows of one build under its id (a tag, a stream or a namespace each).

Values are LZ4-compressed (a sixth of the bytes: paths and field names repeat), which makes
storing an index of 30,000 configs and reading its busiest rows cheaper than the raw bytes.
Reading needs only sqlite3 and lz4, so that an answer from the index starts no more than it needs.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

import lz4.block

TABLES = """
CREATE TABLE IF NOT EXISTS tag_index_heads (
    root TEXT NOT NULL, scope TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (root, scope));
CREATE TABLE IF NOT EXISTS tag_index (
    build TEXT NOT NULL, name TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (build, name)) WITHOUT ROWID;
"""


def write(
    db: sqlite3.Connection,
    root: str,
    scope: str,
    build: str,
    head: bytes,
    rows: Mapping[str, bytes],
) -> None:
    """Replace the index of (root, scope) by build `build`, in one transaction."""
    db.execute("BEGIN IMMEDIATE")
    try:
        old = db.execute(
            "SELECT value FROM tag_index_heads WHERE root = ? AND scope = ?", (root, scope)
        ).fetchone()
        if old is not None:
            db.execute("DELETE FROM tag_index WHERE build = ?", (_build_of(bytes(old[0])),))
        db.executemany(
            "INSERT OR REPLACE INTO tag_index VALUES (?, ?, ?)",
            ((build, name, _packed(value)) for name, value in sorted(rows.items())),
        )
        db.execute(
            "INSERT OR REPLACE INTO tag_index_heads VALUES (?, ?, ?)",
            (root, scope, _with_build(build, _packed(head))),
        )
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # SQLite rolls back itself after an I/O error or a full disk
            db.execute("ROLLBACK")
        raise


def _packed(value: bytes) -> bytes:
    packed: bytes = lz4.block.compress(value, store_size=True)  # lz4 is untyped
    return packed


def _unpacked(value: bytes) -> bytes | None:
    try:
        unpacked: bytes = lz4.block.decompress(value)
    except (lz4.block.LZ4BlockError, ValueError):  # damaged: no index
        return None
    return unpacked


def _with_build(build: str, head: bytes) -> bytes:
    """The head as stored: the build id, a NUL, then the head's own bytes."""
    return build.encode() + b"\0" + head


def _build_of(stored: bytes) -> str:
    return stored.split(b"\0", 1)[0].decode()


class Reader:
    """The index as one read-only connection sees it; every miss or error reads as None."""

    def __init__(self, path: Path) -> None:
        self._db: sqlite3.Connection | None = None
        if path.is_file():
            with contextlib.suppress(sqlite3.Error):
                self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)

    def head(self, root: str, scope: str) -> tuple[str, bytes] | None:
        """(build id, head) of the index of (root, scope)."""
        row = self._query(
            "SELECT value FROM tag_index_heads WHERE root = ? AND scope = ?", (root, scope)
        )
        if not row:
            return None
        value = row[0][0]
        assert isinstance(value, bytes)
        build, _, head = value.partition(b"\0")
        unpacked = _unpacked(head)
        return None if unpacked is None else (build.decode(), unpacked)

    def rows(self, build: str, names: Iterable[str]) -> dict[str, bytes]:
        wanted = sorted(set(names))
        marks = ",".join("?" * len(wanted))
        found = self._query(
            f"SELECT name, value FROM tag_index WHERE build = ? AND name IN ({marks})",
            (build, *wanted),
        )
        rows = {}
        for name, value in found or ():
            unpacked = _unpacked(value) if isinstance(value, bytes) else None
            if unpacked is not None:
                rows[str(name)] = unpacked
        return rows

    def _query(self, sql: str, parameters: tuple[str, ...]) -> list[tuple[object, ...]] | None:
        if self._db is None:
            return None
        try:
            return self._db.execute(sql, parameters).fetchall()
        except sqlite3.Error:  # no such table yet, a locked or damaged file: no index
            return None

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
