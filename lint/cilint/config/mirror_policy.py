"""The policy's mirror precedence and cluster groups, as typed data for the mirror rules."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

from cilint.errors import CilintError
from cilint.tags import Registries

ITMS, IDMS, ICSP = "ImageTagMirrorSet", "ImageDigestMirrorSet", "ImageContentSourcePolicy"
# The entries OpenShift merges together for each policed kind.
MERGED_KINDS = {ITMS: (ITMS,), IDMS: (IDMS, ICSP)}


@dataclass(frozen=True)
class PolicedMirror:
    repository: str
    label: str  # "cache", "qci", or the repository itself
    required: bool


@dataclass(frozen=True)
class MirrorPolicy:
    source: str
    source_label: str
    precedence: tuple[PolicedMirror, ...]
    failover: bool
    kinds: tuple[str, ...]
    cluster_groups: tuple[str, ...]

    def rank(self, repository: str) -> int | None:
        """Position in the policy's order; the source ranks after every mirror."""
        for index, mirror in enumerate(self.precedence):
            if mirror.repository == repository:
                return index
        return len(self.precedence) if repository == self.source else None

    def describe_order(self) -> str:
        """`the pull-through cache → QCI → the source`."""
        return " → ".join([*(m.label for m in self.precedence), "the source"])


@dataclass(frozen=True)
class ClusterGroup:
    name: str
    folder: str
    single: bool = False
    shared: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cluster:
    name: str  # e.g. "build-clusters/build01", or the group for a single or empty group
    group: str
    folders: tuple[str, ...]  # root-relative folders whose manifests reach it
    every_cluster: bool = False  # a group with shared manifests but no cluster folder yet

    def reaches(self, path: str) -> bool:
        return any(path == f or path.startswith(f + "/") for f in self.folders)


_LABELS = {"cache": "the pull-through cache", "qci": "QCI", "qci_proxy": "QCI-APPCI"}


def _repository(ref: dict[str, Any], registries: Registries) -> tuple[str, str]:
    if "registry" in ref:
        key = str(ref["registry"])
        value = getattr(registries, key, None)
        if not value:
            raise CilintError(
                f"policy: mirror_policies names registry {key!r}, which registries: does not define"
            )
        return str(value), _LABELS.get(key, key)
    return str(ref["repository"]), str(ref["repository"])


def parse_mirror_policies(
    raw: list[dict[str, Any]] | None, registries: Registries
) -> tuple[MirrorPolicy, ...]:
    policies = []
    for item in raw or ():
        source, source_label = _repository(item["source"], registries)
        precedence = tuple(
            PolicedMirror(*_repository(entry, registries), bool(entry.get("required", True)))
            for entry in item["precedence"]
        )
        policies.append(
            MirrorPolicy(
                source,
                source_label,
                precedence,
                bool(item.get("failover", True)),
                tuple(item["kinds"]),
                tuple(item["cluster_groups"]),
            )
        )
    return tuple(policies)


def parse_cluster_groups(raw: list[dict[str, Any]] | None) -> tuple[ClusterGroup, ...]:
    return tuple(
        ClusterGroup(
            str(g["name"]),
            str(g["folder"]).strip("/"),
            bool(g.get("single", False)),
            tuple(g.get("shared", ())),
            tuple(g.get("ignore", ())),
        )
        for g in raw or ()
    )


def clusters(groups: tuple[ClusterGroup, ...], manifest_paths: list[str]) -> list[Cluster]:
    """The clusters the tree configures, from the folders that hold manifests."""
    found = []
    for group in groups:
        inside = [
            p[len(group.folder) + 1 :] for p in manifest_paths if p.startswith(group.folder + "/")
        ]
        if not inside:
            continue
        if group.single:
            found.append(Cluster(group.name, group.name, (group.folder,)))
            continue
        subfolders = sorted({p.split("/", 1)[0] for p in inside if "/" in p})
        shared = [s for s in subfolders if any(fnmatch.fnmatchcase(s, g) for g in group.shared)]
        members = [
            s
            for s in subfolders
            if s not in shared and not any(fnmatch.fnmatchcase(s, g) for g in group.ignore)
        ]
        common = tuple(f"{group.folder}/{s}" for s in shared)
        if not members:
            found.append(Cluster(group.name, group.name, common, every_cluster=True))
        for member in members:
            found.append(
                Cluster(f"{group.name}/{member}", group.name, (f"{group.folder}/{member}", *common))
            )
    return found
