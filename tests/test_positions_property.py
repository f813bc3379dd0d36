"""Property: every JSON path a schema error carries maps back to a line and column inside the
file, at the node the path names (not at some parent)."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cilint.schema.violations import violations
from cilint.yaml.loading import load_yaml

KNOWN_KEYS = [
    "base_images",
    "build_root",
    "tests",
    "images",
    "promotion",
    "resources",
    "as",
    "commands",
    "container",
    "from",
    "namespace",
    "name",
    "tag",
    "to",
    "items",
    "image_stream_tag",
    "steps",
    "env",
    "requests",
    "cpu",
    "releases",
    "integration",
]
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.from_regex(r"[a-z][a-z_]{1,11}", fullmatch=True))
scalars = st.one_of(
    st.text(alphabet="abcxyz-._ :/", max_size=12),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.none(),
)
documents = st.dictionaries(
    keys,
    st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)
        ),
        max_leaves=25,
    ),
    max_size=8,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.booleans())
def test_schema_error_paths_map_inside_the_file(document: dict, flow: bool) -> None:
    text = yaml.safe_dump(document, default_flow_style=flow, sort_keys=False, width=1000)
    loaded = load_yaml(text.encode())
    assert loaded.problems == []
    lines = text.splitlines()
    for violation in violations("ci-operator-config", 0, loaded.documents[0], strict=False):
        assert loaded.source.contains(0, violation.path), violation
        line, column = loaded.source.locate(0, violation.path, violation.at)
        assert 1 <= line <= len(lines), (violation, text)
        assert 1 <= column <= len(lines[line - 1]) + 1, (violation, text)
        if violation.category == "unknown-key":
            assert lines[line - 1][column - 1 :].lstrip("'\"").startswith(str(violation.key))
