"""mirror-precedence: a mirror set lists the mirrors of a policed source out of the policy's order.

**What it does**
For each source the policy polices (OpenShift CI: `quay-proxy.ci.openshift.org/openshift/ci`),
checks every ImageTagMirrorSet / ImageDigestMirrorSet entry that reaches a cluster of the
policy's cluster groups, and the order each cluster gets once OpenShift merges all entries:
mirrors must come in the policy's order (the pull-through cache, then QCI), the source itself
never before a mirror, and every `required` mirror present. A missing `optional` mirror is a
warning with the same rule name.

**Why it matters**
Pulls try mirrors in order. QCI before the cache sends all CI traffic past the cache (cost);
the source (the QCI-APPCI proxy) before QCI puts every pull on the proxy (load, outages);
without QCI in the list, images are served only through the proxy.

**Example**
```yaml
spec:
  imageTagMirrors:
  - mirrors:
    - quay.io/openshift/ci
    - qci-pull-through-cache-us-east-1-ci.apps.ci.l2s4.p1.openshiftapps.com/openshift/ci
    source: quay-proxy.ci.openshift.org/openshift/ci
```

**Fix**
```yaml
spec:
  imageTagMirrors:
  - mirrors:
    - qci-pull-through-cache-us-east-1-ci.apps.ci.l2s4.p1.openshiftapps.com/openshift/ci
    - quay.io/openshift/ci
    source: quay-proxy.ci.openshift.org/openshift/ci
```
`cilint check --fix` reorders such lists (`--diff` to see the change first); it never adds or
removes a mirror.

**Options**
The order, which mirrors are required, and which cluster groups are checked come from the
policy's `mirror_policies` and `cluster_groups`.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.config.mirror_policy import Cluster, MirrorPolicy
from cilint.facts.model import Location, MirrorEntry
from cilint.findings import Finding, Fix, Severity
from cilint.rules.context import RuleContext, cluster_findings
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="M001",
    name="mirror-precedence",
    severity=Severity.ERROR,
    summary="Mirrors of a policed source out of the policy's order, or a required one missing.",
)
READS = frozenset({Read.MIRROR_SETS})


def wanted_order(mirrors: tuple[str, ...], policy: MirrorPolicy) -> tuple[str, ...]:
    """The entry's own mirrors in the policy's order; mirrors the policy does not name keep
    their relative place after the policed ones, and the source goes last."""
    between = len(policy.precedence) - 0.5

    def key(item: tuple[int, str]) -> tuple[float, int]:
        position, mirror = item
        rank = policy.rank(mirror)
        return (between if rank is None else rank, position)

    return tuple(m for _, m in sorted(enumerate(mirrors), key=key))


def _out_of_order(order: tuple[str, ...], policy: MirrorPolicy) -> tuple[str, str] | None:
    """The first pair (a, b) listed a-before-b although the policy wants b before a."""
    ranked = [(found, m) for m in order if (found := policy.rank(m)) is not None]
    for index, (rank, mirror) in enumerate(ranked):
        for later_rank, later in ranked[index + 1 :]:
            if later_rank < rank:
                return mirror, later
    return None


def _label(policy: MirrorPolicy, repository: str) -> str:
    if repository == policy.source:
        return f"the source {repository}"
    for mirror in policy.precedence:
        if mirror.repository == repository:
            return f"{mirror.label} ({repository})"
    return repository


def _entry_problem(entry: MirrorEntry, policy: MirrorPolicy) -> str | None:
    pair = _out_of_order(entry.mirrors, policy)
    if pair is None:
        return None
    first, second = pair
    return (
        f"this {entry.kind} lists {_label(policy, first)} before {_label(policy, second)} "
        f"for {policy.source} (on {{clusters}}); the policy's order is "
        f"{policy.describe_order()}: reorder the mirrors (cilint check --fix)"
    )


def check(ctx: RuleContext) -> Iterator[Finding]:
    items: list[tuple[Location, str, Severity | None, Cluster]] = []
    fixes: dict[Location, Fix] = {}
    for view in ctx.mirror_views:
        if not view.entries:
            continue  # no mirror set at all: mirror-missing
        policy, first = view.policy, view.entries[0].location
        entry_problems = False
        for entry in view.entries:  # an entry out of order is reported even inside a loop
            problem = _entry_problem(entry, policy)
            if problem:
                entry_problems = True
                items.append((entry.location, problem, None, view.cluster))
                fixes[entry.location] = Fix(
                    entry.document, entry.path, wanted_order(entry.mirrors, policy)
                )
        if view.merged.cycles:
            continue  # the merged order is an accident of the loop: mirror-order-conflict
        pair = _out_of_order(view.merged.order, policy)
        if pair and not entry_problems:
            items.append(
                (
                    first,
                    f"merged, the {view.kind} entries for {policy.source} give "
                    f"{' → '.join(view.merged.order)} on {{clusters}}: "
                    f"{_label(policy, pair[0])} before {_label(policy, pair[1])}; the "
                    f"policy's order is {policy.describe_order()}: list the mirrors in "
                    "that order in one entry",
                    None,
                    view.cluster,
                )
            )
        for mirror in policy.precedence:
            if mirror.repository in view.merged.order:
                continue
            need = "a required" if mirror.required else "an optional"
            items.append(
                (
                    first,
                    f"the {view.kind} for {policy.source} on {{clusters}} lacks {mirror.label} "
                    f"({mirror.repository}), {need} mirror; the policy's order is "
                    f"{policy.describe_order()}: add it",
                    None if mirror.required else Severity.WARNING,
                    view.cluster,
                )
            )
    yield from cluster_findings(ctx, RULE, items, fixes)
