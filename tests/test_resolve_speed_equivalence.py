"""`resolve()` memoises per shape of test; its output must be exactly that of the plain walk.

`reference_resolve` below is the straightforward resolver the memoised one replaced, kept as the
specification. Outputs are compared as pickles too: the memoised resolver must hand on the same
objects the walk does (a pickle records which objects are shared), not just equal ones.
"""

from __future__ import annotations

import pickle
import random

import pytest
from msgspec.structs import replace

from cilint.facts.model import Consumer, Location, RegistryElement, StepItem, StepPhases
from cilint.facts.model import TestUsage as Usage
from cilint.facts.steps import PHASES
from cilint.graph.step_resolution import Registry, UnresolvedStep, resolve


def reference_resolve(usages, registry):  # noqa: ANN001, ANN201, C901
    consumers = []
    unresolved = []
    seen_unresolved = set()

    def missing(kind, name, where, user):  # noqa: ANN001, ANN202
        if (kind, name, where) not in seen_unresolved:
            seen_unresolved.add((kind, name, where))
            unresolved.append(UnresolvedStep(kind, name, where, user))

    def walk(items, via, note, depth):  # noqa: ANN001, ANN202
        if depth > 50:
            return
        for item in items:
            if item.kind == "literal":
                for consumer in item.consumes:
                    yield replace(consumer, via=via), item.observers
                if not item.consumes:
                    yield None, item.observers
            elif item.kind == "ref":
                element = registry.get("ref", item.name)
                if element is None:
                    note("ref", item.name, item.location, via)
                    continue
                for consumer in element.consumes:
                    yield replace(consumer, via=f"{via} → ref {item.name}"), element.observers
                if not element.consumes:
                    yield None, element.observers
            else:
                element = registry.get("chain", item.name)
                if element is None:
                    note("chain", item.name, item.location, via)
                    continue
                yield from walk(element.steps, f"{via} → chain {item.name}", note, depth + 1)

    expansions = {}

    def expansion(items):  # noqa: ANN001, ANN202
        if id(items) not in expansions:
            gaps = []
            found = list(walk(items, "", lambda *gap: gaps.append(gap), 0))
            expansions[id(items)] = (found, gaps)
        return expansions[id(items)]

    for usage in usages:
        user = f"{usage.owner} test {usage.name}"
        workflow = None
        if usage.workflow:
            workflow = registry.get("workflow", usage.workflow)
            if workflow is None:
                missing("workflow", usage.workflow, usage.workflow_location or usage.location, user)
        base_via = user + (f" → workflow {usage.workflow}" if workflow else "")
        observers = set(usage.phases.observers_enable)
        disabled = set(usage.phases.observers_disable)
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
            found, gaps = expansion(items)
            for kind, name, where, suffix in gaps:
                missing(kind, name, where, via + suffix)
            for consumer, asked in found:
                if consumer is not None:
                    consumers.append(replace(consumer, via=via + consumer.via))
                observers |= set(asked)
        for name in sorted(observers - disabled):
            element = registry.get("observer", name)
            if element is None:
                missing("observer", name, named_at.get(name, usage.location), user)
                continue
            consumers.extend(replace(c, via=f"{user} → observer {name}") for c in element.consumes)
    return consumers, unresolved


def random_tree(seed: int) -> tuple[list[Usage], list[RegistryElement]]:
    """A registry and tests with every feature: missing names, nested chains, observers,
    literal steps, empty phases, and step lists shared by several tests."""
    rnd = random.Random(seed)
    counter = iter(range(10**9))

    def loc(path: str = "f.yaml") -> Location:
        return Location(path, json_path=("x", next(counter)))

    def consumer(owner: str) -> Consumer:
        return Consumer("ref.from_image", loc(), owner, tag=f"ns/img:{rnd.randint(0, 5)}")

    refs = [f"r{i}" for i in range(8)]
    chains = [f"c{i}" for i in range(6)]
    workflows = [f"w{i}" for i in range(5)]
    observers = [f"o{i}" for i in range(4)]

    def names(pool: list[str]) -> tuple[str, ...]:
        return tuple(rnd.sample(pool + ["nope"], rnd.randint(0, 2)))

    def step_items(later: int = 0) -> tuple[StepItem, ...]:
        """Steps that name only chains after the `later`th, so chains nest without cycles (a
        cycle with two ways round is exponential to walk; one is tested on its own below)."""
        items = []
        for _ in range(rnd.randint(0, 3)):
            kind = rnd.choice(["ref", "ref", "chain", "literal"])
            if kind == "literal":
                consumes = tuple(consumer("lit") for _ in range(rnd.randint(0, 2)))
                items.append(StepItem("literal", "lit", loc(), consumes, names(observers)))
            else:
                pool = refs if kind == "ref" else chains[later:]
                items.append(StepItem(kind, rnd.choice([*pool, "missing"]), loc()))
        return tuple(items)

    def phases() -> StepPhases:
        enable = names(observers)
        return StepPhases(
            *(rnd.choice([None, None, (), step_items()]) for _ in PHASES),
            observers_enable=enable,
            observers_disable=names(observers),
            observer_locations=tuple((n, loc()) for n in enable if rnd.random() < 0.5),
        )

    elements = []
    for name in refs[:-1]:  # the last one does not exist
        consumes = tuple(consumer(name) for _ in range(rnd.randint(0, 2)))
        elements.append(RegistryElement("ref", name, loc(), consumes, observers=names(observers)))
    for i, name in enumerate(chains[:-1]):
        elements.append(RegistryElement("chain", name, loc(), steps=step_items(i + 1)))
    for name in workflows[:-1]:
        elements.append(RegistryElement("workflow", name, loc(), phases=phases()))
    for name in observers[:-1]:
        consumes = tuple(consumer(name) for _ in range(rnd.randint(0, 2)))
        elements.append(RegistryElement("observer", name, loc(), consumes))
    elements.append(RegistryElement("ref", "r0", loc()))  # a duplicate: the first one wins

    shared_phases = [phases() for _ in range(4)]
    usages = []
    for i in range(300):
        own = rnd.choice([StepPhases(), StepPhases(), phases(), rnd.choice(shared_phases)])
        workflow = rnd.choice([None, *workflows, "gone"])
        usages.append(
            Usage(
                f"org/repo{i % 7}@main",
                f"t{i % 11}",
                loc(f"config{i % 13}.yaml"),
                workflow,
                loc() if workflow and rnd.random() < 0.5 else None,
                own,
            )
        )
    return usages, elements


@pytest.mark.parametrize("seed", range(40))
def test_resolve_matches_the_plain_walk(seed: int) -> None:
    usages, elements = random_tree(seed)
    expected = reference_resolve(usages, Registry(elements))
    got = resolve(usages, Registry(elements))
    assert got == expected
    assert pickle.dumps(got) == pickle.dumps(expected)


def test_a_chain_cycle_is_reported_where_it_closes_and_walked_once() -> None:
    """a → b → a, with b entering a twice: once walked to a depth limit, this doubled at every
    level (2^50 paths). Now the cycle is cut where it closes and reported there, once."""
    here = Location("chains.yaml")
    closing = Location("b-chain.yaml", json_path=("chain", "steps", 1))
    image = Consumer("ref.from_image", here, "r", tag="ns/img:1")
    elements = [
        RegistryElement("ref", "r", here, (image,)),
        RegistryElement("chain", "a", here, steps=(StepItem("chain", "b", here),)),
        RegistryElement(
            "chain",
            "b",
            here,
            steps=(
                StepItem("ref", "r", here),
                StepItem("chain", "a", closing),
                StepItem("chain", "a", closing),
            ),
        ),
    ]
    usages = [
        Usage("o/r@m", "t1", here, None, None, StepPhases(test=(StepItem("chain", "a", here),))),
        Usage("o/r@m", "t2", here, None, None, StepPhases(test=(StepItem("chain", "b", here),))),
    ]
    consumers, unresolved = resolve(usages, Registry(elements))
    assert [c.via for c in consumers] == [
        "o/r@m test t1 → chain a → chain b → ref r",
        "o/r@m test t2 → chain b → ref r",
    ]
    # Entered at a, the cycle closes at b's step to a; entered at b, at a's step to b.
    assert [(u.kind, u.name, u.location) for u in unresolved] == [
        ("cycle", "a", closing),
        ("cycle", "b", here),
    ]
    assert unresolved[0].user == "o/r@m test t1 → chain a → chain b"
