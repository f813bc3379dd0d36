"""numeric-string: a YAML number (or boolean) where the field is a string.

**What it does**
Reports unquoted scalars that YAML 1.1 reads as numbers or booleans in fields that ci-tools
declares as strings (names, tags, versions, env values, ...), and says which string ci-operator
actually receives: an error when that differs from what is written (`4.10` → `"4.1"`), a warning
when it happens to be the same (`cpu: 1`, `VERSION: 2.3`).

**Why it matters**
ghodss/yaml converts a number in a string field with 32-bit float formatting: `name: 4.10`
becomes `"4.1"`, `tag: 1.20` becomes `"1.2"`, `version: 017` becomes `"15"`, `tag: yes` becomes
`"true"`. The job then imports `ocp/4.1:base`, which does not exist ("not found"), or a wrong
version.

**Example**
```yaml
base_images:
  base:
    namespace: ocp
    name: 4.10
    tag: base
```

**Fix**
```yaml
base_images:
  base:
    namespace: ocp
    name: "4.10"
    tag: base
```

**Options**
None.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.rules.context import FileContext
from cilint.rules.spec import RuleSpec
from cilint.yaml.go_format import go_string
from cilint.yaml.json_path import format_path

RULE = RuleSpec(
    code="S003",
    name="numeric-string",
    severity=Severity.ERROR,
    summary="An unquoted number or boolean in a string field; ci-operator reads another string.",
)


def check(ctx: FileContext) -> Iterator[Finding]:
    seen: set[tuple[int, tuple]] = set()
    for violation in ctx.violations:
        if violation.category != "numeric-string" or (violation.document, violation.path) in seen:
            continue
        seen.add((violation.document, violation.path))
        text = ctx.source.scalar_text(violation.document, violation.path)
        value = violation.instance
        kind = "boolean" if isinstance(value, bool) else "number"
        read = go_string(value)
        shown = text if text is not None else json.dumps(value)
        severity = None
        if read == shown:
            # Read as written: nothing breaks today, but the value is one edit away from
            # losing digits, and determinize writes it quoted.
            severity = Severity.WARNING
            consequence = (
                f'ci-operator converts it to "{read}", as written, but the conversion drops '
                'digits of other values (4.10 becomes "4.1") and determinize writes it quoted'
            )
        else:
            consequence = f'ci-operator reads it as "{read}", not "{shown}"'
        yield ctx.finding(
            RULE,
            ctx.locate(violation.document, violation.path, "value"),
            f"{format_path(violation.subject)}: {shown} is a YAML {kind} where a string is "
            f'expected; {consequence}: quote it as "{shown}"',
            severity,
        )
