"""`cilint explain`'s index of tags, kept in the cache: an answer without loading the tree.

Built from a loaded tree's graph (`build`), it holds a row per tag (its producers, patterns
matched included, and the consumers that pull it by name), per stream pulled whole (those
consumers) and per namespace (its produced tags and its pattern-covered pulled tags, for "did
you mean"; its pattern producers, for tags nobody names), and a head: what the answer needs of
the whole tree (registries, mirror routes, supplementalCIImages entries, the ART namespaces),
and how to tell the index still holds. An answer reads the head and a few rows (`IndexSource`).

The index holds while cilint, its configuration and policy, and the tree are as they were: the
head keeps the stat of each of cilint's files, of the configuration and policy files, and of
every folder and input of the walk it was built from (`cilint.inputs.snapshot`). Places are
kept as JSON paths; the few an answer shows are located when it is given.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from cilint.cache.files import path_key
from cilint.cache.tag_index import Reader
from cilint.explain.answer import Route
from cilint.facts.model import Consumer, Location, Producer
from cilint.graph.coverage import CONDITIONAL_STATUS, Coverage, close_covered, closest
from cilint.inputs.discovery import Inventory
from cilint.inputs.snapshot import PendingCheck, pack
from cilint.resources import installation_stamp
from cilint.tags import Registries, parse_ist

if TYPE_CHECKING:  # building needs a loaded tree; answering does not load these modules
    from cilint.explain.graph_source import GraphSource
    from cilint.graph.tag_graph import TagGraph

FORMAT = 2  # 2: the head is MessagePack, not a pickle (reading one could run code)
COMPLETE = "*"  # a row written with the others: without it, the build's rows are not all there
WALK_SHARE = 0.6  # of the walk's stats, checked by a child while the answer is computed
NEAREST = 3  # "did you mean" candidates of each kind, as `TagGraph.nearest` gives them


class TagRow(msgspec.Struct, array_like=True):
    producers: list[Producer]  # naming the tag (the namespace's row holds the patterns)
    # The consumers of the tag itself per file, sorted by path, each file's still encoded
    # (a list of `Consumer`): an answer decodes only the files it lists.
    consumers: list[tuple[str, msgspec.Raw]]


class StreamRow(msgspec.Struct, array_like=True):
    consumers: list[tuple[str, msgspec.Raw]]  # of the whole stream, as `TagRow.consumers`


class NamespaceRow(msgspec.Struct, array_like=True):
    produced: list[tuple[str, str, str]]  # (ist, name, tag), sorted
    covered: list[str]  # tags pulled by name that only a pattern covers, sorted
    patterns: list[Producer]  # the namespace's pattern producers, in the graph's order


_ENCODER = msgspec.msgpack.Encoder()
_TAG = msgspec.msgpack.Decoder(TagRow)
_STREAM = msgspec.msgpack.Decoder(StreamRow)
_NAMESPACE = msgspec.msgpack.Decoder(NamespaceRow)
_CONSUMERS = msgspec.msgpack.Decoder(list[Consumer])


def _by_file(consumers: list[Consumer]) -> list[tuple[str, msgspec.Raw]]:
    files: dict[str, list[Consumer]] = {}
    for consumer in consumers:
        files.setdefault(consumer.location.path, []).append(consumer)
    return [(path, msgspec.Raw(_ENCODER.encode(files[path]))) for path in sorted(files)]


class Head(msgspec.Struct, array_like=True):
    """What an answer needs of the whole tree, and what the index was built from. Decoded
    only into this shape (`_HEAD`): anything else is no index."""

    format: int
    installation: str  # `installation_stamp()`
    settings_files: list[tuple[str, int, int]]  # (path, size, mtime_ns); -1, -1 if absent
    walk: bytes  # the folders and inputs of the walk, `snapshot.pack`ed
    registries: Registries
    art_namespaces: tuple[str, ...]
    routes: list[Route]
    supplemental: list[tuple[str, Location]]  # (the answer locates the one it names)


_HEAD = msgspec.msgpack.Decoder(Head)


def _stat(path: str) -> tuple[str, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return path, -1, -1
    return path, st.st_size, st.st_mtime_ns


def settings_files(root: Path, config: Path | None, policy: str | None) -> list[str]:
    """The files a run's settings come from: the configuration (or where it would be) and the
    policy (None: not known yet, the shipped ones are part of the installation)."""
    found = [str(config)] if config else [str(root / ".cilint.yaml"), str(root / ".cilint.yml")]
    return found + ([policy] if policy else [])


def scope(config: Path | None) -> str:
    """Which index of a root a run reads: one per configuration file given (or none)."""
    return path_key(str(config)) if config else ""


# -- building -------------------------------------------------------------------------------


@dataclass
class Built:
    head: bytes
    rows: dict[str, bytes]


def build(
    graph_source: GraphSource,
    graph: TagGraph,
    inventory: Inventory,
    files: list[str],
    registries: Registries,
) -> Built | None:
    """The index of a loaded tree, or None when its walk cannot vouch for it (a folder
    changed during the walk). `files`: its settings files (`settings_files`)."""
    if any(times is None for times in inventory.folders.values()):
        return None
    rows: dict[str, bytes] = {COMPLETE: b""}
    covered: dict[str, list[str]] = {}
    for ist in graph.tag_nodes():
        consumers = graph.tag_consumers(ist)
        exact = graph.exact_producers(ist)
        rows[f"t:{ist}"] = _ENCODER.encode(TagRow(exact, _by_file(consumers)))
        if consumers and graph.coverage(ist).status == CONDITIONAL_STATUS:
            covered.setdefault(ist.split("/", 1)[0], []).append(ist)
    for stream in graph.stream_consumer_streams():
        rows[f"s:{stream}"] = _ENCODER.encode(StreamRow(_by_file(graph.stream_consumers(stream))))
    for namespace in graph.namespaces():
        rows[f"n:{namespace}"] = _ENCODER.encode(
            NamespaceRow(
                graph.produced_in(namespace),
                sorted(covered.get(namespace, ())),
                graph.pattern_producers(namespace),
            )
        )
    head = Head(
        FORMAT,
        installation_stamp(),
        [_stat(path) for path in files],
        pack(inventory),
        registries,
        graph_source.art_namespaces,
        graph_source.routes(),
        graph_source.supplemental(),
    )
    try:
        return Built(_ENCODER.encode(head), rows)
    except UnicodeEncodeError:  # a settings path that is not UTF-8 (MessagePack holds UTF-8)
        return None


# -- answering ------------------------------------------------------------------------------


class IndexSource:
    """An answer's `Source` (`cilint.explain.answer`) from the index: a few rows per tag."""

    def __init__(self, reader: Reader, build: str, head: Head, root: Path) -> None:
        self.reader = reader
        self.build = build
        self.head = head
        self.root = root
        self.art_namespaces = head.art_namespaces
        self._rows: dict[str, bytes | None] = {}
        self._tags: dict[str, TagRow | None] = {}  # decoded: an answer asks several times
        self._namespaces: dict[str, NamespaceRow | None] = {}
        self._locate: Callable[[Location], Location] | None = None
        self.walk: PendingCheck | None = None  # the tree's check, begun by `open_index`

    def _row(self, name: str) -> bytes | None:
        if name not in self._rows:
            self._rows.update(self.reader.rows(self.build, [name]))
            self._rows.setdefault(name, None)
        return self._rows[name]

    def fetch(self, ist: str) -> bool:
        """Read the rows an answer about `ist` needs at once; False when the build's rows are
        not all there (a damaged cache), whose answers would be wrong."""
        tag = parse_ist(ist)
        names = [COMPLETE, f"t:{ist}"] + ([f"s:{tag.stream}", f"n:{tag.namespace}"] if tag else [])
        wanted = [name for name in names if name not in self._rows]
        if wanted:
            self._rows.update(self.reader.rows(self.build, wanted))
            for name in wanted:
                self._rows.setdefault(name, None)
        return self._rows[COMPLETE] is not None

    def _tag(self, ist: str) -> TagRow | None:
        if ist not in self._tags:
            row = self._row(f"t:{ist}")
            self._tags[ist] = _TAG.decode(row) if row is not None else None
        return self._tags[ist]

    def _namespace(self, namespace: str) -> NamespaceRow | None:
        if namespace not in self._namespaces:
            row = self._row(f"n:{namespace}")
            self._namespaces[namespace] = _NAMESPACE.decode(row) if row is not None else None
        return self._namespaces[namespace]

    def producers_of(self, ist: str) -> list[Producer]:
        """As `TagGraph.producers_of`: those naming the tag, then the patterns matching it."""
        found = self._tag(ist)
        producers = list(found.producers) if found is not None else []
        tag = parse_ist(ist)
        space = self._namespace(tag.namespace) if tag else None
        if tag is not None and space is not None:
            producers += [
                p
                for p in space.patterns
                if p.pattern is not None and p.pattern.matches(tag.namespace, tag.name, tag.tag)
            ]
        return producers

    def coverage(self, ist: str) -> Coverage:
        return Coverage.of(self.producers_of(ist))

    def _stream(self, ist: str) -> StreamRow | None:
        tag = parse_ist(ist)
        row = self._row(f"s:{tag.stream}") if tag else None
        return _STREAM.decode(row) if row is not None else None

    def consumer_files(self, ist: str) -> tuple[list[str], list[str]]:
        found, stream = self._tag(ist), self._stream(ist)
        return (
            [path for path, _ in found.consumers] if found else [],
            [path for path, _ in stream.consumers] if stream else [],
        )

    def consumers_in(self, ist: str, pulling: set[str], importing: set[str]) -> list[Consumer]:
        consumers: list[Consumer] = []
        for row, paths in ((self._tag(ist), pulling), (self._stream(ist), importing)):
            for path, encoded in row.consumers if row else ():
                if path in paths:
                    consumers += _CONSUMERS.decode(encoded)
        return consumers

    def nearest(self, ist: str) -> list[str]:
        tag = parse_ist(ist)
        space = self._namespace(tag.namespace) if tag else None
        if tag is None or space is None:
            return []
        return closest(ist, tag, space.produced, NEAREST)

    def covered_near(self, ist: str) -> list[str]:
        tag = parse_ist(ist)
        space = self._namespace(tag.namespace) if tag else None
        if tag is None or space is None:
            return []
        return close_covered(tag, [t for t in space.covered if t != ist], NEAREST)

    def supplemental(self) -> list[tuple[str, Location]]:
        return list(self.head.supplemental)

    def routes(self) -> list[Route]:
        return self.head.routes

    def locate(self, location: Location) -> Location:
        if self._locate is None:
            from cilint.facts.positions import Positions  # only when a place is shown

            # `parsed`: each file was analysed in these very bytes (the index holds), so none
            # needs asking whether it parses.
            self._locate = Positions(self.root, parsed=True).locate
        return self._locate(location)


def open_index(reader: Reader, root: Path, config: Path | None) -> IndexSource | None:
    """The index of `root` (read with `config`), if cilint and the settings files are as it
    was built with; its walk is checked while the answer is computed (`IndexSource.walk`, to
    be asked before the answer is given)."""
    found = reader.head(path_key(str(root)), scope(config))
    if found is None:
        return None
    build, blob = found
    try:
        head = _HEAD.decode(blob)
    except Exception:  # noqa: BLE001 - a damaged head is no index: it is built again
        return None
    if head.format != FORMAT:
        return None
    if head.installation != installation_stamp():
        return None
    if any(_stat(path) != (path, size, mtime) for path, size, mtime in head.settings_files):
        return None
    source = IndexSource(reader, build, head, root)
    # Most of the stats in a forked child, the rest here once the answer is computed: on two
    # cores the answer costs nothing on top of the check.
    source.walk = PendingCheck(str(root), head.walk, share=WALK_SHARE)
    return source
