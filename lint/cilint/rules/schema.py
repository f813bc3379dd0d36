"""schema: a value has the wrong shape for its field (JSON Schema, Draft 2020-12).

**What it does**
Validates every input against its JSON Schema in `schemas/` (ci-operator config, step-registry
ref/chain/workflow/observer, ci-images-mirror config, ImageStream, BuildConfig, mirror sets,
release-controller config) and reports each error at the offending key or value: which field,
what was expected, what was found. In files that ci-tools decodes strictly (step registry,
ci-images-mirror config) and in cluster manifests, an unknown key is a `schema` error too.

**Why it matters**
ci-operator rejects a config that does not decode ("failed to load configuration") and
ci-operator-checkconfig fails the openshift/release presubmit, usually with a Go type error that
names neither file nor line.

**Example**
```yaml
build_root:
  image_stream_tag:
    namespace: openshift
    name: release        # tag is missing
```

**Fix**
```yaml
build_root:
  image_stream_tag:
    namespace: openshift
    name: release
    tag: golang-1.22
```

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.rules.context import FileContext
from cilint.rules.spec import RuleSpec
from cilint.schema.messages import schema_message

RULE = RuleSpec(
    code="S001",
    name="schema",
    severity=Severity.ERROR,
    summary="A value has the wrong type or shape for its field, or a required key is missing.",
)


def check(ctx: FileContext) -> Iterator[Finding]:
    seen: set[tuple[int, tuple, str]] = set()
    for violation in ctx.violations:
        if violation.category != "schema":
            continue
        text = schema_message(violation)
        identity = (violation.document, violation.path, text)
        if identity in seen:  # the validator reports some errors once per branch tried
            continue
        seen.add(identity)
        position = ctx.locate(violation.document, violation.path, violation.at)
        yield ctx.finding(RULE, position, text)
