"""The yaml-rs fast path reads exactly what libyaml with Go's YAML 1.1 rules reads, or steps
aside: compared on every real file and on generated YAML full of 1.1/1.2 traps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cilint.yaml.fast_path import fast_documents, has_alias_trap, has_source_trap
from cilint.yaml.loading import load_yaml
from conftest import REPO, SHARED, same_data


def _files() -> list[Path]:
    roots = [SHARED / "corpus", REPO / "examples", REPO / "tests" / "fixtures"]
    return sorted(
        p
        for r in roots
        if r.is_dir()
        for p in r.rglob("*")
        if p.suffix in (".yaml", ".yml", ".json")
    )


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_fast_path_matches_libyaml_on_real_files(path: Path) -> None:
    content = path.read_bytes()
    fast, reference = load_yaml(content), load_yaml(content, allow_fast=False)
    assert same_data(fast.documents, reference.documents)
    assert [p.kind for p in fast.problems] == [p.kind for p in reference.problems]


def test_most_real_configs_take_the_fast_path() -> None:
    configs = [p for p in _files() if "ci-operator/config" in p.as_posix()]
    fast = [p for p in configs if fast_documents(p.read_bytes()) is not None]
    assert len(fast) > 0.5 * len(configs)


TRAPS = [
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "017",
    "08",
    "0b11",
    "1_000",
    "0x1F",
    "0o17",
    "4.10",
    "1e3",
    ".inf",
    "~",
    "null",
    "2025-01-02",
    "12:30",
    "true",
    "abc",
    "'yes'",
    '"017"',
    "-",
    "1.0",
    "+5",
    "<<",
    "!!str 5",
    "Y",
]
keys = st.sampled_from(["a", "b", "on", "y", "1", "4.10", "tag", "name"])
scalars = st.sampled_from(TRAPS)
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3),
        st.dictionaries(keys, inner, min_size=1, max_size=3),
    ),
    max_leaves=12,
)


def _render(node: object, indent: int = 0) -> str:
    pad = " " * indent
    if isinstance(node, dict):
        out = ""
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                out += f"{pad}{key}:\n{_render(value, indent + 2)}"
            else:
                out += f"{pad}{key}: {value}\n"
        return out
    if isinstance(node, list):
        out = ""
        for value in node:
            if isinstance(value, (dict, list)):
                out += f"{pad}-\n{_render(value, indent + 2)}"
            else:
                out += f"{pad}- {value}\n"
        return out
    return f"{pad}{node}\n"


@settings(max_examples=500)
@given(st.dictionaries(keys, trees, min_size=1, max_size=4))
def test_fast_path_matches_libyaml_on_generated_yaml(document: dict) -> None:
    content = _render(document).encode()
    fast, reference = load_yaml(content), load_yaml(content, allow_fast=False)
    assert same_data(fast.documents, reference.documents), content.decode()
    assert [p.kind for p in fast.problems] == [p.kind for p in reference.problems]


def test_the_reference_still_reads_yaml_1_1() -> None:
    assert yaml.__with_libyaml__
    assert load_yaml(b"a: yes\nb: 017\n").documents == [{"a": True, "b": 15}]


# The definition of a source trap, as one regular expression; `has_source_trap` must agree.
_SOURCE_TRAPS = re.compile(rb"(?:^|[\s\[{,:?-])(?:[-+]?0(?:[0-9_]|b[01])|!)")


@settings(max_examples=800, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"0",
                b"1",
                b"7",
                b"_",
                b"b",
                b"!",
                b"+",
                b"-",
                b" ",
                b"\t",
                b"\n",
                b"[",
                b"{",
                b",",
                b":",
                b"?",
                b"a",
                b"x",
                b".",
                b"\r",
                b"\x0b",
                b"\x0c",
                b"00",
                b"0b1",
            ]
        ),
        max_size=12,
    ).map(b"".join)
)
def test_source_trap_scan_matches_its_regex(content: bytes) -> None:
    assert has_source_trap(content) == bool(_SOURCE_TRAPS.search(content))


def test_source_trap_scan_matches_its_regex_on_real_files() -> None:
    for path in _files():
        content = path.read_bytes()
        assert has_source_trap(content) == bool(_SOURCE_TRAPS.search(content)), path


# The definition of an alias trap: an alias and an anchor, each at the start of a token and
# followed by a name; `has_alias_trap` must agree.
_ALIAS = re.compile(rb"(?:^|[\s\[{,:?-])\*[^\s,\[\]{}]")
_ANCHOR = re.compile(rb"(?:^|[\s\[{,:?-])&[^\s,\[\]{}]")


@settings(max_examples=800, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [b"*", b"&", b"a", b" ", b"\n", b"\t", b"[", b"]", b"{", b",", b":", b"-", b".", b"&&"]
        ),
        max_size=12,
    ).map(b"".join)
)
def test_alias_trap_scan_matches_its_regex(content: bytes) -> None:
    expected = bool(_ALIAS.search(content)) and bool(_ANCHOR.search(content))
    assert has_alias_trap(content) == expected


def test_alias_trap_scan_matches_its_regex_on_real_files() -> None:
    for path in _files():
        content = path.read_bytes()
        expected = bool(_ALIAS.search(content)) and bool(_ANCHOR.search(content))
        assert has_alias_trap(content) == expected, path


@pytest.mark.parametrize(
    "content",
    [
        b"a: x\x00y\n",  # yaml-rs cuts the string at the NUL
        b"a: x\x1b[0m\n",
        b"a: x\x7f\n",
        "a: x\u0085y\n".encode(),  # NEL: a line break to YAML 1.1
        "a: x\u2028y\n".encode(),
        b"# \x01\na: 1\n",
        b"a: &a [1]\nb: &b [*b]\n",  # yaml-rs reads the recursive alias as null
        b"a: &a [1]\nb: *a\n",
        b"a: " + b"x" * 2048 + b"\n",  # a line long enough to hide deep nesting
        # found by tests/test_fuzz.py, where yaml-rs read otherwise than libyaml:
        b"build_root:\n \timage_stream_tag: {}\n",  # a tab in indentation: read, not refused
        b"a: b\n\xef\xbb\xbfc: d\n",  # a byte-order mark inside: read as part of the key
        b"tests:\n- commands: |\n    make test",  # no line break at the end: "make test\n"
        b"- |\n  x\n  ",
        b"tests:\n- commands: |\n",  # an empty block scalar last: "\n", not ""
        b"a: > # folded\n\n",
        b"a: {b: {c: 1},\n d\n e: 2}\n",  # the outer mapping stays open past its line
    ],
)
def test_the_fast_path_leaves_these_to_libyaml(content: bytes) -> None:
    assert fast_documents(content) is None
    fast, reference = load_yaml(content), load_yaml(content, allow_fast=False)
    assert same_data(fast.documents, reference.documents)
    assert fast.problems == reference.problems


@pytest.mark.parametrize(
    "content",
    [
        b"a: {}\nb: {c: 1, d: [2]}\n",  # flow mappings closed on their line
        b'a: |\n  echo \'{"k": "v"}\'\n  f() { :; }\n',  # braces in a script, closed
        b"a: b\nc: d",  # no line break at the end, and no block scalar to end
    ],
)
def test_the_fast_path_keeps_these(content: bytes) -> None:
    assert fast_documents(content) is not None
    fast, reference = load_yaml(content), load_yaml(content, allow_fast=False)
    assert same_data(fast.documents, reference.documents)
