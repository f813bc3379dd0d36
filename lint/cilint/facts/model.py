"""The plain records the per-file stage hands to the graph stage.

They are frozen msgspec Structs, encoded as MessagePack arrays (`cilint.cache.codec`): built,
encoded and decoded in C, as a cold run does for about 900,000 of them (bench/NOTES.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import msgspec

from cilint.location import Location

# Producer states: what a producer does for its tag.
ACTIVE = "active"  # the tag is written to QCI
DISABLED = "disabled"  # a promotion target with `disabled: true`
EXCLUDED = "excluded"  # removed by `excluded_images`
OPTIONAL = "optional"  # an `optional: true` image, left out of promotion
CONDITIONAL = "conditional"  # exists only if something outside the repo happens

# Producer kinds, each with how messages say who writes a tag ("promoted by org/repo@main").
PRODUCER_VERBS = {
    "promotion": "promoted by",
    "build-cache": "build cache of",
    "supplemental": "mirrored by",
    "art": "ART mirror rule in",
    "qci-to-appci": "listed in qciToAppCIImages of",
    "imagestream": "imported by",
    "buildconfig": "built by",
    "mapping": "mirrored by",
}


class Record(msgspec.Struct, frozen=True, array_like=True, cache_hash=True):
    """Immutable and hashable, compared field by field; encoded as an array.

    Subclasses inherit the options; they repeat `frozen=True` only for type checkers."""


class TagPattern(Record, frozen=True):
    """Tags matched by regular expressions (Go RE2 syntax, unanchored, as ci-tools matches)."""

    namespace: str
    name_regex: str
    tag_regex: str | None = None

    def matches(self, namespace: str, name: str, tag: str | None = None) -> bool:
        if namespace != self.namespace:
            return False
        name_search, tag_search = self.searches()
        if not name_search(name):
            return False
        return tag is None or tag_search is None or bool(tag_search(tag))

    def searches(self) -> tuple[Callable[[str], object], Callable[[str], object] | None]:
        """The compiled name search and tag search (None: any tag), for callers that test
        many tags against the same patterns."""
        tag_rx = _compiled(self.tag_regex)
        name_rx = _compiled(self.name_regex)
        assert name_rx is not None  # never empty: facts.ci_operator and facts.mirror_config
        return name_rx.search, (tag_rx.search if tag_rx else None)

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name_regex}" + (
            f":{self.tag_regex}" if self.tag_regex else ""
        )


@cache
def _compiled(regex: str | None) -> re.Pattern[str] | None:
    return re.compile(regex) if regex else None


class Producer(Record, frozen=True):
    kind: str  # one of PRODUCER_VERBS
    tag: str | None  # the IST it writes, or None for a pattern producer
    state: str
    location: Location
    detail: str  # the stanza in words
    owner: str  # `org/repo@branch [variant]` for configs, else the file path
    pattern: TagPattern | None = None


def by(producer: Producer) -> str:
    """`promoted by org/repo@branch`, `mirrored by <file>`: who writes a tag, for messages."""
    return f"{PRODUCER_VERBS.get(producer.kind, producer.kind)} {producer.owner}"


class Consumer(Record, frozen=True):
    field: str  # e.g. "base_images.base", "ref.from_image", "releases.latest.integration"
    location: Location
    owner: str
    tag: str | None = None  # the IST pulled
    stream: str | None = None  # `ns/name` for whole-stream consumers (integration, tag_spec)
    via: str = ""  # how a registry step is reached, filled in by the graph stage


class StepItem(Record, frozen=True):
    """One entry of a pre/test/post (or chain steps) list."""

    kind: str  # "ref" | "chain" | "literal"
    name: str  # the ref/chain name, or a literal step's `as`
    location: Location
    consumes: tuple[Consumer, ...] = ()  # a literal step's from_image (and its observers')
    observers: tuple[str, ...] = ()  # observers a literal step asks for


class StepPhases(Record, frozen=True):
    """pre/test/post of a test or workflow; None for a phase that is not set at all."""

    pre: tuple[StepItem, ...] | None = None
    test: tuple[StepItem, ...] | None = None
    post: tuple[StepItem, ...] | None = None
    observers_enable: tuple[str, ...] = ()
    observers_disable: tuple[str, ...] = ()
    # Where each enabled observer is named, for unresolved names.
    observer_locations: tuple[tuple[str, Location], ...] = ()


class TestUsage(Record, frozen=True):
    """A multi-stage test of a ci-operator config: what it asks of the step registry."""

    owner: str
    name: str
    location: Location
    workflow: str | None
    workflow_location: Location | None
    phases: StepPhases


class RegistryElement(Record, frozen=True):
    """A step-registry ref, chain, workflow or observer."""

    kind: str  # "ref" | "chain" | "workflow" | "observer"
    name: str
    location: Location
    consumes: tuple[Consumer, ...] = ()  # ref/observer from_image
    steps: tuple[StepItem, ...] = ()  # chain steps
    phases: StepPhases | None = None  # workflow steps
    observers: tuple[str, ...] = ()  # observers a ref asks for


class MirrorEntry(Record, frozen=True):
    """One source → mirrors entry of an ITMS, IDMS or ICSP."""

    kind: str  # "ImageTagMirrorSet" | "ImageDigestMirrorSet" | "ImageContentSourcePolicy"
    source: str
    mirrors: tuple[str, ...]
    policy: str | None
    location: Location
    document: int = 0  # where its `mirrors` list sits, for `--fix`
    path: tuple[str | int, ...] = ()


class FileFacts(Record, frozen=True):
    producers: tuple[Producer, ...] = ()
    consumers: tuple[Consumer, ...] = ()
    tests: tuple[TestUsage, ...] = ()
    registry: tuple[RegistryElement, ...] = ()
    mirrors: tuple[MirrorEntry, ...] = ()
    # For configs: `org/repo@branch [variant]` and the metadata, for cross-config rules.
    config_owner: str | None = None
    path: str | None = None
    notes: tuple[str, ...] = ()
