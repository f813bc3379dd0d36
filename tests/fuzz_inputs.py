"""What tests/test_fuzz.py feeds cilint: the real files of openshift/release (the shared corpus)
and of examples/release, each at the path its kind lives at, and hypothesis strategies that
change them with their structure in mind (a key deleted or repeated, a value of another type,
an entry twice, odd unicode in a scalar) or byte by byte (truncated, spliced, re-indented,
arbitrary bytes).

Structural changes are made in the file's own text, at the places the YAML composer marks, so
that everything else (comments, suppression comments, quoting, key order) stays as it was.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from hypothesis import strategies as st

from cilint.config.settings import load_settings
from cilint.inputs.discovery import classify_path
from conftest import CORPUS_RELEASE, REPO

EXAMPLES = REPO / "examples" / "release"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Source(NamedTuple):
    path: str  # root-relative, where a tree holds a file of its kind
    content: bytes


def _sources(root: Path) -> list[Source]:
    if not root.is_dir():
        return []
    layout = load_settings(root).layout
    return [
        Source(relative, path.read_bytes())
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and classify_path(layout, relative := path.relative_to(root).as_posix()) is not None
    ]


SOURCES = _sources(CORPUS_RELEASE) + _sources(EXAMPLES)

# Files that are well formed, one or two of each kind: the tree every input is placed in.
GOOD = (
    "ci-operator/config/acme/widget/acme-widget-main.yaml",
    "ci-operator/step-registry/acme/unit/acme-unit-ref.yaml",
    "ci-operator/step-registry/acme/unit/acme-unit-commands.sh",
    "core-services/image-mirroring/_config.yaml",
    "core-services/release-controller/_releases/release-acme-1.0.json",
    "clusters/build-clusters/common/qci-image_mirror.yaml",
)


def _parts(sources: list[Source]) -> tuple[list[str], list[str]]:
    """The keys of every mapping of the real files, and their values written in flow style
    (at most a few hundred characters): what a value can be swapped with and a key renamed to."""
    keys: set[str] = set()
    values: set[str] = set()
    for source in sources:
        try:
            todo = [d for d in yaml.load_all(source.content, Loader=_LOADER) if d is not None]
        except (yaml.YAMLError, ValueError, RecursionError):
            continue
        while todo:
            data = todo.pop()
            if isinstance(data, dict):
                keys.update(str(k) for k in data)
                todo.extend(data.values())
            elif isinstance(data, list):
                todo.extend(data)
            written = yaml.safe_dump(data, default_flow_style=True, width=10**6).strip()
            if len(written) <= 300:
                values.add(written.removesuffix("\n...").strip())
    return sorted(keys), sorted(values)


KEYS, SUBTREES = _parts(SOURCES)

# -- what is inserted ----------------------------------------------------------------------

ODD_TEXT = [
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "e\u0301",  # a combining accent
    "\u0301",  # a combining accent on nothing
    "\U0001f600",  # astral plane
    "\U000e0001",  # a language tag, astral and invisible
    "\ud800",  # a lone surrogate: written out, it is not UTF-8
    "\x00",
    "\x1b[31m",  # a terminal escape
    "\r",
    "\x85",  # NEL, a YAML 1.1 line break
    "\u2028",  # line separator, another
    "\x0c",  # form feed: a line break to str.splitlines, not to YAML
    "\t",
    "\ufeff",  # a byte-order mark inside the text
    "\ufffe",
    "&a ",
    "*a",
    "!!python/object/apply:os.system ['true'] ",
    "!custom ",
    "<<: *a",
    "{",
    "[",
    "- ",
    ": ",
    "? ",
    "'",
    '"',
    "# cilint: ignore[",
    " # cilint: ignore[schema] fuzz",
    "#",
    "%YAML 1.1\n---\n",
    "---\n",
    "...\n",
]
# Escapes a double-quoted scalar may hold: surrogates, NUL, YAML's own line breaks, out of range.
ESCAPES = [
    "\\ud800",
    "\\udfff",
    "\\uD83D\\uDE00",
    "\\U0001F600",
    "\\U0010FFFF",
    "\\U00110000",
    "\\x00",
    "\\0",
    "\\N",
    "\\L",
    "\\P",
    "\\_",
    "\\e",
    "\\",
]
# Values of every type, written as YAML (flow style, so they fit where a value was).
VALUES = st.one_of(
    st.sampled_from(["null", "~", "", "true", "yes", "off", "0", "-1", "0x1F", "0o17", "1e3"]),
    st.sampled_from([".inf", "-.nan", "3.4028235677973366e+38", "2006-01-02", "12:30:45"]),
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["[]", "{}", "[a, 1, null]", "{a: 1, b: [x]}", "[[[]]]", "{? a}"]),
    st.lists(st.sampled_from(ESCAPES + ["a", " ", "é", "\\t"]), max_size=4).map(
        lambda parts: '"' + "".join(parts) + '"'
    ),
    st.text(max_size=12).map(lambda t: "'" + t.replace("'", "''") + "'"),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=12),
    st.sampled_from(SUBTREES),  # a value of a real file, anywhere: types as real as they come
)


# -- the places a file's composed YAML marks -------------------------------------------------


class Place(NamedTuple):
    start: int  # character indexes into the decoded text
    end: int
    what: str  # "pair" (a key and its value), "key", "value", "item" or "scalar"


def places(text: str) -> list[Place]:
    """Every key/value pair, value, sequence item and scalar of `text`; [] when it does not
    compose (an earlier change broke it, or it is not YAML)."""
    try:
        roots = list(yaml.compose_all(text, Loader=_LOADER))
    except (yaml.YAMLError, ValueError, RecursionError):
        return []
    found: list[Place] = []
    todo: list[Any] = [r for r in roots if r is not None]
    while todo and len(found) < 5000:
        node = todo.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                found.append(Place(key.start_mark.index, value.end_mark.index, "pair"))
                found.append(Place(key.start_mark.index, key.end_mark.index, "key"))
                found.append(Place(value.start_mark.index, value.end_mark.index, "value"))
                todo.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                found.append(Place(item.start_mark.index, item.end_mark.index, "item"))
                todo.append(item)
        else:
            found.append(Place(node.start_mark.index, node.end_mark.index, "scalar"))
    return found


def _lines_of(text: str, place: Place) -> tuple[int, int]:
    """The whole lines `place` lies on, as (start, end) indexes; `end` after the newline."""
    start = text.rfind("\n", 0, place.start) + 1
    last = place.end - 1 if place.end > place.start and text[place.end - 1] == "\n" else place.end
    newline = text.find("\n", last)
    return start, len(text) if newline < 0 else newline + 1


# -- the changes ---------------------------------------------------------------------------


def _decoded(content: bytes) -> str:
    return content.decode("utf-8", "surrogateescape")


def _encoded(text: str) -> bytes:
    # surrogateescape gives back the bytes that were not UTF-8; a surrogate inserted on purpose
    # is written as its three bytes (invalid UTF-8, as an editor could save it).
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


STRUCTURAL = ["delete", "swap-type", "duplicate", "insert-in-scalar", "retype-scalar", "rename-key"]
_ONLY = {"retype-scalar": "scalar", "rename-key": "key"}  # the places these change
TEXTUAL = ["insert", "truncate", "splice", "indent-line", "reindent", "bytes", "repeat-line"]


@st.composite
def changed(draw: st.DrawFn, source: bytes) -> bytes:
    """`source` after one to three changes; a structural one falls back to inserting odd text
    where the file no longer composes."""
    content = source
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(STRUCTURAL + TEXTUAL))
        text = _decoded(content)
        if how in STRUCTURAL:
            found = [p for p in places(text) if _ONLY.get(how, p.what) == p.what]
            if found:
                content = _encoded(_structural(draw, how, text, draw(st.sampled_from(found))))
                continue
            how = "insert"
        content = _textual(draw, how, content)
    return content


def _structural(draw: st.DrawFn, how: str, text: str, place: Place) -> str:
    before, inside, after = text[: place.start], text[place.start : place.end], text[place.end :]
    # A block collection ends where the next token starts: its line break and the next line's
    # indentation are kept.
    tail = inside[len(inside.rstrip(" \t\r\n")) :]
    if how == "delete":
        return before + tail + after
    if how == "duplicate":  # the lines of a pair (a duplicate key) or of an item, twice
        start, end = _lines_of(text, place)
        lines = text[start:end] if text[start:end].endswith("\n") else text[start:end] + "\n"
        return text[:end] + ("" if text[:end].endswith("\n") else "\n") + lines + text[end:]
    if how == "rename-key":  # another key of the real files: unknown here, or a sibling's
        return before + draw(st.sampled_from(KEYS) if KEYS else st.just("x")) + after
    if how in ("swap-type", "retype-scalar"):
        return before + draw(VALUES) + tail + after
    # insert-in-scalar: odd text or an escape inside a scalar or a value
    at = place.start + draw(st.integers(0, len(inside)))
    quoted = text[place.start : place.start + 1] == '"'
    odd = draw(st.sampled_from(ESCAPES if quoted else ODD_TEXT) | st.characters(codec="utf-8"))
    return text[:at] + odd + text[at:]


def _textual(draw: st.DrawFn, how: str, content: bytes) -> bytes:
    if how == "insert":
        at = draw(st.integers(0, len(content)))
        odd = draw(st.sampled_from(ODD_TEXT) | st.text(max_size=4))
        return content[:at] + odd.encode("utf-8", "surrogatepass") + content[at:]
    if how == "truncate":
        return content[: draw(st.integers(0, len(content)))]
    if how == "splice":  # the start of this file, the end of another (or of itself)
        other = draw(st.sampled_from(SOURCES)).content if SOURCES else content
        return (
            content[: draw(st.integers(0, len(content)))]
            + other[draw(st.integers(0, len(other))) :]
        )
    if how == "bytes":
        at = draw(st.integers(0, len(content)))
        cut = draw(st.integers(0, 4))
        return content[:at] + draw(st.binary(max_size=16)) + content[at + cut :]
    lines = content.split(b"\n")
    if how == "reindent":  # every indentation in other units: 2 -> 4, 1 or a tab, or flattened
        unit = draw(st.sampled_from([b"    ", b" ", b"\t", b"   ", b""]))
        return b"\n".join(
            re.sub(rb"^(  )+", lambda m: unit * (len(m[0]) // 2), line) for line in lines
        )
    at = draw(st.integers(0, len(lines) - 1))
    if how == "repeat-line":
        return b"\n".join([*lines[: at + 1], *lines[at:]])
    indent = draw(st.sampled_from([b"", b" ", b"  ", b"   ", b"\t", b" \t"]))
    lines[at] = indent + lines[at].lstrip(b" \t")
    return b"\n".join(lines)


@st.composite
def source_changed(draw: st.DrawFn) -> Source:
    """A real file, changed, at its path."""
    source = draw(st.sampled_from(SOURCES))
    return Source(source.path, draw(changed(source.content)))


@st.composite
def arbitrary_at_a_path(draw: st.DrawFn) -> Source:
    """Arbitrary bytes, or arbitrary text, at the path of a real file."""
    path = draw(st.sampled_from(SOURCES)).path
    content = draw(
        st.binary(max_size=2048)
        | st.text(max_size=600).map(lambda t: t.encode("utf-8", "surrogatepass"))
    )
    return Source(path, content)
