"""What a cross-file rule reads of the tree, declared in its `READS`, and the guard that holds it
to that declaration.

A run about a few files (the pre-commit hook) loads only the results that can change its
answer; `cilint.cache.closure` derives which from these declarations, one gathering step per
read. So a rule that read something it did not declare
would be right on a whole-tree run and silently wrong in the hook: instead, the view a rule gets
(`cilint.rules.context.RuleContext`) exposes only what it declared, and anything else raises
`UndeclaredRead`, on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cilint.graph.tag_graph import TagGraph


class Read(StrEnum):
    """A relation of the tag graph, or an index, that a rule (or `explain`) consults."""

    # Who writes a tag or a stream, exact and pattern producers: `coverage`, `producers_of`.
    COVERAGE = "coverage"
    # The list of every producer (rules grouping producers by tag, or checking each one).
    PRODUCERS = "producers"
    # The list of every consumer, and `consumers_of` a tag. A PATH run loads the consumers
    # located in its files (and what they resolve through), not every consumer of a tag.
    CONSUMERS = "consumers"
    # Consumers grouped by the place they pull from, including those a test reaches through
    # the step registry (`consumer_places`).
    CONSUMER_PLACES = "consumer-places"
    # How tests resolve through the step registry: its unresolved names and chain cycles.
    REGISTRY = "registry"
    # The names of a registry kind, for "did you mean" (`registry.names`).
    REGISTRY_NAMES = "registry-names"
    # The produced tags of a namespace, for "did you mean" (`nearest`).
    PRODUCED_NAMES = "produced-names"
    # Mirror-set entries and their merge per cluster (`mirrors`, `mirror_views`, `clusters`,
    # `manifest_paths`).
    MIRROR_SETS = "mirror-sets"
    # The ci-images-mirror config's entries, wherever they mirror (explain's insertion point).
    MIRROR_CONFIG = "mirror-config"


# TagGraph attributes, by the read they belong to; None: free to read (no cross-file data).
GRAPH_READS: dict[str, Read | None] = {
    "coverage": Read.COVERAGE,
    "stream_coverage": Read.COVERAGE,
    "producers_of": Read.COVERAGE,
    "stream_producers": Read.COVERAGE,
    "producers": Read.PRODUCERS,
    "consumers": Read.CONSUMERS,
    "consumers_of": Read.CONSUMERS,
    "consumers_by_place": Read.CONSUMER_PLACES,
    "unresolved_steps": Read.REGISTRY,
    "registry": Read.REGISTRY_NAMES,
    "nearest": Read.PRODUCED_NAMES,
    "covered_near": Read.PRODUCED_NAMES,
    "mirrors": Read.MIRROR_SETS,
    "supplemental_producers": Read.MIRROR_CONFIG,
    "is_exempt": None,
    "notes": None,
    # Whole-graph listings, for explain's index of tags (`cilint.explain.index`).
    "tag_nodes": Read.PRODUCERS,
    "namespaces": Read.PRODUCERS,
    "pattern_producers": Read.COVERAGE,
    "exact_producers": Read.COVERAGE,
    "produced_in": Read.PRODUCED_NAMES,
    "tag_consumers": Read.CONSUMERS,
    "stream_consumers": Read.CONSUMERS,
    "stream_consumer_streams": Read.CONSUMERS,
}


class UndeclaredRead(AttributeError):
    """A rule read a relation it does not declare in `READS`."""


def undeclared(owner: str, what: str, read: Read | None) -> UndeclaredRead:
    if read is None:
        return UndeclaredRead(f"{owner} reads {what}, which no declarable read covers")
    return UndeclaredRead(
        f"{owner} reads {what} without declaring Read.{read.name} in its READS: add it, so "
        "that runs on a few files or one tag load what it needs (cilint.cache.closure)"
    )


class Demand:
    """The names asked for "did you mean" during a partial run: namespaces whose produced
    tags, and registry kinds whose names, were consulted, and the tags suggested. The run
    gets the names from the cache's index (`produced`, `registry_names`), loads the producers
    of the suggested tags (their messages name one), and computes the answer again; until
    then, the question gets no names (its first answer is thrown away)."""

    def __init__(self) -> None:
        self.namespaces: set[str] = set()
        self.registry_kinds: set[str] = set()
        self.candidates: set[str] = set()
        self.loaded_namespaces: set[str] = set()
        self.loaded_kinds: set[str] = set()
        self.loaded_candidates: set[str] = set()
        self.produced: set[str] = set()  # tags the index says are produced, loaded or not
        self.consumed: set[str] = set()  # tags the index says are consumed, loaded or not
        self.registry_names: dict[str, set[str]] = {}  # kind → names the index defines


class _RegistryNames:
    """`registry.names(kind)`, recording the kind in a partial run."""

    def __init__(self, registry: Any, demand: Demand) -> None:
        self._registry = registry
        self._demand = demand
        self._names: dict[str, list[str]] = {}  # asked once per unresolved step: merged once

    def names(self, kind: str) -> Any:
        if kind not in self._demand.loaded_kinds:
            self._demand.registry_kinds.add(kind)
            return []
        if kind not in self._names:
            known = self._demand.registry_names.get(kind, set())
            self._names[kind] = sorted(set(self._registry.names(kind)) | known)
        return self._names[kind]


class GraphReads:
    """The `TagGraph` as one reader may see it: the attributes of its declared reads (bound
    once, so reading costs nothing more than on the graph itself), nothing else."""

    def __init__(
        self, graph: TagGraph, reads: Iterable[Read], owner: str, demand: Demand | None = None
    ) -> None:
        declared = frozenset(reads)
        self._owner = owner
        for name, read in GRAPH_READS.items():
            if read is None or read in declared:
                setattr(self, name, getattr(graph, name))
        if demand is not None and Read.PRODUCED_NAMES in declared:
            self.nearest = _recording_nearest(graph.nearest, demand)
            self.covered_near = _recording_nearest(graph.covered_near, demand)
        if demand is not None and Read.REGISTRY_NAMES in declared:
            self.registry = _RegistryNames(graph.registry, demand)

    def __getattr__(self, name: str) -> Any:  # only for what __init__ did not bind
        if name.startswith("__"):
            raise AttributeError(name)
        raise undeclared(self._owner, f"graph.{name}", GRAPH_READS.get(name))


def _recording_nearest(nearest: Callable[..., list[str]], demand: Demand) -> Callable[..., Any]:
    def recorded(ist: str, limit: int = 3) -> list[str]:
        namespace = ist.split("/", 1)[0]
        if namespace not in demand.loaded_namespaces:
            demand.namespaces.add(namespace)
            return []
        found = nearest(ist, limit)
        demand.candidates.update(t for t in found if t not in demand.loaded_candidates)
        return found

    return recorded
