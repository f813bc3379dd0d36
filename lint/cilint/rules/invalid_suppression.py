"""invalid-suppression: a `# cilint:` comment that cannot suppress anything as written.

**What it does**
Reports a `# cilint:` comment that is not `# cilint: ignore[RULE, ...] reason`, that names no
rule or a rule cilint does not have, or that gives no reason. Such a comment suppresses
nothing: the findings it was meant for are still reported.

**Why it matters**
A suppression is a decision someone will have to revisit: the reason is what tells them
whether it still holds. A misspelt rule would otherwise silence nothing, quietly.

**Example**
```yaml
base_images:
  base:            # cilint: ignore[unproduce-tag]
    namespace: ocp
```

**Fix**
```yaml
base_images:
  base:            # cilint: ignore[unproduced-tag] ART publishes it on every release
    namespace: ocp
```

**Options**
None. The rules may be given by code (`T001`) or name (`unproduced-tag`), comma-separated; the
reason is everything after the closing bracket.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.rules.context import FileContext
from cilint.rules.names import RuleNames, lookup, suggestion
from cilint.rules.spec import RuleSpec
from cilint.yaml.comments import SuppressionComment

RULE = RuleSpec(
    code="C001",
    name="invalid-suppression",
    severity=Severity.ERROR,
    summary="A # cilint: comment that is malformed, names an unknown rule or gives no reason.",
)


def problem(comment: SuppressionComment, names: RuleNames) -> str | None:
    """Why `comment` cannot suppress anything, or None when it can."""
    if comment.problem is not None:
        return comment.problem
    for written in comment.rules:
        if lookup(names, written) is None:
            return f"names {written!r}, which is no rule{suggestion(names, written)}"
    return None


def check(ctx: FileContext) -> Iterator[Finding]:
    for comment in ctx.suppressions:
        why = problem(comment, ctx.rule_names)
        if why is not None:
            yield ctx.finding(
                RULE,
                (comment.line, comment.column),
                f"this suppression is ignored: it {why}",
            )
