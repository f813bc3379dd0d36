"""mirror-source-blocked: `NeverContactSource` on a source whose policy requires failover.

**What it does**
Reports every mirror-set entry with `mirrorSourcePolicy: NeverContactSource` for a policed
source whose policy keeps the source as the last resort (`failover: true`), and the clusters it
reaches.

**Why it matters**
OpenShift merges all entries for a source, and a single `NeverContactSource` blocks the source
for every one of them: when QCI (or the cache) is down or lacks a tag, pulls fail instead of
falling back to `quay-proxy.ci.openshift.org` — on every cluster that gets the manifest.

**Example**
```yaml
  - mirrors: [quay.io/openshift/ci]
    source: quay-proxy.ci.openshift.org/openshift/ci
    mirrorSourcePolicy: NeverContactSource
```

**Fix**
Remove `mirrorSourcePolicy` (the default is `AllowContactingSource`).

**Options**
`failover` of the policy's `mirror_policies` entry.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.graph.mirror_merge import NEVER_CONTACT_SOURCE
from cilint.rules.context import RuleContext, cluster_findings
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="M003",
    name="mirror-source-blocked",
    severity=Severity.ERROR,
    summary="NeverContactSource on a source that must stay reachable as the last resort.",
)
READS = frozenset({Read.MIRROR_SETS})


def check(ctx: RuleContext) -> Iterator[Finding]:
    items = []
    for view in ctx.mirror_views:
        if not view.policy.failover:
            continue
        for entry in view.entries:
            if entry.policy == NEVER_CONTACT_SOURCE:
                items.append(
                    (
                        entry.location,
                        f"mirrorSourcePolicy: NeverContactSource blocks the fallback to "
                        f"{view.policy.source} for every {view.kind} entry on {{clusters}}; when "
                        "the mirrors fail or lack a tag, pulls fail: remove mirrorSourcePolicy",
                        None,
                        view.cluster,
                    )
                )
    yield from cluster_findings(ctx, RULE, items)
