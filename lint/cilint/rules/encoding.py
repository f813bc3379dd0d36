"""encoding: the file is not clean UTF-8 (invalid bytes, or a byte-order mark).

**What it does**
Reports bytes that are not valid UTF-8 (an error: the file is not read at all), a file in
UTF-16 or UTF-32 (an error, told by its byte-order mark), and a UTF-8 byte-order mark at the
start (a warning: Go's decoder skips it, but determinize and diffs do not keep it).

**Why it matters**
A config saved as Latin-1 or UTF-16 by an editor cannot be decoded; ci-operator skips it and its
jobs vanish without an obvious message.

**Example**
A file whose comment contains the byte `0xE9` (é in Latin-1).

**Fix**
Re-save the file as UTF-8 without a byte-order mark.

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.rules.context import FileContext
from cilint.rules.spec import RuleSpec
from cilint.yaml.loading import BOM, INVALID_UTF8, OTHER_ENCODING
from cilint.yaml.messages import problem_message

RULE = RuleSpec(
    code="Y003",
    name="encoding",
    severity=Severity.ERROR,
    summary="The file is not valid UTF-8, or starts with a byte-order mark.",
)


def check(ctx: FileContext) -> Iterator[Finding]:
    for problem in ctx.yaml_problems:
        if problem.kind in (BOM, INVALID_UTF8, OTHER_ENCODING):
            severity = Severity.WARNING if problem.kind == BOM else None  # BOM: still read
            position = (problem.line, problem.column)
            yield ctx.finding(RULE, position, problem_message(problem), severity)
