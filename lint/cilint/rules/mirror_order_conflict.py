"""mirror-order-conflict: mirror-set entries for one source order the same mirrors differently.

**What it does**
OpenShift merges every entry for a source (all ImageTagMirrorSets together; ImageDigest-
MirrorSets with ImageContentSourcePolicies) into one order by a topological sort of "A comes
before B" edges. When two entries disagree (A before B in one, B before A in another), the
edges form a loop. Reports each entry involved, naming the others with file and line, and the
order the cluster ends up with.

**Why it matters**
The merge does not fail: runtime-utils breaks the loop by taking mirrors in alphabetical order,
so the cluster gets an order that no entry asked for — silently, and it changes when someone
renames a host. (Older documentation says the machine-config pool degrades; the current code
breaks the loop instead.) Either way, the precedence the policy wants is not what pulls use.

**Example**
Two ImageTagMirrorSets for `quay-proxy.ci.openshift.org/openshift/ci`: one lists the cache then
QCI, the other QCI then the cache.

**Fix**
Make the entries agree, or keep a single entry per source.

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.config.mirror_policy import MirrorPolicy
from cilint.findings import Finding, Severity
from cilint.location import Location
from cilint.rules.context import RuleContext, cluster_findings
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="M002",
    name="mirror-order-conflict",
    severity=Severity.ERROR,
    summary="Entries for one source order the same mirrors differently (a loop in the merge).",
)
READS = frozenset({Read.MIRROR_SETS})


def _edges(mirrors: tuple[str, ...], source: str) -> set[tuple[str, str]]:
    edges = set(zip(mirrors, mirrors[1:], strict=False))
    if source not in mirrors and mirrors:
        edges.add((mirrors[-1], source))
    return edges


def _verdict(edges: list[tuple[str, str]], policy: MirrorPolicy) -> str:
    """Say which side of the loop follows the policy, so the culprit is plain."""
    for first, second in edges:
        first_rank, second_rank = policy.rank(first), policy.rank(second)
        if first_rank is not None and second_rank is not None:
            follows = first_rank < second_rank
            return (
                " (as the policy orders them)"
                if follows
                else " (against the policy's order: mirror-precedence, cilint check --fix)"
            )
    return ""


def _puts(edges: list[tuple[str, str]]) -> str:
    return "; ".join(f"{a} before {b}" for a, b in edges)


def check(ctx: RuleContext) -> Iterator[Finding]:
    items = []
    related: dict[tuple[Location, str], list[tuple[Location, str]]] = {}
    for view in ctx.mirror_views:
        if not view.merged.cycles:
            continue
        loop_edges = set()
        for cycle in view.merged.cycles:
            loop_edges |= set(zip(cycle, (*cycle[1:], cycle[0]), strict=False))
        involved = [e for e in view.entries if _edges(e.mirrors, view.policy.source) & loop_edges]
        puts = [
            (entry, sorted(_edges(entry.mirrors, view.policy.source) & loop_edges))
            for entry in involved
        ]
        for entry, mine in puts:
            rivals = [(other, theirs) for other, theirs in puts if other is not entry]
            others = ", ".join(ctx.where(other.location) for other, _ in rivals)
            message = (
                f"this {entry.kind} entry puts {_puts(mine)}{_verdict(mine, view.policy)}, which "
                f"contradicts {others}; merged, "
                f"{{clusters}} get {' → '.join(view.merged.order) or '(nothing)'} "
                f"(OpenShift breaks the loop alphabetically): make the entries agree"
            )
            items.append((entry.location, message, None, view.cluster))
            related[(entry.location, message)] = [
                (other.location, f"this {other.kind} entry puts {_puts(theirs)}")
                for other, theirs in rivals
            ]
    yield from cluster_findings(ctx, RULE, items, related=related)
