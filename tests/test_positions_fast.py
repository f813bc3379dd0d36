"""The text-only position finder (`BlockText`) answers exactly as the composed libyaml nodes do:
for every key and value of every YAML file of the corpora, for paths that do not exist, and for
generated documents full of the constructs it must recognise and turn away."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
import yaml_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cilint.yaml.block_text import BlockText
from cilint.yaml.json_path import JsonPath
from cilint.yaml.source_map import SourceMap, _child, _compose_all
from conftest import CORPUS_CITOOLS, CORPUS_RELEASE, REPO, SHARED


def node_paths(node: yaml.Node, prefix: JsonPath = ()) -> Iterator[JsonPath]:
    """Every path into `node`, and one step past each end (which must stop at the parent)."""
    yield prefix
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield from node_paths(value, (*prefix, key.value))
                yield (*prefix, key.value, "no-such-key")
        yield (*prefix, "no-such-key")
        yield (*prefix, 0)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            yield from node_paths(value, (*prefix, index))
        yield (*prefix, len(node.value))
        yield (*prefix, "0")
        yield (*prefix, -1)
    else:
        yield (*prefix, "x")
        yield (*prefix, 0)


def assert_same_positions(content: bytes) -> bool:
    """Compare the fast answers with the composed nodes'; True when the fast path took the file."""
    nodes = _compose_all(content)
    composed = SourceMap(nodes)
    fast = SourceMap(content=content)
    paths = [path for node in nodes for path in node_paths(node)] or [(), ("a",), (0,)]
    for path in paths:
        for at in ("key", "value"):
            for document in (0, 1):
                expected = composed.locate(document, path, at)
                assert fast.locate(document, path, at) == expected, (path, at, document)
    return BlockText.read(content) is not None


def yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


CORPORA = [
    pytest.param(CORPUS_RELEASE, id="openshift-release"),
    pytest.param(CORPUS_CITOOLS, id="ci-tools-testdata"),
    pytest.param(REPO / "examples" / "release", id="examples"),
    pytest.param(REPO / "tests" / "fixtures", id="fixtures"),
]


@pytest.mark.parametrize("root", CORPORA)
def test_every_path_of_the_corpus_is_located_as_the_nodes_do(root: Path) -> None:
    if not root.is_dir():
        pytest.skip(f"{root} is absent (the shared corpus is not at {SHARED}: set CILINT_SHARED)")
    files = yaml_files(root)
    taken = [path for path in files if assert_same_positions(path.read_bytes())]
    assert len(taken) >= len(files) // 2, "the fast path should take most real files"


def test_the_fast_path_turns_away_what_it_cannot_read() -> None:
    for text in (
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # tags
        "a: [1,\n  2]\n",  # flow collections
        'a: "one\n  two"\n',  # multi-line quoted scalars
        "? a\n: 1\n",  # complex keys
        "a: 1\n---\nb: 2\n",  # several documents
        "a:\n\tb: 1\n",  # tabs
        "a: 1\r\nb: 2\r\n",  # other line breaks
        "a: 1\nb: [\n",  # a syntax error
        "# only a comment\n",  # no document
        '"\\x61": 1\n',  # an escaped key
        "a : 1\n",  # a key with a space before ':'
    ):
        assert BlockText.read(text.encode()) is None, text
        assert_same_positions(text.encode())


def test_a_block_style_file_is_taken() -> None:
    text = "a:\n  b: 1\n  c: |\n    x\n    y: z\nd:\n- 1\n- e: 2\n  f:\n  - g\n'h': ''\n"
    assert assert_same_positions(text.encode())


# Generated documents: block style, rendered line by line with randomly chosen spellings, so that
# most are in the fast path's subset and some are not.
KEYS = st.sampled_from(
    ["a", "b", "as", "name", "'*'", "'it''s'", '"q"', '"e\\x61"', "a:b", "k k", "-k", "0", "a #"]
)
PLAIN_VALUES = st.sampled_from(
    ["1", "x y", "-1", "a:b", "a # c", "''", '"s"', '"x\\ny"', "[]", "{}", "[1, 2]", "~", "&a 1"]
)


@st.composite
def documents(draw: st.DrawFn, depth: int = 0) -> object:
    if depth >= 3 or draw(st.integers(0, 3)) == 0:
        return draw(PLAIN_VALUES)
    if draw(st.booleans()):
        return [(draw(KEYS), draw(documents(depth + 1))) for _ in range(draw(st.integers(0, 4)))]
    return [draw(documents(depth + 1)) for _ in range(draw(st.integers(0, 3)))]


def render(node: object, indent: int, data: st.DataObject) -> list[str]:
    """Lines of `node` (a list of (key, value) pairs is a mapping, a list a sequence)."""
    pad = " " * indent
    if not isinstance(node, list) or not node:
        return [pad + (node if isinstance(node, str) else "[]")]
    lines: list[str] = []
    mapping = isinstance(node[0], tuple)
    for entry in node:
        key, value = entry if mapping else (None, entry)
        head = f"{pad}{key}:" if mapping else f"{pad}-"
        if data.draw(st.integers(0, 5)) == 0:
            lines.append(pad + data.draw(st.sampled_from(["# note", "", "   ", "#: x"])))
        if isinstance(value, list) and value:
            nested = indent + data.draw(st.sampled_from([0, 1, 2, 4]) if mapping else st.just(2))
            if not mapping and data.draw(st.booleans()):  # `- key: value` on the dash line
                body = render(value, indent + 2, data)
                lines.append(head + " " + body[0].lstrip(" "))
                lines.extend(body[1:])
            else:
                lines.append(head)
                lines.extend(render(value, nested, data))
        elif data.draw(st.integers(0, 4)) == 0:
            scalar = data.draw(st.sampled_from(["|", ">-", "|+", "|2"]))
            lines.append(f"{head} {scalar}")
            width = data.draw(st.sampled_from([1, 2, 3, 4]))
            for text in data.draw(st.lists(st.sampled_from(["x", "", "y: z", "# c", " w"]))):
                lines.append(" " * (indent + width) + text if text else "")
        elif data.draw(st.integers(0, 6)) == 0:
            lines.append(head)  # an empty value
        elif data.draw(st.integers(0, 6)) == 0:
            lines.append(head + " first line")  # a multi-line plain scalar
            lines.append(" " * (indent + data.draw(st.sampled_from([0, 1, 3]))) + "second")
        else:
            lines.append(f"{head} {value if isinstance(value, str) else '[]'}")
    return lines


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.data())
def test_generated_documents_are_located_as_the_nodes_do(
    document: object, data: st.DataObject
) -> None:
    lines = render(document, data.draw(st.sampled_from([0, 0, 2])), data)
    if data.draw(st.integers(0, 4)) == 0:  # an occasional stray edit
        index = data.draw(st.integers(0, len(lines) - 1))
        lines[index] = data.draw(st.sampled_from(["---", "\t" + lines[index], lines[index] + ":"]))
    ending = data.draw(st.sampled_from(["\n", ""]))
    assert_same_positions(("\n".join(lines) + ending).encode())


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.data())
def test_in_the_subset_what_yaml_rs_reads_libyaml_reads(
    document: object, data: st.DataObject
) -> None:
    """`BlockText.read(content, parses=True)` skips libyaml's check when this run's analysis
    parsed the file, maybe with yaml-rs: in the subset, yaml-rs accepting a file must mean
    libyaml accepts it, so both ways give the same reader."""
    lines = render(document, data.draw(st.sampled_from([0, 0, 2])), data)
    if data.draw(st.integers(0, 3)) == 0:  # a stray edit, to reach files libyaml refuses
        index = data.draw(st.integers(0, len(lines) - 1))
        lines[index] = data.draw(
            st.sampled_from([" " + lines[index], lines[index] + ":", lines[index] + " x: y"])
        )
    content = ("\n".join(lines) + "\n").encode()
    try:
        yaml_rs.loads(content.decode())
    except yaml_rs.YAMLDecodeError:
        return  # the analysis would not have taken this file's facts from yaml-rs
    trusted = BlockText.read(content, parses=True)
    checked = BlockText.read(content)
    assert (trusted is None) == (checked is None), content


def _walked(node: yaml.Node, path: JsonPath, at: str) -> tuple[int, int]:
    """`SourceMap.locate` of one document, walked afresh with `_child` (no index)."""
    mark = node.start_mark
    for step in path:
        key, value = _child(node, step)
        if value is None:
            break
        mark = key.start_mark if at == "key" and key is not None else value.start_mark
        node = value
    return (mark.line + 1, mark.column + 1)


def test_many_lookups_in_large_collections_answer_as_a_fresh_walk() -> None:
    """The indexes built once a file has been asked for many positions (a config with
    thousands of findings) answer as the first lookups do: keys repeated, quoted, missing."""
    keys = "".join(f"k{n}: {n}\n" for n in range(60)) + "'k7': again\nk30:\n  deep: x\n"
    items = "".join(f"- as: t{n}\n  commands: make\n" for n in range(60))
    content = f"top:\n  {keys.replace(chr(10), chr(10) + '  ').rstrip()}\nlist:\n{items}".encode()
    nodes = _compose_all(content)
    paths: list[JsonPath] = [("top", f"k{n}") for n in (*range(60), 99)]
    paths += [("top", "k30", "deep"), *(("list", n, "as") for n in range(61))]
    paths += [("list", n, "commands") for n in range(0, 60, 7)]
    for source in (SourceMap(nodes), SourceMap(content=content)):
        for path in paths * 2:
            for at in ("key", "value"):
                assert source.locate(0, path, at) == _walked(nodes[0], path, at), (path, at)
    assert BlockText.read(content) is not None
