"""conditional-tag: a consumed tag that only a pattern rule covers (e.g. `artImages`).

**What it does**
Reports, as information, a consumed image tag that no config promotes and no
`supplementalCIImages` entry names, but that a pattern producer covers: an `artImages` rule of
the ci-images-mirror config (every tag ART publishes in matching streams is mirrored), a
`tag_by_commit` commit tag, or a build-cache tag whose promotion is disabled. Says which rule.

**Why it matters**
Such a tag exists only if something outside the repository happens — ART publishes
`ocp/4.21:base-rhel9`, a commit gets promoted. When it does not (a new release, a typo in the
tag that the regex still accepts), the job fails with "not found" and no config in the repo
explains why.

**Example**
```yaml
base_images:
  base: {namespace: ocp, name: "4.21", tag: base-rhel9}   # only artImages ^base-rhel.*$
```

**Fix**
Nothing to fix when ART publishes the tag; check that it does (`cilint explain`), or pull a
promoted tag.

**One finding per consumer, shown on demand**
A busy pattern-covered tag is pulled by thousands of configs (21,753 findings over 16 tags at
30,000 generated configs; 29,608 over 34 tags in a tree of real files), so text, SARIF and
github reports hide infos by default and count them (`--min-severity info` lists them;
`--statistics` counts them per rule). The finding stays at each consumer rather than once per
tag: the pre-commit hook reports the findings of the files it is given, so a config that starts
pulling such a tag learns it there; a suppression, `per_file_ignores` and the baseline work by
file; and a finding kept at "the first consumer" would move to another file whenever that one
is renamed or deleted, and show up as new. `cilint explain TAG` lists every consumer of one tag.

**Options**
None. Set its severity to `off` in `.cilint.yaml` to silence it.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.findings import Finding, Severity
from cilint.graph.coverage import CONDITIONAL_STATUS
from cilint.rules.context import RuleContext
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="T002",
    name="conditional-tag",
    severity=Severity.INFO,
    summary="A consumed tag that only a pattern rule (artImages, tag_by_commit) covers.",
)
READS = frozenset({Read.CONSUMER_PLACES, Read.COVERAGE})


def check(ctx: RuleContext) -> Iterator[Finding]:
    graph = ctx.graph
    conditional: dict[str, bool] = {}  # decided once per tag: a tag has many places
    for (location, ist, _stream), consumers in ctx.consumer_places().items():
        if not ist:
            continue
        found = conditional.get(ist)
        if found is None:
            found = conditional[ist] = (
                not graph.is_exempt(ist) and graph.coverage(ist).status == CONDITIONAL_STATUS
            )
        if not found:
            continue
        coverage = graph.coverage(ist)
        yield ctx.finding(
            RULE,
            location,
            f"{ctx.both_spellings(ist)} is pulled here ({consumers[0].field}); nothing in the "
            f"repository promotes or names it, only a pattern covers it — "
            f"{ctx.describe(coverage.conditional[0])} — so it exists only if that pattern matches "
            "a tag that is really published",
            tag=ist,
            subject=f"pulled ({consumers[0].field})",
        )
