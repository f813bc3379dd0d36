"""The work a run hands to worker processes: the per-file stage and the positions of findings.

Everything a cold run does per file happens in the workers, so the main process only stats
files, collects results and builds the graph:

- read the file, hash it into its cache key (`cilint.cache.file_key`),
- look the key up in the cache (a file whose stat changed but whose bytes did not, e.g. after
  a `git checkout`, is not analysed again),
- analyse it and encode the result once (`cilint.cache.codec`): the same bytes travel back to the
  main process and go into the cache, so the main process never encodes a result.

A worker opens its own connection to the cache (SQLite connections must not cross a fork).
The pool is created on first use and shared by both stages of a run.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

import msgspec

from cilint.cache.codec import encode
from cilint.cache.index import mentions
from cilint.cache.keys import file_key
from cilint.cache.store import ResultCache
from cilint.facts.model import Location
from cilint.facts.positions import Positions
from cilint.inputs.discovery import InputFile
from cilint.inputs.reading import read_bytes, why_unread
from cilint.pipeline.per_file import analyze, warm_up
from cilint.tags import Registries

T = TypeVar("T")
R = TypeVar("R")
BATCH = 64  # files per task: large enough to hide the IPC, small enough to balance the cores


@dataclass(frozen=True)
class Job:
    """What every per-file task needs besides its files (sent with each batch)."""

    root: str
    salt: str
    disabled: frozenset[str]
    registries: Registries
    cache_directory: Path | None
    max_file_size: int  # bytes; a larger input is read only that far (and not analysed)


class Outcome(NamedTuple):
    """One file through the per-file stage."""

    path: str
    key: str  # "" when the file could not be read
    blob: bytes  # the encoded FileResult (`cilint.cache.codec`)
    fresh: bool  # analysed now (so the cache does not hold it yet)
    error: str | None = None  # why the file could not be read
    names: bytes = b""  # what a fresh result mentions (`cilint.cache.index`), as `_NAMES` encodes


_NAMES = msgspec.msgpack.Encoder()
_NAMES_DECODER = msgspec.msgpack.Decoder(list[str])


class Fresh:
    """The results analysed in a run, on their way to the cache (`store`).

    It pickles as two joined buffers with their ends: one pickle of a few big objects instead
    of one per result, on the way from the main process to the worker that stores them."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._blobs: list[bytes] = []
        self._names: list[bytes] = []

    def add(self, key: str, blob: bytes, names: bytes) -> None:
        self.keys.append(key)
        self._blobs.append(blob)
        self._names.append(names)

    def __len__(self) -> int:
        return len(self.keys)

    def by_key(self) -> dict[str, tuple[bytes, list[str]]]:
        """key → (encoded result, the names it mentions), as `ResultCache.store` takes them."""
        decode_names = _NAMES_DECODER.decode
        return {
            key: (blob, decode_names(names))
            for key, blob, names in zip(self.keys, self._blobs, self._names, strict=True)
        }

    def __getstate__(self) -> tuple[list[str], bytes, list[int], bytes, list[int]]:
        return (self.keys, *_joined(self._blobs), *_joined(self._names))

    def __setstate__(self, state: tuple[list[str], bytes, list[int], bytes, list[int]]) -> None:
        self.keys, blobs, blob_ends, names, name_ends = state
        self._blobs = _split(blobs, blob_ends)
        self._names = _split(names, name_ends)


def _joined(parts: list[bytes]) -> tuple[bytes, list[int]]:
    ends, end = [], 0
    for part in parts:
        end += len(part)
        ends.append(end)
    return b"".join(parts), ends


def _split(joined: bytes, ends: list[int]) -> list[bytes]:
    starts = [0, *ends]  # one more than the ends: the last start is no part's
    return [joined[start:end] for start, end in zip(starts, ends, strict=False)]


# Per process, opened on first use; a pool forks only from a process that holds none.
_caches: dict[Path, ResultCache] = {}


def _worker_cache(job: Job) -> ResultCache | None:
    if job.cache_directory is None:
        return None
    cache = _caches.get(job.cache_directory)
    if cache is None:
        cache = ResultCache(job.cache_directory, Path(job.root), job.salt, primary=False)
        _caches[job.cache_directory] = cache
    return cache


def analyse_batch(job: Job, batch: list[InputFile]) -> list[Outcome]:
    """Read, key, and look up or analyse each file of `batch`."""
    outcomes: list[Outcome] = []
    read: list[tuple[InputFile, str, bytes]] = []
    for item in batch:
        try:
            # One byte more than the limit shows a file is too large (`analyze` says so).
            content = read_bytes(os.path.join(job.root, item.path), job.max_file_size + 1)
        except OSError as err:
            outcomes.append(Outcome(item.path, "", b"", False, why_unread(err)))
            continue
        read.append((item, file_key(job.salt, item.path, content), content))
    cache = _worker_cache(job)
    found = cache.blobs([key for _, key, _ in read]) if cache else {}
    for item, key, content in read:
        blob = found.get(key)
        if blob is not None:
            outcomes.append(Outcome(item.path, key, blob, False))
            continue
        result = analyze(item, content, job.disabled, job.registries, job.max_file_size)
        blob = encode(result)
        names = mentions(result.facts, skipped=result.skipped is not None)
        outcomes.append(Outcome(item.path, key, blob, True, names=_NAMES.encode(list(names))))
    return outcomes


def store(
    job: Job,
    fresh: Fresh,
    stats: dict[str, tuple[int, int, str]],
    vanished: list[str],
) -> str | None:
    """`ResultCache.store` in a worker: the main process builds the graph meanwhile (a thread
    would hold the GIL for every row). Returns the first database error this worker met, in
    words (the main process warns about it, once)."""
    cache = _worker_cache(job)
    if cache is None:
        return None
    cache.store(fresh.by_key(), stats, vanished)
    return cache.problem


def locate_batch(root: str, locations: list[Location]) -> list[Location]:
    """Resolve each location to its line and column (callers group them by file): the places
    of a run's findings, which come from the facts of files the run parsed."""
    positions = Positions(Path(root), parsed=True)
    return [positions.locate(location) for location in locations]


# What a worker must not die of while the main process decides: Ctrl-C reaches every process
# of the terminal's group, and only the main process stops the run (`Workers.abort`).
_HELD = {signal.SIGINT, signal.SIGTERM}
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _ignore_interrupts(parent: int) -> None:
    """A worker's initializer: Ctrl-C is the main process's to handle (it terminates the
    workers), and on Linux a worker dies with the main process, even if that one is killed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # the main process died before the line above
                os._exit(1)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while workers fork: a child inherits the mask, so neither can
    reach it before its initializer ignores them (a Ctrl-C then would print its traceback)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:  # a signal that came meanwhile is delivered here, to this process
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Progress(Protocol):
    """Told how many of a run's files the per-file stage has analysed (after each batch, not
    each file); `end` when it is over, or failed."""

    def advance(self, done: int, total: int) -> None: ...

    def end(self) -> None: ...


class Workers:
    """A process pool of `jobs` workers (0: one per core), forked on first use; with one job,
    or for little work, tasks run in this process instead."""

    def __init__(self, jobs: int, minimum: int, progress: Progress | None = None) -> None:
        self.count = jobs or available_cores()
        self.minimum = minimum  # below this many items, workers cost more than they save
        self.progress = progress  # told about the per-file stage (`run.analyse_inputs`)
        self._pool: Executor | None = None
        self._pending: list[Future[Any]] = []

    def map(
        self, task: Callable[..., list[R]], first: object, batches: list[list[T]], items: int
    ) -> Iterator[list[R]]:
        """`task(first, batch)` for each batch, in order, lazily."""
        if self.count <= 1 or items < self.minimum:
            return (task(first, batch) for batch in batches)
        if self._pool is None:
            warm_up()  # compile the validators once, before the workers fork
            context = multiprocessing.get_context(
                "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            )
            self._pool = ProcessPoolExecutor(
                max_workers=self.count,
                mp_context=context,
                initializer=_ignore_interrupts,
                initargs=(os.getpid(),),
            )
        with _signals_held():  # the first submit forks the workers
            return self._pool.map(task, [first] * len(batches), batches)

    def background(self, task: Callable[..., R], *args: object) -> None:
        """Run `task(*args)` in a worker while this process goes on (here and now, without a
        pool); `settle` waits for it."""
        if self._pool is None:
            done: Future[R] = Future()
            done.set_result(task(*args))
            self._pending.append(done)
        else:
            self._pending.append(self._pool.submit(task, *args))

    def settle(self) -> list[object]:
        """Wait for every background task; their results (raising what they raised)."""
        pending, self._pending = self._pending, []
        return [future.result() for future in pending]

    def close(self) -> None:
        self.settle()
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        self._close_caches()

    def abort(self) -> None:
        """Stop now (Ctrl-C, SIGTERM): drop the queued tasks and end the workers, busy or not,
        without waiting for a background store (its transaction is then never committed)."""
        self._pending = []
        pool, self._pool = self._pool, None
        if isinstance(pool, ProcessPoolExecutor):
            # The executor's manager thread may trip over the workers ended under it: that is
            # the abort itself, not news to print (its excepthook is restored after).
            manager = getattr(pool, "_executor_manager_thread", None)
            previous = threading.excepthook

            def quiet(args: threading.ExceptHookArgs) -> None:
                if args.thread is not manager:
                    previous(args)

            threading.excepthook = quiet
            try:
                self._end(pool)
                if manager is not None:
                    manager.join(timeout=1)
            finally:
                threading.excepthook = previous
        self._close_caches()

    @staticmethod
    def _end(pool: ProcessPoolExecutor) -> None:
        # The executor waits for running tasks, even with cancel_futures: end them first.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        results = getattr(pool, "_result_queue", None)  # `shutdown` forgets it
        for process in processes:
            with contextlib.suppress(OSError, ValueError):
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(timeout=0.5)
            if process.is_alive():
                process.kill()
                process.join(timeout=0.5)
        # A worker ended while it sent a result leaves half a message in the result pipe: the
        # executor's manager thread waits for the rest, and this process's own copy of the
        # pipe's writing end kept it from ever reading the end (`abort` waited 1 s for it).
        writer = getattr(results, "_writer", None)
        if writer is not None:
            with contextlib.suppress(OSError):
                writer.close()

    @staticmethod
    def _close_caches() -> None:
        while _caches:  # opened here when the tasks ran in this process
            _caches.popitem()[1].close()


def batches(items: Iterable[T], size: int = BATCH) -> list[list[T]]:
    listed = list(items)
    return [listed[i : i + size] for i in range(0, len(listed), size)]
