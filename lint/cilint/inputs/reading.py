"""A file's bytes, read with raw `os` calls.

A run reads every input once (and the files of its findings once more, for positions), tens of
thousands of small files: `os.read` skips the FileIO and BufferedReader that `open` builds for
each (bench/NOTES.md).
"""

from __future__ import annotations

import os

_PIECE = 1 << 16


def read_bytes(path: str) -> bytes:
    """The whole file; raises OSError as `open` does."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        pieces = []
        while piece := os.read(fd, _PIECE):
            pieces.append(piece)
    finally:
        os.close(fd)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)
