"""duplicate-promotion: the same tag is promoted from more than one place.

**What it does**
Reports every promotion of an image tag that another enabled promotion also writes — two
configs (variants included) or two targets of one config — at each of them, naming the others.
Disabled targets do not count. This is ci-operator-checkconfig's
"output tag X is promoted from more than one place".

**Why it matters**
Two postsubmits race to push the same QCI tag; whichever merged last wins, so the image changes
under everyone's feet, and the openshift/release presubmit fails on it anyway.

**Example**
`org-repo-main.yaml` and `org-repo-main__okd.yaml` both with
```yaml
promotion:
  to:
  - {namespace: ocp, name: "4.21"}
```

**Fix**
Mark all but one with `disabled: true` (as config-brancher does), or promote the variant
elsewhere.

**Options**
None.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from cilint.facts.model import ACTIVE, Location, Producer
from cilint.findings import Finding, Severity
from cilint.rules.context import RuleContext
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec

_NAMED = 3  # rivals a message names; the others are counted

RULE = RuleSpec(
    code="T004",
    name="duplicate-promotion",
    severity=Severity.ERROR,
    summary="The same tag is promoted by two enabled promotions (configs or variants).",
)
READS = frozenset({Read.PRODUCERS})


def check(ctx: RuleContext) -> Iterator[Finding]:
    by_tag: dict[str, list[Producer]] = defaultdict(list)
    for producer in ctx.graph.producers:
        if producer.kind == "promotion" and producer.state == ACTIVE and producer.tag:
            by_tag[producer.tag].append(producer)
    # One finding per promotion stanza and set of rivals, listing the tags they share.
    shared: dict[tuple[Location, str], dict[tuple[tuple[Location, str], ...], list[str]]] = (
        defaultdict(lambda: defaultdict(list))
    )
    for tag, producers in sorted(by_tag.items()):
        places = sorted({(p.location, p.owner) for p in producers})
        if len(places) < 2:
            continue
        for place in places:
            rivals = tuple(other for other in places if other != place)
            shared[place][rivals].append(tag)
    for (location, owner), groups in sorted(shared.items()):
        if not ctx.selected(location.path):
            continue
        for rivals, tags in groups.items():
            # A tag promoted from hundreds of places (copied configs) names the first few.
            others = ", ".join(f"{o} ({ctx.where(loc)})" for loc, o in rivals[:_NAMED])
            if len(rivals) > _NAMED:
                others += f" and {len(rivals) - _NAMED} more places"
            listed = ", ".join(tags[:3]) + (f" and {len(tags) - 3} more" if len(tags) > 3 else "")
            yield ctx.finding(
                RULE,
                location,
                f"{owner} promotes {listed} here, which {others} also "
                f"{'promotes' if len(rivals) == 1 else 'promote'}; two promotion "
                "jobs would push the same QCI tags: set disabled: true on all but one",
                tag=tags[0] if len(tags) == 1 else None,
                subject="promotes " + ", ".join(tags),
                related=tuple(ctx.related(loc, f"{o} also promotes {listed}") for loc, o in rivals),
            )
