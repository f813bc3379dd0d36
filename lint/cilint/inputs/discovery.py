"""Find the inputs under a release-repository root and classify each by kind.

Conventions (which folder holds which input) come from the policy's `layout`, so a site with
another layout only writes data. Files that look like inputs but are not are skipped on purpose
and listed with the reason (`cilint check --show-files`):

- Jinja templates (`*.yaml.j2`) and other non-`.yaml`/`.yml` files in config folders: ci-operator
  only reads `.yaml`/`.yml` (ci-tools `pkg/config/load.go`).
- Names starting with `..`: Kubernetes configmap mount artefacts, skipped by ci-tools too.
- Symbolic links: not followed, so no file is read twice and none outside the root is read
  (nor a layout folder behind one, such as `ci-operator` linked elsewhere).
- FIFOs, sockets and devices: not regular files.
- Names that are not valid UTF-8, and files or folders that cannot be read: listed with
  reasons that start with "cannot read" (`cilint check` warns about them).
- Files in the step registry that ci-tools ignores (`*-commands*`, `*.metadata.json`, `OWNERS`,
  `*.md`, `cluster-profiles/`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import pickle
import re
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from cilint.inputs.kinds import INPUT_KINDS, InputKind, Kind
from cilint.inputs.reading import CANNOT_READ, GONE, NOT_REGULAR
from cilint.printable import is_utf8, printable

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Layout:
    """Root-relative folders (or files) holding each kind of input."""

    ci_operator_config: tuple[str, ...] = ()
    step_registry: tuple[str, ...] = ()
    ci_images_mirror: tuple[str, ...] = ()
    mapping: tuple[str, ...] = ()
    release_controller: tuple[str, ...] = ()
    cluster_manifests: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: dict[str, list[str]], base: Layout | None = None) -> Layout:
        values = dict(base.__dict__) if base else {}
        for key, paths in data.items():
            values[key] = tuple("" if p.strip("/") in ("", ".") else p.strip("/") for p in paths)
        return cls(**values)


def relative_to_base(path: str, base: str) -> str:
    """`path` inside its layout folder `base` (both root-relative)."""
    return path[len(base) + 1 :] if base and path.startswith(base + "/") else path


class InputFile(NamedTuple):  # a NamedTuple: built for every input, cheaper than a dataclass
    path: str  # root-relative, "/"-separated
    kind: Kind
    base: str  # the layout folder the file was found under


@dataclass
class Inventory:
    files: list[InputFile] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    # (size, mtime_ns) of inputs, taken on the walk: one pass over the folders instead of a
    # second round of stat calls by path.
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    # (mtime_ns, ctime_ns) of every folder walked and of the layout folders' parents, taken
    # before each was listed: a file added, removed or renamed in one changes its times, which
    # lets a later run trust this inventory after a stat of each (`cilint.inputs.snapshot`).
    # (-1, -1) for one that did not exist; None for a folder whose times were too recent to
    # tell a later change apart.
    folders: dict[str, tuple[int, int] | None] = field(default_factory=dict)


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Root-relative glob: `*` within one segment, `**` across segments, `?` one character."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("^" + "".join(out) + "(?:/.*)?$")


class _Scan(NamedTuple):
    files: list[tuple[str, int, int]]  # (path, size, mtime_ns); size -1 when stat failed
    skipped: list[tuple[str, str]]
    folders: list[tuple[str, int, int]]  # (path, mtime_ns, ctime_ns); -1 when stat failed


def _scan_folder(root: str, folder: str, found: _Scan) -> list[str]:
    """The regular files of one folder into `found`, stat-ed on the way (through the open
    folder, cheaper than by path later); returns its subfolders."""
    prefix = f"{folder}/" if folder else ""
    subfolders: list[str] = []
    path = os.path.join(root, folder)
    try:  # before the listing: a change during it shows at the next run
        st = os.stat(path)
        found.folders.append((folder, st.st_mtime_ns, st.st_ctime_ns))
    except OSError:
        found.folders.append((folder, -1, -1))
    try:
        entries = os.scandir(path)
    except OSError as err:
        gone = err.errno == errno.ENOENT
        found.skipped.append((folder, GONE if gone else f"cannot read folder: {err.strerror}"))
        return subfolders
    with entries:  # in no particular order: discover sorts
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                if name.startswith(".."):
                    found.skipped.append((prefix + name, "configmap mount artefact ('..' name)"))
            elif not name.isascii() and not is_utf8(name):
                found.skipped.append((printable(prefix + name), _NOT_UTF8))
            elif entry.is_dir(follow_symlinks=False):
                subfolders.append(prefix + name)
            elif entry.is_symlink():
                found.skipped.append((prefix + name, "symbolic link, not followed"))
            elif entry.is_file(follow_symlinks=False):
                try:
                    st = entry.stat(follow_symlinks=False)
                    found.files.append((prefix + name, st.st_size, st.st_mtime_ns))
                except OSError:  # stat by path later says why
                    found.files.append((prefix + name, -1, -1))
            else:  # a FIFO, a socket, a device (or an entry gone since the listing)
                found.skipped.append((prefix + name, NOT_REGULAR))
    return subfolders


# A name that is not UTF-8 cannot be reported (JSON, SARIF, the cache hold UTF-8 text): listed
# with its bytes escaped, as a file cilint cannot read.
_NOT_UTF8 = f"{CANNOT_READ}: the name is not valid UTF-8; rename it"


def _scan(root: str, folders: list[str]) -> _Scan:
    found = _Scan([], [], [])
    stack = list(folders)
    while stack:
        stack.extend(_scan_folder(root, stack.pop(), found))
    return found


# From this many second-level folders on, two processes walk the tree: the walk is system calls
# and Python, and a forked child takes half of the folders.
SPLIT_MIN = 256


def _scan_all(root: Path, starts: list[str], split_min: int) -> dict[str, _Scan]:
    """`_scan` of each start folder, sharing the subfolders with a forked child process when
    there are many."""
    top = str(root)
    scans = {start: _Scan([], [], []) for start in starts}
    work = sorted(
        (start, sub) for start in starts for sub in _scan_folder(top, start, scans[start])
    )
    theirs = work[1::2] if len(work) >= split_min else []
    child = (
        _forked(lambda: [(start, _scan(top, [sub])) for start, sub in theirs]) if theirs else None
    )
    mine = work[0::2] if child is not None else work
    try:
        done = [(start, _scan(top, [sub])) for start, sub in mine]
        from_child = child.result() if child is not None else []
    except BaseException:  # Ctrl-C: end the child and reap it, so that none outlives the run
        if child is not None:
            child.cancel()
        raise
    if from_child is None:  # the child failed: walk its half here
        from_child = [(start, _scan(top, [sub])) for start, sub in theirs]
    done += from_child
    for start, scan in done:
        scans[start].files.extend(scan.files)
        scans[start].skipped.extend(scan.skipped)
        scans[start].folders.extend(scan.folders)
    return scans


class _Child(NamedTuple):
    """A forked child walking its share of the folders into a pipe."""

    pid: int
    read: int  # the pipe's end the result comes out of

    def result(self) -> list[tuple[str, _Scan]] | None:
        """Wait for the (pickled) scans; None if the child failed."""
        with os.fdopen(self.read, "rb") as into:
            data = into.read()
        _, status = os.waitpid(self.pid, 0)
        if status != 0:
            return None
        try:
            scans: list[tuple[str, _Scan]] = pickle.loads(data)
            return scans
        except Exception:  # noqa: BLE001 - a broken answer: walk it here instead
            return None

    def cancel(self) -> None:
        """End the child now and reap it."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.read)


def _forked(work: Callable[[], list[tuple[str, _Scan]]]) -> _Child | None:
    """Start `work` in a forked child (`_Child.result` waits for it). None where there is no
    fork."""
    if not hasattr(os, "fork"):
        return None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no cleanup, no inherited buffers flushed, only the result
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                out.write(pickle.dumps(work(), pickle.HIGHEST_PROTOCOL))
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return _Child(pid, read)


def _walk(
    root: Path, start: str, inventory: Inventory, scans: dict[str, _Scan]
) -> list[tuple[str, int, int]]:
    """(path, size, mtime_ns) of the regular files under `start` (a folder or a file)."""
    start = "" if start in ("", ".") else start
    absolute = root / start
    link = _link_on_the_way(root, start)
    if link is not None:
        why = "symbolic link, not followed"
        inventory.skipped.append((start, why if link == start else f"under {link}, a {why}"))
        return []
    if start and absolute.is_file():
        try:
            st = absolute.stat()
        except OSError:  # stat by path later says why
            return [(start, -1, -1)]
        return [(start, st.st_size, st.st_mtime_ns)]
    scan = scans.get(start)
    if scan is None:
        return []
    inventory.skipped.extend(scan.skipped)
    return scan.files


def _folders(root: Path, layout: Layout) -> list[str]:
    """The layout's folders that exist as folders (not files, not symbolic links)."""
    found = []
    for bases in layout.__dict__.values():
        for base in bases:
            start = "" if base in ("", ".") else base
            absolute = root / start
            if start in found or _link_on_the_way(root, start) or not absolute.is_dir():
                continue
            found.append(start)
    return found


def _link_on_the_way(root: Path, start: str) -> str | None:
    """The first folder or file on the way from `root` to `start` (root-relative) that is a
    symbolic link, if any: a layout entry behind one (`ci-operator` linked elsewhere) would be
    read out of the root."""
    at = root
    walked = []
    for part in start.split("/") if start else ():
        at = at / part
        walked.append(part)
        if at.is_symlink():
            return "/".join(walked)
    return None


def _config_skipped(path: str, base: str) -> str | None:
    """Why a file in a ci-operator config folder that no kind claims is skipped."""
    name = path.rsplit("/", 1)[-1]
    if ".yaml." in name or ".yml." in name:
        return "template or other derived file; ci-operator only reads *.yaml and *.yml"
    return "not a YAML file"


def _registry_ignored(path: str, base: str) -> bool:
    """Files the step-registry loader ignores (ci-tools `pkg/load/load.go`)."""
    parts = relative_to_base(path, base).split("/")
    name = parts[-1]
    return (
        parts[0] == "cluster-profiles"
        or name == "OWNERS"
        or name.endswith((".md", ".metadata.json"))
        or "-commands" in name
    )


# Per layout key: files under its folders that are left out silently, and why a file that no
# kind claims is skipped (without an entry here, it is left out silently).
_IGNORED: dict[str, Callable[[str, str], bool]] = {"step_registry": _registry_ignored}
_SKIPPED: dict[str, Callable[[str, str], str | None]] = {"ci_operator_config": _config_skipped}


def _classifier(rows: list[InputKind]) -> Callable[[str, str], Kind | str | None]:
    """For the files under one layout key's folders: the kind of the first row claiming a
    file, a reason to skip it, or None (left out silently). Runs for every file of the tree."""
    ignored = _IGNORED.get(rows[0].layout)
    skipped = _SKIPPED.get(rows[0].layout)

    def classify(path: str, base: str) -> Kind | str | None:
        if ignored is not None and ignored(path, base):
            return None
        name = path[path.rfind("/") + 1 :]
        for row in rows:
            if row.claims(name):
                return row.kind
        return skipped(path, base) if skipped is not None else None

    return classify


def _classifiers() -> list[tuple[str, Callable[[str, str], Kind | str | None]]]:
    """Each layout key with its classifier, in the order of the kinds table: specific files
    first, so that a folder walk does not claim them as another kind."""
    by_layout: dict[str, list[InputKind]] = {}
    for row in INPUT_KINDS.values():
        by_layout.setdefault(row.layout, []).append(row)
    return [(key, _classifier(rows)) for key, rows in by_layout.items()]


def discover(
    root: Path, layout: Layout, exclude: Iterable[str] = (), split_min: int = SPLIT_MIN
) -> Inventory:
    inventory = Inventory()
    excluded = [glob_to_regex(p) for p in exclude]
    seen: set[str] = set()
    started = time.time_ns()
    _record_folders(inventory, started, [(f, *_times(root / f)) for f in _parents(layout)])
    scans = _scan_all(root, _folders(root, layout), split_min)
    for scan in scans.values():
        _record_folders(inventory, started, scan.folders)

    def walk(base: str) -> list[tuple[str, int, int]]:
        return _walk(root, base, inventory, scans)

    def accept(path: str, size: int, mtime: int, kind: Kind | str | None, base: str) -> None:
        if path in seen or kind is None:
            return
        seen.add(path)
        if excluded and any(rx.match(path) for rx in excluded):
            inventory.skipped.append((path, "excluded by configuration"))
        elif isinstance(kind, Kind):
            inventory.files.append(InputFile(path, kind, base))
            if size >= 0:
                inventory.stats[path] = (size, mtime)
        else:
            inventory.skipped.append((path, kind))

    for layout_key, classify in _classifiers():
        for base in getattr(layout, layout_key):
            for path, size, mtime in walk(base):
                accept(path, size, mtime, classify(path, base), base)
    inventory.files.sort(key=lambda f: f.path)
    inventory.skipped = sorted(set(inventory.skipped))
    return inventory


# Folder times this close to the walk may share a clock tick with a change made during it.
RACY_NS = 2_000_000_000


def _times(path: Path) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return -1, -1
    return st.st_mtime_ns, st.st_ctime_ns


def _parents(layout: Layout) -> list[str]:
    """The root and every folder above a layout entry: where one appearing or vanishing shows."""
    found = {""}
    for bases in layout.__dict__.values():
        for base in bases:
            parts = base.strip("/").split("/")
            found.update("/".join(parts[:n]) for n in range(1, len(parts)))
    return sorted(found)


def _record_folders(
    inventory: Inventory, started: int, folders: Iterable[tuple[str, int, int]]
) -> None:
    for folder, mtime, ctime in folders:
        recent = mtime >= started - RACY_NS  # -1: absent
        inventory.folders[folder] = None if recent else (mtime, ctime)


def classify_path(layout: Layout, path: str, exclude: Iterable[str] = ()) -> InputFile | None:
    """The input a walk of the tree would make of root-relative `path` (a file that is not on
    disk, such as one a change deleted), or None when the walk would not check it."""
    name = path.rsplit("/", 1)[-1]
    if name.startswith("..") or any(glob_to_regex(p).match(path) for p in exclude):
        return None
    for layout_key, classify in _classifiers():
        for base in getattr(layout, layout_key):
            if base and path != base and not path.startswith(base + "/"):
                continue
            kind = classify(path, base)
            if isinstance(kind, Kind):
                return InputFile(path, kind, base)
            if kind is not None:
                return None  # skipped, with a reason
    return None
