"""Step-registry resolution, as ci-operator does it (ci-tools pkg/registry/resolver.go).

A test's own `pre`/`test`/`post` win over its workflow's where they are set; chains expand
recursively; observers are the union of the workflow's and the test's `enable`, plus the ones
steps ask for, minus `disable`. The result is every image a test pulls through the registry, with
the path that reaches it, and every name that does not resolve.

How it stays fast: a large tree has ~100k tests but only a few thousand distinct shapes (the same
workflows, the same few chains and refs), and most of them pull nothing through the registry. So
each ref, chain and phase is expanded once (`_Expander`), each test shape is resolved once
(`_plan`), and a test only stamps its own name onto its shape's plan; a test whose plan is empty
costs a couple of dict lookups.

Memo keys use object identity, never equality, for anything taken from a test. Hashing nested
step tuples would cost more than resolving them, and the output hands on the very objects it was
built from (locations, consumers, names): equal-but-distinct inputs must not share a result, or
the output would differ in object sharing (which a pickle of it shows). The ids stay valid because
the caller's `usages` keeps every test's objects alive for the whole call.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final, NamedTuple

from msgspec.structs import replace

from cilint.facts.model import (
    Consumer,
    Location,
    RegistryElement,
    StepItem,
    StepPhases,
    TestUsage,
)
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
    """Every registry consumer of `usages` (with the `via` path that reaches it) and every name
    that does not resolve (first user only), in test order."""
    consumers: list[Consumer] = []
    unresolved: list[UnresolvedStep] = []
    seen_unresolved: set[tuple[str, str, Location]] = set()

    def missing(kind: str, name: str, where: Location, user: str) -> None:
        if (kind, name, where) not in seen_unresolved:
            seen_unresolved.add((kind, name, where))
            unresolved.append(UnresolvedStep(kind, name, where, user))

    expander = _Expander(registry)
    phase = expander.phase
    plans: dict[str | tuple | None, _Plan | None] = {}
    for usage in usages:
        # A test's shape: its workflow, what each phase it sets expands to (None: not set, the
        # workflow's applies), and its observer settings. Most tests set nothing but a workflow.
        # (The expander's memos keep every expansion alive, so their ids stay unique.)
        p = usage.phases
        if p == _NO_PHASES:
            key: str | tuple | None = usage.workflow
        else:
            key = (
                usage.workflow,
                None if p.pre is None else id(phase(p.pre)),
                None if p.test is None else id(phase(p.test)),
                None if p.post is None else id(phase(p.post)),
                id(p.observers_enable),
                id(p.observers_disable),
                id(p.observer_locations),
            )
        plan = plans.get(key, _UNSET)
        if plan is _UNSET:
            plan = plans[key] = _plan(usage, registry, expander)
        if plan is None:
            continue
        user = f"{usage.owner} test {usage.name}"
        # Steps taken from the workflow are reached through it; ones the test sets itself are not.
        base_via = (user + f" → workflow {usage.workflow}") if plan.workflow_found else user
        if plan.workflow_missing:
            assert usage.workflow  # missing means named and not found
            missing("workflow", usage.workflow, usage.workflow_location or usage.location, user)
        for from_workflow, expansion in plan.phases:
            via = base_via if from_workflow else user
            for kind, name, where, suffix in expansion.gaps:
                missing(kind, name, where, via + suffix)
            for suffix, consumer in expansion.steps:
                consumers.append(replace(consumer, via=via + suffix))
        for name, element, named_at in plan.observers:
            if element is None:
                missing("observer", name, usage.location if named_at is None else named_at, user)
            else:
                consumers.extend(
                    replace(c, via=f"{user} → observer {name}") for c in element.consumes
                )
    return consumers, unresolved


class _Plan(NamedTuple):
    """How every test of one shape resolves, with the test's own name left out."""

    workflow_found: bool
    workflow_missing: bool
    # The phases that pull or miss something, in order, each with whether it is the workflow's
    # (its `via` then continues `user → workflow W` rather than `user`).
    phases: tuple[tuple[bool, _Expansion], ...]
    # The observers that run, sorted: (name, element or None if it does not resolve, where the
    # name is written or None for the test itself). Observers that pull nothing are left out.
    observers: tuple[tuple[str, RegistryElement | None, Location | None], ...]


class _Unset(enum.Enum):
    """The type of `_UNSET`, so that `is _UNSET` tells type checkers what is left."""

    UNSET = enum.auto()


_UNSET: Final = _Unset.UNSET  # a memo's "not computed yet"; None is a computed answer there
# A test that sets no steps and no observers (all None or empty: no objects of its own).
_NO_PHASES = StepPhases()


def _plan(usage: TestUsage, registry: Registry, expander: _Expander) -> _Plan | None:
    """Resolve `usage`'s shape (the rules are in the module docstring); None when it yields
    neither a consumer nor an unresolved name, the common case."""
    phases = usage.phases
    workflow = registry.get("workflow", usage.workflow) if usage.workflow else None
    workflow_phases = workflow.phases if workflow is not None else None
    used: list[tuple[bool, _Expansion]] = []
    asked: list[str] = []
    for phase in PHASES:
        own = getattr(phases, phase)
        if own is not None:
            items, from_workflow = own, False
        elif workflow_phases and getattr(workflow_phases, phase) is not None:
            items, from_workflow = getattr(workflow_phases, phase), True
        else:
            continue
        expansion = expander.phase(items)
        if expansion is not _NOTHING:
            used.append((from_workflow, expansion))
            asked.extend(expansion.asked)
    watched: tuple[tuple[str, RegistryElement | None, Location | None], ...] = ()
    if asked or phases.observers_enable or (workflow_phases and workflow_phases.observers_enable):
        watched = _observers(phases, workflow_phases, asked, registry)  # else none can run
    workflow_missing = bool(usage.workflow) and workflow is None
    if not (workflow_missing or used or watched):
        return None
    return _Plan(workflow is not None, workflow_missing, tuple(used), watched)


def _observers(
    phases: StepPhases, workflow_phases: StepPhases | None, asked: list[str], registry: Registry
) -> tuple[tuple[str, RegistryElement | None, Location | None], ...]:
    """The observers that run, for `_Plan.observers`."""
    observers: set[str] = set(phases.observers_enable)
    disabled: set[str] = set(phases.observers_disable)
    named_at = dict(phases.observer_locations)
    if workflow_phases:
        observers |= set(workflow_phases.observers_enable)
        disabled |= set(workflow_phases.observers_disable)
        named_at = {**dict(workflow_phases.observer_locations), **named_at}
    # In step order, so a name asked for twice keeps its first string, as a set union would.
    observers.update(asked)
    watched: list[tuple[str, RegistryElement | None, Location | None]] = []
    for name in sorted(observers - disabled):
        element = registry.get("observer", name)
        if element is None:
            watched.append((name, None, named_at.get(name)))
        elif element.consumes:
            watched.append((name, element, None))
    return tuple(watched)


class _Expansion(NamedTuple):
    """What a list of steps expands to, every `via` relative to the list."""

    steps: tuple[tuple[str, Consumer], ...]  # (via, consumer as written)
    asked: tuple[str, ...]  # observers the steps ask for, in step order
    gaps: tuple[tuple[str, str, Location, str], ...]  # unresolved (kind, name, location, via)


CYCLE = "cycle"  # the kind of an unresolved step that closes a chain cycle

# The one empty expansion: phases that pull nothing share it, so their tests share a plan.
_NOTHING = _Expansion((), (), ())


def _expansion(steps: tuple, asked: tuple, gaps: tuple) -> _Expansion:
    return _Expansion(steps, asked, gaps) if steps or asked or gaps else _NOTHING


class _Expander:
    """Expands step lists, memoising every ref and chain (by name) and every phase (by identity:
    a workflow's phase object is shared by every test that does not override it)."""

    MAX_DEPTH = 50  # a guard only: a chain that includes itself is cut where it comes back

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.phases: dict[int, _Expansion] = {}
        # None for a name that does not resolve.
        self.refs: dict[str, _Expansion | None] = {}
        self.chains: dict[tuple[str, int], _Expansion | None] = {}
        self.combined: dict[tuple[int, ...], _Expansion] = {}  # by the ids of shared parts
        # The chains being expanded, innermost last. A chain that comes back is a cycle
        # (ci-tools rejects the registry): it is reported once where it closes and not walked
        # again, which kept a cycle with two ways round from doubling at every level.
        self.active: list[str] = []
        self.cut = 0  # cycles cut so far: an expansion that saw one depends on its entry path

    def phase(self, items: tuple[StepItem, ...]) -> _Expansion:
        expansion = self.phases.get(id(items))
        if expansion is None:
            expansion = self.phases[id(items)] = self._items(items, 0)
        return expansion

    def _items(self, items: tuple[StepItem, ...], depth: int) -> _Expansion:
        """`items` (at chain nesting `depth`) expanded.

        Lists made only of refs and chains that resolve give one shared object per sequence of
        them (the lone part itself, if only one pulls anything), so tests whose phase is e.g.
        `[chain X]` share one plan whoever wrote them."""
        if depth > self.MAX_DEPTH:
            return _NOTHING
        parts: list[_Expansion] = []
        part: _Expansion | None
        shared = True  # every part is a memoised ref or chain, kept alive by the memo
        for item in items:
            if item.kind == "literal":
                part = _expansion(tuple(("", c) for c in item.consumes), item.observers, ())
                shared = shared and part is _NOTHING
            else:
                kind = "ref" if item.kind == "ref" else "chain"
                if kind == "chain" and item.name in self.active:
                    self.cut += 1
                    part = _Expansion((), (), ((CYCLE, item.name, item.location, ""),))
                    shared = False
                    parts.append(part)
                    continue
                part = self._ref(item.name) if kind == "ref" else self._chain(item.name, depth)
                if part is None:  # the location is the test's own: not shared
                    part = _Expansion((), (), ((kind, item.name, item.location, ""),))
                    shared = False
            if part is not _NOTHING:
                parts.append(part)
        if len(parts) <= 1:
            return parts[0] if parts else _NOTHING
        key = tuple(map(id, parts)) if shared else None
        expansion = self.combined.get(key) if key is not None else None  # (None: not shared)
        if expansion is None:
            expansion = _Expansion(
                tuple(step for part in parts for step in part.steps),
                tuple(name for part in parts for name in part.asked),
                tuple(gap for part in parts for gap in part.gaps),
            )
            if key is not None:
                self.combined[key] = expansion
        return expansion

    def _ref(self, name: str) -> _Expansion | None:
        expansion = self.refs.get(name, _UNSET)
        if expansion is _UNSET:
            element = self.registry.get("ref", name)
            via = f" → ref {name}"
            expansion = self.refs[name] = (
                None
                if element is None
                else _expansion(tuple((via, c) for c in element.consumes), element.observers, ())
            )
        return expansion

    def _chain(self, name: str, depth: int) -> _Expansion | None:
        """Chain `name` used at nesting `depth`; keyed by depth too, as a chain in a cycle is cut
        off at a depth that depends on where it is entered."""
        expansion = self.chains.get((name, depth), _UNSET)
        if expansion is _UNSET:
            element = self.registry.get("chain", name)
            cut_before = self.cut
            if element is None:
                expansion = None
            else:
                self.active.append(name)
                try:
                    inner = self._items(element.steps, depth + 1)
                finally:
                    self.active.pop()
                via = f" → chain {name}"
                expansion = _expansion(
                    tuple((via + rest, c) for rest, c in inner.steps),
                    inner.asked,
                    tuple((kind, n, where, via + rest) for kind, n, where, rest in inner.gaps),
                )
            if self.cut == cut_before:  # what a cycle cut depends on where it was entered
                self.chains[name, depth] = expansion
        return expansion
