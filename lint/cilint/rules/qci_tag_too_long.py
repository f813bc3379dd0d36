"""qci-tag-too-long: an image tag whose QCI spelling exceeds Docker's 128-character limit.

**What it does**
For every promoted, mirrored or consumed tag `ns/name:tag`, checks the QCI tag
`<ns>_<name>_<tag>` against the 128-character limit of a Docker tag (error), and warns when
the backup tag that protects the previous image from garbage collection is too long:
`<14-digit time>_prune_<ns>_<name>_<tag>` for promotions, `..._prune___ci_images_mirror__...`
for ci-images-mirror.

**Why it matters**
ci-tools enforces no length limit, so the config passes review and the promotion or mirror job
fails at push time ("tag invalid"); a too-long backup tag fails the backup step and leaves the
old image unprotected.

**Example**
```yaml
promotion:
  to:
  - namespace: some-long-namespace
    name: an-image-stream-with-a-long-name-for-rhel-9-and-golang-1-22
    # + an image name of 40 characters → more than 128 characters in QCI
```

**Fix**
Shorten the stream or image name.

**Options**
None.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.facts.model import Location
from cilint.findings import Finding, Severity
from cilint.rules.context import RuleContext
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec
from cilint.tags import DOCKER_TAG_MAX, MIRROR_BACKUP_PREFIX, PROMOTION_BACKUP_PREFIX, parse_ist

RULE = RuleSpec(
    code="T005",
    name="qci-tag-too-long",
    severity=Severity.ERROR,
    summary="The QCI tag <ns>_<name>_<tag> (or its backup tag) is longer than 128 characters.",
)
READS = frozenset({Read.PRODUCERS, Read.CONSUMERS})

_BACKUP = {"promotion": PROMOTION_BACKUP_PREFIX, "supplemental": MIRROR_BACKUP_PREFIX}
# `ns/name:tag` and `ns_name_tag` have the same length: a shorter spelling cannot be too long.
_SAFE_LENGTH = DOCKER_TAG_MAX - max(_BACKUP.values())


def check(ctx: RuleContext) -> Iterator[Finding]:
    places: list[tuple[Location, str, str]] = [
        (p.location, p.tag, p.kind)
        for p in ctx.graph.producers
        if p.tag and len(p.tag) > _SAFE_LENGTH
    ] + [
        (c.location, c.tag, "consumer")
        for c in ctx.graph.consumers
        if c.tag and len(c.tag) > _SAFE_LENGTH
    ]
    seen: set[tuple[Location, str]] = set()
    for location, ist, kind in places:
        tag = parse_ist(ist)
        if tag is None or (location, ist) in seen or not ctx.selected(location.path):
            continue
        seen.add((location, ist))
        length = len(tag.qci_tag)
        if length > DOCKER_TAG_MAX:
            yield ctx.finding(
                RULE,
                location,
                f"{ist} becomes the QCI tag {tag.qci_tag!r}, {length} characters; a Docker tag "
                f"holds at most {DOCKER_TAG_MAX}, so pushing or pulling it fails: shorten the "
                "namespace, stream or tag",
                tag=ist,
            )
        elif kind in _BACKUP and length + _BACKUP[kind] > DOCKER_TAG_MAX:
            yield ctx.finding(
                RULE,
                location,
                f"{ist}: its backup tag (<timestamp>_prune_... before {tag.qci_tag!r}) has "
                f"{length + _BACKUP[kind]} characters, over {DOCKER_TAG_MAX}; the backup step "
                "fails and the previous image is not protected from garbage collection: keep "
                f"<ns>_<name>_<tag> within {DOCKER_TAG_MAX - _BACKUP[kind]} characters",
                severity=Severity.WARNING,
                tag=ist,
            )
