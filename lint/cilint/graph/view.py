"""What `cilint graph` draws: a networkx DiGraph whose nodes and edges carry everything the
formats show, and the legend that says what its kinds and colours mean.

A node has a `kind` (`NODE_KINDS`), a `label`, and for tags, streams and namespaces a `status`
(produced, conditional, unproduced: its colour). An edge has a `kind` (`EDGE_KINDS`) and
`fields`: every field, or producer kind, that makes it, so a config that pulls a tag through
two fields is one edge naming both; a summary edge also has a `weight`.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports the renderers at start, and they this module
    import networkx as nx

NEIGHBOURHOOD, SUMMARY = "neighbourhood", "summary"  # the two views (`view.graph["view"]`)


@dataclass(frozen=True)
class Legend:
    """What a view's statuses (colours), node kinds (shapes) and edge kinds mean."""

    status: dict[str, str]
    nodes: dict[str, str]
    edges: dict[str, str]


LEGENDS = {
    NEIGHBOURHOOD: Legend(
        status={
            "produced": "an active producer writes it",
            "conditional": "only a pattern (an ART mirror rule) or a conditional producer "
            "writes it",
            "unproduced": "nothing active writes it: pulling it fails",
        },
        nodes={
            "file": "a file of the tree",
            "tag": "an image tag, namespace/name:tag",
            "stream": "a whole image stream, namespace/name (releases.*.integration, "
            "tag_specification)",
            "note": "what cilint could not check in the file",
        },
        edges={
            "produces": "file → tag: the file writes the tag (label: the producer kinds)",
            "pulls": "tag → file: the file pulls the tag (label: every field that does)",
            "in-stream": "tag → stream: the tag belongs to the stream",
            "imports": "stream → file: the file imports every tag of the stream (label: the "
            "fields)",
            "not-checked": "file → note: why part of the file was not checked",
        },
    ),
    SUMMARY: Legend(
        status={
            "produced": "every tag and stream of it that is pulled has an active producer",
            "conditional": "some have only a pattern or conditional producer",
            "unproduced": "some have no active producer: pulling them fails",
        },
        nodes={
            "folder": "the files one folder below a layout folder (a ci-operator/config org, "
            "a step-registry folder)",
            "file": "a file directly in a layout folder",
            "namespace": "an image namespace (label: its tags; unproduced and conditional ones "
            "pulled)",
        },
        edges={
            "produces": "folder → namespace: its files write tags of the namespace (label: "
            "the number of file-tag pairs, then the producer kinds)",
            "pulls": "namespace → folder: its files pull tags or import streams of the "
            "namespace (label: the number of file-tag and file-stream pairs, then the "
            "top-level fields)",
        },
    ),
}


def new_view(kind: str, target: str | None = None) -> nx.DiGraph:
    import networkx as nx  # only `cilint graph` needs it

    view: nx.DiGraph[str] = nx.DiGraph(view=kind, target=target)
    return view


def add_node(view: nx.DiGraph, node: str, kind: str, label: str, **extra: object) -> str:
    if node not in view:
        view.add_node(node, kind=kind, label=label, **extra)
    return node


def file_node(view: nx.DiGraph, path: str) -> str:
    return add_node(view, f"file:{path}", "file", path)


def link(view: nx.DiGraph, source: str, target: str, kind: str, field: str | None = None) -> None:
    """The edge source → target of `kind`, with `field` among the ones that make it."""
    if not view.has_edge(source, target):
        view.add_edge(source, target, kind=kind, fields=set())
    if field is not None:
        view.edges[source, target]["fields"].add(field)


def finish(view: nx.DiGraph) -> nx.DiGraph:
    """Fields sorted, and every edge labelled with them (after its weight), as all formats show."""
    for _source, _target, data in view.edges(data=True):
        data["fields"] = sorted(data["fields"])
        label = ", ".join(data["fields"]) or data["kind"].replace("-", " ")
        data["label"] = f"{data['weight']}: {label}" if "weight" in data else label
    return view


def without_tags(view: nx.DiGraph, inputs: Container[str], skipped: dict[str, str]) -> str | None:
    """What to tell the user when the view holds no tag or stream (only a file, or an empty
    tree, can give that), so that an empty picture never passes for an answer; else None."""
    if any(data["kind"] in ("tag", "stream", "namespace") for _, data in view.nodes(data=True)):
        return None
    path = view.graph["target"]
    if path is None:
        note = "the tree produces, pulls and imports no tag"
    elif path in inputs:
        note = f"{path} produces, pulls and imports no tag"
    else:
        note = f"{path} is not an input" + (f" ({skipped[path]})" if path in skipped else "")
    # a file's notes (what could not be checked) are still drawn
    return note + (": only what was not checked is drawn" if view else ": nothing to draw")
