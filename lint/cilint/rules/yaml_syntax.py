"""yaml-syntax: the file is not valid YAML (or JSON), or holds more documents than its kind allows.

**What it does**
Reports where libyaml stops parsing: bad indentation, tab characters used for indentation,
unclosed brackets or quotes, nesting deeper than 1000 levels, a control character (a NUL byte),
a second `---` document in a file that must hold one. Also what Go's YAML decoder refuses or
cilint will not build: a tag that names no standard type (`!!python/object/apply:...`, `!foo`:
never constructed), an alias inside the node it names, and aliases that repeat more data than
the decoder allows (a "billion laughs").

**Why it matters**
ci-operator, the step-registry loader and ci-images-mirror cannot read the file at all: the config
is skipped ("failed to load") and every job generated from it disappears or fails.

**Example**
```yaml
tests:
- as: unit
        commands: make test   # a tab
```

**Fix**
```yaml
tests:
- as: unit
  commands: make test
```

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.inputs.kinds import INPUT_KINDS
from cilint.rules.context import FileContext
from cilint.rules.spec import RuleSpec
from cilint.yaml.loading import (
    CONTROL,
    EXCESSIVE_ALIASES,
    INVALID_JSON,
    RECURSIVE_ALIAS,
    SYNTAX,
    TAB,
    TAG,
    UNPARSABLE,
)
from cilint.yaml.messages import problem_message

RULE = RuleSpec(
    code="Y001",
    name="yaml-syntax",
    severity=Severity.ERROR,
    summary="The file cannot be parsed as YAML/JSON, or has more documents than its kind allows.",
)


_KINDS = frozenset(
    {TAB, SYNTAX, UNPARSABLE, CONTROL, TAG, EXCESSIVE_ALIASES, RECURSIVE_ALIAS, INVALID_JSON}
)


def check(ctx: FileContext) -> Iterator[Finding]:
    for problem in ctx.yaml_problems:
        if problem.kind in _KINDS:
            yield ctx.finding(RULE, (problem.line, problem.column), problem_message(problem))
    if ctx.readable and INPUT_KINDS[ctx.kind].single_document and len(ctx.loaded) > 1:
        if all(document is None for document in ctx.loaded):
            return  # nothing but empty documents: empty-document
        yield ctx.finding(
            RULE,
            ctx.source.locate(1, ()),
            f"a second YAML document starts here, but a {ctx.kind} file holds exactly one (its "
            "loader reads only the first): remove the '---' separator or split the file",
        )
