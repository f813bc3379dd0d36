"""`cilint graph`'s formats: a view (`cilint.graph.view`) as DOT, Mermaid or JSON, each with
its legend, so a picture says what its colours and shapes mean.

Every format shows the same things: each node's kind (a shape) and status (a colour), each
edge's label (its fields, then its weight in a summary); JSON also lists the fields as data.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from cilint.graph.view import LEGENDS

if TYPE_CHECKING:  # the CLI reads RENDERERS at start: keep this module light
    import networkx as nx

# status → (DOT colour, Mermaid stroke); a node without a status is drawn black
COLOURS = {
    "produced": ("black", "#333"),
    "conditional": ("orange", "#e90"),
    "unproduced": ("red", "#d00"),
}
DOT_SHAPES = {
    "file": "box",
    "folder": "folder",
    "tag": "ellipse",
    "namespace": "ellipse",
    "stream": "hexagon",
    "note": "note",
}
MERMAID_SHAPES = {  # node kind → (opening, closing) of a Mermaid flowchart node
    "file": ("[", "]"),
    "folder": ("[[", "]]"),
    "tag": ("([", "])"),
    "namespace": ("([", "])"),
    "stream": ("{{", "}}"),
    "note": (">", "]"),
}


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def render_dot(view: nx.DiGraph) -> str:
    legend = LEGENDS[view.graph["view"]]
    lines = [
        "digraph cilint {",
        "  rankdir=LR;",
        "  node [fontname=Helvetica];",
        "  edge [fontname=Helvetica];",
    ]
    for node, data in sorted(view.nodes(data=True)):
        shape = DOT_SHAPES[data["kind"]]
        colour = COLOURS[data.get("status", "produced")][0]
        lines.append(
            f"  {_quoted(node)} [label={_quoted(data['label'])}, shape={shape}, color={colour}];"
        )
    for source, target, data in sorted(view.edges(data=True)):
        lines.append(f"  {_quoted(source)} -> {_quoted(target)} [label={_quoted(data['label'])}];")
    lines += ["  subgraph cluster_legend {", '    label="legend";', "    fontname=Helvetica;"]
    for status, meaning in legend.status.items():
        colour = COLOURS[status][0]
        text = f"{status} ({colour}): {meaning}"
        lines.append(
            f"    {_quoted('legend:' + status)} [label={_quoted(text)}, shape=box, color={colour}];"
        )
    for kind, meaning in legend.nodes.items():
        text = f"{kind} ({DOT_SHAPES[kind]}): {meaning}"
        lines.append(
            f"    {_quoted('legend:' + kind)} [label={_quoted(text)}, shape={DOT_SHAPES[kind]}];"
        )
    edges = "".join(f"{meaning}\\l" for meaning in legend.edges.values())
    lines += [f'    "legend:edges" [label="{edges}", shape=plaintext];', "  }", "}"]
    return "\n".join(lines) + "\n"


def render_mermaid(view: nx.DiGraph) -> str:
    legend = LEGENDS[view.graph["view"]]
    ids = {node: f"n{i}" for i, node in enumerate(sorted(view.nodes))}
    lines = ["flowchart LR"]
    for node, data in sorted(view.nodes(data=True)):
        lines.append(f"  {ids[node]}{_mermaid_node(data['kind'], data['label'])}")
        if "status" in data:
            lines.append(f"  class {ids[node]} {data['status']}")
    for source, target, data in sorted(view.edges(data=True)):
        lines.append(f'  {ids[source]} -- "{_mermaid_text(data["label"])}" --> {ids[target]}')
    lines.append("  subgraph legend")
    for status, meaning in legend.status.items():
        colour = COLOURS[status][0]
        node = _mermaid_node("file", f"{status} ({colour}): {meaning}")
        lines.append(f"    legend_{status}{node}:::{status}")
    for kind, meaning in legend.nodes.items():
        lines.append(f"    legend_{kind}{_mermaid_node(kind, f'{kind}: {meaning}')}")
    lines.append(
        f'    legend_edges["{"<br>".join(_mermaid_text(m) for m in legend.edges.values())}"]'
    )
    lines.append("  end")
    lines += [
        f"  classDef {status} stroke:{stroke},stroke-width:2px"
        for status, (_, stroke) in COLOURS.items()
    ]
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "'")


def _mermaid_node(kind: str, label: str) -> str:
    opening, closing = MERMAID_SHAPES[kind]
    return f'{opening}"{_mermaid_text(label)}"{closing}'


def render_json(view: nx.DiGraph) -> str:
    legend = LEGENDS[view.graph["view"]]
    document = {
        "view": view.graph["view"],
        "target": view.graph["target"],
        "legend": {
            "status": {
                status: {"colour": COLOURS[status][0], "meaning": meaning}
                for status, meaning in legend.status.items()
            },
            "nodes": legend.nodes,
            "edges": legend.edges,
        },
        "nodes": [{"id": node, **data} for node, data in sorted(view.nodes(data=True))],
        "edges": [{"from": s, "to": t, **d} for s, t, d in sorted(view.edges(data=True))],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# format name → renderer: the `--format` choices of `cilint graph`
RENDERERS = {"dot": render_dot, "mermaid": render_mermaid, "json": render_json}
