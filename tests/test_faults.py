"""Faults injected into a copy of the real openshift/release sample: each yields exactly the
expected finding at the consumer's line, and undoing it removes the finding again."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cilint.config.settings import load_settings
from cilint.pipeline.run import run_check
from conftest import CORPUS_RELEASE, needs_shared

pytestmark = needs_shared

IMAGES_SCOS = "ci-operator/config/openshift/images/openshift-images-release-4.18__okd-scos.yaml"
IMAGES_421 = "ci-operator/config/openshift/images/openshift-images-release-4.21.yaml"
MIRROR = "core-services/image-mirroring/_config.yaml"
MAISTRA = "ci-operator/config/maistra/api/maistra-api-maistra-2.6.yaml"
# The two configs that pull origin/scos-4.18:base-stream9, which IMAGES_SCOS promotes (and the
# artImages rule `origin` / `^scos.*` mirrors as well).
SCOS_CONSUMERS = [
    ("ci-operator/config/openshift/etcd/openshift-etcd-openshift-4.18__okd-scos.yaml", 6),
    (
        "ci-operator/config/operator-framework/operator-marketplace/"
        "operator-framework-operator-marketplace-release-4.18__okd-scos.yaml",
        6,
    ),
]
SCOS_ART_RULE = "- namespace: origin\n  name: ^scos.*\n"


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    copy = tmp_path / "release"
    shutil.copytree(CORPUS_RELEASE, copy)
    for path in copy.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return copy


def findings(root: Path) -> set[tuple[str, int, str]]:
    result = run_check(load_settings(root))
    return {(f.path, f.line, f.rule) for f in result.findings}


def edit(root: Path, path: str, change: Callable[[str], str]) -> str:
    """Apply `change` to a file; return the old text so the test can undo it."""
    target = root / path
    old = target.read_text()
    new = change(old)
    assert new != old, f"the fault did not change {path}"
    target.write_text(new)
    return old


def inject(
    root: Path, faults: list[tuple[str, Callable[[str], str]]], expected: set[tuple[str, int, str]]
) -> None:
    baseline = findings(root)
    originals = [(path, edit(root, path, change)) for path, change in faults]
    after = findings(root)
    assert after - baseline == expected
    assert baseline - after == set()
    for path, text in reversed(originals):
        (root / path).write_text(text)
    assert findings(root) == baseline


def _drop_promotion(text: str) -> str:
    return text.replace("promotion:\n  to:\n  - name: scos-4.18\n    namespace: origin\n", "")


def _disable_promotion(text: str) -> str:
    return text.replace(
        "  - name: scos-4.18\n    namespace: origin\n",
        "  - disabled: true\n    name: scos-4.18\n    namespace: origin\n",
    )


def _drop_art_rule(text: str) -> str:
    return text.replace(SCOS_ART_RULE, "")


def test_deleting_a_consumed_promotion_leaves_the_art_rule(tree: Path) -> None:
    inject(
        tree,
        [(IMAGES_SCOS, _drop_promotion)],
        {(path, line, "conditional-tag") for path, line in SCOS_CONSUMERS},
    )


def test_deleting_a_consumed_promotion_and_the_art_rule(tree: Path) -> None:
    inject(
        tree,
        [(IMAGES_SCOS, _drop_promotion), (MIRROR, _drop_art_rule)],
        {(path, line, "unproduced-tag") for path, line in SCOS_CONSUMERS},
    )


def test_one_character_changed_in_a_consumed_tag(tree: Path) -> None:
    inject(
        tree,
        [(MAISTRA, lambda t: t.replace('    tag: "2.6"', '    tag: "2.7"', 1))],
        {(MAISTRA, 2, "unproduced-tag")},
    )


def test_the_unproduced_message_suggests_the_tag_that_exists(tree: Path) -> None:
    edit(tree, MAISTRA, lambda t: t.replace('    tag: "2.6"', '    tag: "2.7"', 1))
    [finding] = [
        f
        for f in run_check(load_settings(tree)).findings
        if f.path == MAISTRA and f.rule == "unproduced-tag"
    ]
    assert finding.tag == "ci/maistra-builder:2.7"
    assert "quay.io/openshift/ci:ci_maistra-builder_2.7" in finding.message
    assert "Did you mean ci/maistra-builder:2." in finding.message


def test_disabling_the_only_promotion(tree: Path) -> None:
    inject(
        tree,
        [(IMAGES_SCOS, _disable_promotion), (MIRROR, _drop_art_rule)],
        {(path, line, "disabled-producer") for path, line in SCOS_CONSUMERS},
    )


def test_disabling_a_promotion_that_art_also_covers(tree: Path) -> None:
    inject(
        tree,
        [(IMAGES_SCOS, _disable_promotion)],
        {(path, line, "conditional-tag") for path, line in SCOS_CONSUMERS},
    )


def test_a_variant_repeating_a_promotion(tree: Path) -> None:
    variant = IMAGES_421.replace(".yaml", "__copy.yaml")
    baseline = findings(tree)
    text = (tree / IMAGES_421).read_text()
    (tree / variant).write_text(
        text.replace("  repo: images\n", "  repo: images\n  variant: copy\n")
    )
    after = findings(tree)
    # The copy carries its original's own findings; the fault adds one finding on each side.
    copied = {(variant, line, rule) for path, line, rule in baseline if path == IMAGES_421}
    assert after - baseline - copied == {
        (IMAGES_421, 19, "duplicate-promotion"),
        (variant, 19, "duplicate-promotion"),
    }
    (tree / variant).unlink()
    assert findings(tree) == baseline


def test_a_supplemental_target_that_a_config_promotes(tree: Path) -> None:
    def add(text: str) -> str:
        return text.replace(
            "supplementalCIImages:\n",
            "supplementalCIImages:\n  ocp/4.21:base:\n    image: quay.io/example/base:latest\n",
            1,
        )

    inject(tree, [(MIRROR, add)], {(MIRROR, 2, "supplemental-overwrites-promotion")})
