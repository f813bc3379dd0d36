"""legacy-form: a ci-operator config stanza in a form that current ci-tools no longer reads.

**What it does**
Reports two old forms in ci-operator configs:
- `images:` as a bare list (current ci-operator only decodes `images: {items: [...]}` since
  ci-tools removed the compatibility shim in April 2026);
- the single-target `promotion: {namespace, name|tag, ...}` without `to:` (current ci-tools
  reads only `promotion.to`; the old keys were removed in 2024 and are ignored).
cilint itself still understands both, so the rest of the checks keep working on old trees.

**Why it matters**
A bare `images:` list makes the config fail to load; a legacy promotion stanza is silently
ignored, so nothing is promoted and every consumer of those tags breaks with "not found".

**Example**
```yaml
images:
- dockerfile_path: Dockerfile
  to: widget
promotion:
  namespace: acme
  name: widget
```

**Fix**
```yaml
images:
  items:
  - dockerfile_path: Dockerfile
    to: widget
promotion:
  to:
  - namespace: acme
    name: widget
```

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.inputs.kinds import Kind
from cilint.rules.context import FileContext
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="S004",
    name="legacy-form",
    severity=Severity.WARNING,
    summary="images as a bare list, or promotion without to: forms current ci-tools rejects.",
)


def check(ctx: FileContext) -> Iterator[Finding]:
    config = ctx.data
    if ctx.kind is not Kind.CI_OPERATOR_CONFIG or not isinstance(config, dict):
        return
    if isinstance(config.get("images"), list):
        yield ctx.finding(
            RULE,
            ctx.locate(0, ("images",), "key"),
            "images is a bare list, the pre-2026 form; current ci-operator only decodes "
            "images: {items: [...]} and fails to load this config: move the list under items:",
        )
    promotion = config.get("promotion")
    if isinstance(promotion, dict) and "to" not in promotion and promotion.get("namespace"):
        yield ctx.finding(
            RULE,
            ctx.locate(0, ("promotion",), "key"),
            "promotion uses the single-target form without to:, which current ci-tools ignores, "
            "so nothing is promoted: move namespace/name/tag and the other keys into a "
            "promotion.to list entry",
        )
