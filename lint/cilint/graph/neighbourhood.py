"""`cilint graph`: the part of the tag graph around one tag or one file, as DOT, Mermaid or JSON.

Files and tags are the nodes people review; an edge file → tag says the file produces the tag
(labelled with the kind, and the state when it is not active), an edge tag → file says the file
pulls it (labelled with the field).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from cilint.errors import CilintError
from cilint.tags import Registries, TagSpellingError

if TYPE_CHECKING:  # the CLI reads RENDERERS at start: keep this module light
    import networkx as nx

    from cilint.graph.tag_graph import TagGraph


def _add_tag(view: nx.DiGraph, graph: TagGraph, ist: str) -> None:
    from cilint.facts.model import ACTIVE  # here: the CLI imports this module at start

    tag_node = f"tag:{ist}"
    view.add_node(tag_node, kind="tag", label=ist, status=graph.coverage(ist).status)
    for producer in graph.producers_of(ist):
        file_node = f"file:{producer.location.path}"
        view.add_node(file_node, kind="file", label=producer.location.path)
        label = producer.kind if producer.state == ACTIVE else f"{producer.kind} ({producer.state})"
        view.add_edge(file_node, tag_node, label=label)
    for consumer in graph.consumers_of(ist):
        file_node = f"file:{consumer.location.path}"
        view.add_node(file_node, kind="file", label=consumer.location.path)
        view.add_edge(tag_node, file_node, label=consumer.field)


def neighbourhood(
    graph: TagGraph, registries: Registries, target: str | None, root: Path
) -> nx.DiGraph:
    import networkx as nx  # only `cilint graph` needs it

    view: nx.DiGraph[str] = nx.DiGraph()
    if target is None:
        tags = {p.tag for p in graph.producers if p.tag} | {c.tag for c in graph.consumers if c.tag}
    elif (root / target).is_file() or Path(target).is_file():
        path = Path(target).resolve()
        relative = path.relative_to(root.resolve()).as_posix() if path.is_file() else target
        tags = {p.tag for p in graph.producers if p.tag and p.location.path == relative}
        tags |= {c.tag for c in graph.consumers if c.tag and c.location.path == relative}
        for number, note in enumerate(graph.notes.get(relative, ())):
            view.add_node(f"note:{number}", kind="note", label=note)
            view.add_edge(f"file:{relative}", f"note:{number}", label="not checked")
        if graph.notes.get(relative):
            view.nodes[f"file:{relative}"].update(kind="file", label=relative)
    else:
        try:
            tags = {registries.parse(target)[0].ist}
        except TagSpellingError as err:
            raise CilintError(f"{target}: neither a file under the root nor a tag: {err}") from None
    for ist in sorted(tags):
        _add_tag(view, graph, ist)
    return view


def _dot_id(text: str) -> str:
    return json.dumps(text)


def render_dot(view: nx.DiGraph) -> str:
    lines = ["digraph cilint {", "  rankdir=LR;", "  node [fontname=Helvetica];"]
    for node, data in sorted(view.nodes(data=True)):
        shape = {"file": "box", "note": "note"}.get(data["kind"], "ellipse")
        colour = {"unproduced": "red", "conditional": "orange"}.get(data.get("status", ""), "black")
        lines.append(
            f"  {_dot_id(node)} [label={_dot_id(data['label'])}, shape={shape}, color={colour}];"
        )
    for source, target, data in sorted(view.edges(data=True)):
        lines.append(f"  {_dot_id(source)} -> {_dot_id(target)} [label={_dot_id(data['label'])}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_mermaid(view: nx.DiGraph) -> str:
    ids = {node: f"n{i}" for i, node in enumerate(sorted(view.nodes))}
    lines = ["flowchart LR"]
    for node, data in sorted(view.nodes(data=True)):
        label = data["label"].replace('"', "'")
        lines.append(
            f'  {ids[node]}(["{label}"])' if data["kind"] == "tag" else f'  {ids[node]}["{label}"]'
        )
        if data.get("status") in ("unproduced", "conditional"):
            lines.append(f"  class {ids[node]} {data['status']}")
    for source, target, data in sorted(view.edges(data=True)):
        lines.append(f'  {ids[source]} -- "{data["label"]}" --> {ids[target]}')
    lines += [
        "  classDef unproduced stroke:#d00,stroke-width:2px",
        "  classDef conditional stroke:#e90,stroke-width:2px",
    ]
    return "\n".join(lines) + "\n"


def render_json(view: nx.DiGraph) -> str:
    document = {
        "nodes": [{"id": node, **data} for node, data in sorted(view.nodes(data=True))],
        "edges": [{"from": s, "to": t, **d} for s, t, d in sorted(view.edges(data=True))],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# format name → renderer: the `--format` choices of `cilint graph`
RENDERERS = {"dot": render_dot, "mermaid": render_mermaid, "json": render_json}
