"""unproduced-tag: a consumed image tag that nothing promotes or mirrors.

**What it does**
Finds every image tag a config pulls — `base_images`, `base_rpm_images`,
`build_root.image_stream_tag`, `from_image` of literal steps, of step-registry refs and
observers reached from a test (through its workflow and chains), `raw_steps`
`input_image_tag_step.base_image`, whole streams in `releases.*.integration` and
`tag_specification`, sources of outbound `mapping_*` files — and reports those that no producer
covers: no ci-operator config promotes them, no `supplementalCIImages`/`qciToAppCIImages` entry
or `artImages` rule mirrors them, no ImageStream, BuildConfig or inbound mapping writes them.
The message gives the tag in IST and QCI spelling and the nearest produced tags.

**Why it matters**
Every CI image is pulled from QCI (`quay.io/openshift/ci:<ns>_<name>_<tag>`) through
`quay-proxy.ci.openshift.org`. A tag that reaches QCI by neither promotion nor mirroring makes
the job fail at import with
`... "quay.io/openshift/ci:ocp_builder_rhel-9-golang-1.21-..." not found`,
and someone has to hunt for the reason after the merge.

**Example**
```yaml
build_root:
  image_stream_tag:
    namespace: openshift
    name: release
    tag: golang-1.2l          # a typo: nothing produces it
```

**Fix**
```yaml
build_root:
  image_stream_tag:
    namespace: openshift
    name: release
    tag: golang-1.21          # promoted by a config, or listed in supplementalCIImages
```
`cilint explain openshift/release:golang-1.2l` shows the nearest tags and where to add a
mirror.

**Options**
Namespaces listed in the policy's `tags.exempt_namespaces` (cluster-bot's `ci-ln-*`) are not
checked. A tag only a disabled or excluded producer covers is reported by `disabled-producer`;
one only an `artImages` rule covers by `conditional-tag`.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.facts.model import by
from cilint.findings import Finding, Severity
from cilint.graph.coverage import UNPRODUCED, Coverage
from cilint.rules.context import RuleContext, uses
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="T001",
    name="unproduced-tag",
    severity=Severity.ERROR,
    summary="A consumed image tag that no config promotes and no mirror config mirrors.",
)
READS = frozenset({Read.CONSUMER_PLACES, Read.COVERAGE, Read.PRODUCED_NAMES})


_WHAT_TO_DO = (
    "To make it exist, promote it from the config that builds it (promotion.to), or mirror "
    "it (supplementalCIImages of the ci-images-mirror config)"
)


def _suggestion(ctx: RuleContext, ist: str) -> str:
    near = []
    for candidate in ctx.graph.nearest(ist):
        active = ctx.graph.coverage(candidate).active
        near.append(f"{candidate} ({by(active[0])})" if active else candidate)
    return f" Did you mean {' or '.join(near)}?" if near else ""


def _missing(coverage: Coverage) -> bool:
    return coverage.status == UNPRODUCED and not coverage.inactive


def check(ctx: RuleContext) -> Iterator[Finding]:
    graph = ctx.graph
    missing: dict[str, bool] = {}  # decided once per tag: a tag has many places
    for (location, ist, stream), consumers in ctx.consumer_places().items():
        field = consumers[0].field
        if ist:
            found = missing.get(ist)
            if found is None:
                found = missing[ist] = not graph.is_exempt(ist) and _missing(graph.coverage(ist))
            if not found:
                continue
            yield ctx.finding(
                RULE,
                location,
                f"{ctx.both_spellings(ist)} is pulled here ({field}), but nothing promotes or "
                f'mirrors it, so jobs fail with "{ctx.spelling(ist, "qci")}" not found'
                f"{uses(consumers)}.{_suggestion(ctx, ist)} {_WHAT_TO_DO}",
                tag=ist,
                subject=f"pulled ({field})",
            )
        elif stream and not graph.is_exempt(stream + ":"):
            coverage = graph.stream_coverage(stream)
            if coverage.status == UNPRODUCED and not coverage.inactive:
                yield ctx.finding(
                    RULE,
                    location,
                    f"the image stream {stream} ({field}) is imported whole, tag by tag from "
                    "QCI, but nothing in the tree produces any tag of it: check namespace and "
                    "name, or promote into it",
                )
