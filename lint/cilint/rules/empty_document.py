"""empty-document: a config file holds no data (only comments, whitespace, or `null`).

**What it does**
Reports input files whose YAML holds no document, or only a null one. Cluster manifests are not
checked: empty documents between `---` separators are normal there.

**Why it matters**
ci-operator loads an empty file as an empty configuration and rejects it ("must define at least
one test or image build"); a stray file like this usually means a half-done move or deletion.

**Example**
```yaml
# TODO: tests for 4.12
```

**Fix**
Delete the file, or give it content.

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.inputs.kinds import INPUT_KINDS
from cilint.rules.context import FileContext
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="Y004",
    name="empty-document",
    severity=Severity.WARNING,
    summary="A config file holds no data: only comments, whitespace or null.",
)


def check(ctx: FileContext) -> Iterator[Finding]:
    if not ctx.readable or not INPUT_KINDS[ctx.kind].must_hold_data:
        return
    if all(document is None for document in ctx.loaded):
        yield ctx.finding(
            RULE,
            (1, 1),
            "the file holds no YAML data (only comments or whitespace); its loader reads an "
            "empty object and rejects it: delete the file or give it content",
        )
