"""Cache keys: of one file's result (its path, bytes and the run's salt), and of a whole run."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def file_key(salt: str, path: str, content: bytes) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(salt.encode())
    digest.update(b"\0")
    digest.update(path.encode())
    digest.update(b"\0")
    digest.update(content)
    return digest.hexdigest()


def run_key(salt: str, keys: Iterable[tuple[str, str]]) -> str:
    digest = hashlib.blake2b(digest_size=20)
    digest.update(salt.encode())
    # One update of the joined text: the same digest as one update per pair, in one call.
    digest.update("".join(f"\0{path}\0{key}" for path, key in sorted(keys)).encode())
    return digest.hexdigest()
