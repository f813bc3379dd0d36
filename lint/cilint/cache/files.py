"""Where the cache lives: its folder, and its database file, named by the records' format so
that a cilint reading another format never opens it, and `cilint cache clean`. Apart from the
store, so that finding the file costs no more than these lines."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from cilint.printable import is_utf8

# 5: results and runs are LZ4-compressed MessagePack records (cilint.cache.codec); 6: the stats,
# the walk and explain's index head are MessagePack too (5 pickled them: reading could run code)
FORMAT = 6
FILE_NAME = f"cache-v{FORMAT}.sqlite3"


def path_key(path: str) -> str:
    """A path as SQLite text, which must be UTF-8: a name that is not (bytes kept by Python as
    surrogates) becomes a NUL, which no path holds, and its bytes in hex."""
    return path if is_utf8(path) else "\0" + os.fsencode(path).hex()


def default_directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cilint"


# Every format's file: a run leaves other formats alone (another install may still use them),
# so without this a cache of an older cilint would never be removed.
_CACHE_FILE = re.compile(r"cache-v[0-9]+\.sqlite3(?:-wal|-shm)?")


def clean(directory: Path) -> list[str]:
    """Delete the cache files of every format in `directory`, and nothing else there; the
    names deleted."""
    try:
        names = sorted(name for name in os.listdir(directory) if _CACHE_FILE.fullmatch(name))
    except (FileNotFoundError, NotADirectoryError):
        return []
    for name in names:
        with contextlib.suppress(FileNotFoundError):  # another clean, or SQLite, was first
            (directory / name).unlink()
    return names
