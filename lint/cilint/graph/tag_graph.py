"""The image-tag graph: producers → tags → consumers.

Nodes are tags (`ns/name:tag`), streams (`ns/name`, which consumers of a whole stream pull),
producers, pattern producers and consumers; the edges are kept as adjacency lists (tag → its
producers, tag → its consumers, stream → its tags and consumers). A pattern producer (an
`artImages` rule, `tag_by_commit`) is linked to a tag lazily, the first time someone asks about
that tag. Rules, `cilint explain` and `cilint graph` query this one object; `cilint graph` draws
the part around a tag or a file (`cilint.graph.neighbourhood`), or the tree summed up
(`cilint.graph.summary`), as a networkx graph.

Plain dicts, not a networkx DiGraph, hold the whole tree: only these lookups ever read it, and
building a DiGraph of it cost more than the rest of the stage (bench/NOTES.md).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from cilint.facts.model import (
    ACTIVE,
    CONDITIONAL,
    Consumer,
    FileFacts,
    Location,
    MirrorEntry,
    Producer,
    RegistryElement,
    TestUsage,
)
from cilint.graph.coverage import (
    CONDITIONAL_STATUS,
    Coverage,
    close_covered,
    closest,
)
from cilint.graph.step_resolution import Registry, UnresolvedStep, resolve
from cilint.tags import parse_ist

_Search = Callable[[str], object]  # a compiled regular expression's `search`


class TagGraph:
    def __init__(self, facts: Iterable[FileFacts], exempt_namespaces: Iterable[str] = ()) -> None:
        self.exempt = [re.compile(p) for p in exempt_namespaces]
        self._exempt_namespaces: dict[str, bool] = {}
        self.producers: list[Producer] = []
        self.consumers: list[Consumer] = []
        self.mirrors: list[MirrorEntry] = []
        self.notes: dict[str, tuple[str, ...]] = {}  # path → what could not be checked
        # The edges, as adjacency lists of ids into `producers` / `consumers`:
        self._exact: dict[str, list[int]] = defaultdict(list)  # tag → its exact producers
        self._patterns: dict[str, list[int]] = defaultdict(list)  # namespace → pattern producers
        self._matched: dict[str, list[int]] = {}  # tag → pattern producers (linked lazily)
        self._compiled: dict[str, list[tuple[int, _Search, _Search | None]]] = {}
        self._tag_consumers: dict[str, list[int]] = defaultdict(list)
        # (Keyed by `Consumer.stream`: every consumer without a tag has one.)
        self._stream_consumers: dict[str | None, list[int]] = defaultdict(list)
        self._tags: set[str] = set()  # every tag node
        self._stream_tags: dict[str, list[str]] = defaultdict(list)  # stream → its tag nodes
        self._coverage: dict[str, Coverage] = {}  # the graph does not change once built
        self._produced: set[str] | None = None
        self._produced_by_namespace: dict[str, list[tuple[str, str, str]]] | None = None
        self._nearest: dict[tuple[str, int], list[str]] = {}
        # Tags known to be produced by files not loaded (a partial run: the cache's index).
        self.known_produced: set[str] = set()
        # Tags the cache's index says are consumed, in a partial run (`covered_near`).
        self.known_consumed: set[str] = set()
        self._places: dict[tuple[Location, str | None, str | None], list[Consumer]] | None = None
        usages: list[TestUsage]
        elements: list[RegistryElement]
        usages, elements = [], []
        for file_facts in facts:
            for producer in file_facts.producers:
                self._add_producer(producer)
            if file_facts.consumers:
                self._add_consumers(file_facts.consumers)
            usages.extend(file_facts.tests)
            elements.extend(file_facts.registry)
            self.mirrors.extend(file_facts.mirrors)
            if file_facts.notes and file_facts.path:
                self.notes[file_facts.path] = file_facts.notes
        self.registry = Registry(elements)
        resolved, self.unresolved = resolve(usages, self.registry)
        self._add_consumers(resolved)

    # -- building ----------------------------------------------------------------------------

    def _tag_node(self, ist: str) -> None:
        if ist not in self._tags:
            self._tags.add(ist)
            tag = parse_ist(ist)
            if tag is not None:
                self._stream_tags[tag.stream].append(ist)

    def _add_producer(self, producer: Producer) -> None:
        index = len(self.producers)
        self.producers.append(producer)
        if producer.pattern is not None:
            self._patterns[producer.pattern.namespace].append(index)
        elif producer.tag:
            self._tag_node(producer.tag)
            self._exact[producer.tag].append(index)

    def _add_consumers(self, consumers: Iterable[Consumer]) -> None:
        """One loop with its lookups bound once: it runs for every consumer of the tree."""
        index = len(self.consumers)
        append, tags, tag_node = self.consumers.append, self._tags, self._tag_node
        tag_consumers, stream_consumers = self._tag_consumers, self._stream_consumers
        for consumer in consumers:
            append(consumer)
            tag = consumer.tag
            if tag:
                if tag not in tags:
                    tag_node(tag)
                tag_consumers[tag].append(index)
            else:
                stream_consumers[consumer.stream].append(index)
            index += 1

    def _link_patterns(self, ist: str) -> list[int]:
        """The pattern producers that match `ist` (computed once per tag)."""
        linked = self._matched.get(ist)
        if linked is None:
            linked = self._matched[ist] = []
            tag = parse_ist(ist)
            if tag is not None:
                for index, name_matches, tag_matches in self._compiled_patterns(tag.namespace):
                    if name_matches(tag.name) and (
                        tag_matches is None or tag.tag is None or tag_matches(tag.tag)
                    ):
                        linked.append(index)
                if linked:
                    self._tag_node(ist)
        return linked

    def _compiled_patterns(self, namespace: str) -> list[tuple[int, _Search, _Search | None]]:
        """The namespace's pattern producers as (index, name search, tag search or None), so
        that `_link_patterns` tests each tag without `TagPattern.matches`' lookups."""
        compiled = self._compiled.get(namespace)
        if compiled is None:
            compiled = self._compiled[namespace] = []
            for index in self._patterns.get(namespace, ()):
                pattern = self.producers[index].pattern
                if pattern is not None:  # `_patterns` holds pattern producers only
                    compiled.append((index, *pattern.searches()))
        return compiled

    # -- queries -----------------------------------------------------------------------------

    def is_exempt(self, ist: str) -> bool:
        namespace = ist.split("/", 1)[0]
        exempt = self._exempt_namespaces.get(namespace)
        if exempt is None:
            exempt = self._exempt_namespaces[namespace] = any(
                rx.search(namespace) for rx in self.exempt
            )
        return exempt

    def producers_of(self, ist: str) -> list[Producer]:
        """Every producer of `ist`, exact ones first, in any state."""
        linked = self._link_patterns(ist)
        if ist not in self._tags:
            return []
        return [self.producers[i] for i in self._exact.get(ist, ())] + [
            self.producers[i] for i in linked
        ]

    def stream_producers(self, stream: str) -> list[Producer]:
        """Producers of any tag of `ns/name`, and pattern producers whose name rule matches it."""
        found = [
            self.producers[i]
            for ist in self._stream_tags.get(stream, ())
            for i in self._exact.get(ist, ())
        ]
        namespace, _, name = stream.partition("/")
        for index in self._patterns.get(namespace, ()):
            pattern = self.producers[index].pattern
            if pattern is not None and pattern.matches(namespace, name):
                found.append(self.producers[index])
        return found

    def consumers_of(self, ist: str) -> list[Consumer]:
        """Consumers of `ist` itself, then consumers of its whole stream."""
        found = [self.consumers[i] for i in self._tag_consumers.get(ist, ())]
        tag = parse_ist(ist)
        if tag is not None:
            found.extend(self.consumers[i] for i in self._stream_consumers.get(tag.stream, ()))
        return found

    def coverage(self, ist: str) -> Coverage:
        if ist not in self._coverage:
            self._coverage[ist] = Coverage.of(self.producers_of(ist))
        return self._coverage[ist]

    def stream_coverage(self, stream: str) -> Coverage:
        key = f"stream:{stream}"
        if key not in self._coverage:
            self._coverage[key] = Coverage.of(self.stream_producers(stream))
        return self._coverage[key]

    def consumers_by_place(self) -> dict[tuple[Location, str | None, str | None], list[Consumer]]:
        """Consumers grouped by (location, tag, stream): one registry step used by many tests
        is one place to fix. In the order the consumers were added (findings are sorted when
        reported); computed once."""
        if self._places is None:
            places: dict[tuple[Location, str | None, str | None], list[Consumer]] = {}
            for consumer in self.consumers:
                key = (consumer.location, consumer.tag, consumer.stream)
                found = places.get(key)
                if found is None:
                    places[key] = [consumer]
                else:
                    found.append(consumer)
            self._places = places
        return self._places

    def _produced_tags(self) -> set[str]:
        if self._produced is None:  # asked once per unproduced tag: compute it once
            self._produced = {
                p.tag for p in self.producers if p.tag and p.state in (ACTIVE, CONDITIONAL)
            }
        return self._produced

    def tag_nodes(self) -> list[str]:
        """Every tag produced or pulled by name, sorted."""
        return sorted(self._tags)

    def stream_consumer_streams(self) -> list[str]:
        """Every stream some consumer pulls whole, sorted."""
        return sorted(s for s, found in self._stream_consumers.items() if s and found)

    def exact_producers(self, ist: str) -> list[Producer]:
        """The producers naming `ist` itself (`producers_of` adds the patterns it matches)."""
        return [self.producers[i] for i in self._exact.get(ist, ())]

    def tag_consumers(self, ist: str) -> list[Consumer]:
        """Consumers of `ist` itself (not of its whole stream)."""
        return [self.consumers[i] for i in self._tag_consumers.get(ist, ())]

    def stream_consumers(self, stream: str) -> list[Consumer]:
        return [self.consumers[i] for i in self._stream_consumers.get(stream, ())]

    def pattern_producers(self, namespace: str) -> list[Producer]:
        return [self.producers[i] for i in self._patterns.get(namespace, ())]

    def produced_in(self, namespace: str) -> list[tuple[str, str, str]]:
        """The namespace's produced tags as (ist, name, tag), sorted: what `nearest` picks from."""
        return list(self._produced_by_ns().get(namespace, ()))

    def namespaces(self) -> list[str]:
        """Every namespace with a tag node, a pattern producer or a stream pulled whole."""
        found = {ist.split("/", 1)[0] for ist in self._tags}
        found |= set(self._patterns)
        found |= {s.split("/", 1)[0] for s in self._stream_consumers if s}
        return sorted(found)

    def nearest(self, ist: str, limit: int = 3) -> list[str]:
        """Produced tags close to `ist`: other tags of the same stream first (by tag), then
        tags of the same namespace (by `name:tag`)."""
        key = (ist, limit)
        found = self._nearest.get(key)
        if found is None:  # asked for every place that pulls the tag
            found = self._nearest[key] = self._closest(ist, limit)
        return list(found)

    def _produced_by_ns(self) -> dict[str, list[tuple[str, str, str]]]:
        if self._produced_by_namespace is None:
            by_namespace: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
            for produced in sorted(self._produced_tags() | self.known_produced):
                tag = parse_ist(produced)
                if tag is not None:
                    by_namespace[tag.namespace].append((produced, tag.name, str(tag.tag)))
            self._produced_by_namespace = by_namespace
        return self._produced_by_namespace

    def _closest(self, ist: str, limit: int) -> list[str]:
        wanted = parse_ist(ist)
        if wanted is None:
            return []
        return closest(ist, wanted, self._produced_by_ns().get(wanted.namespace, ()), limit)

    def covered_near(self, ist: str, limit: int = 3) -> list[str]:
        """Consumed tags close to `ist` that only a pattern covers (`ocp/4.18:base-rhel9` for
        `ocp/4.18:base-rhle9`): they exist if ART publishes them, so they are worth naming
        where `nearest` knows only explicitly produced tags."""
        wanted = parse_ist(ist)
        if wanted is None:
            return []
        prefix = wanted.namespace + "/"
        pool = [
            tag
            for tag in (*self._tag_consumers, *self.known_consumed)
            if tag.startswith(prefix)
            and tag != ist
            and self.coverage(tag).status == CONDITIONAL_STATUS
        ]
        return close_covered(wanted, pool, limit)

    def supplemental_producers(self) -> list[Producer]:
        """The ci-images-mirror config's supplementalCIImages entries."""
        return [p for p in self.producers if p.kind == "supplemental"]

    def unresolved_steps(self) -> list[UnresolvedStep]:
        return list(self.unresolved)
