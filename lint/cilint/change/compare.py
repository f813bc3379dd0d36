"""Which findings a change introduced and which it fixed, compared by identity
(`Finding.identity`: rule, path, tag, subject; never line or column), and which changed place
caused each one found in another file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

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


class Causes:
    """The changed fact behind a finding in an unchanged file (`of`): one about its tag, else
    one naming what its file mentions, else the first change; among several, the first in
    `Touch.order`. Indexed by name, so that thousands of findings cost a lookup each."""

    def __init__(self, touches: list[Touch], mentioned: Callable[[str], frozenset[str]]) -> None:
        self.touches = touches  # in `Touch.order`
        self.mentioned = mentioned
        self.rank = {id(t): n for n, t in enumerate(touches)}
        self.by_tag: dict[str, Touch] = {}
        self.by_name: dict[str, Touch] = {}
        for touch in reversed(touches):  # the first one wins
            if touch.tag:
                self.by_tag[touch.tag] = touch
            for name in touch.names | touch.uses:
                self.by_name[name] = touch
        self.patterns = [t for t in touches if t.pattern is not None]

    def _first(self, found: list[Touch | None]) -> Touch | None:
        present = [t for t in found if t is not None]
        return min(present, key=lambda t: self.rank[id(t)]) if present else None

    def of(self, finding: Finding) -> Touch | None:
        if not self.touches:
            return None
        tag = parse_ist(finding.tag) if finding.tag else None
        if finding.tag:
            found = [
                self.by_tag.get(finding.tag),
                self.by_name.get(f"c:{finding.tag}"),
                self.by_name.get(f"p:{finding.tag}"),
            ]
            if tag is not None:
                found += [
                    t
                    for t in self.patterns
                    if t.pattern is not None and t.pattern.matches(tag.namespace, tag.name, tag.tag)
                ]
            first = self._first(found)
            if first is not None:
                return first
        names = self.mentioned(finding.path)
        found = [self.by_name.get(name) for name in names]
        if tag is not None:
            found += [
                t
                for t in self.patterns
                if t.pattern is not None and t.pattern.matches(tag.namespace, tag.name, tag.tag)
            ]
        return self._first(found) or self.touches[0]


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
