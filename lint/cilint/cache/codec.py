"""The bytes of a per-file result, as the workers send it and the cache stores it; and of a
whole run's findings, as the cache keeps them for a run in which nothing changed.

A `FileResult` is encoded as MessagePack by msgspec, its records as arrays in field order
(`cilint.facts.model`), then LZ4-compressed (a block with its size in front). Decoding checks
every field's type, so bytes from another version, or damaged ones, are refused (`RecordError`)
instead of half-read.

The bytes cross the pipe from a worker to the main process, again to the worker that stores
them, and go into the cache: compressed, a quarter of them (bench/bench_records.py,
bench/NOTES.md).
"""

from __future__ import annotations

from typing import TypeVar

import lz4.block
import msgspec

from cilint.facts.result import FileResult
from cilint.findings import Finding


class StoredRun(msgspec.Struct, frozen=True, array_like=True):
    """A whole run's findings (resolved), with the files checked and skipped."""

    findings: list[Finding]
    checked: list[str]
    skipped: list[tuple[str, str]]
    # Left out by `# cilint: ignore[...]` comments and `per_file_ignores` (counted, not shown).
    suppressed: list[Finding] = msgspec.field(default_factory=list)


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(FileResult)
_RUN_DECODER = msgspec.msgpack.Decoder(StoredRun)
T = TypeVar("T")
_LARGEST = 1 << 28  # a declared size beyond this is damage, not a result (256 MiB)


class RecordError(ValueError):
    """Bytes that are not an encoded record (`FileResult`, `StoredRun`) of this version."""


def encode(result: FileResult) -> bytes:
    blob: bytes = lz4.block.compress(_ENCODER.encode(result), store_size=True)  # lz4: untyped
    return blob


def decode(blob: bytes) -> FileResult:
    return _decoded(_DECODER, blob)


def encode_run(run: StoredRun) -> bytes:
    """As `encode`, for a whole run's findings (bench/NOTES.md)."""
    blob: bytes = lz4.block.compress(_ENCODER.encode(run), store_size=True)
    return blob


def decode_run(blob: bytes) -> StoredRun:
    return _decoded(_RUN_DECODER, blob)


def _decoded(decoder: msgspec.msgpack.Decoder[T], blob: bytes) -> T:
    if len(blob) < 4 or int.from_bytes(blob[:4], "little") > _LARGEST:
        raise RecordError("not a compressed record")
    try:
        return decoder.decode(lz4.block.decompress(blob))
    except (lz4.block.LZ4BlockError, msgspec.DecodeError, msgspec.ValidationError) as err:
        raise RecordError(str(err)) from None
