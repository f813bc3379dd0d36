"""`cilint graph` with no argument: the whole tree summed up, folders ↔ image namespaces.

Drawing every tag of the tree is not a picture anyone can read, and it did not fit in memory:
an edge from every tag of a release stream to every config importing it made 2.7 million edges
(2.8 GiB) at 10,000 generated configs and ran out of 24 GB at 30,000 (bench/NOTES.md). The
summary keeps who feeds whom, and its size grows with the tree's folders and namespaces, not
with its pulls:

- a folder node stands for the files one folder below a layout folder (the org of a
  ci-operator config, a step-registry folder, `core-services/image-mirroring/openshift`); a
  file directly in a layout folder (`core-services/image-mirroring/_config.yaml`) is its own
  node. Folders are the unit people own (an org's OWNERS), unlike a single file or repository;
- a namespace node stands for the tags of one image namespace, coloured by the worst status of
  the tags and streams of it that something pulls;
- folder → namespace sums what the folder's files write there, namespace → folder what they
  pull or import from it; each edge carries the producer kinds or the top-level fields that make
  it, and its weight (distinct file-tag and file-stream pairs).

`cilint graph TAG-OR-FILE` draws any part in full.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from cilint.graph.coverage import CONDITIONAL_STATUS, PRODUCED, UNPRODUCED
from cilint.graph.neighbourhood import producer_kind
from cilint.graph.view import SUMMARY, add_node, file_node, finish, link, new_view
from cilint.inputs.discovery import Layout

if TYPE_CHECKING:
    import networkx as nx

    from cilint.graph.tag_graph import TagGraph


def summary(graph: TagGraph, layout: Layout) -> nx.DiGraph:
    view = new_view(SUMMARY)
    place = _Places(layout)
    pairs: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)  # edge → its pairs
    files: dict[str, set[str]] = defaultdict(set)  # folder node → its files drawn
    tags: dict[str, set[str]] = defaultdict(set)  # namespace → its tags, produced or pulled
    pulled: dict[str, set[str]] = defaultdict(set)  # namespace → tags and streams pulled
    for producer in graph.producers:
        what = producer.tag or str(producer.pattern)
        namespace = producer.pattern.namespace if producer.pattern else what.split("/", 1)[0]
        if producer.tag:
            tags[namespace].add(producer.tag)
        path = producer.location.path
        folder = place.node(view, path)
        files[folder].add(path)
        target = _namespace_node(view, namespace)
        link(view, folder, target, "produces", producer_kind(producer))
        pairs[folder, target].add((path, what))
    for consumer in graph.consumers:
        name = consumer.tag or consumer.stream
        if not name:
            continue
        namespace = name.split("/", 1)[0]
        if consumer.tag:
            tags[namespace].add(consumer.tag)
        pulled[namespace].add(name)
        path = consumer.location.path
        folder = place.node(view, path)
        files[folder].add(path)
        source = _namespace_node(view, namespace)
        # the top-level key: `base_images.<alias>` and `tests[3]....` sum up as one field each
        link(view, source, folder, "pulls", consumer.field.partition(".")[0].partition("[")[0])
        pairs[source, folder].add((path, name))
    for (source, target), found in pairs.items():
        view.edges[source, target]["weight"] = len(found)
    for folder, paths in files.items():
        data = view.nodes[folder]
        if data["kind"] == "folder":
            data.update(files=len(paths), label=f"{data['label']}/ ({len(paths)} files)")
    for node, data in list(view.nodes(data=True)):
        if data["kind"] == "namespace":
            namespace = node.removeprefix("namespace:")
            _describe(view, graph, namespace, len(tags[namespace]), pulled[namespace])
    return finish(view)


def _namespace_node(view: nx.DiGraph, namespace: str) -> str:
    return add_node(view, f"namespace:{namespace}", "namespace", namespace)


def _describe(
    view: nx.DiGraph, graph: TagGraph, namespace: str, tags: int, pulled: set[str]
) -> None:
    """The namespace's label and colour: the worst status among its tags and streams that
    something pulls (exempt namespaces are never judged: they are imported directly)."""
    statuses: dict[str, int] = defaultdict(int)
    if not graph.is_exempt(namespace + "/"):
        for what in pulled:
            coverage = graph.coverage(what) if ":" in what else graph.stream_coverage(what)
            statuses[coverage.status] += 1
    unproduced, conditional = statuses[UNPRODUCED], statuses[CONDITIONAL_STATUS]
    words = [f"{tags} tag" + "s" * (tags != 1)]
    words += [f"{unproduced} unproduced"] * bool(unproduced)
    words += [f"{conditional} conditional"] * bool(conditional)
    view.nodes[f"namespace:{namespace}"].update(
        status=UNPRODUCED if unproduced else CONDITIONAL_STATUS if conditional else PRODUCED,
        tags=tags,
        unproduced=unproduced,
        conditional=conditional,
        label=f"{namespace} ({', '.join(words)})",
    )


class _Places:
    """The folder (or file) node of each path: one folder below the deepest layout folder that
    holds it; the file itself when it lies directly in one."""

    def __init__(self, layout: Layout) -> None:
        bases = {base for paths in layout.__dict__.values() for base in paths}
        self._bases = sorted(bases, key=len, reverse=True)
        self._nodes: dict[str, str] = {}  # path → node (a folder holds many files)

    def node(self, view: nx.DiGraph, path: str) -> str:
        node = self._nodes.get(path)
        if node is None:
            folder = self._folder(path)
            node = self._nodes[path] = (
                file_node(view, path)
                if folder is None
                else add_node(view, f"folder:{folder}", "folder", folder)
            )
        return node

    def _folder(self, path: str) -> str | None:
        for base in self._bases:
            if path == base:
                return None
            if not base or path.startswith(base + "/"):
                head, slash, _ = path[len(base) + 1 if base else 0 :].partition("/")
                return (f"{base}/{head}" if base else head) if slash else None
        return path.rpartition("/")[0] or None  # outside every layout folder: its own folder
