"""disabled-producer: a consumed tag whose only producers are switched off.

**What it does**
Reports a consumed image tag when every producer of it is a promotion target with
`disabled: true`, an image removed by `excluded_images` (including `*`), an `optional: true`
image, or a supplemental image whose source `ignoredSources` drops — and names each of them.

**Why it matters**
The tag looks produced when you grep for it, but nothing writes it: after a branch cut
(config-brancher disables the promotion of the new release branch) or an exclusion, the tag
stops being refreshed or never exists, and jobs fail with "not found" or "manifest unknown".

**Example**
```yaml
# openshift/images, release-4.21: promotion.to[0] has excluded_images: [base-rhel9]
# another config:
base_images:
  base: {namespace: ocp, name: "4.21", tag: base-rhel9}
```

**Fix**
Produce it for real — enable the target, drop the exclusion, or mirror the tag (e.g. an
`artImages` rule) — or consume a tag that is produced.

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.graph.coverage import UNPRODUCED
from cilint.rules.context import RuleContext, uses
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="T003",
    name="disabled-producer",
    severity=Severity.ERROR,
    summary="A consumed tag whose every producer is disabled, excluded or optional.",
)
READS = frozenset({Read.CONSUMER_PLACES, Read.COVERAGE})

_WHY = {
    "disabled": "a disabled promotion target",
    "excluded": "excluded",
    "optional": "an optional image, not promoted",
}


def check(ctx: RuleContext) -> Iterator[Finding]:
    graph = ctx.graph
    for (location, ist, stream), consumers in ctx.consumer_places().items():
        if ist and graph.is_exempt(ist):
            continue
        coverage = graph.coverage(ist) if ist else graph.stream_coverage(str(stream))
        if coverage.status != UNPRODUCED or not coverage.inactive:
            continue
        reasons = list(
            dict.fromkeys(
                f"{_WHY.get(p.state, p.state)}: {ctx.describe(p)}" for p in coverage.inactive
            )
        )
        producers = "; ".join(reasons[:3]) + (
            f"; and {len(reasons) - 3} more" if len(reasons) > 3 else ""
        )
        subject = ctx.both_spellings(ist) if ist else f"the image stream {stream}"
        yield ctx.finding(
            RULE,
            location,
            f"{subject} is pulled here ({consumers[0].field}) but its only producers do not "
            f"write it — {producers}{uses(consumers)}. Enable that producer, or pull a tag "
            "that is produced",
            tag=ist,
            subject=f"{subject} pulled ({consumers[0].field})",
        )
