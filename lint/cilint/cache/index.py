"""What a file's facts mention, as names for the cache's index.

The cache stores these names next to each file result (by the file's key), so that a run about a
few files or one tag (`cilint check PATH`, `cilint explain`) finds the files that can change its
answer without loading every result (`cilint.cache.closure`):

    p:<ns/name:tag>   produces the tag, in any state
    a:<ns/name:tag>   produces it actively (writes it to QCI)
    w:<ns/name:tag>   produces it conditionally (with `a:`, what "did you mean" offers)
    c:<ns/name:tag>   consumes the tag (itself, or in a literal step of a test or registry step)
    s:<ns/name>       consumes the whole stream
    d:<kind>:<name>   defines a step-registry element (ref, chain, workflow, observer)
    u:<kind>:<name>   uses one (a test's workflow, a step list's refs and chains, observers)
    *patterns:<ns>    holds a pattern producer for the namespace (`artImages`, ...)
    *skipped          was not checked (its result says why)
"""

from __future__ import annotations

from collections.abc import Iterable

from cilint.facts.model import ACTIVE, CONDITIONAL, Consumer, FileFacts, StepItem, StepPhases

PATTERNS = "*patterns:"
SKIPPED = "*skipped"
USED = "u:"


def produced(ist: str) -> str:
    return f"p:{ist}"


def active(ist: str) -> str:
    return f"a:{ist}"


def conditional(ist: str) -> str:
    return f"w:{ist}"


def consumed(ist: str) -> str:
    return f"c:{ist}"


def whole_stream(stream: str) -> str:
    return f"s:{stream}"


def defined(kind: str, name: str) -> str:
    return f"d:{kind}:{name}"


def used(kind: str, name: str) -> str:
    return f"{USED}{kind}:{name}"


def definition_of(use: str) -> str:
    """`d:<kind>:<name>` for `u:<kind>:<name>`: the element a use resolves to."""
    return "d:" + use.removeprefix("u:")


def mentions(facts: FileFacts, skipped: bool = False) -> frozenset[str]:
    names: set[str] = {SKIPPED} if skipped else set()
    for producer in facts.producers:
        if producer.pattern is not None:
            names.add(PATTERNS + producer.pattern.namespace)
        elif producer.tag:
            names.add(produced(producer.tag))
            if producer.state == ACTIVE:
                names.add(active(producer.tag))
            elif producer.state == CONDITIONAL:
                names.add(conditional(producer.tag))
    _consumers(names, facts.consumers)
    for test in facts.tests:
        if test.workflow:
            names.add(used("workflow", test.workflow))
        _phases(names, test.phases)
    for element in facts.registry:
        names.add(defined(element.kind, element.name))
        _consumers(names, element.consumes)
        _steps(names, element.steps)
        if element.phases is not None:
            _phases(names, element.phases)
        names.update(used("observer", name) for name in element.observers)
    return frozenset(names)


def _consumers(names: set[str], consumers: Iterable[Consumer]) -> None:
    for consumer in consumers:
        if consumer.tag:
            names.add(consumed(consumer.tag))
        elif consumer.stream:
            names.add(whole_stream(consumer.stream))


def _steps(names: set[str], items: Iterable[StepItem]) -> None:
    for item in items:
        if item.kind in ("ref", "chain"):
            names.add(used(item.kind, item.name))
        _consumers(names, item.consumes)
        names.update(used("observer", name) for name in item.observers)


def _phases(names: set[str], phases: StepPhases) -> None:
    for items in (phases.pre, phases.test, phases.post):
        _steps(names, items or ())
    names.update(used("observer", name) for name in phases.observers_enable)
    names.update(used("observer", name) for name in phases.observers_disable)
