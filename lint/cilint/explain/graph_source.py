"""An answer's `Source` from a loaded tree: its tag graph, mirror sets and positions."""

from __future__ import annotations

from typing import cast

from cilint.explain.answer import Route
from cilint.facts.model import Consumer, Location, Producer
from cilint.graph.coverage import Coverage
from cilint.graph.tag_graph import TagGraph
from cilint.rules.context import RuleContext
from cilint.tags import Registries


class GraphSource:
    def __init__(self, tree: RuleContext, registries: Registries) -> None:
        self.tree = tree
        self.graph = cast(TagGraph, tree.graph)  # the view's guard answers as the graph
        self.registries = registries
        self.art_namespaces = tree.policy.art_namespaces if tree.policy else ()

    def coverage(self, ist: str) -> Coverage:
        return self.graph.coverage(ist)

    def producers_of(self, ist: str) -> list[Producer]:
        return self.graph.producers_of(ist)

    def consumer_files(self, ist: str) -> tuple[list[str], list[str]]:
        found = self.graph.consumers_of(ist)
        return (
            sorted({c.location.path for c in found if not c.stream}),
            sorted({c.location.path for c in found if c.stream}),
        )

    def consumers_in(self, ist: str, pulling: set[str], importing: set[str]) -> list[Consumer]:
        return [
            c
            for c in self.graph.consumers_of(ist)
            if c.location.path in (importing if c.stream else pulling)
        ]

    def nearest(self, ist: str) -> list[str]:
        return self.graph.nearest(ist)

    def covered_near(self, ist: str) -> list[str]:
        return self.graph.covered_near(ist)

    def supplemental(self) -> list[tuple[str, Location]]:
        return [(p.tag, p.location) for p in self.graph.supplemental_producers() if p.tag]

    def routes(self) -> list[Route]:
        return routes(self.tree, self.registries)

    def locate(self, location: Location) -> Location:
        return self.tree.locate(location)


def routes(tree: RuleContext, registries: Registries) -> list[Route]:
    """The merged mirror order of each kind of mirror set for the QCI-APPCI proxy, one item per
    distinct order, with the clusters that get it."""
    found: dict[tuple[str, tuple[str, ...], bool], Route] = {}
    places: dict[tuple[str, tuple[str, ...], bool], set[tuple[str, int]]] = {}
    for view in tree.mirror_views:
        if view.policy.source != registries.qci_proxy or not view.entries:
            continue
        order = tuple(view.merged.with_source)
        key = (view.kind, order, view.merged.blocked)
        if key not in found:
            found[key] = {
                "kind": view.kind,
                "clusters": [],
                "repositories": list(order),
                "source_policy": "NeverContactSource"
                if view.merged.blocked
                else "AllowContactingSource",
                "path": view.entries[0].location.path,
                "line": tree.locate(view.entries[0].location).line,
                "entries": [],
            }
            places[key] = {(e.location.path, tree.locate(e.location).line) for e in view.entries}
        found[key]["clusters"].append(view.cluster.name)
    for key, route in found.items():
        route["entries"] = [{"path": p, "line": n} for p, n in sorted(places[key])]
    return sorted(found.values(), key=lambda r: (r["kind"], r["clusters"]))
