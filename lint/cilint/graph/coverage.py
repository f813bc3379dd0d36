"""How a tag is covered (produced, conditional, unproduced), and the tags close to a misspelt
one. Plain functions of producers and names, shared by the tag graph and by `cilint explain`'s
index, which answers without building a graph."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from cilint.facts.model import ACTIVE, CONDITIONAL, Producer
from cilint.tags import ImageTag

PRODUCED, CONDITIONAL_STATUS, UNPRODUCED = "produced", "conditional", "unproduced"


@dataclass(frozen=True)
class Coverage:
    """How a tag (or stream) is covered: `status` is produced, conditional or unproduced."""

    status: str
    active: tuple[Producer, ...]  # exact producers that write it
    conditional: tuple[Producer, ...]  # pattern or conditional producers
    inactive: tuple[Producer, ...]  # disabled targets, exclusions, optional images

    @classmethod
    def of(cls, producers: list[Producer]) -> Coverage:
        active = tuple(p for p in producers if p.state == ACTIVE and p.tag)
        conditional = tuple(
            p
            for p in producers
            if p.state == CONDITIONAL or (p.state == ACTIVE and p.pattern is not None)
        )
        inactive = tuple(p for p in producers if p.state not in (ACTIVE, CONDITIONAL))
        status = PRODUCED if active else CONDITIONAL_STATUS if conditional else UNPRODUCED
        return cls(status, active, conditional, inactive)


def closest(
    ist: str, wanted: ImageTag, produced: Iterable[tuple[str, str, str]], limit: int
) -> list[str]:
    """Produced tags close to `ist`, from its namespace's produced tags as (ist, name, tag)
    sorted by ist: other tags of the same stream first (by tag), then of the namespace."""
    same_stream: dict[str, str] = {}
    same_namespace: dict[str, str] = {}
    for other, name, tag_name in produced:
        if other == ist:
            continue
        if name == wanted.name:
            same_stream[tag_name] = other
        else:
            same_namespace[f"{name}:{tag_name}"] = other
    close = [
        same_stream[t]
        for t in difflib.get_close_matches(
            str(wanted.tag), sorted(same_stream), n=limit, cutoff=0.6
        )
    ]
    if len(close) < limit:
        close += [
            same_namespace[t]
            for t in difflib.get_close_matches(
                f"{wanted.name}:{wanted.tag}",
                sorted(same_namespace),
                n=limit - len(close),
                cutoff=0.8,
            )
        ]
    return close


def close_covered(wanted: ImageTag, pool: Iterable[str], limit: int) -> list[str]:
    """Of `pool` (tags of `wanted`'s namespace that only a pattern covers), those close to it."""
    prefix = wanted.namespace + "/"
    by_name = {tag[len(prefix) :]: tag for tag in pool}
    close = difflib.get_close_matches(
        f"{wanted.name}:{wanted.tag}", sorted(by_name), n=limit, cutoff=0.8
    )
    return [by_name[name] for name in close]
