"""The kinds of input cilint reads, and what each one is checked against."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    CI_OPERATOR_CONFIG = "ci-operator-config"
    STEP_REF = "step-registry-ref"
    STEP_CHAIN = "step-registry-chain"
    STEP_WORKFLOW = "step-registry-workflow"
    STEP_OBSERVER = "step-registry-observer"
    STEP_OTHER = "step-registry-other"  # a file the registry loader rejects by its name
    CI_IMAGES_MIRROR = "ci-images-mirror"
    MAPPING = "mapping"
    RELEASE_CONTROLLER = "release-controller"
    CLUSTER_MANIFEST = "cluster-manifest"


STEP_REGISTRY_KINDS = frozenset(
    {Kind.STEP_REF, Kind.STEP_CHAIN, Kind.STEP_WORKFLOW, Kind.STEP_OBSERVER}
)

# Inputs decoded strictly (an unknown key is an error there): the step registry and the
# ci-images-mirror config (yaml.UnmarshalStrict in ci-tools), release-controller configs
# (`--validate-configs` disallows unknown fields) and cluster manifests (the API server).
# ci-operator configs alone are decoded leniently.
STRICT_KINDS = STEP_REGISTRY_KINDS | {
    Kind.CI_IMAGES_MIRROR,
    Kind.CLUSTER_MANIFEST,
    Kind.RELEASE_CONTROLLER,
}

# The schema (stem under schemas/) of each single-schema kind.
SCHEMA_OF_KIND: dict[Kind, str] = {
    Kind.CI_OPERATOR_CONFIG: "ci-operator-config",
    Kind.STEP_REF: "step-registry-ref",
    Kind.STEP_CHAIN: "step-registry-chain",
    Kind.STEP_WORKFLOW: "step-registry-workflow",
    Kind.STEP_OBSERVER: "step-registry-observer",
    Kind.CI_IMAGES_MIRROR: "ci-images-mirror",
    Kind.RELEASE_CONTROLLER: "release-controller",
}

# Cluster manifests hold many Kubernetes kinds; these are the ones cilint reads.
SCHEMA_OF_MANIFEST_KIND: dict[str, str] = {
    "ImageTagMirrorSet": "image-tag-mirror-set",
    "ImageDigestMirrorSet": "image-digest-mirror-set",
    "ImageContentSourcePolicy": "image-content-source-policy",
    "ImageStream": "image-stream",
    "BuildConfig": "build-config",
}

# Kinds whose file holds exactly one YAML document.
SINGLE_DOCUMENT_KINDS = frozenset(SCHEMA_OF_KIND) - {Kind.RELEASE_CONTROLLER}
