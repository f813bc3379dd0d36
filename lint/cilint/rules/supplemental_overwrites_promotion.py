"""supplemental-overwrites-promotion: a supplementalCIImages target that a config also promotes.

**What it does**
Reports a `supplementalCIImages` key of the ci-images-mirror config whose tag an enabled
promotion of some ci-operator config also writes, naming the promotion.

**Why it matters**
Two writers of one QCI tag: the hourly mirror and the promotion job overwrite each other, so
the image a job gets depends on which ran last. ci-images-mirror's own presubmit refuses a
*new* such entry ("would overwrite a promoted tag"), but not one that became a conflict later.

**Example**
```yaml
supplementalCIImages:
  ci/tools:latest:            # also promoted by org/tools@main
    image: quay.io/org/tools:latest
```

**Fix**
Delete the supplemental entry, or stop promoting the tag.

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.facts.model import ACTIVE
from cilint.findings import Finding, Severity
from cilint.rules.context import RuleContext
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="T006",
    name="supplemental-overwrites-promotion",
    severity=Severity.ERROR,
    summary="A supplementalCIImages target that a ci-operator config also promotes.",
)
READS = frozenset({Read.PRODUCERS, Read.COVERAGE})


def check(ctx: RuleContext) -> Iterator[Finding]:
    for producer in ctx.graph.producers:
        if producer.kind != "supplemental" or producer.state != ACTIVE or not producer.tag:
            continue
        if not ctx.selected(producer.location.path):
            continue
        promotions = [p for p in ctx.graph.coverage(producer.tag).active if p.kind == "promotion"]
        if promotions:
            yield ctx.finding(
                RULE,
                producer.location,
                f"{ctx.both_spellings(producer.tag)} is mirrored here and also promoted by "
                f"{ctx.describe(promotions[0])}; two writers overwrite each other's image: remove "
                "this entry or stop promoting the tag",
                tag=producer.tag,
                subject="mirrored and promoted",
                related=tuple(
                    ctx.related(p.location, f"{p.detail} also writes {producer.tag}")
                    for p in promotions
                ),
            )
