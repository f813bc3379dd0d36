"""`cilint graph TAG-OR-FILE`: the part of the tag graph around one tag or one file.

Files, tags and streams are the nodes people review. An edge file → tag says the file produces
the tag (labelled with the kinds, and the state when it is not active), tag → file that the
file pulls it (labelled with every field that does). A config importing a whole stream
(`releases.*.integration`, `tag_specification`) pulls every tag of it: that is drawn once, as
stream → config, with tag → stream for the tags shown, instead of one edge per tag and importer
(tags × importers edges ran the whole tree out of memory). So a config that pulls a tag both
through `base_images` and through its release stream has both routes: tag → config and
tag → stream → config.

A tag is drawn with everything that produces or pulls it; a file with every tag and stream it
produces, pulls or imports, each drawn as for a tag. A file with none gives an empty view (the
CLI says so).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from cilint.errors import CilintError
from cilint.facts.model import ACTIVE, Consumer, Producer
from cilint.graph.view import NEIGHBOURHOOD, add_node, file_node, finish, link, new_view
from cilint.tags import Registries, TagSpellingError, parse_ist

if TYPE_CHECKING:
    import networkx as nx

    from cilint.graph.tag_graph import TagGraph


def neighbourhood(graph: TagGraph, registries: Registries, target: str, root: Path) -> nx.DiGraph:
    path = file_under(root, target)
    view = new_view(NEIGHBOURHOOD, path or target)
    if path is None:
        try:
            tags, streams = {registries.parse(target)[0].ist}, set()
        except TagSpellingError as err:
            raise CilintError(f"{target}: neither a file under the root nor a tag: {err}") from None
    else:
        tags = {p.tag for p in graph.producers if p.tag and p.location.path == path}
        tags |= {c.tag for c in graph.consumers if c.tag and c.location.path == path}
        streams = {
            c.stream for c in graph.consumers if c.stream and not c.tag and c.location.path == path
        }
        for number, note in enumerate(graph.notes.get(path, ())):
            note_node = add_node(view, f"note:{number}", "note", note)
            link(view, file_node(view, path), note_node, "not-checked")
    importers = _importers(graph)
    for ist in sorted(tags):
        _add_tag(view, graph, ist, importers)
    for stream in sorted(streams):
        _add_stream(view, graph, stream, importers)
    return finish(view)


def file_under(root: Path, target: str) -> str | None:
    """`target` as a root-relative path when it names a file under the root (given relative
    to the working directory or to the root); None otherwise."""
    for candidate in (Path(target), root / target):
        if candidate.is_file():
            try:
                return candidate.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:  # a file, but outside the root
                continue
    return None


def _importers(graph: TagGraph) -> dict[str, list[Consumer]]:
    """Stream → the consumers importing all of it: one pass, whatever the number of tags."""
    found: dict[str, list[Consumer]] = defaultdict(list)
    for consumer in graph.consumers:
        if consumer.stream and not consumer.tag:
            found[consumer.stream].append(consumer)
    return found


def producer_kind(producer: Producer) -> str:
    """What an edge from a producer says: its kind, and its state when it is not active."""
    return producer.kind if producer.state == ACTIVE else f"{producer.kind} ({producer.state})"


def _add_tag(
    view: nx.DiGraph, graph: TagGraph, ist: str, importers: dict[str, list[Consumer]]
) -> None:
    tag_node = add_node(view, f"tag:{ist}", "tag", ist, status=graph.coverage(ist).status)
    for producer in graph.producers_of(ist):
        source = file_node(view, producer.location.path)
        link(view, source, tag_node, "produces", producer_kind(producer))
    for consumer in graph.consumers_of(ist):
        if consumer.tag:  # whole-stream importers are drawn through the stream's node
            link(view, tag_node, file_node(view, consumer.location.path), "pulls", consumer.field)
    tag = parse_ist(ist)
    if tag is not None and tag.stream in importers:
        link(view, tag_node, _add_stream(view, graph, tag.stream, importers), "in-stream")


def _add_stream(
    view: nx.DiGraph, graph: TagGraph, stream: str, importers: dict[str, list[Consumer]]
) -> str:
    node = f"stream:{stream}"
    if node not in view:
        status = graph.stream_coverage(stream).status
        add_node(view, node, "stream", f"stream {stream}", status=status)
        for consumer in importers.get(stream, ()):
            link(view, node, file_node(view, consumer.location.path), "imports", consumer.field)
    return node
