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

import difflib
from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.rules.context import FileContext
from cilint.rules.spec import RuleSpec
from cilint.schema.violations import Violation
from cilint.yaml.json_path import format_path

RULE = RuleSpec(
    code="S002",
    name="unknown-key",
    severity=Severity.WARNING,
    summary="A key that the format does not define; ci-operator ignores it silently.",
)


def closest_key(key: str, known: tuple[str, ...]) -> str | None:
    folded = {k.lower(): k for k in known}
    if key.lower() in folded:
        return folded[key.lower()]
    matches = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return matches[0] if matches else None


def unknown_key_message(violation: Violation) -> str:
    """The words for an unknown key (also `schema`'s, for a strictly decoded file)."""
    key, known, strict = str(violation.key), violation.known_keys, violation.strict
    where = format_path(violation.subject)
    guess = closest_key(key, known)
    place = where if where != "top level" else "the top level"
    if guess and guess.lower() == key.lower():
        return (
            f"key {key!r} in {place} differs from {guess!r} only in case; Go's decoder "
            f"accepts it, but determinize and other tools do not: write it as {guess!r}"
        )
    if strict:
        text = f"unknown key {key!r} in {place}: this file is decoded strictly, so it is rejected"
    else:
        text = f"unknown key {key!r} in {place}: ci-operator ignores it"
    if guess:
        return f"{text}; did you mean {guess!r}?"
    return f"{text}; remove it (known keys: {', '.join(sorted(known)) or 'none'})"


def check(ctx: FileContext) -> Iterator[Finding]:
    seen: set[tuple[int, tuple]] = set()
    for violation in ctx.violations:
        if violation.category == "unknown-key" and (violation.document, violation.path) not in seen:
            seen.add((violation.document, violation.path))
            position = ctx.locate(violation.document, violation.path, "key")
            yield ctx.finding(RULE, position, unknown_key_message(violation))
