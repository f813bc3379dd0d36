"""A file's bytes, read with raw `os` calls.

A run reads every input once (and the files of its findings once more, for positions), tens of
thousands of small files: `os.read` skips the FileIO and BufferedReader that `open` builds for
each (bench/NOTES.md).

The tree may change between the walk and the read: a file that became a symbolic link is not
followed (nothing outside the root is read), and one that became a FIFO or a device is not read
either (a FIFO would block the run, a device would never end).
"""

from __future__ import annotations

import errno
import os
import stat
import sys

_PIECE = 1 << 16
_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)  # opening a FIFO returns at once, to be refused below
    | getattr(os, "O_CLOEXEC", 0)
)
NOT_REGULAR = "not a regular file"
SYMBOLIC_LINK = "a symbolic link, not followed"


def read_bytes(path: str, limit: int | None = None) -> bytes:
    """The whole regular file, or its first `limit` bytes; raises OSError as `open` does, and
    for a symbolic link or a file that is not regular (with `why_unread`'s words)."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as err:
        if err.errno == errno.ELOOP:  # O_NOFOLLOW's answer for a link
            raise OSError(errno.ELOOP, SYMBOLIC_LINK, path) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, NOT_REGULAR, path)
        pieces = []
        left = sys.maxsize if limit is None else limit
        while left > 0 and (piece := os.read(fd, min(_PIECE, left))):
            pieces.append(piece)
            left -= len(piece)
    finally:
        os.close(fd)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


GONE = "deleted during the run"
CANNOT_READ = "cannot read"  # how every reason for an input that could not be read starts


def why_unread(err: OSError) -> str:
    """Why an input found on the walk has no result: gone since, or unreadable (the reason
    then starts with `CANNOT_READ`, which `cilint check` warns about)."""
    if err.errno == errno.ENOENT:
        return GONE
    return f"{CANNOT_READ}: {err.strerror or err}"
