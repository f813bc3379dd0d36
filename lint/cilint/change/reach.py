"""Where a change reaches: the facts of the changed files that differ between the base and now,
and the index names of the files whose findings they can change.

A finding depends on its own file and on what the graph says about the tags, registry elements
and mirror sources it involves. So a file that no changed fact names keeps its findings, and a
change-aware run only evaluates the changed files and the files the changed facts name:

- a producer added, removed or changed (state, owner, stanza): the tag's consumers, its other
  producers and the files importing its whole stream (`c:`, `p:`, `s:`); for a pattern producer,
  every such name of its namespace that the pattern matches;
- a registry element or test whose steps changed: the files using the element (unresolved
  names, cycles) and every element reached from it at either end (the places whose consumers
  change);
- a mirror entry, or a cluster manifest added or removed: every cluster manifest (mirror sets
  merge per cluster, and the manifests' folders say which clusters there are).

Consumers need nothing more: a consumer's findings sit at its own place, in the changed file.
Locations are left out of the comparison, so a fact that only moved is not a change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import msgspec

from cilint.cache.index import (
    USED,
    consumed,
    defined,
    definition_of,
    mentions,
    produced,
    used,
    whole_stream,
)
from cilint.facts.model import FileFacts, Producer, TagPattern
from cilint.facts.result import FileResult
from cilint.inputs.kinds import Kind
from cilint.location import Location
from cilint.tags import parse_ist

T = TypeVar("T")
MIRRORS = "*mirrors"  # the name of a change to what the mirror sets merge


@dataclass(frozen=True)
class Touch:
    """One changed fact: where it is (now, or at the base when it is gone) and the names of
    the files it can change."""

    location: Location
    at_base: bool
    names: frozenset[str]
    pattern: TagPattern | None = None  # a changed pattern producer: the names it matches
    tag: str | None = None  # the produced tag, for a producer
    uses: frozenset[str] = frozenset()  # `d:` names whose elements a changed step reaches

    def order(self) -> tuple[str, bool, tuple[object, ...]]:
        """Which touch is the cause when several are: the first changed file, facts that are
        there now before those that are gone."""
        return (self.location.path, self.at_base, self.location.sort_key())


def _shape(value: object) -> object:
    """`value` without its locations, comparable and hashable."""
    if isinstance(value, Location):
        return None
    if isinstance(value, msgspec.Struct):
        return tuple(_shape(getattr(value, name)) for name in value.__struct_fields__)
    if isinstance(value, (tuple, list)):
        return tuple(_shape(item) for item in value)
    return value


def _differing(base: Iterable[T], now: Iterable[T]) -> Iterator[tuple[T, bool]]:
    """The items whose shape is more often on one side than the other, with `at_base`."""
    base_items = [(item, _shape(item)) for item in base]  # each shape computed once
    now_items = [(item, _shape(item)) for item in now]
    counts = Counter(shape for _, shape in now_items)
    counts.subtract(shape for _, shape in base_items)
    for items, at_base, sign in ((now_items, False, 1), (base_items, True, -1)):
        surplus = {shape: n * sign for shape, n in counts.items() if n * sign > 0}
        for item, shape in items:
            if surplus.get(shape, 0) > 0:
                surplus[shape] -= 1
                yield item, at_base


def _producer_touch(producer: Producer, at_base: bool) -> Touch:
    if producer.pattern is not None:
        return Touch(producer.location, at_base, frozenset(), producer.pattern)
    names: set[str] = set()
    if producer.tag:
        names = {consumed(producer.tag), produced(producer.tag)}
        tag = parse_ist(producer.tag)
        if tag is not None:
            names.add(whole_stream(tag.stream))
    return Touch(producer.location, at_base, frozenset(names), tag=producer.tag)


def _uses(alone: FileFacts) -> frozenset[str]:
    """The `d:` names the one test or registry element of `alone` reaches directly."""
    return frozenset(definition_of(n) for n in mentions(alone) if n.startswith(USED))


def touches(base: FileResult | None, now: FileResult | None) -> list[Touch]:
    """The changed facts of one file, between its result at the base and now (None: the file
    is not there at that end)."""
    empty = FileFacts()
    before = base.facts if base is not None and not base.skipped else empty
    after = now.facts if now is not None and not now.skipped else empty
    found = [
        _producer_touch(producer, at_base)
        for producer, at_base in _differing(before.producers, after.producers)
    ]
    for test, at_base in _differing(before.tests, after.tests):
        uses = _uses(FileFacts(tests=(test,)))
        found.append(Touch(test.location, at_base, frozenset(), uses=uses))
    for element, at_base in _differing(before.registry, after.registry):
        uses = _uses(FileFacts(registry=(element,))) | {defined(element.kind, element.name)}
        users = frozenset({used(element.kind, element.name)})
        found.append(Touch(element.location, at_base, users, uses=uses))
    for entry, at_base in _differing(before.mirrors, after.mirrors):
        found.append(Touch(entry.location, at_base, frozenset({MIRRORS})))
    either = now if now is not None else base
    if (base is None or now is None) and either and either.kind is Kind.CLUSTER_MANIFEST:
        # Which clusters exist follows the manifests' folders (`config.mirror_policy.clusters`).
        found.append(Touch(Location(either.path, 1, 1), now is None, frozenset({MIRRORS})))
    return found
