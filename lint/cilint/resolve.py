"""Step-registry resolution, as ci-operator does it (ci-tools pkg/registry/resolver.go).

A test's own `pre`/`test`/`post` win over its workflow's where they are set; chains expand
recursively; observers are the union of the workflow's and the test's `enable`, plus the ones
steps ask for, minus `disable`. The result is every image a test pulls through the registry, with
the path that reaches it, and every name that does not resolve.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cilint.facts.model import Consumer, Location, RegistryElement, StepItem, TestUsage
from cilint.facts.steps import PHASES


@dataclass(frozen=True)
class UnresolvedStep:
    kind: str  # "ref" | "chain" | "workflow" | "observer"
    name: str
    location: Location
    user: str  # `org/repo@branch test X` or `chain Y`


class Registry:
    def __init__(self, elements: list[RegistryElement]) -> None:
        self.elements: dict[tuple[str, str], RegistryElement] = {}
        for element in elements:
            self.elements.setdefault((element.kind, element.name), element)

    def names(self, kind: str) -> list[str]:
        return sorted(name for k, name in self.elements if k == kind)

    def get(self, kind: str, name: str) -> RegistryElement | None:
        return self.elements.get((kind, name))


def resolve(
    usages: list[TestUsage], registry: Registry
) -> tuple[list[Consumer], list[UnresolvedStep]]:
    consumers: list[Consumer] = []
    unresolved: list[UnresolvedStep] = []
    seen_unresolved: set[tuple[str, str, Location]] = set()

    def missing(kind: str, name: str, where: Location, user: str) -> None:
        if (kind, name, where) not in seen_unresolved:
            seen_unresolved.add((kind, name, where))
            unresolved.append(UnresolvedStep(kind, name, where, user))

    # A workflow's phase is expanded once and shared by every test that uses it.
    expansions: dict[int, Expansion] = {}
    for usage in usages:
        user = f"{usage.owner} test {usage.name}"
        workflow = None
        if usage.workflow:
            workflow = registry.get("workflow", usage.workflow)
            if workflow is None:
                missing("workflow", usage.workflow, usage.workflow_location or usage.location, user)
        base_via = user + (f" → workflow {usage.workflow}" if workflow else "")
        observers: set[str] = set(usage.phases.observers_enable)
        disabled: set[str] = set(usage.phases.observers_disable)
        named_at = dict(usage.phases.observer_locations)
        if workflow and workflow.phases:
            observers |= set(workflow.phases.observers_enable)
            disabled |= set(workflow.phases.observers_disable)
            named_at = {**dict(workflow.phases.observer_locations), **named_at}
        for phase in PHASES:
            own = getattr(usage.phases, phase)
            if own is not None:
                items, via = own, user
            elif workflow and workflow.phases and getattr(workflow.phases, phase) is not None:
                items, via = getattr(workflow.phases, phase), base_via
            else:
                continue
            found, gaps = _expansion(items, registry, expansions)
            for kind, name, where, suffix in gaps:
                missing(kind, name, where, via + suffix)
            for consumer, asked in found:
                if consumer is not None:
                    consumers.append(consumer._replace(via=via + consumer.via))
                observers |= set(asked)
        for name in sorted(observers - disabled):
            element = registry.get("observer", name)
            if element is None:
                missing("observer", name, named_at.get(name, usage.location), user)
                continue
            consumers.extend(c._replace(via=f"{user} → observer {name}") for c in element.consumes)
    return consumers, unresolved


Expansion = tuple[
    list[tuple[Consumer | None, tuple[str, ...]]],  # consumers (via relative) and observers asked
    list[tuple[str, str, Location, str]],  # unresolved (kind, name, location, via relative)
]


def _expansion(
    items: tuple[StepItem, ...], registry: Registry, memo: dict[int, Expansion]
) -> Expansion:
    """The steps a phase expands to, with `via` relative to the phase (memoised: a workflow's
    phase object is shared by every test that does not override it)."""
    key = id(items)
    if key not in memo:
        gaps: list[tuple[str, str, Location, str]] = []

        def note(kind: str, name: str, where: Location, via: str) -> None:
            gaps.append((kind, name, where, via))

        memo[key] = (list(_walk(items, "", registry, note, depth=0)), gaps)
    return memo[key]


def _walk(
    items: tuple[StepItem, ...], via: str, registry: Registry, missing, depth: int
) -> Iterator[tuple[Consumer | None, tuple[str, ...]]]:
    if depth > 50:  # a chain cycle; ci-tools rejects it when building the registry graph
        return
    for item in items:
        if item.kind == "literal":
            for consumer in item.consumes:
                yield consumer._replace(via=via), item.observers
            if not item.consumes:
                yield None, item.observers
        elif item.kind == "ref":
            element = registry.get("ref", item.name)
            if element is None:
                missing("ref", item.name, item.location, via)
                continue
            for consumer in element.consumes:
                yield consumer._replace(via=f"{via} → ref {item.name}"), element.observers
            if not element.consumes:
                yield None, element.observers
        else:
            element = registry.get("chain", item.name)
            if element is None:
                missing("chain", item.name, item.location, via)
                continue
            yield from _walk(
                element.steps, f"{via} → chain {item.name}", registry, missing, depth + 1
            )
