"""mirror-kind-mismatch: a cluster's tag and digest mirror sets give a source different orders.

**What it does**
For each cluster and policed source, compares the merged mirror order of the
ImageTagMirrorSets (used for pulls by tag) with that of the ImageDigestMirrorSets and
ImageContentSourcePolicies (used for pulls by digest), source included, and reports when they
differ.

**Why it matters**
The same image is fetched from different places depending on how it is referenced: a job
pulling by digest may bypass the cache or QCI that tag pulls use, which makes failures look
random and hides a broken mirror.

**Example**
An ITMS listing the cache and QCI, and an IDMS listing only QCI.

**Fix**
Give both kinds the same mirrors in the same order.

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.config.mirror_policy import IDMS, ITMS
from cilint.findings import Finding, Severity
from cilint.graph.mirror_views import MirrorView
from cilint.rules.context import RuleContext, cluster_findings
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="M004",
    name="mirror-kind-mismatch",
    severity=Severity.WARNING,
    summary="A cluster's ImageTagMirrorSet and ImageDigestMirrorSet order a source differently.",
)
READS = frozenset({Read.MIRROR_SETS})


def check(ctx: RuleContext) -> Iterator[Finding]:
    by_cluster: dict[tuple[str, str], dict[str, MirrorView]] = {}
    for view in ctx.mirror_views:
        if view.entries:
            by_cluster.setdefault((view.cluster.name, view.policy.source), {})[view.kind] = view
    items = []
    for kinds in by_cluster.values():
        tag_view, digest_view = kinds.get(ITMS), kinds.get(IDMS)
        if tag_view is None or digest_view is None:
            continue
        tags, digests = tag_view.merged.with_source, digest_view.merged.with_source
        if tags != digests:
            items.append(
                (
                    tag_view.entries[0].location,
                    f"on {{clusters}}, pulls of {tag_view.policy.source} by tag try "
                    f"{' → '.join(tags)}, but pulls by digest try {' → '.join(digests)} "
                    f"({ctx.where(digest_view.entries[0].location)})"
                    ": give both kinds the same mirrors in the same order",
                    None,
                    tag_view.cluster,
                )
            )
    yield from cluster_findings(ctx, RULE, items)
