"""What each cluster gets: per cluster, per policed source and kind, the entries that reach it
and their merged order (`mirror_merge`), for the mirror rules and `cilint explain`."""

from __future__ import annotations

from dataclasses import dataclass

from cilint.config.mirror_policy import MERGED_KINDS, Cluster, MirrorPolicy
from cilint.facts.model import MirrorEntry
from cilint.graph.mirror_merge import NEVER_CONTACT_SOURCE, MergedMirrors, has_real_mirror, merge


@dataclass(frozen=True)
class MirrorView:
    cluster: Cluster
    policy: MirrorPolicy
    kind: str  # ImageTagMirrorSet | ImageDigestMirrorSet (the latter with ICSP entries)
    entries: tuple[MirrorEntry, ...]  # entries for the source that reach the cluster
    merged: MergedMirrors


def views(
    policies: tuple[MirrorPolicy, ...], clusters: list[Cluster], mirrors: list[MirrorEntry]
) -> list[MirrorView]:
    result = []
    for policy in policies:
        for cluster in clusters:
            if cluster.group not in policy.cluster_groups:
                continue
            for kind in policy.kinds:
                entries = tuple(
                    sorted(
                        (
                            e
                            for e in mirrors
                            if e.kind in MERGED_KINDS[kind]
                            and e.source == policy.source
                            and cluster.reaches(e.location.path)
                            and has_real_mirror(e.source, e.mirrors)
                        ),
                        key=lambda e: e.location,
                    )
                )
                blocked = any(e.policy == NEVER_CONTACT_SOURCE for e in entries)
                merged = merge(policy.source, [e.mirrors for e in entries], blocked)
                result.append(MirrorView(cluster, policy, kind, entries, merged))
    return result


def cluster_names(clusters: list[Cluster]) -> str:
    """`every build-clusters cluster`, or `build-clusters/b01, build-clusters/b02 and 3 more`."""
    names = sorted({c.name + (" (every cluster)" if c.every_cluster else "") for c in clusters})
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")
