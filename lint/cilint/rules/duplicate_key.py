"""duplicate-key: the same key appears twice in one mapping.

**What it does**
Reports the second (and later) occurrence of a key within one YAML mapping. Keys merged in with
`<<: *anchor` are not counted.

**Why it matters**
ci-operator (ghodss/yaml) silently keeps the last value, so the first one is dead text that
reviewers still read; the step-registry and ci-images-mirror loaders decode strictly and reject
the whole file.

**Example**
```yaml
build_root:
  image_stream_tag: {namespace: openshift, name: release, tag: golang-1.21}
build_root:
  from_repository: true
```

**Fix**
```yaml
build_root:
  from_repository: true
```

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.rules.context import FileContext
from cilint.rules.spec import RuleSpec
from cilint.yaml.loading import DUPLICATE_KEY
from cilint.yaml.messages import problem_message

RULE = RuleSpec(
    code="Y002",
    name="duplicate-key",
    severity=Severity.ERROR,
    summary="A key appears twice in the same mapping.",
)


def check(ctx: FileContext) -> Iterator[Finding]:
    for problem in ctx.yaml_problems:
        if problem.kind == DUPLICATE_KEY:
            yield ctx.finding(RULE, (problem.line, problem.column), problem_message(problem))
