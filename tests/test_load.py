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
