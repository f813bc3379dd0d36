"""The loader reads scalars as Go's yaml.v2 does and reports bad bytes as problems."""

from __future__ import annotations

import pytest

from cilint.yaml.loading import load_yaml


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.10", 4.1),
        ('"4.10"', "4.10"),
        ("yes", True),
        ("y", True),
        ("N", False),
        ("off", False),
        ("017", 15),
        ("0x1f", 31),
        ("0b101", 5),
        ("08", 8.0),
        ("1e3", 1000.0),
        ("1_000", 1000),
        ("2025-01-01", "2025-01-01"),
        ("1:20", "1:20"),
        ("~", None),
        ("RELEASE.2025-09-07T16-13-09Z", "RELEASE.2025-09-07T16-13-09Z"),
        (".inf", float("inf")),
    ],
)
def test_scalars_follow_yaml_v2(text: str, expected: object) -> None:
    loaded = load_yaml(f"value: {text}\n".encode())
    assert loaded.problems == []
    value = loaded.documents[0]["value"]
    assert value == expected and type(value) is type(expected)


def test_non_string_keys_become_go_strings() -> None:
    loaded = load_yaml(b"1: a\non: b\n4.10: c\n")
    assert loaded.documents == [{"1": "a", "true": "b", "4.1": "c"}]


def test_duplicate_keys_are_problems_but_merge_keys_are_not() -> None:
    loaded = load_yaml(b"a: 1\nb: &x {k: 1}\nc:\n  <<: *x\n  k: 2\na: 3\n")
    assert [(p.kind, p.line, p.column, p.detail) for p in loaded.problems] == [
        ("duplicate-key", 6, 1, "a")
    ]
    assert loaded.documents[0]["a"] == 3
    assert loaded.documents[0]["c"] == {"k": 2}


def test_tab_indentation_is_a_syntax_problem_with_position() -> None:
    loaded = load_yaml(b"tests:\n- as: unit\n\tcommands: x\n")
    assert [(p.kind, p.line, p.column) for p in loaded.problems] == [("tab", 3, 1)]
    assert loaded.problems[0].stops_reading


def test_bom_is_a_warning_and_the_data_still_loads() -> None:
    loaded = load_yaml(b"\xef\xbb\xbfa: 1\n")
    assert loaded.documents == [{"a": 1}]
    assert [(p.kind, p.stops_reading) for p in loaded.problems] == [("bom", False)]


def test_invalid_utf8_is_located() -> None:
    loaded = load_yaml(b"a: 1\n# caf\xe9\n")
    assert loaded.documents == []
    assert [(p.kind, p.line, p.column, p.detail) for p in loaded.problems] == [
        ("invalid-utf8", 2, 6, "0xe9")
    ]


@pytest.mark.parametrize("content", [b"", b"# only a comment\n", b"\n\n   \n"])
def test_files_without_documents(content: bytes) -> None:
    loaded = load_yaml(content)
    assert loaded.documents == [] and loaded.problems == []


def test_null_and_multiple_documents() -> None:
    assert load_yaml(b"---\n...\n").documents == [None]
    assert load_yaml(b"a: 1\n---\nb: 2\n").documents == [{"a": 1}, {"b": 2}]


def test_deeply_nested_input_does_not_crash() -> None:
    loaded = load_yaml(b"[" * 5000 + b"]" * 5000)
    assert loaded.problems or loaded.documents


def test_locate_keys_values_and_items() -> None:
    text = b"top:\n  name: x\n  list:\n  - a\n  - {k: v}\n"
    source = load_yaml(text).source
    assert source.locate(0, ("top", "name"), "key") == (2, 3)
    assert source.locate(0, ("top", "name"), "value") == (2, 9)
    assert source.locate(0, ("top", "list", 1, "k"), "value") == (5, 9)
    assert source.locate(0, ("top", "list", 0)) == (4, 5)
    # A path into something missing points at the nearest existing parent.
    assert source.locate(0, ("top", "missing", "deeper")) == (2, 3)
    assert source.locate(0, ()) == (1, 1)


def test_control_characters_are_problems_located_in_characters() -> None:
    for allow_fast in (True, False):
        loaded = load_yaml("é: x\nb: y\x00z\n".encode(), allow_fast=allow_fast)
        assert loaded.documents == []
        assert [(p.kind, p.line, p.column, p.detail) for p in loaded.problems] == [
            ("control", 2, 5, "U+0000")
        ]


@pytest.mark.parametrize(
    ("mark", "encoding"),
    [
        (b"\xff\xfe", "UTF-16 LE"),
        (b"\xfe\xff", "UTF-16 BE"),
        (b"\xff\xfe\x00\x00", "UTF-32 LE"),
        (b"\x00\x00\xfe\xff", "UTF-32 BE"),
    ],
)
def test_other_unicode_encodings_are_named_by_their_byte_order_mark(
    mark: bytes, encoding: str
) -> None:
    loaded = load_yaml(mark + b"a\x00:\x00")
    assert [(p.kind, p.line, p.column, p.detail) for p in loaded.problems] == [
        ("other-encoding", 1, 1, encoding)
    ]


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object/apply:os.system ['true']\n", "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system\n", "!!python/name:os.system"),
        ("a: !foo bar\n", "!foo"),
        ("a: !<tag:example.com,2000:x> {}\n", "tag:example.com,2000:x"),
    ],
)
def test_unknown_tags_are_problems(text: str, tag: str) -> None:
    loaded = load_yaml(text.encode())
    assert loaded.documents == []
    assert [(p.kind, p.line, p.column, p.detail) for p in loaded.problems] == [("tag", 1, 4, tag)]


def test_aliases_within_go_limits_are_read() -> None:
    items = ", ".join(f"i{n}" for n in range(10))
    aliases = "".join("- *a\n" for _ in range(100))
    loaded = load_yaml(f"a: &a [{items}]\nb:\n{aliases}".encode())
    assert loaded.problems == []
    assert loaded.documents[0]["b"][99] == [f"i{n}" for n in range(10)]


def test_a_billion_laughs_stops_at_the_alias_go_refuses() -> None:
    lines = ["a: &a [" + ", ".join(["x"] * 10) + "]"]
    for previous, name in zip("abcd", "bcde", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    loaded = load_yaml(("\n".join(lines) + "\n").encode())
    assert loaded.documents == []
    # yaml.v2 counts 5025 nodes decoded, 4983 of them by aliases (99.2% > 99%) at the
    # third alias of line 4.
    assert [(p.kind, p.line, p.column, p.detail) for p in loaded.problems] == [
        ("excessive-aliases", 4, 16, "*c")
    ]


def test_the_alias_go_refuses_is_found_in_a_later_document() -> None:
    benign = "a: &a [x, y]\nb: [*a, *a]\n"
    lines = ["a: &a [" + ", ".join(["x"] * 10) + "]"]
    for previous, name in zip("abcd", "bcde", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    loaded = load_yaml(f"{benign}---\n".encode() + ("\n".join(lines) + "\n").encode())
    assert [(p.kind, p.line, p.column, p.detail) for p in loaded.problems] == [
        ("excessive-aliases", 7, 16, "*c")
    ]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("a: &a [x, *a]\n", 1, 11), ("a: &a {b: {c: *a}}\n", 1, 15), ("- &s\n  - *s\n", 2, 5)],
)
def test_an_alias_inside_the_node_it_names_is_a_problem(text: str, line: int, column: int) -> None:
    loaded = load_yaml(text.encode())
    assert loaded.documents == []
    assert [(p.kind, p.line, p.column) for p in loaded.problems] == [
        ("recursive-alias", line, column)
    ]
