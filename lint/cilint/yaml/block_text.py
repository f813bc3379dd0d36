r"""`BlockText`: positions of JSON paths in plain block-style YAML, found by searching the text
without composing libyaml nodes, and the regular expressions that decide which files it reads.

Composing costs most of a position lookup, yet most files are block-style YAML as determinize
writes it, whose structure shows in the indentation: those are read from the text instead
(bench/NOTES.md). `BlockText.read` only takes a file whose every line it reads exactly as libyaml
does, and proves that first:
- libyaml parses the whole file (`raw_parse`: C speed, no Python objects), so indentation is
  consistent, and a file that composes to nothing (a syntax error anywhere) is never taken;
- every line outside block scalars is a `_LINE`: an optional `- ` (one space), an optional
  key (plain without spaces, '#' or ': '; single-quoted; double-quoted without escapes),
  then an optional one-line value (plain not starting with an indicator, quoted and closed,
  `[]` or `{}`) and comment; a block scalar header (`|` or `>`, optional chomping) is
  followed by its body: the lines indented past the collection that holds it.
So no flow collections, anchors, aliases, tags, complex keys, multi-line quoted scalars, keys
with two spellings, document markers, directives, tabs, nor line breaks other than "\n": the
nodes are composed for those (`cilint.yaml.source_map`). tests/test_positions_fast.py compares
every path of every file of the corpora, and of generated awkward documents, with the composed
nodes.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from cilint.yaml.bom import UTF8_BOM
from cilint.yaml.json_path import JsonPath

_INDICATORS = r"""\-?:,\[\]{}#&*!|>'"%@`"""  # a plain scalar starts with none of these
_FIRST = rf"(?:[^ \n{_INDICATORS}]|-(?=[^ \n]))"  # (tabs and other breaks are turned away)
_SINGLE = r"'(?:[^'\n]|'')*+'"
_PLAIN_KEY = rf"[^ \n{_INDICATORS}][^ \n:#]*+(?::[^ \n:#]++)*+"  # may hold ':' but not ': '
_KEY = (
    rf"""(?P<key>(?P<plain>{_PLAIN_KEY})|(?P<single>{_SINGLE})|(?P<double>"[^"\\\n]*+"))"""
    r":(?=[ \n]|\Z)"
)
_ANY_KEY = re.sub(r"\?P<\w+>", "?:", _KEY)
_PLAIN = _FIRST + r"(?:[^ \n:]++|:(?![ \n]|\Z)| ++(?!#|:(?:[ \n]|\Z)))*+"
_VALUE = rf"""(?:{_PLAIN}|(?:{_SINGLE}|"(?:[^"\\\n]|\\.)*+"|\[\]|\{{\}}) *+)"""
_COMMENT = r" *+(?:#[^\n]*+)?"
_HEADER = rf" *+[|>][-+]?{_COMMENT}"
_NOT_A_MARKER = r"(?!(?:---|\.\.\.)(?:[ \n]|\Z))"


def _body(indent: str, past: int) -> str:
    """A block scalar's lines: blank, or indented `past` spaces more than group `indent`."""
    return rf"(?:\n(?: *+(?=\n|\Z)|(?P={indent}) {{{past}}}[^\n]*+))*+"


# libyaml wants a block scalar's lines indented past the innermost collection: the key's column
# for `key: |` (the line's indent, or 2 more after `- `), the dash's for `- |`. A bare `|` line
# gets the stricter of the two, which only turns some files away. Only lines with a `|` or `>`
# try the block scalar forms: most have none, and this keeps the check fast.
_LINE = (
    rf"{_NOT_A_MARKER}(?P<indent> *+)(?:"
    rf"(?=[^\n|>]*+[|>])(?:- {_ANY_KEY}{_HEADER}{_body('indent', 3)}"
    rf"|(?:- |{_ANY_KEY})?{_HEADER}{_body('indent', 1)})"
    rf"|(?:-(?=[ \n]|\Z) ?)?(?:{_ANY_KEY} *+)?{_VALUE}?{_COMMENT})"
)
_SIMPLE_YAML = re.compile(rf"(?:{_LINE}(?:\n|\Z))*+")
_OTHER_BREAKS_OR_TABS = re.compile("[\t\r\x85\u2028\u2029\ufeff]")

_KEY_HERE = re.compile(_KEY)
_VALUE_HERE = re.compile(r" *+(?=[^ \n#])")  # a value on this line (not a comment) starts next
_CONTENT_LINE = re.compile(r"^ *+(?=[^ \n#])", re.MULTILINE)  # not blank, not a comment
_LINE_BREAK = re.compile("\n")
# Lookups answered by searching the text before an index is built instead (most files have a
# handful of findings: an index would cost more than it saves).
_COUNTS_BEFORE_INDEX = 16
_FINDS_BEFORE_INDEX = 4


@functools.cache
def _dashes_at(indent: int) -> re.Pattern[str]:
    return re.compile(rf"^ {{{indent}}}-(?=[ \n]|\Z)", re.MULTILINE)


@functools.cache
def _mapping_end(indent: int) -> re.Pattern[str]:
    """The first line after a mapping at `indent`: content indented less."""
    return re.compile(rf"^ {{0,{indent - 1}}}[^ \n#]", re.MULTILINE)


@functools.cache
def _sequence_end(indent: int) -> re.Pattern[str]:
    """The first line after a sequence at `indent`: content indented less, or as much but not a
    `-` entry (the next key of the mapping that holds an indentless sequence)."""
    shallower = rf" {{0,{indent - 1}}}[^ \n#]|" if indent else ""
    return re.compile(rf"^(?:{shallower} {{{indent}}}(?!-(?:[ \n]|\Z))[^ \n#])", re.MULTILINE)


@dataclass(frozen=True)
class _Node:
    kind: str  # "mapping" | "sequence" | "scalar"
    start: int  # offset of libyaml's start mark
    column: int  # 0-based, of the start: where a collection's keys or dashes are


class BlockText:
    """Positions of JSON paths in a `_SIMPLE_YAML` file, the same as `SourceMap` finds in its
    composed nodes, from the text alone."""

    def __init__(self, text: str, root: _Node) -> None:
        self.text = text
        self.root = root
        # What earlier lookups found, so that a file with thousands of findings (a config
        # with 400,000 tests) is not searched again for each: by the start of a collection,
        # its end, the offsets of a sequence's dashes, a mapping's keys once it has been asked
        # for several, and the offset of every line once many lines were counted.
        self._ends: dict[int, int] = {}
        self._dashes: dict[int, list[int]] = {}
        self._asked: dict[int, int] = {}
        self._keys: dict[int, dict[str, re.Match[str]]] = {}
        self._line_starts: list[int] | None = None
        self._counted = 0

    @classmethod
    def read(cls, content: bytes, parses: bool = False) -> BlockText | None:
        """The file if it is in the subset read exactly (see the module), else None. `parses`:
        it is known to parse, so libyaml's check, a large part of the read, is skipped (in the
        subset, yaml-rs and libyaml accept the same files, tests/test_positions_fast.py)."""
        if content.startswith(UTF8_BOM):
            content = content[len(UTF8_BOM) :]
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if _OTHER_BREAKS_OR_TABS.search(text):
            return None
        simple = _SIMPLE_YAML.match(text)
        assert simple is not None  # `(?:...)*+` matches the empty string at least
        if simple.end() != len(text):
            return None
        first = _CONTENT_LINE.search(text)
        if first is None:
            return None
        if not parses:
            # Imported here: a caller that knows the file parses (explain's index) never
            # pays for PyYAML's imports.
            import yaml
            from yaml._yaml import CParser  # defined there; yaml.cyaml does not export it

            try:
                CParser(content).raw_parse()
            except yaml.YAMLError:
                return None
        return cls(text, _node_at(text, first.end()))

    def locate(self, path: JsonPath, at: str) -> tuple[int, int]:
        """As `SourceMap.locate` does for the first document."""
        node = self.root
        mark = node.start
        for step in path:
            key, child = self._child(node, step)
            if child is None:
                break
            mark = key if (at == "key" and key is not None) else child.start
            node = child
        return self._line_and_column(mark)

    def _line_and_column(self, offset: int) -> tuple[int, int]:
        line_start = self.text.rfind("\n", 0, offset) + 1
        if self._line_starts is None and self._counted < _COUNTS_BEFORE_INDEX:
            self._counted += 1
            return (self.text.count("\n", 0, offset) + 1, offset - line_start + 1)
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in _LINE_BREAK.finditer(self.text))]
        return (bisect.bisect_right(self._line_starts, offset), offset - line_start + 1)

    def _child(self, node: _Node, step: str | int) -> tuple[int | None, _Node | None]:
        """As `_child` of `cilint.yaml.source_map`: the key's offset (None in a sequence) and
        the value of `step`."""
        if node.kind == "mapping":
            return self._entry(node, str(step))
        if node.kind == "sequence" and isinstance(step, int) and step >= 0:
            return (None, self._item(node, step))
        return (None, None)

    def _entry(self, mapping: _Node, wanted: str) -> tuple[int | None, _Node | None]:
        """The last key that reads `wanted` (as the constructed data keeps it) and its value.

        The mapping's keys are its first one, at `mapping.start` (maybe after a `- `), and the
        lines of its region that start at its column with a key: `str.find` looks for the few
        ways `wanted` can be spelled there, much faster than reading every line, until the
        mapping has been asked for several keys: then all of them are read once."""
        text, indent = self.text, mapping.column
        first_line_end = self._line_end(mapping.start)
        end = self._ends.get(mapping.start)
        if end is None:
            end = len(text)
            if indent and (after := _mapping_end(indent).search(text, first_line_end)):
                end = after.start()
            self._ends[mapping.start] = end
        first = _KEY_HERE.match(text, mapping.start)
        found = first if first is not None and _key_text(first) == wanted else None
        margin = "\n" + " " * indent
        asked = self._asked[mapping.start] = self._asked.get(mapping.start, 0) + 1
        if asked > _FINDS_BEFORE_INDEX:
            keys = self._keys.get(mapping.start)
            if keys is None:
                keys = self._keys[mapping.start] = _keys_at(text, indent, first_line_end, end)
            later = keys.get(wanted)
            found = later if later is not None else found
        else:
            for spelling in (wanted, "'" + wanted.replace("'", "''") + "'", '"' + wanted + '"'):
                line = margin + spelling + ":"
                at = text.find(line, first_line_end, end)
                while at >= 0:
                    key = _KEY_HERE.match(text, at + len(margin))
                    if key and _key_text(key) == wanted and (found is None or at > found.start()):
                        found = key
                    at = text.find(line, at + 1, end)
        if found is None:
            return (None, None)
        inline = _VALUE_HERE.match(text, found.end())
        if inline is not None:
            value = _Node("scalar", inline.end(), -1)
        else:
            value = self._below(found.end(), indent, indentless=True)
        return (found.start("key"), value)

    def _item(self, sequence: _Node, index: int) -> _Node | None:
        text, indent = self.text, sequence.column
        dashes = self._dashes.get(sequence.start)
        if dashes is None:
            first_line_end = self._line_end(sequence.start)
            end = len(text)
            if after := _sequence_end(indent).search(text, first_line_end):
                end = after.start()
            dashes = [sequence.start]
            dashes.extend(
                dash.end() - 1 for dash in _dashes_at(indent).finditer(text, first_line_end, end)
            )
            self._dashes[sequence.start] = dashes
        if index >= len(dashes):
            return None
        dash = dashes[index]
        inline = _VALUE_HERE.match(text, dash + 1)
        if inline is not None:
            return _node_at(text, inline.end())
        return self._below(dash + 1, indent, indentless=False)

    def _below(self, empty: int, indent: int, indentless: bool) -> _Node:
        """The value that starts on a later line, when its key or dash (at `indent`) has none on
        its own: a node indented more (or, for a key, an indentless sequence), else the empty
        scalar libyaml marks right after the ':' or '-' at `empty`."""
        following = _CONTENT_LINE.search(self.text, self._line_end(empty))
        if following is not None:
            node = _node_at(self.text, following.end())
            if node.column > indent or (
                indentless and node.column == indent and node.kind == "sequence"
            ):
                return node
        return _Node("scalar", empty, -1)

    def _line_end(self, offset: int) -> int:
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end


def _keys_at(text: str, indent: int, start: int, end: int) -> dict[str, re.Match[str]]:
    """Every key at the start of a line of `text[start:end]` indented `indent`, by its value;
    a repeated key keeps its last place, as the data does."""
    return {_key_text(key): key for key in _keys_indented(indent).finditer(text, start, end)}


@functools.cache
def _keys_indented(indent: int) -> re.Pattern[str]:
    return re.compile(rf"^ {{{indent}}}{_KEY}", re.MULTILINE)


def _node_at(text: str, start: int) -> _Node:
    """The node whose first character is at `start`: a `-` entry starts a sequence, a key a
    mapping; anything else is a scalar (the subset has no other collections)."""
    column = start - (text.rfind("\n", 0, start) + 1)
    if text.startswith("-", start) and text[start + 1 : start + 2] in ("", " ", "\n"):
        return _Node("sequence", start, column)
    if _KEY_HERE.match(text, start):
        return _Node("mapping", start, column)
    return _Node("scalar", start, column)


def _key_text(key: re.Match[str]) -> str:
    """A key's value as libyaml reads it, from any of the spellings `_KEY` accepts."""
    if key["plain"] is not None:
        return key["plain"]
    if key["single"] is not None:
        return key["single"][1:-1].replace("''", "'")
    return key["double"][1:-1]
