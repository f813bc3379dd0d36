"""jsonschema-rs answers "valid?" for speed; python-jsonschema is the reference. They must agree
on every document we have (corpus, fixtures, examples) and on generated ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cilint.config.settings import load_settings
from cilint.inputs.discovery import discover
from cilint.inputs.kinds import Kind
from cilint.pipeline.per_file import _documents, _load
from cilint.schema.violations import Violation, _classify, fast_validator, validator, violations
from conftest import CORPUS_CITOOLS, CORPUS_RELEASE, REPO

ROOTS = [
    CORPUS_RELEASE,
    REPO / "examples" / "release",
    *sorted(p for p in (REPO / "tests" / "fixtures").glob("*/*/tree")),
]


def _documents_of(root: Path) -> list[tuple[str, object]]:
    found = []
    for item in discover(root, load_settings(root).layout).files:
        if item.kind is Kind.MAPPING:
            continue
        loaded = _load(item.kind, (root / item.path).read_bytes())
        found.extend((stem, doc.data) for doc, stem in _documents(item.kind, loaded))
    return found


def _agree(stem: str, data: object) -> bool:
    return fast_validator(stem).is_valid(data) == (not any(validator(stem).iter_errors(data)))


def _same_violations(stem: str, data: object) -> bool:
    """`violations` (python-jsonschema walking only what jsonschema-rs finds invalid) says what
    python-jsonschema walking the whole document says. As multisets: python-jsonschema visits
    additional properties in the order of a set."""

    def key(violation: Violation) -> str:
        return repr(violation)

    reference = [v for e in validator(stem).iter_errors(data) for v in _classify(e, 0, True)]
    return sorted(map(key, violations(stem, 0, data, True))) == sorted(map(key, reference))


@pytest.mark.parametrize(
    "root", [r for r in ROOTS if r.is_dir()], ids=lambda r: r.relative_to(r.parents[2]).as_posix()
)
def test_engines_agree_on_every_real_document(root: Path) -> None:
    documents = _documents_of(root)
    assert all(_agree(stem, data) for stem, data in documents)
    assert all(_same_violations(stem, data) for stem, data in documents)


def test_engines_agree_on_ci_tools_configs() -> None:
    if not CORPUS_CITOOLS.is_dir():
        pytest.skip("no shared corpus")
    from cilint.yaml.loading import load_yaml

    for path in CORPUS_CITOOLS.rglob("*.yaml"):
        for data in load_yaml(path.read_bytes()).documents:
            assert _agree("ci-operator-config", data), path


KEYS = [
    "base_images",
    "build_root",
    "tests",
    "images",
    "promotion",
    "resources",
    "as",
    "to",
    "commands",
    "container",
    "from",
    "namespace",
    "name",
    "tag",
    "items",
    "steps",
    "env",
]
values = st.recursive(
    st.one_of(
        st.text(max_size=6),
        st.integers(),
        st.booleans(),
        st.none(),
        st.floats(allow_nan=False, allow_infinity=False),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400)
@given(
    st.dictionaries(st.sampled_from(KEYS), values, max_size=6),
    st.sampled_from(
        ["ci-operator-config", "step-registry-ref", "ci-images-mirror", "image-tag-mirror-set"]
    ),
)
def test_engines_agree_on_generated_documents(document: dict, stem: str) -> None:
    assert _agree(stem, document)


BROKEN_TESTS = [
    {"as": "no-container", "commands": "make"},
    {"as": "typo", "commands": "make", "container": {"from": "src"}, "comands": "x"},
    {"as": 5, "commands": "make", "container": {"from": "src"}},
    {"as": "steps", "steps": {"test": [{"ref": 1}]}},
    {"as": "both", "commands": "make", "container": {"from": "src"}, "steps": {}},
    "not a mapping",
]
BROKEN_IMAGES = [
    {"namespace": "ocp", "name": "base"},  # no tag
    {"namespace": 4.1, "name": "base", "tag": "x"},
    {"namespace": "ocp", "name": "base", "tag": "x", "extra": True},
    [],
]


@settings(max_examples=60)
@given(
    st.lists(st.tuples(st.integers(0, 199), st.sampled_from(BROKEN_TESTS)), max_size=8),
    st.lists(st.tuples(st.integers(0, 79), st.sampled_from(BROKEN_IMAGES)), max_size=6),
    st.lists(st.sampled_from(["root", "ci-index-x", "src-bundle"]), max_size=2),
)
def test_violations_of_large_documents_are_the_whole_walks(
    tests: list[tuple[int, object]], images: list[tuple[int, object]], bad_names: list[str]
) -> None:
    """Large enough for every narrowing (items, additional properties, property names), with
    errors scattered through them."""
    config: dict[str, object] = {
        "resources": {"*": {"requests": {"cpu": "100m"}}},
        "tests": [
            {"as": f"t{n}", "commands": "make", "container": {"from": "src"}} for n in range(200)
        ],
        "base_images": {
            f"image-{n}": {"namespace": "ocp", "name": "base", "tag": str(n)} for n in range(80)
        },
    }
    for index, broken in tests:
        config["tests"][index] = broken  # type: ignore[index]
    for index, broken in images:
        config["base_images"][f"image-{index}"] = broken  # type: ignore[index]
    for name in bad_names:
        config["base_images"][name] = {"namespace": "ocp", "name": "x", "tag": "y"}  # type: ignore[index]
    assert _same_violations("ci-operator-config", config)
