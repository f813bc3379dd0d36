"""A discovered inventory kept for the next run, and the check that it still holds.

Walking 11,000 folders of a 30,000-config tree and classifying 39,000 files costs a warm run
most of its time. The walk depends only on which entries each folder holds (their names and
types) and the layout; a file created, removed or renamed changes its folder's times. So a
stat of every folder the walk listed, equal to what the walk saw, proves the inventory still the
tree's without listing or classifying anything (`refresh`, which takes the inputs' stats again
on the way, as an edit changes only those). `unchanged_packed` checks the inputs' stats too, for
records that depend on their content (`cilint explain`'s index).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
from array import array
from collections.abc import Callable
from itertools import chain
from typing import Any

import msgspec

from cilint.inputs.discovery import InputFile, Inventory
from cilint.inputs.kinds import Kind

FORMAT = 3  # 2: columns; 3: MessagePack, not a pickle (reading one could run code)
# From this many stats on, a forked child checks half of them: on two cores it halves the time.
SPLIT_MIN = 4096


class _Walk(msgspec.Struct, array_like=True):
    """An inventory as stored: columns, not records (a list of tuples took five times as long
    to store). Decoded only into this shape: anything else is refused."""

    format: int
    paths: list[str]
    kinds: list[Kind]
    bases: list[str]  # each once: a few layout folders
    base_of: bytes  # each path's index into `bases`, an array("I")
    numbers: bytes  # (size, mtime_ns) of each path, an array("q")
    skipped: list[tuple[str, str]]
    folders: list[str]
    times: bytes  # (mtime_ns, ctime_ns) of each folder, an array("q")


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(_Walk)


def encode(inventory: Inventory) -> bytes | None:
    """The inventory as stored, or None when a later run could not trust it: a folder changed
    too close to the walk, or an input that did not stat. A cold run pays for this before its
    workers start."""
    if any(times is None for times in inventory.folders.values()):
        return None
    stats = inventory.stats
    files = inventory.files
    paths = [item.path for item in files]
    try:
        numbers = array("q", chain.from_iterable(map(stats.__getitem__, paths)))
    except KeyError:  # an input that did not stat
        return None
    times = array("q", chain.from_iterable(inventory.folders.values()))  # type: ignore[arg-type]
    bases: dict[str, int] = {}
    base_of = array("I", [bases.setdefault(item.base, len(bases)) for item in files])
    walk = _Walk(
        FORMAT,
        paths,
        [item.kind for item in files],
        list(bases),
        base_of.tobytes(),
        numbers.tobytes(),
        inventory.skipped,
        list(inventory.folders),
        times.tobytes(),
    )
    try:
        return _ENCODER.encode(walk)
    except UnicodeEncodeError:  # a name that is not UTF-8 (MessagePack holds UTF-8): walk again
        return None


def decode(blob: bytes) -> Inventory | None:
    """The stored inventory, or None when it does not decode."""
    try:
        walk = _DECODER.decode(blob)
        paths = walk.paths
        sizes, times, base_of = array("q"), array("q"), array("I")
        sizes.frombytes(walk.numbers)
        times.frombytes(walk.times)
        base_of.frombytes(walk.base_of)
        if walk.format != FORMAT or not len(paths) == len(walk.kinds) == len(base_of):
            return None
        inventory = Inventory(
            list(map(InputFile, paths, walk.kinds, map(walk.bases.__getitem__, base_of))),
            walk.skipped,
            dict(zip(paths, zip(sizes[0::2], sizes[1::2], strict=True), strict=True)),
            dict(zip(walk.folders, zip(times[0::2], times[1::2], strict=True), strict=True)),
        )
    except Exception:  # noqa: BLE001 - a corrupt entry is a miss: the tree is walked again
        return None
    return inventory


def refresh(root: str, inventory: Inventory) -> bool:
    """Whether every folder the walk listed is unchanged, which makes `inventory` the tree's
    again; if so, its inputs' stats are brought up to date (an edit changes only those)."""
    changes = _changes(root, *_checks(inventory))
    if changes is None:
        return False
    for path, size, mtime in changes:
        if size < 0:  # gone or unreadable since: stat by path later says why
            inventory.stats.pop(path, None)
        else:
            inventory.stats[path] = (size, mtime)
    return True


def pack(inventory: Inventory) -> bytes:
    """What `refresh` checks of `inventory`, in a form that decodes in a few milliseconds
    (`unchanged_packed`): the paths NUL-separated, then two numbers per path."""
    folders, files = _checks(inventory)
    names = "\0".join(path for path, _, _ in folders + files).encode("utf-8", "surrogateescape")
    numbers = array("q", [n for entries in (folders, files) for _, a, b in entries for n in (a, b)])
    return struct.pack("<QQ", len(folders), len(names)) + names + numbers.tobytes()


def unchanged_packed(root: str, packed: bytes) -> bool:
    """Whether every folder and input `pack` packed still has the times (and size) the walk
    recorded; False when `packed` does not decode."""
    return PendingCheck(root, packed, share=0.5).holds()


class PendingCheck:
    """`unchanged_packed` begun: a forked child checks `share` of the walk while the caller
    goes on (an answer computed in the meantime is kept only if the walk `holds`); `holds`
    checks the rest here and waits for the child; `cancel` ends the child unasked."""

    def __init__(self, root: str, packed: bytes, share: float) -> None:
        self._prefix = os.fsencode(root.rstrip("/") + "/")
        self._child: tuple[int, int] | None = None
        self._mine: tuple[bytes, int, int] | None = None  # (names, first index, folders)
        try:
            folders, length = struct.unpack_from("<QQ", packed)
        except struct.error:
            return
        names, self._numbers = packed[16 : 16 + length], packed[16 + length :]
        entries = names.count(b"\0") + 1 if names else 0
        if len(self._numbers) != 16 * entries or folders > entries:
            return
        self._mine = names, 0, folders
        if entries < SPLIT_MIN or not hasattr(os, "fork"):
            return
        # The paths stay bytes, cut at a NUL near `share` of them: each process decodes and
        # stats only its own part.
        cut = names.find(b"\0", int(len(names) * share))
        if cut < 0:
            return
        theirs = names[:cut]
        self._mine = names[cut + 1 :], theirs.count(b"\0") + 1, folders
        self._child = _fork(lambda: self._compare(theirs, 0, folders))

    def _compare(self, names: bytes, first: int, folders: int) -> Changes | None:
        """`_compare` of the packed entries `names` (the first one at index `first`)."""
        numbers = array("q")
        numbers.frombytes(self._numbers[16 * first : 16 * (first + names.count(b"\0") + 1)])
        paths = [self._prefix + name for name in names.split(b"\0")]
        sizes, times = numbers[0::2], numbers[1::2]
        split = max(0, min(len(paths), folders - first))
        return _compare(
            b"",
            list(zip(paths[:split], sizes[:split], times[:split], strict=True)),
            list(zip(paths[split:], sizes[split:], times[split:], strict=True)),
            0,
            1,
        )

    def holds(self) -> bool:
        if self._mine is None:
            return False
        try:
            found = self._compare(*self._mine)
        except BaseException:
            self.cancel()
            raise
        other = _collect(*self._child) if self._child is not None else []
        self._child = None
        return found == [] and other == []

    def cancel(self) -> None:
        if self._child is not None:
            _cancel(*self._child)
            self._child = None


def _checks(
    inventory: Inventory,
) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    folders = [(path, *times) for path, times in inventory.folders.items() if times is not None]
    files = [(path, *stat) for path, stat in inventory.stats.items()]
    return folders, files


Changes = list[tuple[str, int, int]]  # (path, size, mtime_ns) of inputs; size -1: no stat


def _changes(
    root: str, folders: list[tuple[str, int, int]], files: list[tuple[str, int, int]]
) -> Changes | None:
    """The inputs whose stat changed, or None when a folder did."""
    prefix = root.rstrip("/") + "/"
    if len(folders) + len(files) < SPLIT_MIN or not hasattr(os, "fork"):
        return _compare(prefix, folders, files, 0, 1)
    return _split(
        lambda: _compare(prefix, folders, files, 1, 2),
        lambda: _compare(prefix, folders, files, 0, 2),
    )


def _compare(
    prefix: Any,
    folders: list[tuple[Any, int, int]],
    files: list[tuple[Any, int, int]],
    start: int,
    step: int,
) -> Changes | None:
    """`_changes` of every `step`th folder and file from `start`."""
    stat = os.stat
    for path, mtime, ctime in folders[start::step]:
        try:
            st = stat(prefix + path)
        except OSError:
            if mtime == -1:  # absent then, absent now
                continue
            return None
        if st.st_mtime_ns != mtime or st.st_ctime_ns != ctime:
            return None
    changes: Changes = []
    for path, size, mtime in files[start::step]:
        try:
            st = stat(prefix + path)
        except OSError:
            changes.append((path, -1, -1))
            continue
        if st.st_size != size or st.st_mtime_ns != mtime:
            changes.append((path, st.st_size, st.st_mtime_ns))
    return changes


def _split(
    theirs: Callable[[], Changes | None], mine: Callable[[], Changes | None]
) -> Changes | None:
    """Both halves' changes, `theirs` found in a forked child."""
    pid, read = _fork(theirs)
    try:
        found = mine()
    except BaseException:  # Ctrl-C: end the child and reap it, so that none outlives the run
        _cancel(pid, read)
        raise
    other = _collect(pid, read)
    if found is None or other is None:
        return None
    return [*found, *other]


def _fork(work: Callable[[], Changes | None]) -> tuple[int, int]:
    """Start `work` in a forked child, its result pickled into a pipe: (pid, the pipe's end)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no cleanup, no inherited buffers flushed
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                out.write(pickle.dumps(work(), pickle.HIGHEST_PROTOCOL))
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def _collect(pid: int, read: int) -> Changes | None:
    """The forked child's changes; None when it failed (as if something changed: the caller
    walks or loads again)."""
    try:
        with os.fdopen(read, "rb") as into:
            data = into.read()
    except BaseException:
        _cancel(pid, -1)
        raise
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    try:
        changes: Changes | None = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a broken answer: the same
        return None
    return changes


def _cancel(pid: int, read: int) -> None:
    """End the child now and reap it, so that none outlives the run."""
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)
    if read >= 0:
        with contextlib.suppress(OSError):
            os.close(read)
