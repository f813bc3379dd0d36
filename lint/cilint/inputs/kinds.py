"""The kinds of input cilint reads: one table row each, read by discovery (which folder, which
file names), the per-file stage (schema, strictness, documents, extractor), the step registry's
facts and the `file-name` rule (element, suffix, name key)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


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


@dataclass(frozen=True)
class InputKind:
    kind: Kind
    layout: str  # the policy's `layout` key whose folders (or files) hold it
    suffixes: tuple[str, ...]  # a file name it claims ends with one of these ("": any)
    prefix: str = ""  # ... and starts with this
    schema: str | None = None  # JSON Schema stem under schemas/ (manifests: `MANIFEST_SCHEMAS`)
    extractor: str | None = None  # the module of cilint.facts whose `extract` gives its facts
    # Decoded strictly, so an unknown key is an error: the step registry and the
    # ci-images-mirror config (yaml.UnmarshalStrict in ci-tools), release-controller configs
    # (`--validate-configs` disallows unknown fields) and cluster manifests (the API server).
    strict: bool = False
    single_document: bool = False  # its loader reads exactly one YAML document
    must_hold_data: bool = False  # its loader rejects an empty file
    parsed: bool = True  # read as YAML (JSON is YAML too); a mapping file is plain text
    element: str | None = None  # a step-registry element: ref, chain, workflow, observer
    name_key: str | None = None  # the key of `element` that names it

    @property
    def suffix(self) -> str:
        """A step-registry file's name suffix (`-ref.yaml`)."""
        return f"-{self.element}.yaml"

    def claims(self, name: str) -> bool:
        return name.endswith(self.suffixes) and name.startswith(self.prefix)


def _step(kind: Kind, element: str, name_key: str = "as") -> InputKind:
    return InputKind(
        kind,
        "step_registry",
        (f"-{element}.yaml",),
        schema=f"step-registry-{element}",
        extractor="registry",
        strict=True,
        single_document=True,
        must_hold_data=True,
        element=element,
        name_key=name_key,
    )


# In discovery order: a file claimed by an earlier row (a layout entry naming one file, such as
# the ci-images-mirror config) is not claimed again by a folder walk below.
INPUT_KINDS: dict[Kind, InputKind] = {
    row.kind: row
    for row in (
        InputKind(
            Kind.CI_IMAGES_MIRROR,
            "ci_images_mirror",
            ("",),
            schema="ci-images-mirror",
            extractor="mirror_config",
            strict=True,
            single_document=True,
            must_hold_data=True,
        ),
        InputKind(
            Kind.CI_OPERATOR_CONFIG,
            "ci_operator_config",
            (".yaml", ".yml"),
            schema="ci-operator-config",
            extractor="ci_operator",
            single_document=True,
            must_hold_data=True,
        ),
        _step(Kind.STEP_REF, "ref"),
        _step(Kind.STEP_CHAIN, "chain"),
        _step(Kind.STEP_WORKFLOW, "workflow"),
        _step(Kind.STEP_OBSERVER, "observer", "name"),
        InputKind(Kind.STEP_OTHER, "step_registry", ("",), must_hold_data=True),
        InputKind(Kind.MAPPING, "mapping", ("",), "mapping_", extractor="mapping", parsed=False),
        InputKind(
            Kind.RELEASE_CONTROLLER,
            "release_controller",
            (".json",),
            schema="release-controller",
            strict=True,
        ),
        InputKind(
            Kind.CLUSTER_MANIFEST,
            "cluster_manifests",
            (".yaml", ".yml"),
            extractor="manifests",
            strict=True,
        ),
    )
}

STEP_REGISTRY_KINDS = frozenset(k for k, row in INPUT_KINDS.items() if row.element)

# Cluster manifests hold many Kubernetes kinds; these are the ones cilint reads, with their schema.
# (Any: looked up with whatever a manifest's `kind` holds.)
MANIFEST_SCHEMAS: dict[Any, str] = {
    "ImageTagMirrorSet": "image-tag-mirror-set",
    "ImageDigestMirrorSet": "image-digest-mirror-set",
    "ImageContentSourcePolicy": "image-content-source-policy",
    "ImageStream": "image-stream",
    "BuildConfig": "build-config",
}
