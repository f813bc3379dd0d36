"""How OpenShift merges the mirror lists of many mirror-set entries for one source.

Facts from openshift/runtime-utils `pkg/registries` (used by the machine-config-operator to
render registries.conf), re-expressed here:

- entries are grouped by `source`, per kind: ImageTagMirrorSet entries together; ImageDigest-
  MirrorSet entries together with ImageContentSourcePolicy entries;
- an entry whose mirrors are empty or only repeat the source is ignored (its policy too);
- every entry adds the edges mirrors[i] → mirrors[i+1], and mirrors[-1] → source unless it
  lists the source itself; the merged order is a topological order of that graph, ties broken
  by string order (Kahn's algorithm, a queue seeded and refilled in sorted order);
- a loop does not fail the merge: it is broken by taking the first unused node in string order,
  so contradictory entries yield an order that none of them asked for;
- the source, when it comes last, is dropped (registries.conf tries it last anyway);
- any entry with `mirrorSourcePolicy: NeverContactSource` blocks the source for everyone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

NEVER_CONTACT_SOURCE = "NeverContactSource"


def has_real_mirror(source: str, mirrors: Sequence[str]) -> bool:
    return any(mirror != source for mirror in mirrors)


@dataclass(frozen=True)
class MergedMirrors:
    source: str
    order: tuple[str, ...]  # what registries.conf lists, the source dropped when last
    blocked: bool  # NeverContactSource in some entry
    cycles: tuple[tuple[str, ...], ...]  # each a loop of repositories, if the entries disagree

    @property
    def with_source(self) -> tuple[str, ...]:
        """The order pulls really try: the mirrors, then the source unless it is blocked."""
        if self.source in self.order or self.blocked:
            return self.order
        return (*self.order, self.source)


Graph = dict[str, dict[str, None]]  # node → its successors, in the order the edges were added


def _graph(source: str, lists: Sequence[Sequence[str]]) -> Graph:
    graph: Graph = {}

    def edge(before: str, after: str) -> None:
        graph.setdefault(before, {})[after] = None
        graph.setdefault(after, {})

    for mirrors in lists:
        for before, after in zip(mirrors, mirrors[1:], strict=False):
            edge(before, after)
        if source not in mirrors:
            edge(mirrors[-1], source)
    return graph


def _sorted_like_openshift(graph: Graph) -> tuple[list[str], bool]:
    """The merged order, and whether a loop had to be broken."""
    nodes = sorted(graph)
    waiting = dict.fromkeys(nodes, 0)
    for successors in graph.values():
        for successor in successors:
            waiting[successor] += 1
    used: set[str] = set()
    ready = deque(node for node in nodes if waiting[node] == 0)
    result: list[str] = []
    next_unused = 0
    looped = False
    while ready or next_unused < len(nodes):
        if ready:
            node = ready.popleft()
        else:  # a loop: break it with the first unused node in string order
            node = nodes[next_unused]
            next_unused += 1
            if node in used:
                continue
            looped = True
        used.add(node)
        result.append(node)
        batch = []
        for successor in graph[node]:
            waiting[successor] -= 1
            if waiting[successor] == 0 and successor not in used:
                batch.append(successor)
        ready.extend(sorted(batch))
    return result, looped


def _cycles(graph: Graph) -> tuple[tuple[str, ...], ...]:
    # networkx only for the rare contradictory entries: importing it is a noticeable start cost.
    import networkx as nx

    digraph: nx.DiGraph[str] = nx.DiGraph(
        (a, b) for a, successors in graph.items() for b in successors
    )
    return tuple(tuple(cycle) for cycle in sorted(nx.simple_cycles(digraph), key=sorted))


def merge(source: str, lists: Sequence[Sequence[str]], blocked: bool = False) -> MergedMirrors:
    """Merge the mirror lists of every (non-ignored) entry for `source`."""
    real = [list(m) for m in lists if has_real_mirror(source, m)]
    if not real:
        return MergedMirrors(source, (), blocked, ())
    graph = _graph(source, real)
    order, looped = _sorted_like_openshift(graph)
    if order and order[-1] == source:
        order = order[:-1]
    return MergedMirrors(source, tuple(order), blocked, _cycles(graph) if looped else ())
