#!/usr/bin/env python3
"""Generate a release-like tree (the openshift/release layout) for benchmarking cilint.

    python bench/generate_tree.py OUT_DIR [--configs N] [--seed S] [--faults K] [--force]

Writes N ci-operator configs (default 30,000) under `ci-operator/config/<org>/<repo>/`, the
step-registry refs (with their `*-commands.sh`), chains, workflows and observers that their
multi-stage tests use, the ci-images-mirror config, the build clusters' mirror sets, a few
`mapping_*` files and release-controller configs. Modelled on ../shared/corpus/openshift-release:

- orgs, repos and branches (main/master, release-4.x, openshift-4.x, product branches), about
  20% variant files (`__okd-scos`, `__periodics`, `__nightly-4.x`, `__images`, ...);
- promotion in about 60% of the configs, nearly all `to:` in name mode (`ocp/4.x`,
  `ocp-private/4.x-priv`, `origin/scos-4.x`, `stolostron/2.x`), tag mode into `ci` (some with
  `tag_by_commit`), `disabled: true` on the freshly cut release branch whose tags `main` promotes,
  a few `excluded_images` and `additional_images`;
- `base_images` that pull what other configs promote (promotion chains), builder and base images
  that only `artImages` covers, build roots from `supplementalCIImages`;
- container and multi-stage tests (workflows, pre/test/post chains and refs, literal steps),
  periodic variants with long test lists (the long tail of file sizes);
- determinize's output style: keys in Go yaml.v2 order, 2-space indentation, `- ` lists, quoting
  as yaml.v2 does it (`"4.18"`, `'*'`), plain scalars folded at 80 columns.

The tree is closed: every consumed tag is promoted, mirrored, or (for builder, base-rhel and
build-root images, as in the real repository) covered by an `artImages` rule, which cilint reports
as `conditional-tag` infos; the summary line says how many. Every other rule reports nothing.

`--faults K` injects K faults of each rule cilint can report (each in its own file where the rule
allows: the K supplementalCIImages entries share `_config.yaml`) and writes
`OUT_DIR/.faults.json`: one `{rule, path, findings, also, with, what}` object per fault.
`findings` is how many findings of the rule cilint reports in `path` for it (2 or 4 for mirror
faults written into both mirror-set kinds, else 1); `also` lists other files with one finding
each (a duplicate promotion is reported at both promotions); `with` counts findings of other
rules the fault causes in `path`. No other finding appears, except `conditional-tag`
infos. With faults, the policed mirror sets move from the shared `common/` folder into each build
cluster's folder, because a shared mirror set reaches every cluster and would mask a missing or
misordered one.

Same arguments, same bytes: one `random.Random(seed)` drives the tree (another one the faults,
so `--faults K` changes the clean tree only where it injects), everything is iterated in a
fixed order, nothing depends on time or on hash randomisation.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------------
# YAML in the style of Go's yaml.v2 (what determinize writes through sigs.k8s.io/yaml)
# --------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


_BOOL_NULL = frozenset(
    _words(
        "y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF "
        "null Null NULL ~ .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF <<"
    )
)
_INT_RE = re.compile(r"^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
_FLOAT_RE = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_TIMESTAMP_RE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ]|$)")
_BASE60_RE = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_FIRST_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_BEST_WIDTH = 80


class Raw(str):
    """A scalar written exactly as given (used to inject unquoted numbers)."""


def _resolves_to_string(text: str) -> bool:
    """yaml.v2 `resolve`: would this plain scalar read back as a string?"""
    if text in _BOOL_NULL or not text:
        return False
    first = text[0]
    if first in "+-0123456789":
        plain = text.replace("_", "")
        if _TIMESTAMP_RE.match(text) or _INT_RE.match(plain) or _FLOAT_RE.match(plain):
            return False
        return not _BASE60_RE.match(text)
    if first == ".":
        return not _FLOAT_RE.match(text)
    return True


def _plain_allowed(text: str) -> bool:
    """yaml.v2 emitter `analyze_scalar` for block context."""
    if text[0] in _FIRST_INDICATORS or text[0] == " " or text[-1] == " ":
        return False
    if text[0] in "?:-" and (len(text) == 1 or text[1] == " "):
        return False
    if text.startswith(("---", "...")):
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text:
        return False
    return text.isascii() and text.isprintable()


def _go_key_less(a: str, b: str) -> int:
    """yaml.v2 `keyList.Less` for string keys: letters after other runes, digit runs by value."""
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        la, lb = ca.isalpha(), cb.isalpha()
        if la and lb:
            return -1 if ca < cb else 1
        if la or lb:
            return -1 if lb else 1
        ai, bi, an, bn = i, i, 0, 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        while ai < len(a) and a[ai].isdigit():
            an = an * 10 + int(a[ai])
            ai += 1
        while bi < len(b) and b[bi].isdigit():
            bn = bn * 10 + int(b[bi])
            bi += 1
        if an != bn:
            return -1 if an < bn else 1
        if ai != bi:
            return -1 if ai < bi else 1
        return -1 if ca < cb else 1
    return (len(a) > len(b)) - (len(a) < len(b))


_GO_KEY = functools.cmp_to_key(_go_key_less)


class GoYaml:
    """A small, fast emitter for dict/list/str/int/bool data, in yaml.v2's block style."""

    def __init__(self) -> None:
        self._order: dict[tuple[str, ...], list[str]] = {}
        self._quoted: dict[str, str] = {}

    def dump(self, data: dict, sort: bool = True) -> str:
        out: list[str] = []
        self._map(data, 0, out, None, sort)
        return "".join(out)

    def _keys(self, mapping: dict, sort: bool) -> list[str]:
        keys = tuple(mapping)
        if not sort or len(keys) < 2:
            return list(keys)
        order = self._order.get(keys)
        if order is None:
            order = self._order[keys] = sorted(keys, key=_GO_KEY)
        return order

    def _text(self, text: str) -> str:
        """A single-line scalar: plain, or quoted the way yaml.v2 quotes it."""
        done = self._quoted.get(text)
        if done is None:
            if not _resolves_to_string(text):
                done = '"' + text + '"'
            elif _plain_allowed(text):
                done = text
            else:
                done = "'" + text.replace("'", "''") + "'"
            self._quoted[text] = done
        return done

    def _scalar(self, value: object, column: int, indent: int) -> str:
        if value is True:
            return "true"
        if value is False:
            return "false"
        if value is None:
            return "null"
        if isinstance(value, Raw):
            return str(value)
        if isinstance(value, int):
            return str(value)
        text = str(value)
        if "\n" in text:
            chomp = "|-" if not text.endswith("\n") else "|"
            pad = " " * indent
            lines = text[:-1].split("\n") if text.endswith("\n") else text.split("\n")
            return chomp + "".join("\n" + (pad + line if line else "") for line in lines)
        quoted = self._text(text)
        if quoted != text or column + len(text) <= _BEST_WIDTH or " " not in text:
            return quoted
        return self._fold(text, column, indent)

    @staticmethod
    def _fold(text: str, column: int, indent: int) -> str:
        """yaml.v2 `write_plain_scalar`: break at a space once past the 80th column."""
        out = []
        spaces = False
        for i, char in enumerate(text):
            if char == " ":
                nxt = text[i + 1] if i + 1 < len(text) else ""
                if not spaces and column > _BEST_WIDTH and nxt != " ":
                    out.append("\n" + " " * indent)
                    column = indent
                else:
                    out.append(" ")
                    column += 1
                spaces = True
            else:
                out.append(char)
                column += 1
                spaces = False
        return "".join(out)

    def _map(self, mapping: dict, indent: int, out: list[str], first: str | None, sort: bool):
        pad = " " * indent
        for key in self._keys(mapping, sort):
            value = mapping[key]
            head = (first if first is not None else pad) + self._text(str(key)) + ":"
            first = None
            if isinstance(value, dict):
                if value:
                    out.append(head + "\n")
                    self._map(value, indent + 2, out, None, sort)
                else:
                    out.append(head + " {}\n")
            elif isinstance(value, list):
                if value:
                    out.append(head + "\n")
                    self._seq(value, indent, out, sort)
                else:
                    out.append(head + " []\n")
            else:
                out.append(head + " " + self._scalar(value, len(head) + 1, indent + 2) + "\n")

    def _seq(self, items: list, indent: int, out: list[str], sort: bool) -> None:
        pad = " " * indent
        for item in items:
            if isinstance(item, dict) and item:
                self._map(item, indent + 2, out, pad + "- ", sort)
            else:
                out.append(pad + "- " + self._scalar(item, indent + 2, indent + 2) + "\n")


# --------------------------------------------------------------------------------------------
# Vocabulary: what openshift/release is made of
# --------------------------------------------------------------------------------------------

REGISTRY_HOST = "registry.ci.openshift.org"
QCI = "quay.io/openshift/ci"
QCI_PROXY = "quay-proxy.ci.openshift.org/openshift/ci"
CACHE = "qci-pull-through-cache-us-east-1-ci.apps.ci.l2s4.p1.openshiftapps.com/openshift/ci"
CACHE_WEST = "qci-pull-through-cache-us-west-2-ci.apps.ci.l2s4.p1.openshiftapps.com/openshift/ci"

VERSIONS = [
    "4.12",
    "4.13",
    "4.14",
    "4.15",
    "4.16",
    "4.17",
    "4.18",
    "4.19",
    "4.20",
    "4.21",
    "4.22",
    "5.0",
]
DEV = "5.0"  # what main/master promotes to; release-5.0 is freshly cut (promotion disabled)
GOLANG = {
    "4.12": "1.19",
    "4.13": "1.19",
    "4.14": "1.20",
    "4.15": "1.20",
    "4.16": "1.21",
    "4.17": "1.22",
    "4.18": "1.22",
    "4.19": "1.23",
    "4.20": "1.24",
    "4.21": "1.24",
    "4.22": "1.25",
    "5.0": "1.25",
}
# openshift/images stopped promoting base-rhel9 in 4.19 (ART pushes it, artImages mirrors it).
BASE_RHEL9_PROMOTED = set(VERSIONS[: VERSIONS.index("4.18") + 1])
SCOS_VERSIONS = VERSIONS[VERSIONS.index("4.16") :]
RHEL8_VERSIONS = set(VERSIONS[: VERSIONS.index("4.15") + 1])  # builders exist for rhel-8 too

PLATFORMS = ["aws", "gcp", "azure", "vsphere", "metal", "ibmcloud", "nutanix", "openstack"]
PLATFORM_WEIGHTS = [40, 18, 14, 9, 7, 4, 4, 4]
PROFILES = {
    "aws": ["aws", "aws-2", "aws-3", "openshift-org-aws", "aws-perfscale-qe"],
    "gcp": ["gcp", "gcp-3", "openshift-org-gcp"],
    "azure": ["azure4", "azure-2", "openshift-org-azure"],
    "vsphere": ["vsphere-elastic", "vsphere-connected-2"],
    "metal": ["equinix-ocp-metal", "metal-perfscale-cpt"],
    "ibmcloud": ["ibmcloud", "ibmcloud-qe"],
    "nutanix": ["nutanix", "nutanix-qe"],
    "openstack": ["openstack-vexxhost", "openstack-vh-mecha-central"],
}

WORDS = _words(
    "api apiserver auth baremetal cloud config console controller csi dns driver etcd ingress "
    "insights kube machine monitoring network node oauth registry router samples scheduler "
    "storage provider ovn sdn multus whereabouts prometheus alertmanager thanos telemeter "
    "metrics exporter image builder tuned sriov metallb nmstate ptp lvm volume snapshot manila "
    "cinder ebs efs file disk secrets cert external autoscaler descheduler velero oadp backup "
    "compliance security profiles integrity gatekeeper kueue jobset cli installer hypershift "
    "assisted agent ignition bootstrap tools bot docs e2e conformance gather collector logging "
    "loki vector tempo otel jaeger kiali istio envoy proxy gateway keda serverless pipelines "
    "tekton gitops argocd builds shipwright quay clair mirror cincinnati graph data odf ocs rook "
    "ceph noobaa virt kubevirt cdi hco ssp hostpath migration forklift crane tackle windows "
    "sandboxed kata nfd gpu dpu numa topology resources performance vertical pod horizontal "
    "capi ovirt kubelet apimachinery client library utils common sdk olm catalog marketplace "
    "bundle index plugin dynamic networking cluster operator service broker policy template "
    "route certificate signer webhook admission quota limits audit event trace profiler debug "
    "must health check update release payload manifest"
)

TOOLS_WORDS = _words(
    "ci-tools release-controller ci-chat-bot ci-docs ci-search ci-secret-bootstrap "
    "ci-operator-prowgen boskos prow-config job-run-aggregator sippy testgrid-config "
    "pr-payload-tests cluster-init ci-vm-operator ci-scheduling-webhook"
)

ORGS = [
    # org, weight (share of non-openshift repos), style
    ("operator-framework", 6, "ocp"),
    ("stolostron", 6, "product"),
    ("redhat-developer", 8, "tests"),
    ("openshift-eng", 4, "tool"),
    ("kubevirt", 3, "ocp"),
    ("cri-o", 1, "tests"),
    ("coreos", 2, "tests"),
    ("maistra", 3, "product"),
    ("Azure", 2, "tests"),
    ("openshift-hyperfleet", 2, "images"),
    ("codeready-toolchain", 2, "tests"),
    ("konveyor", 2, "product"),
    ("rh-ecosystem-edge", 6, "tests"),
    ("red-hat-data-services", 2, "product"),
    ("redhat-openshift-ecosystem", 5, "tests"),
    ("openshift-knative", 2, "product"),
    ("quay", 2, "product"),
    ("integr8ly", 1, "tests"),
    ("3scale", 1, "tests"),
    ("cloud-bulldozer", 3, "tests"),
    ("medik8s", 2, "ocp"),
    ("openshift-pipelines", 2, "product"),
    ("netobserv", 2, "ocp"),
    ("rhobs", 2, "ocp"),
    ("securesign", 1, "product"),
]

TEAMS = _words(
    "openshift-qe cucushift interop acm mtc rosa osd ocm servicemesh odf lvms cnv sriov metallb "
    "nmstate oadp quay gitops pipelines serverless logging netobserv kiali kueue redhat-chaos "
    "telco cnf ptp assisted baremetalds upi aws-provision azure-provision gcp-provision storage "
    "fips etcd-encryption proxy disconnected hypershift-kubevirt multiarch windows sandboxed nfd "
    "file-integrity compliance lso cluster-logging network-observability rhoai tempo otel"
)
ACTIONS = _words(
    "deploy install setup conf test tests verify gather cleanup upgrade check enable disable "
    "create destroy wait e2e provision deprovision configure validate collect report"
)

# Where the other orgs' OCP-style operators promote (ci-tools rejects kube* namespaces).
OCP_STYLE_NAMESPACES = {
    "operator-framework": "ocp",
    "kubevirt": "cnv",
    "medik8s": "medik8s",
    "netobserv": "netobserv",
    "rhobs": "rhobs",
}
PRODUCT_NAMESPACES = {
    "stolostron": "stolostron",
    "maistra": "maistra",
    "konveyor": "konveyor",
    "red-hat-data-services": "rhods",
    "openshift-knative": "knative",
    "quay": "quay",
    "openshift-pipelines": "pipelines",
    "securesign": "securesign",
}

# Tags the ci-images-mirror config supplies (supplementalCIImages): org/stream:tag → source.
SUPPLEMENTAL_FIXED = {
    "openshift/centos:stream9": "quay.io/centos/centos:stream9",
    "openshift/centos:stream10": "quay.io/centos/centos:stream10",
    "ci/golangci-lint:latest": "quay.io/golangci/golangci-lint:latest",
    "ci/golangci-lint:v1.64": "quay.io/golangci/golangci-lint:v1.64",
    "ci/govulncheck:latest": "quay.io/openshift-ci/govulncheck:latest",
    "ci/nested-podman:latest": "quay.io/podman/stable:latest",
    "ci/html-proofer:bash-3.19.0": "docker.io/klakegg/html-proofer:3.19.0",
    "ci/snyk-cli:latest": "quay.io/openshift-ci/snyk-cli:latest",
    "ci/vsphere-python:latest": "quay.io/openshift-ci/vsphere-python:latest",
    "ci/maistra-builder:2.6": "quay.io/maistra-dev/maistra-builder:2.6",
    "ci/maistra-builder:2.5": "quay.io/maistra-dev/maistra-builder:2.5",
    "ocp/ubi-minimal:8": "registry.access.redhat.com/ubi8/ubi-minimal:latest",
    "ocp/ubi-minimal:9": "registry.access.redhat.com/ubi9/ubi-minimal:latest",
    "ocp/ubi-python-311:9": "registry.access.redhat.com/ubi9/python-311:latest",
    "ocp/ubi:9": "registry.access.redhat.com/ubi9/ubi:latest",
    "stolostron/builder:go1.22-linux": "quay.io/stolostron/builder:go1.22-linux",
    "stolostron/builder:go1.23-linux": "quay.io/stolostron/builder:go1.23-linux",
    "stolostron/builder:go1.24-linux": "quay.io/stolostron/builder:go1.24-linux",
    "stolostron/builder:go1.25-linux": "quay.io/stolostron/builder:go1.25-linux",
    "jasee/openshift-build:rhel-9-golang-1.25": "quay.io/jacobsee/openshift-build:rhel-9-go1.25",
    "ocp-kni/test:dev-scripts": "quay.io/openshift-kni/dev-scripts:latest",
}
# Registry steps pull these through from_image (all mirrored or built, so always produced).
STEP_IMAGES = [
    {"name": "cli-jq", "namespace": "ocp", "tag": "latest"},
    {"name": "builder", "namespace": "stolostron", "tag": "go1.24-linux"},
    {"name": "snyk-cli", "namespace": "ci", "tag": "latest"},
    {"name": "vsphere-python", "namespace": "ci", "tag": "latest"},
    {"name": "centos", "namespace": "openshift", "tag": "stream9"},
]
ART_IMAGES = [
    ("openshift", "^release$", None),
    ("ocp", "^builder$", None),
    ("origin", "^scos.*", None),
    ("ocp-priv", "^builder$", None),
    ("ocp", r"^\d+\.\d+$", "^rhel-coreos.*"),
    ("ocp-priv", r"^\d+\.\d+$", "^rhel-coreos.*"),
    ("ocp", r"^\d+\.\d+$", "^base-rhel.*$"),
    ("ocp-priv", r"^\d+\.\d+$", "^base-rhel.*$"),
]
IGNORED_SOURCES = [
    ("registry.fedoraproject.org/fedora:latest", "https://issues.redhat.com/browse/RFE-5363"),
    (f"{REGISTRY_HOST}/ocp/builder:rhel-7-golang-1.13", "broken image"),
    (f"{REGISTRY_HOST}/ocp/builder:rhel-golang-1.13", "broken image"),
    (f"{REGISTRY_HOST}/ocp/builder:rhel-8-golang-1.11", "broken image"),
    (f"{REGISTRY_HOST}/openshift/release:rhel-7-golang-1.13", "broken image"),
    (f"{REGISTRY_HOST}/openshift/release:rhel-golang-1.13", "broken image"),
]


def builder_tag(version: str, rhel: str = "rhel-9") -> str:
    return f"{rhel}-golang-{GOLANG[version]}-openshift-{version}"


def build_root_tag(version: str, rhel: str = "rhel-9") -> str:
    return f"{rhel}-release-golang-{GOLANG[version]}-openshift-{version}"


def ist(ref: dict) -> str:
    return f"{ref['namespace']}/{ref['name']}:{ref['tag']}"


def ref_of(tag: str) -> dict:
    stream, _, name_tag = tag.partition("/")
    name, _, image_tag = name_tag.partition(":")
    return {"name": name, "namespace": stream, "tag": image_tag}


def art_covers(tag: str) -> bool:
    namespace, rest = tag.split("/", 1)
    name, image_tag = rest.split(":", 1)
    for ns, name_rx, tag_rx in ART_IMAGES:
        if (
            ns == namespace
            and re.search(name_rx, name)
            and (tag_rx is None or re.search(tag_rx, image_tag))
        ):
            return True
    return False


# --------------------------------------------------------------------------------------------
# The step registry
# --------------------------------------------------------------------------------------------


@dataclass
class Element:
    kind: str  # ref | chain | workflow | observer
    name: str
    body: dict
    folder: str = ""
    commands: str | None = None


@dataclass
class Registry:
    elements: dict[tuple[str, str], Element] = field(default_factory=dict)
    folders: dict[str, str] = field(default_factory=dict)
    workflows_by_platform: dict[str, list[str]] = field(default_factory=dict)
    team_workflows: list[str] = field(default_factory=list)
    team_chains: list[str] = field(default_factory=list)
    team_refs: list[str] = field(default_factory=list)

    def has(self, kind: str, name: str) -> bool:
        return (kind, name) in self.elements


def _folder(rng: random.Random, registry: Registry, name: str) -> str:
    """Folders joined with '-' give the name; real trees keep some words together."""
    folder = registry.folders.get(name)
    if folder is None:
        parts = name.split("-")
        merged = [parts[0]]
        for part in parts[1:]:
            if rng.random() < 0.25:
                merged[-1] += "-" + part
            else:
                merged.append(part)
        folder = registry.folders[name] = "/".join(merged)
    return folder


def _doc(rng: random.Random, subject: str) -> str:
    lines = [
        f"The {subject} step sets up what the test needs and records what happened.",
        "It reads its parameters from the environment and writes artifacts to ${ARTIFACT_DIR}.",
        "Failures are reported to the job, and the cluster is left in place for gathering.",
        "See the step registry documentation for the parameters and their defaults.",
        "This step is safe to rerun: it checks the state before changing anything.",
    ]
    return "\n".join(lines[: rng.randint(1, len(lines))])


def _commands(rng: random.Random, name: str) -> str:
    body = [
        "#!/bin/bash",
        "set -o nounset",
        "set -o errexit",
        "set -o pipefail",
        "",
        f'echo "$(date -u --rfc-3339=seconds) - {name}: starting"',
    ]
    verbs = [
        'oc get clusterversion version -o yaml > "${ARTIFACT_DIR}/clusterversion.yaml"',
        'export KUBECONFIG="${SHARED_DIR}/kubeconfig"',
        'if [[ -f "${SHARED_DIR}/proxy-conf.sh" ]]; then source "${SHARED_DIR}/proxy-conf.sh"; fi',
        'oc adm wait-for-stable-cluster --minimum-stable-period=2m --timeout="${TIMEOUT:-30m}"',
        'oc get nodes -o wide | tee "${ARTIFACT_DIR}/nodes.txt"',
        "for i in $(seq 1 30); do oc get co && break; sleep 20; done",
        'cp "${CLUSTER_PROFILE_DIR}/pull-secret" /tmp/pull-secret',
        'oc create namespace "${NAMESPACE:-e2e-test}" --dry-run=client -o yaml | oc apply -f -',
        'curl -sSL --retry 5 "${ENDPOINT}/healthz" -o /dev/null',
        'jq -r ".items[].metadata.name" < /tmp/out.json | sort > "${ARTIFACT_DIR}/names.txt"',
    ]
    for _ in range(rng.randint(3, 40)):
        body.append(rng.choice(verbs))
    body.append(f'echo "$(date -u --rfc-3339=seconds) - {name}: done"')
    return "\n".join(body) + "\n"


def _env_params(rng: random.Random, count: int) -> list[dict]:
    names = [
        "TIMEOUT",
        "TEST_SUITE",
        "TEST_SKIPS",
        "FEATURE_SET",
        "BASE_DOMAIN",
        "COMPUTE_NODE_REPLICAS",
        "CONTROL_PLANE_REPLICAS",
        "ENABLE_FIPS",
        "OCP_ARCH",
        "EXTRA_ARGS",
        "NAMESPACE",
        "CHANNEL",
    ]
    defaults = {
        "TIMEOUT": ["30m", "+72 hours", "2h"],
        "TEST_SUITE": ["openshift/conformance/parallel", "openshift/conformance/serial"],
        "TEST_SKIPS": [""],
        "FEATURE_SET": ["", "TechPreviewNoUpgrade"],
        "BASE_DOMAIN": ["origin-ci-int-aws.dev.rhcloud.com", ""],
        "COMPUTE_NODE_REPLICAS": ["3", "2"],
        "CONTROL_PLANE_REPLICAS": ["3"],
        "ENABLE_FIPS": ["false", "true"],
        "OCP_ARCH": ["amd64", "arm64"],
        "EXTRA_ARGS": [""],
        "NAMESPACE": ["", "openshift-e2e"],
        "CHANNEL": ["stable", "fast"],
    }
    params = []
    for name in rng.sample(names, count):
        params.append(
            {
                "name": name,
                "default": rng.choice(defaults[name]),
                "documentation": f"{name.replace('_', ' ').capitalize()} for this step.",
            }
        )
    return params


def _ref(rng: random.Random, registry: Registry, name: str, **kw) -> None:
    body: dict = {"as": name}
    if "from_image" in kw:
        body["from_image"] = dict(kw["from_image"])
    else:
        body["from"] = kw.get("image", "cli")
    if rng.random() < 0.3:
        body["grace_period"] = rng.choice(["10s", "1m0s", "5m0s"])
    if rng.random() < 0.3:
        body["timeout"] = rng.choice(["2h0m0s", "4h0m0s", "30m0s", "72h0m0s"])
    body["commands"] = f"{name}-commands.sh"
    if rng.random() < 0.55:
        body["env"] = _env_params(rng, rng.randint(1, 5))
    if rng.random() < 0.2:
        body["credentials"] = [
            {
                "namespace": "test-credentials",
                "name": rng.choice(["cluster-secrets-aws", "ci-pull-credentials", "qe-secrets"]),
                "mount_path": "/var/run/secrets/ci",
            }
        ]
    body["resources"] = {
        "requests": {"cpu": rng.choice(["10m", "100m", "300m"]), "memory": "100Mi"}
    }
    body["documentation"] = _doc(rng, name)
    element = Element("ref", name, {"ref": body}, _folder(rng, registry, name))
    element.commands = _commands(rng, name)
    registry.elements[("ref", name)] = element


def _chain(rng: random.Random, registry: Registry, name: str, steps: list[dict]) -> None:
    body: dict = {"as": name, "steps": steps}
    if rng.random() < 0.2:
        body["env"] = _env_params(rng, rng.randint(1, 3))
    body["documentation"] = _doc(rng, name)
    registry.elements[("chain", name)] = Element(
        "chain", name, {"chain": body}, _folder(rng, registry, name)
    )


def _workflow(rng: random.Random, registry: Registry, name: str, steps: dict) -> None:
    body = {"as": name, "steps": steps, "documentation": _doc(rng, name)}
    registry.elements[("workflow", name)] = Element(
        "workflow", name, {"workflow": body}, _folder(rng, registry, name)
    )


def build_registry(rng: random.Random, configs: int) -> Registry:
    registry = Registry()
    core_cli = [
        "ipi-conf",
        "ipi-install-rbac",
        "gather-must-gather",
        "gather-extra",
        "gather-audit-logs",
        "gather-core-dump",
        "wait",
        "optional-operators-subscribe",
        "ipi-conf-telemetry",
    ]
    for name in core_cli:
        _ref(rng, registry, name)
    _ref(rng, registry, "ipi-install-install", image="installer")
    _ref(rng, registry, "ipi-deprovision-deprovision", image="installer")
    _ref(rng, registry, "openshift-e2e-test", image="tests")
    _ref(rng, registry, "go-verify-deps", image="src")
    _ref(rng, registry, "install-operators", from_image=STEP_IMAGES[0])
    _ref(rng, registry, "ocm-ci-rbac", from_image=STEP_IMAGES[1])
    _ref(rng, registry, "ocm-ci-image-mirror", from_image=STEP_IMAGES[1])
    _ref(rng, registry, "openshift-ci-security-snyk-scan", from_image=STEP_IMAGES[2])
    _chain(
        rng, registry, "ipi-install", [{"ref": "ipi-install-rbac"}, {"ref": "ipi-install-install"}]
    )
    _chain(rng, registry, "ipi-deprovision", [{"ref": "ipi-deprovision-deprovision"}])
    _chain(rng, registry, "gather-core-dump", [{"ref": "gather-core-dump"}])
    _chain(
        rng,
        registry,
        "ocm-ci-image-mirror",
        [{"ref": "ocm-ci-rbac"}, {"ref": "ocm-ci-image-mirror"}],
    )
    observer = {
        "name": "observers-resource-watch",
        "from": "cli",
        "commands": "observers-resource-watch-commands.sh",
        "resources": {"requests": {"cpu": "100m", "memory": "300Mi"}},
        "documentation": "Watches cluster resources for the whole test and stores the events.",
    }
    element = Element(
        "observer",
        observer["name"],
        {"observer": observer},
        _folder(rng, registry, observer["name"]),
    )
    element.commands = _commands(rng, observer["name"])
    registry.elements[("observer", observer["name"])] = element
    for platform in PLATFORMS:
        _ref(rng, registry, f"ipi-conf-{platform}")
        _chain(
            rng,
            registry,
            f"ipi-conf-{platform}",
            [{"ref": "ipi-conf"}, {"ref": "ipi-conf-telemetry"}, {"ref": f"ipi-conf-{platform}"}],
        )
        _chain(
            rng,
            registry,
            f"ipi-{platform}-pre",
            [{"chain": f"ipi-conf-{platform}"}, {"chain": "ipi-install"}],
        )
        post = [{"ref": "gather-must-gather"}, {"ref": "gather-extra"}]
        if platform == "aws":
            post.insert(0, {"chain": "gather-core-dump"})
        post += [{"ref": "gather-audit-logs"}, {"chain": "ipi-deprovision"}]
        _chain(rng, registry, f"ipi-{platform}-post", post)
        pre, post_ = [{"chain": f"ipi-{platform}-pre"}], [{"chain": f"ipi-{platform}-post"}]
        flows = {
            f"openshift-e2e-{platform}": {},
            f"openshift-e2e-{platform}-serial": {"TEST_SUITE": "openshift/conformance/serial"},
            f"openshift-e2e-{platform}-csi": {"TEST_SUITE": "openshift/csi"},
            f"openshift-upgrade-{platform}": {"TEST_TYPE": "upgrade"},
            f"openshift-e2e-{platform}-techpreview": {"FEATURE_SET": "TechPreviewNoUpgrade"},
        }
        names = []
        for name, env in flows.items():
            steps: dict = {"pre": pre, "test": [{"ref": "openshift-e2e-test"}], "post": post_}
            if env:
                steps["env"] = dict(env)
            if platform == "aws" and name == "openshift-e2e-aws":
                steps["observers"] = {"enable": ["observers-resource-watch"]}
                steps["test"] = [{"ref": "wait"}, {"ref": "openshift-e2e-test"}]
                steps["allow_best_effort_post_steps"] = True
            _workflow(rng, registry, name, steps)
            names.append(name)
        _workflow(rng, registry, f"ipi-{platform}", {"pre": pre, "post": post_})
        names.append(f"ipi-{platform}")
        registry.workflows_by_platform[platform] = names
    _workflow(
        rng,
        registry,
        "openshift-ci-security",
        {"test": [{"ref": "openshift-ci-security-snyk-scan"}]},
    )
    _workflow(
        rng,
        registry,
        "ocm-ci-image-mirror",
        {"pre": [{"ref": "ocm-ci-rbac"}], "test": [{"ref": "ocm-ci-image-mirror"}]},
    )
    _workflow(
        rng,
        registry,
        "optional-operators-ci-aws",
        {
            "pre": [{"chain": "ipi-aws-pre"}, {"ref": "optional-operators-subscribe"}],
            "test": [{"ref": "install-operators"}],
            "post": [{"chain": "ipi-aws-post"}],
        },
    )

    # Team steps, scaled with the number of configs (openshift/release: ~0.12 refs, ~0.04
    # chains and ~0.025 workflows per config).
    n_refs, n_chains, n_flows = (
        max(30, configs * 12 // 100),
        max(10, configs * 4 // 100),
        max(8, configs * 25 // 1000),
    )
    used: set[str] = {name for _, name in registry.elements}
    while len(registry.team_refs) < n_refs:
        name = f"{rng.choice(TEAMS)}-{rng.choice(WORDS)}-{rng.choice(ACTIONS)}"
        if name in used:
            continue
        used.add(name)
        roll = rng.random()
        if roll < 0.12:
            _ref(rng, registry, name, from_image=rng.choice(STEP_IMAGES))
        else:
            _ref(rng, registry, name, image=rng.choice(["cli", "cli", "tests", "upi-installer"]))
        registry.team_refs.append(name)
    while len(registry.team_chains) < n_chains:
        name = f"{rng.choice(TEAMS)}-{rng.choice(WORDS)}-{rng.choice(['pre', 'post', 'e2e'])}"
        if name in used or ("chain", name) in registry.elements:
            continue
        used.add(name)
        steps = [{"ref": r} for r in rng.sample(registry.team_refs, rng.randint(1, 6))]
        if rng.random() < 0.2:
            steps.append({"chain": "gather-core-dump"})
        _chain(rng, registry, name, steps)
        registry.team_chains.append(name)
    while len(registry.team_workflows) < n_flows:
        platform = rng.choices(PLATFORMS, PLATFORM_WEIGHTS)[0]
        name = f"{rng.choice(TEAMS)}-{rng.choice(WORDS)}-{platform}"
        if name in used:
            continue
        used.add(name)
        steps = {
            "pre": [{"chain": f"ipi-{platform}-pre"}],
            "test": [{"ref": r} for r in rng.sample(registry.team_refs, rng.randint(1, 3))],
            "post": [{"chain": f"ipi-{platform}-post"}],
        }
        if rng.random() < 0.5:
            steps["pre"].append({"chain": rng.choice(registry.team_chains)})
        if rng.random() < 0.3:
            steps["env"] = {"FEATURE_SET": "TechPreviewNoUpgrade", "TEST_SUITE": "openshift/nfv"}
        _workflow(rng, registry, name, steps)
        registry.team_workflows.append(name)
    return registry


# --------------------------------------------------------------------------------------------
# Configs: plan who promotes what, then fill in what each config pulls and tests
# --------------------------------------------------------------------------------------------


@dataclass
class Config:
    org: str
    repo: str
    branch: str
    variant: str
    role: str  # ocp | priv | tool | product | tests | periodic | images
    version: str | None
    images: list[str] = field(default_factory=list)
    optional_images: list[str] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    binary: bool = False
    data: dict = field(default_factory=dict)
    consumed: list[str] = field(default_factory=list)  # tags pulled by base_images/build_root
    conditional: int = 0  # consumed places only an artImages rule covers
    path: str = ""
    size_class: float = 1.0

    @property
    def name(self) -> str:
        suffix = f"__{self.variant}" if self.variant else ""
        return f"{self.org}-{self.repo}-{self.branch}{suffix}"

    def rel_path(self) -> str:
        return f"ci-operator/config/{self.org}/{self.repo}/{self.name}.yaml"

    def active_tags(self) -> list[str]:
        """What this config's enabled targets write (ci-tools toPromote, without build cache)."""
        tags = []
        for target in self.targets:
            if target.get("disabled"):
                continue
            excluded = set(target.get("excluded_images", ())) | set(self.optional_images)
            names = [i for i in self.images if i not in excluded]
            names += list(target.get("additional_images", {}))
            for image in names:
                if "name" in target:
                    tags.append(f"{target['namespace']}/{target['name']}:{image}")
                else:
                    tags.append(f"{target['namespace']}/{image}:{target['tag']}")
        return tags


class Names:
    """Unique repository and image names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.repos: dict[str, set[str]] = {}
        self.images: set[str] = set()

    def repo(self, org: str, style: str) -> str:
        taken = self.repos.setdefault(org, set())
        rng = self.rng
        while True:
            a, b, c = rng.choice(WORDS), rng.choice(WORDS), rng.choice(WORDS)
            pattern = rng.random()
            if style == "ocp" and pattern < 0.35:
                name = f"cluster-{a}-operator"
            elif style == "ocp" and pattern < 0.5:
                name = f"{a}-{b}-operator"
            elif pattern < 0.6:
                name = f"{a}-{b}"
            elif pattern < 0.72:
                name = a
            elif pattern < 0.85:
                name = f"{a}-{b}-{c}"
            elif pattern < 0.93:
                name = f"{rng.choice(PLATFORMS)}-{a}-csi-driver"
            else:
                name = f"{a}-controller"
            if a == b or b == c:
                continue
            if name not in taken:
                taken.add(name)
                return name

    def image(self, wanted: str) -> str:
        name, n = wanted, 2
        while name in self.images:
            name = f"{wanted}-{n}"
            n += 1
        self.images.add(name)
        return name


def _release_branches(rng: random.Random, low: str, style: str) -> list[tuple[str, str]]:
    """(branch, version) pairs for an OCP component, newest first after main."""
    main = "master" if rng.random() < 0.3 else "main"
    prefix = "openshift-" if style == "openshift" else "release-"
    branches = [(main, DEV)]
    for version in reversed(VERSIONS):
        if version >= low or version == DEV:
            branches.append((f"{prefix}{version}", version))
    return branches


def _images_for(names: Names, repo: str, rng: random.Random) -> list[str]:
    count = rng.choices([1, 2, 3, 4, 6], [70, 18, 7, 3, 2])[0]
    first = names.image(repo)
    extra = [f"{repo}-tests", f"{repo}-must-gather", f"{repo}-bundle", f"{repo}-rhel9"]
    extra += [f"{repo}-{w}" for w in ("agent", "webhook", "plugin", "cli", "init")]
    return [first] + [names.image(e) for e in extra[: count - 1]]


def plan_configs(rng: random.Random, total: int) -> list[Config]:
    names = Names(rng)
    plans: list[Config] = []

    def add(config: Config) -> None:
        if len(plans) < total:
            config.path = config.rel_path()
            plans.append(config)

    def ocp_component(
        org: str, repo: str, low: str, style: str = "release", namespace: str = "ocp"
    ) -> None:
        images = _images_for(names, repo, rng)
        priv = org == "openshift" and rng.random() < 0.28
        okd = org == "openshift" and rng.random() < 0.3
        periodics = rng.random() < 0.2
        flavour = rng.choice(["konflux", "arm64", "rhel-10", "multi"]) if rng.random() < 0.2 else ""
        binary = rng.random() < 0.25
        size = rng.lognormvariate(0, 0.55)
        for branch, version in _release_branches(rng, low, style):
            disabled = branch.endswith("-" + DEV)
            target = {"namespace": namespace, "name": version}
            if disabled:
                target["disabled"] = True
            if len(images) > 1 and images[1].endswith("-tests") and rng.random() < 0.25:
                target["excluded_images"] = [images[1]]
            if rng.random() < 0.03:
                target["additional_images"] = {names.image(f"{repo}-src"): "src"}
            config = Config(org, repo, branch, "", "ocp", version, images, binary=binary)
            config.targets = [target]
            config.size_class = size * (1.0 if version >= "4.16" else 0.7)
            add(config)
            if okd and version in SCOS_VERSIONS:
                variant = Config(org, repo, branch, "okd-scos", "ocp", version, images)
                scos = {"namespace": "origin", "name": f"scos-{version}"}
                if disabled:
                    scos["disabled"] = True
                variant.targets = [scos]
                variant.size_class = size * 0.6
                add(variant)
            if periodics and branch in ("main", "master"):
                add(Config(org, repo, branch, "periodics", "periodic", version))
            if flavour and branch in ("main", "master"):
                # A build variant: same images, its own tests, no promotion.
                add(Config(org, repo, branch, flavour, "ocp", version, images))
            if priv:
                mirror = Config("openshift-priv", repo, branch, "", "priv", version, images)
                target = {"namespace": "ocp-private", "name": f"{version}-priv"}
                if disabled or rng.random() < 0.1:
                    target["disabled"] = True
                mirror.targets = [target]
                mirror.binary = binary
                mirror.size_class = size * 0.9
                add(mirror)

    # The repositories every release tree has, first, so that small trees have them too.
    images_repo = ["base", "base-rhel9"]
    for branch, version in _release_branches(rng, "4.12", "release"):
        config = Config("openshift", "images", branch, "", "ocp", version, list(images_repo))
        target = {"namespace": "ocp", "name": version}
        if branch.endswith("-" + DEV):
            target["disabled"] = True
        if version not in BASE_RHEL9_PROMOTED:
            target["excluded_images"] = ["base-rhel9"]
        config.targets = [target]
        add(config)
        if version in SCOS_VERSIONS:
            variant = Config("openshift", "images", branch, "okd-scos", "ocp", version)
            variant.images = ["base-stream9"]
            scos = {"namespace": "origin", "name": f"scos-{version}"}
            if branch.endswith("-" + DEV):
                scos["disabled"] = True
            variant.targets = [scos]
            add(variant)
    for branch, version in _release_branches(rng, "4.14", "release"):
        config = Config("openshift-priv", "images", branch, "", "priv", version, list(images_repo))
        target = {"namespace": "ocp-private", "name": f"{version}-priv"}
        if branch.endswith("-" + DEV):
            target["disabled"] = True
        config.targets = [target]
        add(config)
    names.repos.setdefault("openshift-priv", set()).add("images")
    names.images.update(["base", "base-rhel9", "base-stream9"])
    core = {
        "oc": ["cli", "cli-artifacts", "deployer", "tools"],
        "installer": ["installer", "upi-installer", "installer-artifacts"],
        "origin": ["tests"],
        "hypershift": ["hypershift-operator", "hypershift-tests"],
        "etcd": ["etcd", "installer-etcd-artifacts"],
    }
    for repo, images in core.items():
        names.images.update(images)
        style = "openshift" if repo == "etcd" else "release"
        for branch, version in _release_branches(rng, "4.12", style):
            config = Config("openshift", repo, branch, "", "ocp", version, list(images))
            target = {"namespace": "ocp", "name": version}
            if branch.endswith("-" + DEV):
                target["disabled"] = True
            config.targets = [target]
            config.binary = True
            config.size_class = 3.0 if repo == "origin" else 1.6
            add(config)
    for tool in TOOLS_WORDS:
        names.repos.setdefault("openshift", set()).add(tool)
        branch = "master" if rng.random() < 0.4 else "main"
        config = Config("openshift", tool, branch, "", "tool", None)
        config.images = [names.image(tool)] + [
            names.image(f"{tool}-{w}") for w in rng.sample(WORDS, rng.randint(0, 5))
        ]
        target = {"namespace": "ci", "tag": "latest"}
        if rng.random() < 0.3:
            target["tag_by_commit"] = True
        config.targets = [target]
        config.binary = rng.random() < 0.5
        config.size_class = rng.lognormvariate(0.2, 0.5)
        add(config)
    # openshift/release's own periodic variants: the largest files of the tree.
    add(Config("openshift", "release", "main", "", "tests", None))
    for version in reversed(VERSIONS[4:]):
        for variant in (f"ci-{version}", f"nightly-{version}", f"ci-{version}-upgrade-from-stable"):
            config = Config("openshift", "release", "main", variant, "periodic", version)
            config.size_class = rng.lognormvariate(1.6, 0.6)
            add(config)
    names.repos.setdefault("openshift", set()).update({"release", "images", *core})

    # Everything else, until the tree has `total` configs.
    org_names = [o for o, _, _ in ORGS]
    org_weights = [w for _, w, _ in ORGS]
    styles = {o: s for o, _, s in ORGS}
    qe_versions = VERSIONS[3:]
    while len(plans) < total:
        roll = rng.random()
        if roll < 0.125:
            low = rng.choices(VERSIONS[:9], [3, 2, 3, 2, 4, 3, 4, 3, 3])[0]
            style = "openshift" if rng.random() < 0.06 else "release"
            ocp_component("openshift", names.repo("openshift", "ocp"), low, style)
        elif roll < 0.165:
            repo = names.repo("openshift", "tool")
            branch = "master" if rng.random() < 0.4 else "main"
            config = Config("openshift", repo, branch, "", "tool", None)
            config.images = [names.image(repo)] + [
                names.image(f"{repo}-{w}") for w in rng.sample(WORDS, rng.randint(0, 2))
            ]
            target = {"namespace": "ci", "tag": "latest"}
            if rng.random() < 0.3:
                target["tag_by_commit"] = True
            config.targets = [target]
            config.size_class = rng.lognormvariate(0, 0.5)
            add(config)
            if rng.random() < 0.1:
                add(Config("openshift", repo, branch, "periodics", "periodic", DEV))
        elif roll < 0.195:
            # QE repositories: one variant per architecture and version, long periodic lists.
            repo = names.repo("openshift", "tests")
            add(Config("openshift", repo, "main", "", "tests", DEV))
            for version in rng.sample(qe_versions, rng.randint(2, len(qe_versions))):
                for arch in rng.sample(["amd64", "arm64", "multi"], rng.randint(1, 3)):
                    variant = f"{arch}-nightly-{version}"
                    config = Config("openshift", repo, "main", variant, "periodic", version)
                    config.size_class = rng.lognormvariate(0.9, 0.6)
                    add(config)
        elif roll < 0.58:
            repo = names.repo("openshift", "tests")
            config = Config("openshift", repo, rng.choice(["main", "master"]), "", "tests", DEV)
            config.size_class = rng.lognormvariate(0, 0.5)
            add(config)
        else:
            org = rng.choices(org_names, org_weights)[0]
            style = styles[org]
            repo = names.repo(org, style)
            if style == "ocp":
                low = rng.choice(VERSIONS[4:10])
                before = len(plans)
                ocp_component(org, repo, low, namespace=OCP_STYLE_NAMESPACES[org])
                for config in plans[before:]:
                    if rng.random() < 0.7 and not config.variant:
                        config.targets = []  # many operators only test, nothing is promoted
            elif style == "product":
                images = _images_for(names, repo, rng)
                majors = ["2.12", "2.13", "2.14", "2.15", "2.16"]
                stream_org = PRODUCT_NAMESPACES[org]
                dev = majors[-1]
                size = rng.lognormvariate(0, 0.5)
                branches = [("main", dev)] + [
                    (f"release-{m}", m) for m in reversed(majors[rng.randint(1, 4) :])
                ]
                for branch, major in branches:
                    config = Config(org, repo, branch, "", "product", major, images)
                    target = {"namespace": stream_org, "name": major}
                    if branch == f"release-{dev}":
                        target["disabled"] = True
                    config.targets = [target]
                    config.size_class = size
                    if rng.random() < 0.08 and len(images) > 1:
                        config.optional_images = [images[-1]]
                    add(config)
            elif style == "images":
                add(Config(org, repo, "main", "", "tests", DEV))
                config = Config(org, repo, "main", "images", "tool", None, [names.image(repo)])
                config.targets = [{"namespace": "ci", "tag": "latest", "tag_by_commit": True}]
                config.size_class = 0.4
                add(config)
            elif style == "tool":
                config = Config(org, repo, "main", "", "tool", None, [names.image(repo)])
                config.targets = [{"namespace": "ci", "tag": "latest"}]
                add(config)
            else:
                branch = rng.choice(["main", "main", "master"])
                config = Config(org, repo, branch, "", "tests", rng.choice(VERSIONS[6:]))
                config.size_class = rng.lognormvariate(0, 0.6)
                add(config)
                if rng.random() < 0.3:
                    variant = rng.choice(["e2e", "interop", "lp-interop", "rhel9", "konflux"])
                    version = rng.choice(VERSIONS[6:])
                    config = Config(org, repo, branch, variant, "periodic", version)
                    config.size_class = rng.lognormvariate(0.3, 0.6)
                    add(config)
    return plans


@dataclass
class Pools:
    """Produced tags, by what configs pull them for; every list sorted (determinism)."""

    active: set[str]
    by_version: dict[str, list[str]]
    ci_tools: list[str]
    streams: set[str]
    supplemental: dict[str, str]


def _supplemental(rng: random.Random) -> dict[str, str]:
    """supplementalCIImages: the fixed entries, build roots, some builders, and filler families
    up to the ~500 entries of the real file."""
    entries = dict(SUPPLEMENTAL_FIXED)
    for version in VERSIONS:
        for rhel in ("rhel-8", "rhel-9") if version in RHEL8_VERSIONS else ("rhel-9",):
            tag = build_root_tag(version, rhel)
            entries[f"openshift/release:{tag}"] = f"quay.io/openshift/release:{tag}"
        # A third of the builder tags are also mirrored explicitly (the rest: artImages only).
        if rng.random() < 0.35:
            tag = f"ocp/builder:{builder_tag(version)}"
            entries[tag] = f"quay.io/openshift-release-dev/ocp-v4.0-art-dev:{builder_tag(version)}"
    families = [
        (
            "openshift/boilerplate",
            "quay.io/redhat-services-prod/openshift/boilerplate",
            "image-v8.{}.{}",
        ),
        ("chaos/krkn-hub", "quay.io/redhat-chaos/krkn-hub", "scenario-{}-{}"),
        ("ci/cert-manager-cainjector", "quay.io/jetstack/cert-manager-cainjector", "v1.{}.{}"),
        ("ci/cert-manager-controller", "quay.io/jetstack/cert-manager-controller", "v1.{}.{}"),
        ("ci/cert-manager-webhook", "quay.io/jetstack/cert-manager-webhook", "v1.{}.{}"),
        ("ci/tectonic-console-builder", "quay.io/coreos/tectonic-console-builder", "v2{}.{}"),
        ("ci/cvp-operator-scorecard", "quay.io/cvpops/operator-scorecard", "v{}.{}"),
        ("ci/maistra-builder", "quay.io/maistra-dev/maistra-builder", "upstream-1.{}{}"),
        ("ocp-edge-qe/eco-gotests", "quay.io/ocp-edge-qe/eco-gotests", "v4.{}.{}"),
        ("ci/minio", "quay.io/minio/minio", "RELEASE.2025-0{}-1{}T16-13-09Z"),
    ]
    while len(entries) < 500:
        target, source, pattern = rng.choice(families)
        tag = pattern.format(rng.randint(1, 9), rng.randint(0, 9))
        entries.setdefault(f"{target}:{tag}", f"{source}:{tag}")
    return entries


def compute_pools(rng: random.Random, plans: list[Config]) -> Pools:
    active: set[str] = set()
    for config in plans:
        for tag in config.active_tags():
            if tag in active:
                raise AssertionError(f"generator bug: {tag} promoted twice")
            active.add(tag)
    supplemental = _supplemental(rng)
    clash = sorted(active & set(supplemental))
    if clash:
        raise AssertionError(f"generator bug: supplemental tags also promoted: {clash[:3]}")
    by_version: dict[str, list[str]] = {}
    ci_tools = []
    streams = set()
    for tag in sorted(active):
        stream, _, image = tag.partition(":")
        streams.add(stream)
        namespace, name = stream.split("/")
        if namespace == "ocp" and name in GOLANG and not image.endswith(("-bundle", "-src")):
            by_version.setdefault(name, []).append(tag)
        elif namespace == "ci" and image == "latest":
            ci_tools.append(tag)
    return Pools(active, by_version, ci_tools, streams, supplemental)


COMMON_COMMANDS = [
    "make test",
    "make verify",
    "make lint",
    "go test -race ./...",
    'GOFLAGS="-mod=readonly" make test',
    "make test-unit JUNITFILE=${ARTIFACT_DIR}/junit_report.xml",
    "make verify-gofmt verify-govet",
    "hack/verify-codegen.sh",
    "make build --warn-undefined-variables",
    "HOME=/tmp golangci-lint run --timeout=20m",
]
CONTAINER_COMMANDS = {
    "unit": "make test",
    "lint": "HOME=/tmp golangci-lint run --timeout=20m",
    "gofmt": "make verify-gofmt",
    "vet": "go vet ./...",
    "fix": "go fix -diff ./...",
}
CRONS = ["0 3 * * *", "0 0 * * 1", "30 1 * * *", "0 */12 * * *", "0 6 * * 1,4", "15 4 1,15 * *"]
INTERVALS = ["24h", "48h", "72h", "168h", "12h"]


class ConfigFiller:
    """Turns a planned config into the determinized data ci-operator reads."""

    def __init__(self, rng: random.Random, pools: Pools, registry: Registry) -> None:
        self.rng = rng
        self.pools = pools
        self.registry = registry

    def _pull(self, config: Config, tag: str) -> None:
        """Record a pulled tag; count it when only an artImages rule covers it."""
        config.consumed.append(tag)
        if tag not in self.pools.active and tag not in self.pools.supplemental:
            if not art_covers(tag):
                raise AssertionError(f"generator bug: {config.path} pulls unproduced {tag}")
            config.conditional += 1

    def _base(self, base: dict, alias: str, tag: str, config: Config) -> None:
        if alias not in base:
            base[alias] = ref_of(tag)
            self._pull(config, tag)

    def fill(self, config: Config) -> dict:
        rng, pools = self.rng, self.pools
        version = config.version if config.version in GOLANG else DEV
        data: dict = {}
        base: dict = {}
        golang = GOLANG[version]
        rhel = "rhel-8" if version in RHEL8_VERSIONS and rng.random() < 0.4 else "rhel-9"
        builder = f"ocp/builder:{builder_tag(version, rhel)}"
        ocp_like = config.role in ("ocp", "priv")
        # Base images: what the Dockerfiles build FROM, and tools tests run in.
        if config.images and ocp_like:
            if config.role == "priv":
                base_tag = f"ocp-private/{version}-priv:base-rhel9"
                if base_tag not in pools.active:
                    base_tag = f"ocp/{version}:base-rhel9"
            elif config.variant == "okd-scos":
                base_tag = f"origin/scos-{version}:base-stream9"
            else:
                base_tag = f"ocp/{version}:base-rhel9"
                if rng.random() < 0.25 and f"ocp/{version}:base" in pools.active:
                    base_tag = f"ocp/{version}:base"
            if base_tag in pools.active or art_covers(base_tag):
                self._base(base, base_tag.replace("/", "_").replace(":", "_"), base_tag, config)
            self._base(base, builder.replace("/", "_").replace(":", "_"), builder, config)
        elif config.images and config.role == "product":
            tag = f"stolostron/builder:go{golang}-linux"
            if tag not in pools.supplemental:
                tag = "stolostron/builder:go1.24-linux"
            self._base(base, tag.replace("/", "_").replace(":", "_"), tag, config)
            self._base(base, "ubi-minimal", "ocp/ubi-minimal:9", config)
        elif config.images and config.role == "tool" and rng.random() < 0.6:
            self._base(base, "os", "openshift/centos:stream9", config)
        extras = rng.choices([0, 1, 2, 3], [78, 17, 4, 1])[0]
        for _ in range(extras):
            roll = rng.random()
            if roll < 0.35 and pools.ci_tools:
                tag = rng.choice(pools.ci_tools)
                self._base(base, tag.split("/")[1].split(":")[0], tag, config)
            elif roll < 0.7 and pools.by_version.get(version):
                tag = rng.choice(pools.by_version[version])
                self._base(base, tag.split(":")[1], tag, config)
            elif roll < 0.85:
                tag = rng.choice(["ci/golangci-lint:latest", "openshift/centos:stream9"])
                self._base(base, tag.split("/")[1].split(":")[0], tag, config)
            elif config.role in ("periodic", "tests"):
                tag = f"ocp/{version}:upi-installer"
                if tag in pools.active:
                    self._base(base, "upi-installer", tag, config)
        if base:
            data["base_images"] = base
        if config.binary:
            data["binary_build_commands"] = rng.choice(
                [
                    "make build",
                    "GOFLAGS=-mod=readonly make build --warn-undefined-variables",
                    "make install",
                ]
            )
        # Build root: the repository's .ci-operator.yaml, or a mirrored build-root image.
        if config.role != "periodic" or rng.random() < 0.5:
            roll = rng.random()
            if roll < 0.5:
                data["build_root"] = {"from_repository": True}
            elif roll < 0.62 and config.role in ("ocp", "priv", "tests"):
                tag = builder
                data["build_root"] = {"image_stream_tag": ref_of(tag)}
                self._pull(config, tag)
            elif roll < 0.66:
                data["build_root"] = {"project_image": {"dockerfile_path": "Dockerfile.ci"}}
            else:
                tag = f"openshift/release:{build_root_tag(version, rhel)}"
                if tag not in pools.supplemental:
                    tag = f"openshift/release:{build_root_tag(version)}"
                data["build_root"] = {"image_stream_tag": ref_of(tag)}
                self._pull(config, tag)
            if rng.random() < 0.05 and "from_repository" in data["build_root"]:
                data["build_root"]["use_build_cache"] = True
        if rng.random() < 0.16 and config.role in ("ocp", "priv"):
            org = "openshift" if config.role == "priv" else config.org
            data["canonical_go_repository"] = f"github.com/{org}/{config.repo}"
        if config.images:
            data["images"] = {"items": self._images(config, base)}
        if config.targets:
            data["promotion"] = {"to": [dict(t) for t in config.targets]}
        if config.role == "priv":
            data["prowgen"] = {"private": True, "expose": True}
        releases = self._releases(config, version)
        if releases:
            data["releases"] = releases
        resources = {"*": {"requests": {"cpu": "100m", "memory": "200Mi"}}}
        if rng.random() < 0.15:
            resources["*"]["limits"] = {"memory": rng.choice(["4Gi", "8Gi", "6Gi"])}
        if config.binary and rng.random() < 0.5:
            resources["bin"] = {"requests": {"cpu": "2", "memory": "4Gi"}}
        if rng.random() < 0.2:
            resources["unit"] = {"requests": {"cpu": "1", "memory": "2Gi"}}
        data["resources"] = resources
        if config.binary and rng.random() < 0.3:
            data["test_binary_build_commands"] = "make test-build"
        tests = self._tests(config, base, version, releases)
        if tests:
            data["tests"] = tests
        metadata = {"branch": config.branch, "org": config.org, "repo": config.repo}
        if config.variant:
            metadata["variant"] = config.variant
        data["zz_generated_metadata"] = metadata
        config.data = data
        return data

    def _images(self, config: Config, base: dict) -> list[dict]:
        rng = self.rng
        items = []
        aliases = sorted(base)
        for index, image in enumerate(config.images):
            item: dict = {"to": image}
            roll = rng.random()
            if roll < 0.6:
                item["dockerfile_path"] = rng.choice(
                    ["Dockerfile", "Dockerfile.ocp", "Dockerfile.rhel", "Dockerfile.rhel9"]
                )
            elif roll < 0.8:
                item["dockerfile_path"] = f"images/{image}/Dockerfile"
            elif roll < 0.9:
                item["context_dir"] = f"images/{image}"
            else:
                item["dockerfile_literal"] = f'FROM src\nRUN make {image}\nENTRYPOINT ["/{image}"]'
            if aliases and rng.random() < 0.55:
                item["inputs"] = {
                    alias: {"as": [f"{REGISTRY_HOST}/{ist(base[alias])}"]}
                    for alias in aliases[:2]
                    if "_" in alias
                }
                if not item["inputs"]:
                    del item["inputs"]
            elif aliases and rng.random() < 0.4:
                item["from"] = aliases[0]
            if index == 0 and config.binary and rng.random() < 0.3:
                item["inputs"] = {
                    "bin": {
                        "paths": [
                            {
                                "destination_dir": ".",
                                "source_path": f"/go/src/github.com/{config.org}/{config.repo}/bin",
                            }
                        ]
                    }
                }
            if rng.random() < 0.04:
                item["build_args"] = [{"name": "RHEL_VERSION", "value": "9.4"}]
            if image in config.optional_images:
                item["optional"] = True
            items.append(item)
        return items

    def _releases(self, config: Config, version: str) -> dict:
        rng = self.rng
        if config.role in ("ocp", "priv", "periodic") or (
            config.role == "tests" and rng.random() < 0.35
        ):
            if config.role == "priv":
                stream = ("ocp-private", f"{version}-priv")
            elif config.variant == "okd-scos":
                stream = ("origin", f"scos-{version}")
            else:
                stream = ("ocp", version)
            if config.role == "periodic" and rng.random() < 0.7:
                releases = {
                    "latest": {
                        "candidate": {
                            "product": "ocp",
                            "stream": rng.choice(["ci", "nightly"]),
                            "version": version,
                        }
                    }
                }
                if "upgrade" in config.variant or rng.random() < 0.3:
                    previous = VERSIONS[max(0, VERSIONS.index(version) - 1)]
                    releases["initial"] = {"release": {"channel": "stable", "version": previous}}
                return releases
            if "/".join(stream) not in self.pools.streams:
                return {}
            initial = {"integration": {"name": stream[1], "namespace": stream[0]}}
            latest = {
                "integration": {
                    "include_built_images": True,
                    "name": stream[1],
                    "namespace": stream[0],
                }
            }
            return {"initial": initial, "latest": latest}
        return {}

    def _test_count(self, config: Config) -> int:
        rng = self.rng
        scale = config.size_class
        if config.role == "periodic":
            return max(1, int(rng.lognormvariate(1.9, 0.8) * scale))
        if config.role == "tests":
            return max(1, int(rng.lognormvariate(0.9, 0.7) * scale))
        if config.role in ("tool", "product"):
            return max(0, int(rng.lognormvariate(0.8, 0.7) * scale))
        return max(1, int(rng.lognormvariate(1.2, 0.6) * scale))

    def _tests(self, config: Config, base: dict, version: str, releases: dict) -> list[dict]:
        rng = self.rng
        count = self._test_count(config)
        has_cluster = bool(releases)
        tests: list[dict] = []
        seen: set[str] = set()
        container_share = 0.15 if config.role == "periodic" else 0.45 if has_cluster else 0.8
        attempts = 0
        while len(tests) < count and attempts < count * 4:
            attempts += 1
            if rng.random() < container_share:
                test = self._container_test(config, base)
            else:
                test = self._multi_stage(config, has_cluster)
            if test["as"] in seen:
                continue
            seen.add(test["as"])
            if config.role == "periodic":
                test.pop("optional", None)
                if rng.random() < 0.75:
                    test["cron"] = rng.choice(CRONS)
                else:
                    test["interval"] = rng.choice(INTERVALS)
            else:
                roll = rng.random()
                if roll < 0.125:
                    test["optional"] = True
                elif roll < 0.22:
                    test["always_run"] = False
                elif roll < 0.3:
                    test["run_if_changed"] = rng.choice(["^(pkg|cmd)/", "^test/e2e/", "\\.go$"])
                elif roll < 0.36:
                    test["skip_if_only_changed"] = "^docs/|\\.md$|^(?:.*/)?(?:\\.gitignore|OWNERS)$"
                if rng.random() < 0.05:
                    test["timeout"] = rng.choice(["3h0m0s", "4h0m0s", "5h30m0s"])
            tests.append(test)
        return tests

    def _container_test(self, config: Config, base: dict) -> dict:
        rng = self.rng
        name = rng.choice(
            ["unit", "verify", "lint", "verify-deps", "gofmt", "vet", "verify-codegen", "fix"]
        )
        if rng.random() < 0.3:
            name = f"{name}-{rng.choice(WORDS)}"
        image = "src"
        if config.binary and rng.random() < 0.3:
            image = "bin"
        elif base and rng.random() < 0.15:
            image = rng.choice(sorted(base))
        command = CONTAINER_COMMANDS.get(name.split("-")[0]) or rng.choice(COMMON_COMMANDS)
        test: dict = {"as": name, "commands": command, "container": {"from": image}}
        if rng.random() < 0.08:
            test["commands"] = (
                "make verify-deps\n"
                "git diff --exit-code\n"
                'echo "verified $(git rev-parse HEAD)" > "${ARTIFACT_DIR}/verified.txt"\n'
            )
        if rng.random() < 0.05:
            test["container"]["clone"] = True
        return test

    def _multi_stage(self, config: Config, has_cluster: bool) -> dict:
        rng, registry = self.rng, self.registry
        roll = rng.random()
        if not has_cluster or roll < 0.12:
            # No cluster: a registry ref or a literal step run in the pipeline image.
            if rng.random() < 0.5:
                return {
                    "as": "verify-deps",
                    "steps": {
                        "env": {"CHECK_MOD_LIST": "false"},
                        "test": [{"ref": "go-verify-deps"}],
                    }
                    if rng.random() < 0.3
                    else {"test": [{"ref": "go-verify-deps"}]},
                }
            name = rng.choice(["govulncheck", "security", "e2e-local", "integration", "sanity"])
            step: dict = {
                "as": name,
                "commands": rng.choice(COMMON_COMMANDS),
                "from": "src",
                "resources": {"requests": {"cpu": "100m", "memory": "200Mi"}},
            }
            if rng.random() < 0.2:
                image = rng.choice(STEP_IMAGES)
                del step["from"]
                step["from_image"] = dict(image)
            test = {"as": name, "steps": {"test": [step]}}
            if name == "security" and rng.random() < 0.7:
                test = {
                    "as": "security",
                    "optional": True,
                    "steps": {
                        "env": {"PROJECT_NAME": f"{config.org}/{config.repo}"},
                        "workflow": "openshift-ci-security",
                    },
                }
            return test
        platform = rng.choices(PLATFORMS, PLATFORM_WEIGHTS)[0]
        profile = rng.choice(PROFILES[platform])
        steps: dict = {"cluster_profile": profile}
        if roll < 0.72 or not registry.team_workflows:
            workflow = rng.choice(registry.workflows_by_platform[platform])
            name = workflow.replace("openshift-", "").replace("ipi-", "e2e-")
            if not name.startswith("e2e"):
                name = f"e2e-{name}"
        else:
            workflow = rng.choice(registry.team_workflows)
            name = "e2e-" + "-".join(workflow.split("-")[-2:])
            platform = workflow.rsplit("-", 1)[-1]
            steps["cluster_profile"] = rng.choice(PROFILES.get(platform, PROFILES["aws"]))
        steps["workflow"] = workflow
        if rng.random() < 0.25:
            name += rng.choice(["-ovn", "-ovn-serial", "-techpreview", "-fips", "-proxy", "-ipv6"])
        if rng.random() < 0.3:
            env = {}
            for key in rng.sample(
                [
                    "BASE_DOMAIN",
                    "COMPUTE_NODE_REPLICAS",
                    "FEATURE_SET",
                    "TEST_SKIPS",
                    "ENABLE_LOCAL_INDEX",
                    "ZONES_COUNT",
                    "EXTRA_FLAGS",
                    "FIPS_ENABLED",
                ],
                rng.randint(1, 4),
            ):
                env[key] = {
                    "BASE_DOMAIN": "qe.devcluster.openshift.com",
                    "COMPUTE_NODE_REPLICAS": "6",
                    "FEATURE_SET": "TechPreviewNoUpgrade",
                    "TEST_SKIPS": "provisioning should mount multiple PV pointing to the same "
                    "storage on the same node",
                    "ENABLE_LOCAL_INDEX": "true",
                    "ZONES_COUNT": "3",
                    "EXTRA_FLAGS": "--churn-duration=20m --pod-ready-threshold=20s",
                    "FIPS_ENABLED": "true",
                }[key]
            steps["env"] = env
        if rng.random() < 0.12 and registry.team_chains:
            steps["test"] = [{"chain": rng.choice(registry.team_chains)}]
        elif rng.random() < 0.08 and registry.team_refs:
            steps["test"] = [{"ref": r} for r in rng.sample(registry.team_refs, 2)]
        if rng.random() < 0.04:
            steps["post"] = [{"chain": f"ipi-{platform}-post"}] if platform in PLATFORMS else []
            if not steps["post"]:
                del steps["post"]
        test: dict = {"as": name, "steps": steps}
        if rng.random() < 0.05:
            test["capabilities"] = ["intranet"]
        return test


# --------------------------------------------------------------------------------------------
# Other inputs: the ci-images-mirror config, cluster manifests, mapping files, release configs
# --------------------------------------------------------------------------------------------


def qci_to_appci(pools: Pools) -> list[str]:
    """Tags copied back from QCI to app.ci (they also count as produced)."""
    tags = [f"ocp/{v}:{i}" for v in ("4.17", "4.22", DEV) for i in ("cli", "tools", "installer")]
    return [tag for tag in tags if tag in pools.active]


def mirror_config_text(pools: Pools, extra: list[tuple[str, str]]) -> str:
    lines = ["supplementalCIImages:"]
    for target, source in pools.supplemental.items():
        lines += [f"  {target}:", f"    image: {source}"]
    for target, source in extra:
        lines += [f"  {target}:", f"    image: {source}"]
    lines += [
        "# Backfill from QCI → app.ci (ci-images-mirror). Key = namespace/name:tag on app.ci.",
        "# Empty {} uses default quay-proxy…/openshift/ci:<ns>_<name>_<tag>.",
        "qciToAppCIImages:",
    ]
    lines += [f"  {tag}: {{}}" for tag in qci_to_appci(pools)]
    lines.append("ignoredSources:")
    for image, reason in IGNORED_SOURCES:
        lines += [f"- image: {image}", f"  reason: {reason}"]
    lines.append("artImages:")
    for namespace, name, tag in ART_IMAGES:
        lines += [f"- namespace: {namespace}", f"  name: {name}"]
        if tag:
            lines.append(f"  tag: {tag}")
    return "\n".join(lines) + "\n"


def mirror_set(kind: str, name: str, entries: list[tuple[list[str], str | None]]) -> str:
    key = "imageTagMirrors" if kind == "ImageTagMirrorSet" else "imageDigestMirrors"
    lines = [
        "---",
        "apiVersion: config.openshift.io/v1",
        f"kind: {kind}",
        "metadata:",
        f"  name: {name}",
        "spec:",
        f"  {key}:",
    ]
    for mirrors, policy in entries:
        lines.append("  - mirrors:")
        lines += [f"    - {m}" for m in mirrors]
        if policy:
            lines.append(f"    mirrorSourcePolicy: {policy}")
        lines.append(f"    source: {QCI_PROXY}")
    return "\n".join(lines) + "\n"


def qci_mirror_sets(
    tag: list[tuple[list[str], str | None]] | None = None,
    digest: list[tuple[list[str], str | None]] | None = None,
) -> str:
    good = [([CACHE, QCI], None)]
    text = (
        "# Every build cluster pulls CI images from the pull-through cache first, then QCI, "
        "and only\n# last from the QCI-APPCI proxy (the source).\n"
    )
    if digest != []:
        text += mirror_set("ImageDigestMirrorSet", "quay-proxy", digest or good)
    if tag != []:
        text += mirror_set("ImageTagMirrorSet", "quay-proxy", tag or good)
    return text


NAMESPACE_MANIFEST = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ci\n"
ICSP_FALLBACK = """apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata:
  name: production-fallback
spec:
  repositoryDigestMirrors:
  - mirrors:
    - registry.svc.ci.openshift.org/ocp/4.4-art-latest
    source: quay.io/openshift-release-dev/ocp-v4.0-art-dev
"""
CLI_JQ = """apiVersion: v1
kind: List
items:
- kind: ImageStream
  apiVersion: image.openshift.io/v1
  metadata:
    namespace: ocp
    name: cli-jq
- kind: BuildConfig
  apiVersion: build.openshift.io/v1
  metadata:
    namespace: ocp
    name: cli-jq
  spec:
    successfulBuildsHistoryLimit: 1
    failedBuildsHistoryLimit: 2
    output:
      to:
        kind: ImageStreamTag
        name: cli-jq:latest
    source:
      dockerfile: |
        FROM ocp/4.18/cli
        RUN yum install -y jq
      type: Dockerfile
    strategy:
      dockerStrategy:
        from:
          kind: ImageStreamTag
          name: 4.18:cli
          namespace: ocp
        imageOptimizationPolicy: SkipLayers
      type: Docker
"""


def release_controller(version: str) -> str:
    previous = VERSIONS[max(0, VERSIONS.index(version) - 1)]
    config = {
        "name": f"{version}.0-0.ci",
        "to": "release",
        "message": f"This release contains CI image builds of all code in release-{version} "
        "branches, and is updated each time someone merges.",
        "mirrorPrefix": version,
        "expires": "72h",
        "maxUnreadyReleases": 1,
        "minCreationIntervalSeconds": 21600,
        "pullSecretName": "source",
        "check": {},
        "publish": {"tag": {"tagRef": {"name": f"{version}-ci"}}},
        "verify": {
            f"aws-ovn-upgrade-{version}-minor": {
                "maxRetries": 1,
                "prowJob": {
                    "name": f"periodic-ci-openshift-release-main-ci-{version}-upgrade-from-"
                    f"stable-{previous}-e2e-aws-ovn-upgrade"
                },
                "upgrade": True,
                "upgradeFrom": "PreviousMinor",
            },
            f"gcp-ovn-upgrade-{version}-micro": {
                "maxRetries": 1,
                "prowJob": {"name": f"periodic-ci-openshift-release-main-ci-{version}-e2e-gcp"},
                "upgrade": True,
            },
        },
    }
    return json.dumps(config, indent=2) + "\n"


# --------------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------------

CONFIG_RULES = [
    "yaml-syntax",
    "duplicate-key",
    "encoding",
    "empty-document",
    "schema",
    "unknown-key",
    "numeric-string",
    "legacy-form",
    "file-name",
    "metadata-mismatch",
    "unproduced-tag",
    "disabled-producer",
    "duplicate-promotion",
    "qci-tag-too-long",
    "unresolved-step",
]
MIRROR_RULES = [
    "mirror-precedence",
    "mirror-order-conflict",
    "mirror-source-blocked",
    "mirror-kind-mismatch",
    "mirror-missing",
    "mirror-scope-shadow",
]
ALL_RULES = CONFIG_RULES + ["supplemental-overwrites-promotion"] + MIRROR_RULES


@dataclass
class Fault:
    rule: str
    path: str
    what: str
    also: list[str] = field(default_factory=list)

    findings: int = 1  # findings of the rule in `path` (and one in each `also` path)
    # Findings of other rules the same fault causes in `path`: rule → count.
    with_rules: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "path": self.path,
            "findings": self.findings,
            "also": self.also,
            "with": self.with_rules,
            "what": self.what,
        }


class FaultInjector:
    """Changes configs (their data, or their text once written) so that cilint reports each
    fault, and nothing else: victims are distinct files, chosen so that no other file depends on
    what the fault breaks."""

    def __init__(
        self,
        rng: random.Random,
        plans: list[Config],
        pools: Pools,
        registry: Registry,
        pulled: set[str],
    ) -> None:
        self.rng = rng
        self.registry = registry
        self.plans = plans
        self.pools = pools
        self.current = ""  # the rule being injected, for the error message
        self.taken: set[str] = set()
        self.text_edits: dict[str, str] = {}  # path → rule, applied to the emitted text
        self.renames: dict[str, str] = {}
        self.new_files: dict[str, dict] = {}
        self.faults: list[Fault] = []
        self.supplemental_extra: list[tuple[str, str]] = []
        # Tags something pulls: configs, mapping files; qciToAppCIImages asserts some too.
        self.pulled = set(pulled)
        for config in plans:
            self.pulled.update(config.consumed)
        # Whole streams pulled by releases.*.integration: how many configs write into each.
        self.stream_writers: dict[str, int] = {}
        for config in plans:
            for stream in sorted({t.split(":")[0] for t in config.active_tags()}):
                self.stream_writers[stream] = self.stream_writers.get(stream, 0) + 1

    def _pick(self, want) -> Config:
        candidates = [c for c in self.plans if c.path not in self.taken and want(c)]
        if not candidates:
            raise SystemExit(
                f"generate_tree: too few configs to inject {self.current} faults (add --configs)"
            )
        config = self.rng.choice(candidates)
        self.taken.add(config.path)
        return config

    @staticmethod
    def _safe_to_break(config: Config) -> bool:
        """A file that no longer loads loses its promotions: break only configs without any."""
        return not config.active_tags()

    def inject(self, rule: str) -> None:
        self.current = rule
        rng = self.rng
        if rule in ("yaml-syntax", "duplicate-key", "encoding", "empty-document"):
            config = self._pick(
                lambda c: (
                    self._safe_to_break(c)
                    and any("container" in t for t in c.data.get("tests", ()))
                )
            )
            self.text_edits[config.path] = rule
            what = {
                "yaml-syntax": "a tab indents a test key",
                "duplicate-key": "the resources block appears twice",
                "encoding": "a Latin-1 comment at the top",
                "empty-document": "the file holds only a comment",
            }[rule]
            self.faults.append(Fault(rule, config.path, what))
        elif rule == "schema":
            config = self._pick(lambda c: True)
            config.data["resources"]["*"]["requests"]["memory"] = "200MB"
            self.faults.append(Fault(rule, config.path, "resources memory 200MB (not a quantity)"))
        elif rule == "unknown-key":
            config = self._pick(lambda c: bool(c.data.get("tests")))
            config.data["tests"][0]["run_if_changd"] = "^pkg/"
            self.faults.append(Fault(rule, config.path, "tests[0].run_if_changd"))
        elif rule == "numeric-string":
            config = self._pick(lambda c: any("steps" in t for t in c.data.get("tests", ())))
            test = next(t for t in config.data["tests"] if "steps" in t)
            test["steps"].setdefault("env", {})["OCP_VERSION"] = Raw("4.10")
            self.faults.append(Fault(rule, config.path, "steps.env OCP_VERSION: 4.10 unquoted"))
        elif rule == "legacy-form":
            config = self._pick(lambda c: "images" in c.data)
            config.data["images"] = config.data["images"]["items"]
            self.faults.append(Fault(rule, config.path, "images as a bare list"))
        elif rule == "file-name":
            config = self._pick(lambda c: True)
            new = f"ci-operator/config/{config.org}/{config.repo}/{config.branch}"
            new += f"__{config.variant}.yaml" if config.variant else ".yaml"
            self.renames[config.path] = new
            self.taken.add(new)
            self.faults.append(Fault(rule, new, "no <org>-<repo>- prefix in the file name"))
        elif rule == "metadata-mismatch":
            config = self._pick(lambda c: c.branch.startswith("release-4."))
            version = config.branch.split("-", 1)[1]
            index = VERSIONS.index(version)
            older = VERSIONS[index - 1 if index else index + 1]
            config.data["zz_generated_metadata"]["branch"] = f"release-{older}"
            self.faults.append(Fault(rule, config.path, f"metadata branch release-{older}"))
        elif rule == "unproduced-tag":
            config = self._pick(lambda c: True)
            tools = self.pools.ci_tools or ["ci/golangci-lint:latest"]
            tag = rng.choice(tools).replace(":latest", ":lastest")
            config.data.setdefault("base_images", {})["typo"] = ref_of(tag)
            self.faults.append(Fault(rule, config.path, f"base_images pulls {tag}"))
        elif rule == "disabled-producer":
            producer = self._pick(
                lambda c: (
                    len(c.targets) == 1
                    and "name" in c.targets[0]
                    and bool(c.active_tags())
                    and not any(t in self.pulled or art_covers(t) for t in c.active_tags())
                    and self.stream_writers[c.active_tags()[0].split(":")[0]] > 1
                )
            )
            tag = producer.active_tags()[0]
            producer.data["promotion"]["to"][0]["disabled"] = True
            consumer = self._pick(lambda c: c.path != producer.path)
            base = consumer.data.setdefault("base_images", {})
            base["disabled-" + tag.split(":")[1]] = ref_of(tag)
            self.faults.append(
                Fault(rule, consumer.path, f"pulls {tag}, whose only promotion is disabled")
            )
        elif rule == "duplicate-promotion":
            config = self._pick(lambda c: bool(c.active_tags()) and not c.variant)
            copy = json.loads(json.dumps(config.data))
            copy["zz_generated_metadata"]["variant"] = "copy"
            path = config.path[: -len(".yaml")] + "__copy.yaml"
            self.new_files[path] = copy
            self.taken.add(path)
            self.faults.append(
                Fault(rule, path, "a variant copy repeats the promotion", also=[config.path])
            )
        elif rule == "qci-tag-too-long":
            config = self._pick(
                lambda c: any(not t.get("disabled") and t.get("name") for t in c.targets)
            )
            target = next(
                t for t in config.data["promotion"]["to"] if not t.get("disabled") and t.get("name")
            )
            long_name = f"{config.repo}-" + "-".join(["artifacts-for-rhel-9-and-golang"] * 4)
            target.setdefault("additional_images", {})[long_name] = "src"
            self.faults.append(Fault(rule, config.path, "an additional image name of 130+ chars"))
        elif rule == "unresolved-step":
            config = self._pick(
                lambda c: any("workflow" in t.get("steps", {}) for t in c.data.get("tests", ()))
            )
            test = next(t for t in config.data["tests"] if "workflow" in t.get("steps", {}))
            workflow = test["steps"]["workflow"]
            typo = workflow[:-2] + workflow[-1] + workflow[-2]
            if self.registry.has("workflow", typo) or typo == workflow:
                typo = workflow + "-nightly"
            test["steps"]["workflow"] = typo
            self.faults.append(Fault(rule, config.path, f"workflow {workflow} misspelt"))
        elif rule == "supplemental-overwrites-promotion":
            producer = self._pick(lambda c: bool(c.active_tags()))
            tag = producer.active_tags()[0]
            self.supplemental_extra.append((tag, f"quay.io/example/{tag.split(':')[1]}:latest"))
            self.faults.append(
                Fault(rule, "core-services/image-mirroring/_config.yaml", f"supplemental {tag}")
            )

    def edit_text(self, path: str, text: str) -> bytes:
        rule = self.text_edits[path]
        if rule == "yaml-syntax":
            at = text.index("\n  commands: ")
            return (text[:at] + "\n\tcommands: " + text[at + len("\n  commands: ") :]).encode()
        if rule == "duplicate-key":
            start = text.index("\nresources:\n") + 1
            end = start + len("resources:\n")
            while text[end] == " ":
                end = text.index("\n", end) + 1
            return (text[:end] + text[start:end] + text[end:]).encode()
        if rule == "encoding":
            return "# Maintained by José, ask before changing.\n".encode("latin-1") + text.encode()
        if rule == "empty-document":
            return b"# TODO: tests for this branch will go here once it is cut.\n"
        raise AssertionError(rule)


def mirror_fault_cluster(rule: str) -> tuple[dict[str, str], Fault]:
    """The manifests of a build cluster with one mirror fault, and the fault (path relative to
    the cluster folder). Faults in both kinds are reported once per mirror-set entry."""
    good = [([CACHE, QCI], None)]
    name = "qci-image_mirror.yaml"
    if rule == "mirror-precedence":
        text = qci_mirror_sets(tag=[([QCI, CACHE], None)], digest=[([QCI, CACHE], None)])
        return {name: text}, Fault(rule, name, "QCI before the cache", findings=2)
    if rule == "mirror-order-conflict":
        both = [([CACHE, QCI], None), ([QCI, CACHE], None)]
        text = qci_mirror_sets(tag=both, digest=both)
        # The QCI-first entry is also out of the policy's order (mirror-precedence, per kind).
        return {name: text}, Fault(
            rule,
            name,
            "two entries order the mirrors oppositely",
            findings=4,
            with_rules={"mirror-precedence": 2},
        )
    if rule == "mirror-source-blocked":
        blocked = [([CACHE, QCI], "NeverContactSource")]
        text = qci_mirror_sets(tag=blocked, digest=blocked)
        return {name: text}, Fault(rule, name, "NeverContactSource", findings=2)
    if rule == "mirror-kind-mismatch":
        text = qci_mirror_sets(tag=good, digest=[([CACHE, CACHE_WEST, QCI], None)])
        return {name: text}, Fault(rule, name, "only the IDMS lists a second cache")
    if rule == "mirror-missing":
        text = qci_mirror_sets(tag=good, digest=[])
        return {name: text}, Fault(rule, name, "no ImageDigestMirrorSet")
    if rule == "mirror-scope-shadow":
        shadow = (
            "apiVersion: config.openshift.io/v1\n"
            "kind: ImageTagMirrorSet\n"
            "metadata:\n"
            "  name: ci-tools\n"
            "spec:\n"
            "  imageTagMirrors:\n"
            "  - mirrors:\n"
            "    - quay.io/openshift-ci/tools\n"
            f"    source: {QCI_PROXY}/tools\n"
        )
        files = {name: qci_mirror_sets(), "tools-mirror.yaml": shadow}
        return files, Fault(rule, "tools-mirror.yaml", "a mirror set for a nested scope")
    raise AssertionError(rule)


# --------------------------------------------------------------------------------------------
# Writing the tree
# --------------------------------------------------------------------------------------------


TOP_LEVEL = ("ci-operator", "core-services", "clusters", ".faults.json")


class Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0
        self.bytes = 0
        self.dirs: set[str] = set()

    def write(self, rel: str, content: str | bytes) -> None:
        data = content.encode() if isinstance(content, str) else content
        folder = rel.rpartition("/")[0]
        if folder not in self.dirs:
            os.makedirs(self.root / folder, exist_ok=True)
            self.dirs.add(folder)
        with open(self.root / rel, "wb") as handle:
            handle.write(data)
        self.files += 1
        self.bytes += len(data)


def build_tree(configs: int, seed: int) -> tuple[Registry, list[Config], Pools]:
    """The clean tree as data: the step registry, the configs (filled), the produced tags."""
    rng = random.Random(seed)
    registry = build_registry(rng, configs)
    plans = plan_configs(rng, configs)
    pools = compute_pools(rng, plans)
    filler = ConfigFiller(rng, pools, registry)
    for config in plans:
        filler.fill(config)
    return registry, plans, pools


def generate(out: Path, configs: int, seed: int, faults: int) -> dict:
    """Write the tree into `out`; return its statistics."""
    registry, plans, pools = build_tree(configs, seed)

    mappings = mapping_files(pools)
    injector = None
    fault_rng = random.Random(f"faults-{seed}")
    if faults:
        pulled = set(qci_to_appci(pools))
        pulled.update(tag for _, tags in mappings.values() for tag in tags)
        injector = FaultInjector(fault_rng, plans, pools, registry, pulled)
        for _ in range(faults):
            for rule in ALL_RULES:
                if rule not in MIRROR_RULES:
                    injector.inject(rule)

    writer = Writer(out)
    emitter = GoYaml()
    config_sizes = []
    for config in plans:
        text = emitter.dump(config.data)
        path = config.path
        content: str | bytes = text
        if injector and path in injector.text_edits:
            content = injector.edit_text(path, text)
        if injector and path in injector.renames:
            path = injector.renames[path]
        writer.write(path, content)
        config_sizes.append(len(content))
    if injector:
        for path, data in sorted(injector.new_files.items()):
            writer.write(path, emitter.dump(data))

    for (kind, _), element in sorted(registry.elements.items(), key=lambda i: i[0][::-1]):
        prefix = element.folder.replace("/", "-")
        base = f"ci-operator/step-registry/{element.folder}/{prefix}"
        writer.write(f"{base}-{kind}.yaml", emitter.dump(element.body, sort=False))
        if element.commands is not None:
            writer.write(f"{base}-commands.sh", element.commands)

    extra = injector.supplemental_extra if injector else []
    writer.write("core-services/image-mirroring/_config.yaml", mirror_config_text(pools, extra))
    for path, (text, _) in mappings.items():
        writer.write(path, text)
    for version in ("4.18", "4.21", "4.22"):
        name = f"core-services/release-controller/_releases/release-ocp-{version}-ci.json"
        writer.write(name, release_controller(version))
    writer.write("clusters/app.ci/supplemental-ci-images/cli-jq.yaml", CLI_JQ)
    writer.write("clusters/build-clusters/common/icsp.yaml", ICSP_FALLBACK)
    clusters = [f"build{n:02d}" for n in range(1, 12)]
    if injector is None:
        writer.write("clusters/build-clusters/common/qci-image_mirror.yaml", qci_mirror_sets())
    for cluster in clusters:
        writer.write(f"clusters/build-clusters/{cluster}/namespace.yaml", NAMESPACE_MANIFEST)
        if injector is not None:
            # A shared mirror set would reach the faulty clusters too: one copy per cluster.
            writer.write(
                f"clusters/build-clusters/{cluster}/qci-image_mirror.yaml", qci_mirror_sets()
            )
    if injector is not None:
        number = 20
        for _ in range(faults):
            for rule in MIRROR_RULES:
                cluster = f"clusters/build-clusters/build{number:02d}"
                number += 1
                files, fault = mirror_fault_cluster(rule)
                writer.write(f"{cluster}/namespace.yaml", NAMESPACE_MANIFEST)
                for name, text in files.items():
                    writer.write(f"{cluster}/{name}", text)
                fault.path = f"{cluster}/{fault.path}"
                injector.faults.append(fault)
        order = {rule: i for i, rule in enumerate(ALL_RULES)}
        listed = sorted(injector.faults, key=lambda f: (order[f.rule], f.path))
        text = json.dumps([f.as_json() for f in listed], indent=2) + "\n"
        (out / ".faults.json").write_text(text)

    sizes = sorted(config_sizes)
    return {
        "files": writer.files,
        "bytes": writer.bytes,
        "configs": len(plans),
        "variants": sum(1 for c in plans if c.variant),
        "promotion": sum(1 for c in plans if c.targets),
        "config_bytes_mean": sum(sizes) / len(sizes) if sizes else 0,
        "config_bytes_median": sizes[len(sizes) // 2] if sizes else 0,
        "conditional": sum(c.conditional for c in plans),
        "faults": len(injector.faults) if injector else 0,
    }


def mapping_files(pools: Pools) -> dict[str, tuple[str, list[str]]]:
    """Outbound mirroring of promoted images (promoted-image-governor's mapping files):
    path → (text, the tags it pulls)."""
    files = {}
    for version in ("4.18", "4.21"):
        stream = f"origin/scos-{version}"
        tags = [t for t in sorted(pools.active) if t.startswith(stream + ":")][:40]
        lines = []
        for tag in tags:
            image = tag.split(":")[1]
            lines.append(
                f"{QCI_PROXY}:origin_scos-{version}_{image} quay.io/openshift/origin-{image}:"
                f"{version} quay.io/openshift/origin-{image}:{version}.0"
            )
        if lines:
            name = version.replace(".", "_")
            path = f"core-services/image-mirroring/openshift/mapping_origin_scos-{name}"
            files[path] = ("\n".join(lines) + "\n", tags)
    tags = [f"ocp/4.18:{i}" for i in ("hypershift-operator", "hypershift-tests")]
    tags = [t for t in tags if t in pools.active]
    lines = []
    for tag in tags:
        image = tag.split(":")[1]
        lines.append(
            f"{REGISTRY_HOST}/{tag} quay.io/hypershift/{image}:4.18 "
            f"quay.io/hypershift/{image}:latest"
        )
    if lines:
        path = "core-services/image-mirroring/hypershift/mapping_hypershift_4_18"
        files[path] = ("\n".join(lines) + "\n", tags)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="directory to write the tree into")
    parser.add_argument("--configs", type=int, default=30_000, help="ci-operator configs (30000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--faults", type=int, default=0, help="faults to inject per rule (0)")
    parser.add_argument(
        "--force", action="store_true", help="write into a non-empty OUT, replacing an earlier tree"
    )
    args = parser.parse_args(argv)
    if args.configs < 1 or args.faults < 0:
        parser.error("--configs must be at least 1 and --faults at least 0")
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        if not args.force:
            print(f"generate_tree: {out} is not empty (use --force)", file=sys.stderr)
            return 2
        # Replace what an earlier run wrote; leave anything else alone.
        for name in TOP_LEVEL:
            target = out / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    stats = generate(out, args.configs, args.seed, args.faults)
    seconds = time.perf_counter() - start
    print(
        f"generate_tree: {stats['files']} files, {stats['bytes']} bytes, {seconds:.2f}s "
        f"({stats['configs']} configs, {stats['variants']} variants, {stats['promotion']} "
        f"promoting, config mean {stats['config_bytes_mean']:.0f} B, median "
        f"{stats['config_bytes_median']} B, {stats['conditional']} conditional-tag, "
        f"{stats['faults']} faults)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
