"""mirror-missing: a cluster the policy covers has no mirror set for a required source and kind.

**What it does**
For each cluster of the cluster groups a `mirror_policies` entry names (from the folders under
the group's folder, with the group's shared folders applying to all of them), reports each
required kind (ImageTagMirrorSet, ImageDigestMirrorSet) that has no entry for the policed
source. It points at a mirror set of the other kind if the cluster has one, else at the first
manifest of the cluster.

**Why it matters**
Without the mirror set every pull of a CI image goes to `quay-proxy.ci.openshift.org`, the
proxy the precedence keeps as a last resort: slower jobs, and outages when the proxy is loaded.

**Example**
`clusters/build-clusters/build42/` without the shared `common/` folder's
`qci-image_mirror.yaml` and without a mirror set of its own.

**Fix**
Add the ImageTagMirrorSet and ImageDigestMirrorSet (or move the cluster under the group whose
shared folder carries them).

**Options**
`cluster_groups` and `mirror_policies[].kinds` / `cluster_groups` of the policy.
"""

from __future__ import annotations

from collections.abc import Iterator

from cilint.facts.model import Location
from cilint.findings import Finding, Severity
from cilint.rules.context import RuleContext, cluster_findings
from cilint.rules.reads import Read
from cilint.rules.spec import RuleSpec

RULE = RuleSpec(
    code="M005",
    name="mirror-missing",
    severity=Severity.ERROR,
    summary="A covered cluster has no ImageTagMirrorSet or ImageDigestMirrorSet for a source.",
)
READS = frozenset({Read.MIRROR_SETS})


def check(ctx: RuleContext) -> Iterator[Finding]:
    items = []
    for view in ctx.mirror_views:
        if view.entries:
            continue
        others = [
            v
            for v in ctx.mirror_views
            if v.cluster == view.cluster and v.entries and v.policy == view.policy
        ]
        if others:
            other = others[0].entries[0].location
            where = f"it has only the {others[0].kind} at {ctx.where(other)}"
        else:
            where = "none of its manifests has a mirror set for it"
        # Point into the cluster's own folder when it has one, so that a run on that folder
        # (the pre-commit hook on a new cluster) reports it.
        own = sorted(p for p in ctx.manifest_paths if p.startswith(view.cluster.folders[0] + "/"))
        reaching = sorted(p for p in ctx.manifest_paths if view.cluster.reaches(p))
        own_folder = view.cluster.folders[0] + "/"
        if others and other.path.startswith(own_folder) and not view.cluster.every_cluster:
            location = other
        elif own and not view.cluster.every_cluster:
            location = Location(own[0], 1, 1)
        elif others:
            location = other
        elif reaching:
            location = Location(reaching[0], 1, 1)
        else:
            continue
        items.append(
            (
                location,
                f"no {view.kind} for {view.policy.source} reaches {{clusters}} ({where}), so "
                f"those pulls go straight to the source: add an {view.kind} listing "
                f"{', then '.join(m.repository for m in view.policy.precedence)}",
                None,
                view.cluster,
            )
        )
    yield from cluster_findings(ctx, RULE, items)
