"""The bytes of a per-file result, as the workers send it and the cache stores it; and of a
whole run's findings, as the cache keeps them for a run in which nothing changed.

A `FileResult` is encoded as MessagePack by msgspec, its records as arrays in field order
(`cilint.facts.model`), then LZ4-compressed (a block with its size in front). Decoding checks
every field's type, so bytes from another version, or damaged ones, are refused (`RecordError`)
instead of half-read.

Measured per file by bench/bench_records.py (1,000 generated configs): pickling the NamedTuples
these records were took ~28 µs to encode and ~14 µs to decode (pickle calls back into Python
for each NamedTuple), in ~1,490 bytes; MessagePack takes ~2 µs and ~8 µs, in ~2,760 bytes (it
does not share repeated strings, such as each place's path); with LZ4 ~4 µs and ~10 µs, in ~600
bytes. Those bytes cross the pipe from a worker to the main process, again to the worker that
stores them, and go into the cache's write-ahead log and then its database: at 30,000 configs
~25 MB each time instead of ~100 MB (measured: a cold run 5.0 s → 4.5 s, the cache 160 → 55 MB).
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


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(FileResult)
_RUN_DECODER = msgspec.msgpack.Decoder(StoredRun)
T = TypeVar("T")
_LARGEST = 1 << 28  # a declared size beyond this is damage, not a result (256 MiB)


class RecordError(ValueError):
    """Bytes that are not an encoded record (`FileResult`, `StoredRun`) of this version."""


def encode(result: FileResult) -> bytes:
    return lz4.block.compress(_ENCODER.encode(result), store_size=True)


def decode(blob: bytes) -> FileResult:
    return _decoded(_DECODER, blob)


def encode_run(run: StoredRun) -> bytes:
    """Measured with the 21,753 findings of the 30,000-config tree: 0.015 s to encode and
    0.022 s to decode, where pickle took 0.066 s and 0.042 s."""
    return lz4.block.compress(_ENCODER.encode(run), store_size=True)


def decode_run(blob: bytes) -> StoredRun:
    return _decoded(_RUN_DECODER, blob)


def _decoded(decoder: msgspec.msgpack.Decoder[T], blob: bytes) -> T:
    if len(blob) < 4 or int.from_bytes(blob[:4], "little") > _LARGEST:
        raise RecordError("not a compressed record")
    try:
        return decoder.decode(lz4.block.decompress(blob))
    except (lz4.block.LZ4BlockError, msgspec.DecodeError, msgspec.ValidationError) as err:
        raise RecordError(str(err)) from None
