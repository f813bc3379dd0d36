"""mirror-scope-shadow: a mirror set for a scope nested inside a policed source.

**What it does**
Reports mirror-set entries whose `source` is a repository or namespace *inside* a source the
policy polices, e.g. `quay-proxy.ci.openshift.org/openshift/ci/tools` under
`quay-proxy.ci.openshift.org/openshift/ci`.

**Why it matters**
registries.conf uses only the most precise matching scope: for images under the nested scope,
its own mirrors replace the policed ones entirely, so the cache/QCI precedence silently stops
applying to them.

**Example**
```yaml
  - mirrors: [quay.io/someone/tools]
    source: quay-proxy.ci.openshift.org/openshift/ci/tools
```

**Fix**
Remove the nested entry, or repeat the policed mirrors in it in the policy's order.

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.rules.context import RuleContext
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="M006",
    name="mirror-scope-shadow",
    severity=Severity.WARNING,
    summary="A mirror set for a scope nested in a policed source replaces its mirrors there.",
)
READS = frozenset({Read.MIRROR_SETS})


def check(ctx: RuleContext) -> Iterator[Finding]:
    if ctx.policy is None:
        return
    for entry in sorted(ctx.graph.mirrors, key=lambda e: e.location):
        if not ctx.selected(entry.location.path):
            continue
        for policy in ctx.policy.mirror_policies:
            if entry.source.startswith(policy.source.rstrip("/") + "/"):
                yield ctx.finding(
                    RULE,
                    entry.location,
                    f"{entry.source} is nested inside {policy.source}; registries.conf uses only "
                    f"the most precise scope, so images under it skip the policy's order "
                    f"({policy.describe_order()}) and use {', '.join(entry.mirrors) or 'nothing'}"
                    ": remove this entry or give it the policed mirrors in order",
                )
