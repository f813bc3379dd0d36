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

import json
from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.rules.context import FileContext
from cilint.rules.spec import RuleSpec
from cilint.rules.unknown_key import unknown_key_message
from cilint.schema.violations import Violation
from cilint.yaml.json_path import format_path

RULE = RuleSpec(
    code="S001",
    name="schema",
    severity=Severity.ERROR,
    summary="A value has the wrong type or shape for its field, or a required key is missing.",
)


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _expected(schema_type: object) -> str:
    names = {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "a boolean (true/false)",
        "null": "null",
    }
    types = schema_type if isinstance(schema_type, list) else [schema_type]
    return " or ".join(names.get(str(t), str(t)) for t in types)


def _short(value: object) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def message(violation: Violation) -> str:
    """The words for a `schema` violation: which field, what was expected, what was found."""
    where = format_path(violation.subject)
    if violation.key is not None:  # an unknown key of a strictly decoded file
        return unknown_key_message(violation)
    keyword, expected, found = violation.keyword, violation.expected, violation.instance
    description = violation.description
    if keyword == "required":
        missing = [name for name in expected if name not in (found or {})]
        names = ", ".join(repr(name) for name in missing)
        return f"{where}: missing required key {names}: add it"
    if keyword == "type":
        return f"{where}: expected {_expected(expected)}, got {_type_name(found)} {_short(found)}"
    if keyword == "enum":
        allowed = ", ".join(_short(v) for v in expected)
        return f"{where}: expected one of {allowed}; got {_short(found)}"
    if keyword == "const":
        return f"{where}: expected {_short(expected)}, got {_short(found)}"
    if keyword == "not":
        reason = description or (expected or {}).get("description") or "not allowed"
        return f"{where}: must not be set: {reason}"
    if keyword == "minLength" and expected == 1:
        suffix = f" ({description})" if description else ""
        return f"{where}: must not be empty{suffix}"
    if keyword == "pattern":
        return f"{where}: {_short(found)} does not have the expected form (pattern {expected})" + (
            f": {description}" if description else ""
        )
    detail = violation.detail
    if description:
        detail = f"{detail} ({description})"
    return f"{where}: {detail}"


def check(ctx: FileContext) -> Iterator[Finding]:
    seen: set[tuple[int, tuple, str]] = set()
    for violation in ctx.violations:
        if violation.category != "schema":
            continue
        text = message(violation)
        identity = (violation.document, violation.path, text)
        if identity in seen:  # the validator reports some errors once per branch tried
            continue
        seen.add(identity)
        position = ctx.locate(violation.document, violation.path, violation.at)
        yield ctx.finding(RULE, position, text)
