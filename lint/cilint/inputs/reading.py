"""A file's bytes, read with raw `os` calls.

A run reads every input once (and the files of its findings once more, for positions), tens of
thousands of small files: `os.read` skips the FileIO and BufferedReader that `open` builds for
each (bench/NOTES.md).
"""

from __future__ import annotations

import os
import sys

_PIECE = 1 << 16


def read_bytes(path: str, limit: int | None = None) -> bytes:
    """The whole file, or its first `limit` bytes; raises OSError as `open` does."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        pieces = []
        left = sys.maxsize if limit is None else limit
        while left > 0 and (piece := os.read(fd, min(_PIECE, left))):
            pieces.append(piece)
            left -= len(piece)
    finally:
        os.close(fd)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)
