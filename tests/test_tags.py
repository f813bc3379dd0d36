"""Tag spellings: every form parses back to the same tag (parse ∘ spell = identity)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cilint.config.settings import load_policy
from cilint.tags import ImageTag, TagSpellingError, from_qci_tag, parse_ist

REGISTRIES = load_policy("openshift-ci", None).registries

namespaces = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
names = st.from_regex(r"[a-z0-9]([a-z0-9.-]{0,20}[a-z0-9])?", fullmatch=True)
tags = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}", fullmatch=True)
digests = st.one_of(st.none(), st.from_regex(r"sha256:[0-9a-f]{64}", fullmatch=True))


@given(namespaces, names, tags, digests)
def test_every_spelling_parses_back(
    namespace: str, name: str, tag: str, digest: str | None
) -> None:
    image = ImageTag(namespace, name, tag)
    for form, text in REGISTRIES.spellings(image).items():
        spelled = f"{text}@{digest}" if digest else text
        assert REGISTRIES.parse(spelled) == (image, digest), form
    assert REGISTRIES.parse(f"registry.svc.ci.openshift.org/{image.ist}")[0] == image


def test_the_domain_table_example() -> None:
    tag = ImageTag("ocp", "4.5", "base")
    assert REGISTRIES.spellings(tag) == {
        "ist": "ocp/4.5:base",
        "app_ci": "registry.ci.openshift.org/ocp/4.5:base",
        "qci": "quay.io/openshift/ci:ocp_4.5_base",
        "qci_appci": "quay-proxy.ci.openshift.org/openshift/ci:ocp_4.5_base",
        "cache": "qci-pull-through-cache-us-east-1-ci.apps.ci.l2s4.p1.openshiftapps.com"
        "/openshift/ci:ocp_4.5_base",
    }


def test_qci_tags_split_on_the_first_two_underscores() -> None:
    assert from_qci_tag("ocp_builder_rhel-9-golang-1.21_x") == ImageTag(
        "ocp", "builder", "rhel-9-golang-1.21_x"
    )
    assert from_qci_tag("ocp_builder") is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "quay.io/openshift/ci",
        "quay.io/openshift/ci:ocp_only",
        "docker.io/library/busybox:1",
        "registry.ci.openshift.org/ocp",
        "ocp/4.5:base@sha256:abc",
        "a/b/c:d",
    ],
)
def test_unparsable_spellings_say_why(text: str) -> None:
    with pytest.raises(TagSpellingError):
        REGISTRIES.parse(text)


def test_missing_tag_defaults_to_latest() -> None:
    assert REGISTRIES.parse("registry.ci.openshift.org/ci/tools")[0] == ImageTag(
        "ci", "tools", "latest"
    )
    assert parse_ist("ci/tools") is None
