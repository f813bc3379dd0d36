"""Where the cache lives: its folder, and its database file, named by the records' format so
that a cilint reading another format never opens it. Apart from the store, so that finding the
file costs no more than these lines."""

from __future__ import annotations

import os
from pathlib import Path

FORMAT = 5  # 5: results and runs are LZ4-compressed MessagePack records (cilint.cache.codec)
FILE_NAME = f"cache-v{FORMAT}.sqlite3"


def default_directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cilint"
