"""Property: every JSON path a schema error carries maps back to a line and column inside the
file, at the node the path names (not at some parent)."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cilint.schema.violations import violations
from cilint.yaml.json_path import JsonPath
from cilint.yaml.loading import load_yaml
from cilint.yaml.source_map import SourceMap, _child

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


def node_at(source: SourceMap, document: int, path: JsonPath) -> yaml.Node | None:
    """The composed node `path` leads to in `document`, walked as `SourceMap.locate` walks it;
    None when some step names nothing (`locate` would stop at a parent)."""
    if document >= len(source.nodes):
        return None
    node: yaml.Node | None = source.nodes[document]
    for step in path:
        _, node = _child(node, step)
        if node is None:
            return None
    return node


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
        node = node_at(loaded.source, 0, violation.path)
        assert node is not None, violation
        mark = node.start_mark
        assert loaded.source.locate(0, violation.path) == (mark.line + 1, mark.column + 1)
        line, column = loaded.source.locate(0, violation.path, violation.at)
        assert 1 <= line <= len(lines), (violation, text)
        assert 1 <= column <= len(lines[line - 1]) + 1, (violation, text)
        if violation.category == "unknown-key":
            assert lines[line - 1][column - 1 :].lstrip("'\"").startswith(str(violation.key))
