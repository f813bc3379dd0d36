"""`reorder_sequence`: only the items of one sequence move; every other byte stays."""

from __future__ import annotations

from textwrap import dedent

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cilint.fix import reorder
from cilint.fix.reorder import ReorderError, reorder_sequence

CACHE = "qci-pull-through-cache-us-east-1-ci.apps.ci.l2s4.p1.openshiftapps.com/openshift/ci"
QCI = "quay.io/openshift/ci"
PROXY = "quay-proxy.ci.openshift.org/openshift/ci"
ITMS_PATH = ("spec", "imageTagMirrors", 0, "mirrors")


def _lines(*lines: str, end: str = "\n") -> str:
    return "".join(line + end for line in lines)


# --- golden examples -----------------------------------------------------------------------------


def test_block_item_keeps_its_trailing_comment() -> None:
    text = dedent(f"""\
        apiVersion: config.openshift.io/v1
        kind: ImageTagMirrorSet
        metadata:
          name: qci  # the name
        spec:
          imageTagMirrors:
          - mirrors:
            - {QCI}  # QCI itself
            - {CACHE}
            source: {PROXY}
        """)
    assert reorder_sequence(text, 0, ITMS_PATH, [CACHE, QCI]) == dedent(f"""\
        apiVersion: config.openshift.io/v1
        kind: ImageTagMirrorSet
        metadata:
          name: qci  # the name
        spec:
          imageTagMirrors:
          - mirrors:
            - {CACHE}
            - {QCI}  # QCI itself
            source: {PROXY}
        """)


def test_items_keep_their_own_quoting() -> None:
    text = dedent("""\
        spec:
          mirrors:
          - plain.example.com
          - 'single.example.com'
          - "double.example.com"
          - !!str tagged.example.com
        """)
    order = ["double.example.com", "tagged.example.com", "plain.example.com", "single.example.com"]
    assert reorder_sequence(text, 0, ("spec", "mirrors"), order) == dedent("""\
        spec:
          mirrors:
          - "double.example.com"
          - !!str tagged.example.com
          - plain.example.com
          - 'single.example.com'
        """)


def test_comment_and_blank_lines_between_items_stay_in_place() -> None:
    text = dedent("""\
        mirrors:
        - a  # first
        # a comment line between the items

        - b
            # an indented comment
        - c
        after: 1
        """)
    assert reorder_sequence(text, 0, ("mirrors",), ["c", "a", "b"]) == dedent("""\
        mirrors:
        - c
        # a comment line between the items

        - a  # first
            # an indented comment
        - b
        after: 1
        """)


def test_flow_sequence_on_one_line() -> None:
    text = "spec:\n  mirrors: [a, 'b', \"c\"]  # flow\n  source: s\n"
    expected = "spec:\n  mirrors: [\"c\", a, 'b']  # flow\n  source: s\n"
    assert reorder_sequence(text, 0, ("spec", "mirrors"), ["c", "a", "b"]) == expected


def test_flow_sequence_with_odd_spacing() -> None:
    text = "m: [ x ,y,  'z z'  ]\n"
    assert reorder_sequence(text, 0, ("m",), ["z z", "x", "y"]) == "m: [ 'z z' ,x,  y  ]\n"


def test_only_the_second_document_changes() -> None:
    first = dedent("""\
        # first document
        spec:
          mirrors:
          - b
          - a
        """)
    second = dedent("""\
        spec:
          mirrors:
          - b  # b
          - a
        """)
    text = first + "---\n" + second + "...\n"
    result = reorder_sequence(text, 1, ("spec", "mirrors"), ["a", "b"])
    assert result == first + "---\nspec:\n  mirrors:\n  - a\n  - b  # b\n...\n"


def test_kind_list_path() -> None:
    text = dedent(f"""\
        apiVersion: v1
        kind: List
        items:
        - apiVersion: config.openshift.io/v1
          kind: ImageTagMirrorSet
          spec:
            imageTagMirrors:
            - mirrors:
              - {QCI}
              - {CACHE}
              source: {PROXY}
        - apiVersion: config.openshift.io/v1
          kind: ImageDigestMirrorSet
          spec:
            imageDigestMirrors:
            - source: {PROXY}
              mirrors:
              - {QCI}
              - "{CACHE}"
        """)
    path = ("items", 1, "spec", "imageDigestMirrors", 0, "mirrors")
    result = reorder_sequence(text, 0, path, [CACHE, QCI])
    assert result == text.replace(
        f'      - {QCI}\n      - "{CACHE}"\n', f'      - "{CACHE}"\n      - {QCI}\n'
    )
    assert result.count(f"- {QCI}\n") == 2  # the first list is untouched


def test_sequence_at_the_key_indentation_and_nested_compactly() -> None:
    text = "outer:\n- - b\n  - a\n- [d, c]\n"
    once = reorder_sequence(text, 0, ("outer", 0), ["a", "b"])
    assert once == "outer:\n- - a\n  - b\n- [d, c]\n"
    assert reorder_sequence(once, 0, ("outer", 1), ["c", "d"]) == "outer:\n- - a\n  - b\n- [c, d]\n"


def test_root_sequence() -> None:
    assert reorder_sequence("- b\n- a\n", 0, (), ["a", "b"]) == "- a\n- b\n"


def test_crlf_line_endings_are_kept() -> None:
    text = _lines(
        "spec:", "  mirrors:", "  - b  # c", "  # between", "  - a", "x: [q, p]", end="\r\n"
    )
    result = reorder_sequence(text, 0, ("spec", "mirrors"), ["a", "b"])
    assert result == _lines(
        "spec:", "  mirrors:", "  - a", "  # between", "  - b  # c", "x: [q, p]", end="\r\n"
    )
    assert reorder_sequence(result, 0, ("x",), ["p", "q"]).endswith("x: [p, q]\r\n")


def test_missing_final_newline_is_kept() -> None:
    assert reorder_sequence("m:\n- b\n- a", 0, ("m",), ["a", "b"]) == "m:\n- a\n- b"
    assert reorder_sequence("m:\n- b\n- a  # c", 0, ("m",), ["a", "b"]) == "m:\n- a  # c\n- b"
    assert reorder_sequence("m: [b, a]", 0, ("m",), ["a", "b"]) == "m: [a, b]"


def test_byte_order_mark_is_kept() -> None:
    text = "\ufeffm: [b, a]\r\nn:\r\n- d\r\n- c\r\n"
    assert (
        reorder_sequence(text, 0, ("m",), ["a", "b"]) == "\ufeffm: [a, b]\r\nn:\r\n- d\r\n- c\r\n"
    )
    assert (
        reorder_sequence(text, 0, ("n",), ["c", "d"]) == "\ufeffm: [b, a]\r\nn:\r\n- c\r\n- d\r\n"
    )


def test_equal_values_keep_their_relative_order() -> None:
    text = "m:\n- x  # 1\n- y\n- x  # 2\n"
    assert reorder_sequence(text, 0, ("m",), ["y", "x", "x"]) == "m:\n- y\n- x  # 1\n- x  # 2\n"


@pytest.mark.parametrize(
    "text",
    ["m:\n- a\n- b\n", "m: [a, b]\n", "m:\n- |\n  a\n- b\n", "m: [a,\n  b]\n", "m: &x [a, b]\n"],
)
def test_identity_when_already_in_order(text: str) -> None:
    values = yaml.safe_load(text)["m"]
    assert reorder_sequence(text, 0, ("m",), values) == text


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "document", "path", "order", "message"),
    [
        pytest.param("m: [a, b]\n", 0, ("n",), ["b", "a"], "has no key 'n'", id="missing-key"),
        pytest.param("m: [a, b]\n", 0, ("m", 2), ["b", "a"], "no index 2", id="index-out-of-range"),
        pytest.param("m: [a, b]\n", 0, ("m", "x"), ["b", "a"], "no index 'x'", id="key-in-list"),
        pytest.param("m: {a: 1}\n", 0, ("m",), [], "is a mapping, not a sequence", id="mapping"),
        pytest.param("m: a\n", 0, ("m",), ["a"], "is a string, not a sequence", id="string"),
        pytest.param("m: a\n", 0, ("m", "k"), ["a"], "not a mapping or a sequence", id="in-string"),
        pytest.param("m:\n- a: 1\n- b\n", 0, ("m",), [], "item 0 is a mapping", id="mapping-item"),
        pytest.param("m: [[a], b]\n", 0, ("m",), [], "item 0 is a sequence", id="list-item"),
        pytest.param("m: [1, b]\n", 0, ("m",), ["b", "1"], "item 0 is an integer", id="int-item"),
        pytest.param("m:\n- a\n-\n", 0, ("m",), ["a"], "item 1 is null", id="null-item"),
        pytest.param("m: [!x a, b]\n", 0, ("m",), ["b", "a"], "tagged !x", id="custom-tag"),
        pytest.param("m: [a, b]\n", 0, ("m",), ["a"], "not a permutation", id="missing-value"),
        pytest.param("m: [a, b]\n", 0, ("m",), ["a", "b", "c"], "not a permutation", id="extra"),
        pytest.param("m: [a, b]\n", 0, ("m",), ["a", "a"], "not a permutation", id="duplicated"),
        pytest.param("m: [a, b]\n", 0, ("m",), ["b", 1], "not strings", id="non-string-order"),
        pytest.param(
            "m:\n- |\n  a\n- b\n", 0, ("m",), ["b", "a\n"], "block scalar", id="block-scalar"
        ),
        pytest.param(
            "m:\n- a\n  c\n- b\n", 0, ("m",), ["b", "a c"], "spans lines 2-3", id="multiline-plain"
        ),
        pytest.param(
            "m:\n- b\n- 'a\n  c'\n", 0, ("m",), ["a c", "b"], "item 1 spans", id="multiline-quoted"
        ),
        pytest.param(
            "m: [a,\n  b]\n", 0, ("m",), ["b", "a"], "flow sequence spans", id="multiline-flow"
        ),
        pytest.param("m: [a, b]\n", 1, ("m",), ["b", "a"], "document 1 does not", id="no-document"),
        pytest.param("m: [a, b]\n", -1, ("m",), ["b", "a"], "document -1 does not", id="negative"),
        pytest.param("", 0, (), [], "has 0 documents", id="empty-text"),
        pytest.param("m: [a, b\n", 0, ("m",), ["b", "a"], "does not parse", id="syntax"),
        pytest.param("m: [a]\nm: [b]\n", 0, ("m",), ["a"], "does not parse", id="duplicate-key"),
        pytest.param(
            "m: &l [a, b]\nn: *l\n", 0, ("n",), ["b", "a"], "alias or merge", id="aliased-list"
        ),
        pytest.param(
            "b: &b\n  m: [a, b]\nc:\n  <<: *b\n",
            0,
            ("c", "m"),
            ["b", "a"],
            "alias or merge",
            id="merged-list",
        ),
        pytest.param(
            "m:\n- &a a\n- b\n- *a\n", 0, ("m",), ["b", "a", "a"], "YAML alias", id="alias-item"
        ),
    ],
)
def test_refusals(
    text: str, document: int, path: tuple[str | int, ...], order: list[str], message: str
) -> None:
    with pytest.raises(ReorderError, match=message):
        reorder_sequence(text, document, path, order)


def test_reorder_error_is_a_value_error() -> None:
    assert issubclass(ReorderError, ValueError)


def test_a_wrong_edit_is_caught_by_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_splice(text: str, spans: list[object], pieces: list[str]) -> str:
        return text.replace("other: 1", "other: 2").replace("- b\n- a", "- a\n- b")

    monkeypatch.setattr(reorder, "_splice", broken_splice)
    with pytest.raises(ReorderError, match="change other data"):
        reorder_sequence("m:\n- b\n- a\nother: 1\n", 0, ("m",), ["a", "b"])


def test_an_edit_that_breaks_the_yaml_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reorder, "_splice", lambda text, spans, pieces: text + "]\n")
    with pytest.raises(ReorderError, match="does not read back"):
        reorder_sequence("m:\n- b\n- a\n", 0, ("m",), ["a", "b"])


# --- property ------------------------------------------------------------------------------------


def _plain_safe(value: str) -> bool:
    """Whether `value` reads back as this very string when written plain."""
    try:
        return yaml.safe_load(value) == value
    except yaml.YAMLError:
        return False


values = st.lists(
    st.from_regex(r"[a-z][a-z0-9./-]{0,15}", fullmatch=True).filter(_plain_safe),
    min_size=1,
    max_size=6,
    unique=True,
)


@given(st.data())
def test_reordering_moves_only_the_item_lines(data: st.DataObject) -> None:
    items = data.draw(values, label="items")
    depth = data.draw(st.integers(min_value=1, max_value=3), label="depth")
    dash_offset = data.draw(st.sampled_from([0, 2, 4]), label="dash offset")
    newline = data.draw(st.sampled_from(["\n", "\r\n"]), label="newline")
    final_newline = data.draw(st.booleans(), label="final newline")

    keys = [f"level{level}" for level in range(depth - 1)] + ["mirrors"]
    lines = ["# header", "kind: Thing"]
    lines += [f"{'  ' * level}{key}:" for level, key in enumerate(keys)]
    dash = " " * (2 * (depth - 1) + dash_offset) + "- "
    item_lines: list[int] = []
    for index, item in enumerate(items):
        if index:
            gap = data.draw(st.sampled_from(["", "", "# between", "  # indented between"]))
            if gap:
                lines.append(gap)
        quote = data.draw(st.sampled_from(["", "'", '"']), label="quote")
        comment = data.draw(st.sampled_from(["", "  # note", " #"]), label="comment")
        item_lines.append(len(lines))
        lines.append(f"{dash}{quote}{item}{quote}{comment}")
    lines += [f"{'  ' * (depth - 1)}source: x", "after: [1, 2]"]
    text = newline.join(lines) + (newline if final_newline else "")

    order = data.draw(st.permutations(items), label="order")
    result = reorder_sequence(text, 0, tuple(keys), list(order))

    loaded = yaml.safe_load(result)
    for key in keys:
        loaded = loaded[key]
    assert loaded == list(order)
    assert reorder_sequence(result, 0, tuple(keys), items) == text

    before, after = text.splitlines(keepends=True), result.splitlines(keepends=True)
    assert len(before) == len(after)
    for number, (old, new) in enumerate(zip(before, after, strict=True)):
        if number in item_lines:
            assert new.startswith(dash)
            assert new.endswith(newline) == old.endswith(newline)
        else:
            assert new == old
    moved = sorted(after[number].rstrip("\r\n") for number in item_lines)
    assert moved == sorted(before[number].rstrip("\r\n") for number in item_lines)
