"""Which findings a change introduced and which it fixed, compared by identity
(`Finding.identity`: rule, path, tag, subject; never line or column), and which changed place
caused each one found in another file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace

from cilint.change.reach import Touch
from cilint.findings import Cause, Finding
from cilint.tags import parse_ist


def introduced(now: Iterable[Finding], base: Iterable[Finding]) -> tuple[set[int], int]:
    """The positions in `now` of the findings absent at the base (N findings of one identity
    against M at the base: the last N−M), and how many base findings are gone (fixed)."""
    findings = list(now)
    left = Counter(f.identity() for f in base)
    new: set[int] = set()
    for index, finding in enumerate(findings):
        identity = finding.identity()
        if left[identity] > 0:
            left[identity] -= 1
        else:
            new.add(index)
    return new, sum(left.values())


def _matches(touch: Touch, finding: Finding, names: frozenset[str]) -> bool:
    if touch.names & names:
        return True
    if touch.pattern is not None and finding.tag:
        tag = parse_ist(finding.tag)
        return tag is not None and touch.pattern.matches(tag.namespace, tag.name, tag.tag)
    return False


def cause_of(
    finding: Finding,
    touches: list[Touch],
    mentioned: Callable[[str], frozenset[str]],
) -> Touch | None:
    """The changed fact behind a finding in an unchanged file: one about its tag, else one
    naming what its file mentions, else the first change. `touches` are in `Touch.order`."""
    if not touches:
        return None
    if finding.tag:
        tag_names = frozenset({f"c:{finding.tag}", f"p:{finding.tag}"})
        for touch in touches:
            if touch.tag == finding.tag or _matches(touch, finding, tag_names):
                return touch
    names = mentioned(finding.path)
    for touch in touches:
        if _matches(touch, finding, names) or touch.uses & names:
            return touch
    return touches[0]


def with_cause(finding: Finding, cause: Cause | None) -> Finding:
    return replace(finding, introduced=True, cause=cause)


def owned(
    cause: Cause, given: Callable[[str], bool], present: set[str], anchor: str | None
) -> bool:
    """Whether a pre-commit invocation over the files `given` holds reports a finding with
    this cause: the one holding the cause's file; for a cause in a file that is gone
    (pre-commit passes no deleted file), the one holding `anchor`, the first changed file that
    is still there (every invocation when there is none). `present`: the changed files that
    are still there."""
    if cause.path in present:
        return given(cause.path)
    return anchor is None or given(anchor)
