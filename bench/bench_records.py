"""Shipping per-file results: MessagePack records vs pickled NamedTuples, in the same run.

    python3 dev.py bench            # or: .venv/bin/python bench/bench_records.py [--configs N]

Analyses every input of a generated tree (bench/generate_tree.py, 1,000 configs by default),
then times, best of 5 rounds, per file:
  pickle-nt   pickle of the same results with every record as a NamedTuple (the records before
              cilint.cache.codec: pickle calls back into Python for each NamedTuple)
  pickle      pickle of the results as they are (msgspec Structs)
  msgpack     msgspec's MessagePack alone
  records     cilint.cache.codec.encode / decode: MessagePack, LZ4-compressed (what the workers
              and the cache use)
and prints µs per file each way, bytes per file, and each ratio against `pickle-nt`.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import time
from collections import namedtuple

import msgspec

from bench_scale import tree  # the generated tree, cached under bench/out/
from cilint.cache.codec import decode, encode
from cilint.config.settings import load_settings
from cilint.facts.result import FileResult
from cilint.inputs.discovery import discover
from cilint.pipeline.per_file import analyze

_TWINS: dict[type, type] = {}
_MSGPACK = msgspec.msgpack.Encoder()
_MSGPACK_DECODER = msgspec.msgpack.Decoder(FileResult)


def _twin(cls: type) -> type:
    """A NamedTuple class with the fields of a Struct class (module-level, so it pickles)."""
    if cls not in _TWINS:
        twin = namedtuple(f"Twin{cls.__name__}", cls.__struct_fields__)  # type: ignore[attr-defined]
        globals()[twin.__name__] = twin
        _TWINS[cls] = twin
    return _TWINS[cls]


def as_namedtuples(value: object) -> object:
    if isinstance(value, msgspec.Struct):
        fields = value.__struct_fields__
        return _twin(type(value))(*(as_namedtuples(getattr(value, f)) for f in fields))
    if isinstance(value, tuple):
        return tuple(as_namedtuples(v) for v in value)
    return value


def best(rounds: int, work) -> float:  # noqa: ANN001 - a callable of no arguments
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    root = tree(args.configs)
    settings = load_settings(root)
    inventory = discover(settings.root, settings.layout, settings.exclude)
    registries = settings.policy.registries
    results = [  # as the per-file stage builds them (strings shared, as pickle sees them)
        analyze(item, (root / item.path).read_bytes(), registries=registries)
        for item in inventory.files
    ]
    twins = [as_namedtuples(r) for r in results]
    count = len(results)
    gc.disable()  # as in a run (the pipeline session pauses the GC)
    rows = []
    for name, items, dump, load in (
        ("pickle-nt", twins, lambda r: pickle.dumps(r, pickle.HIGHEST_PROTOCOL), pickle.loads),
        ("pickle", results, lambda r: pickle.dumps(r, pickle.HIGHEST_PROTOCOL), pickle.loads),
        ("msgpack", results, _MSGPACK.encode, _MSGPACK_DECODER.decode),
        ("records", results, encode, decode),
    ):
        blobs = [dump(r) for r in items]
        assert [load(b) for b in blobs] == items, name  # the round trip is exact
        dumps = best(args.rounds, lambda: [dump(r) for r in items])  # noqa: B023
        loads = best(args.rounds, lambda: [load(b) for b in blobs])  # noqa: B023
        rows.append((name, dumps / count * 1e6, loads / count * 1e6, sum(map(len, blobs)) / count))
    print(f"{count} per-file results of {root.name}, best of {args.rounds}")
    print(f"{'format':10} {'encode µs':>10} {'decode µs':>10} {'bytes':>7} {'×enc':>6} {'×dec':>6}")
    base = rows[0]
    for name, dumps, loads, size in rows:
        print(
            f"{name:10} {dumps:10.1f} {loads:10.1f} {size:7.0f} "
            f"{base[1] / dumps:6.1f} {base[2] / loads:6.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
