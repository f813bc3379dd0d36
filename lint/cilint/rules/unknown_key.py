"""unknown-key: a key that ci-operator does not know, and so silently ignores.

**What it does**
Reports keys in ci-operator configs that are not fields of the format, and names the closest
known key. A key that differs from a known one only in case is
reported too: Go's decoder accepts it, but other tools do not.

**Why it matters**
ci-operator decodes configs leniently: a typo such as `base_image:` or `run_if_changd:` is
dropped without a word, and the job runs without the setting the author meant to give it.

**Example**
```yaml
tests:
- as: unit
  run_if_changd: ^pkg/
  commands: make test
  container: {from: src}
```

**Fix**
```yaml
tests:
- as: unit
  run_if_changed: ^pkg/
  commands: make test
  container: {from: src}
```

**Options**
None. In strictly decoded files an unknown key is reported by `schema` as an error instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.rules.context import FileContext
from cilint.rules.spec import RuleSpec
from cilint.schema.messages import unknown_key_message

RULE = RuleSpec(
    code="S002",
    name="unknown-key",
    severity=Severity.WARNING,
    summary="A key that the format does not define; ci-operator ignores it silently.",
)


def check(ctx: FileContext) -> Iterator[Finding]:
    seen: set[tuple[int, tuple]] = set()
    for violation in ctx.violations:
        if violation.category == "unknown-key" and (violation.document, violation.path) not in seen:
            seen.add((violation.document, violation.path))
            position = ctx.locate(violation.document, violation.path, "key")
            yield ctx.finding(RULE, position, unknown_key_message(violation))
