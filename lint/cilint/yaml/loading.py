"""Bytes to data, the way Go's yaml.v2 (and so ci-operator) reads them, with positions on demand.

`load_yaml(content)` is pure: it returns the documents as plain Python data plus the problems
found on the way (encoding, syntax, duplicate keys, empty files). Positions are not computed for
every value: the composed libyaml node tree is kept in a `SourceMap`, and `SourceMap.locate`
walks it only for the JSON paths that a finding needs.

Scalars follow YAML 1.1 as gopkg.in/yaml.v2 resolves them (ghodss/yaml and sigs.k8s.io/yaml
build on it): `y/n/yes/no/on/off` are booleans, `017` is octal, `1e3` is a float, there are no
sexagesimal numbers, and timestamps stay strings. Mapping keys become strings as JSON needs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import orjson
import yaml
import yaml_rs
from yaml.cyaml import CParser

from cilint.yaml.go_format import go_key_string

UTF8_BOM = b"\xef\xbb\xbf"

# yaml.v2 resolve.go: the plain scalars that are booleans.
_BOOL_VALUES = {
    **dict.fromkeys(
        ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True
    ),
    **dict.fromkeys(
        ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False
    ),
}
_BOOL_RE = re.compile("^(?:" + "|".join(sorted(_BOOL_VALUES)) + ")$")
# yaml.v2 hands "_"-free text to strconv.ParseInt(s, 0, 64): decimal, 0x, 0o, 0b, leading-0 octal.
_INT_RE = re.compile(r"^[-+]?(?:0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0[0-7_]*|[1-9][0-9_]*)$")
# yaml.v2 yamlStyleFloat, plus the .inf/.nan spellings.
_FLOAT_RE = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")


class _GoYamlResolver(yaml.resolver.Resolver):
    """Implicit tags for plain scalars as yaml.v2 decides them."""


_GoYamlResolver.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:bool", _BOOL_RE, list("yYnNtTfFoO")),
    ("tag:yaml.org,2002:null", _NULL_RE, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", _INT_RE, list("-+0123456789")),
    ("tag:yaml.org,2002:float", _FLOAT_RE, list("-+.0123456789")),
    ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"]),
):
    _GoYamlResolver.add_implicit_resolver(_tag, _regexp, _first)


class _GoYamlConstructor(yaml.constructor.SafeConstructor):
    """SafeConstructor with yaml.v2 numbers, string keys and duplicate-key reporting."""

    def __init__(self) -> None:
        super().__init__()
        self.duplicate_keys: list[tuple[str, yaml.Mark]] = []

    def construct_yaml_bool(self, node: yaml.ScalarNode) -> bool:
        return _BOOL_VALUES.get(node.value, False)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int | float:
        text = node.value.replace("_", "")
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if digits.startswith(("0x", "0o", "0b")):
            return sign * int(digits, 0)
        if len(digits) > 1 and digits.startswith("0"):
            if all(ch in "01234567" for ch in digits):
                return sign * int(digits, 8)
            return sign * float(digits)  # ParseInt fails, ParseFloat accepts "08"
        return sign * int(digits)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        text = node.value.lower()
        if text.endswith(".inf"):
            return float("-inf") if text.startswith("-") else float("inf")
        if text.endswith(".nan"):
            return float("nan")
        return float(text)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> str:
        return str(node.value)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                identity = (key_node.tag, key_node.value)
                if identity in seen:
                    self.duplicate_keys.append((key_node.value, key_node.start_mark))
                seen.add(identity)
        self.flatten_mapping(node)
        mapping: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                if isinstance(key, (list, dict)):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found a key that is a list or mapping",
                        key_node.start_mark,
                    )
                key = go_key_string(key)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


for _tag, _method in (
    ("tag:yaml.org,2002:bool", _GoYamlConstructor.construct_yaml_bool),
    ("tag:yaml.org,2002:int", _GoYamlConstructor.construct_yaml_int),
    ("tag:yaml.org,2002:float", _GoYamlConstructor.construct_yaml_float),
    ("tag:yaml.org,2002:timestamp", _GoYamlConstructor.construct_yaml_timestamp),
):
    _GoYamlConstructor.add_constructor(_tag, _method)


class GoYamlLoader(CParser, _GoYamlConstructor, _GoYamlResolver):
    """libyaml's C parser with yaml.v2 scalar semantics."""

    def __init__(self, stream: bytes) -> None:
        CParser.__init__(self, stream)
        _GoYamlConstructor.__init__(self)
        _GoYamlResolver.__init__(self)


@dataclass(frozen=True)
class YamlProblem:
    """Something wrong with the bytes themselves; `category` picks the rule that reports it."""

    category: str  # "syntax" | "duplicate-key" | "encoding" | "empty"
    line: int
    column: int
    message: str
    error: bool = True


JsonPath = tuple[str | int, ...]


class SourceMap:
    """The composed node of each document, to turn a JSON path into a 1-based line and column.

    Built from already composed nodes, or lazily from the file's bytes: libyaml composes the
    nodes only the first time a position is asked for (most files never need one). Built from
    bytes, `locate` first tries `_BlockText`, which reads plain block-style YAML without
    composing at all and answers exactly as the nodes would.
    """

    def __init__(
        self,
        nodes: list[yaml.Node] | None = None,
        content: bytes | None = None,
        parses: bool = False,
    ):
        """`parses`: a YAML parser already read `content` without an error (this run's
        analysis did), so `_BlockText` need not ask libyaml again."""
        self._nodes = nodes
        self._content = content
        self._parses = parses
        self._block: _BlockText | None = None
        self._block_tried = nodes is not None or content is None

    @property
    def nodes(self) -> list[yaml.Node]:
        if self._nodes is None:
            self._nodes = _compose_all(self._content or b"")
        return self._nodes

    def locate(self, document: int, path: JsonPath, at: str = "value") -> tuple[int, int]:
        """Position of `path` in `document`: of its key when `at == "key"`, else of its value.

        The walk stops at the deepest node that exists, so a path into something missing points
        at its nearest existing parent.
        """
        if not self._block_tried:
            self._block_tried = True
            self._block = _BlockText.read(self._content or b"", self._parses)
        if self._block is not None and document == 0:
            return self._block.locate(path, at)
        if document >= len(self.nodes):
            return (1, 1)
        node = self.nodes[document]
        mark = node.start_mark
        for step in path:
            child_key, child_value = _child(node, step)
            if child_value is None:
                break
            mark = child_key.start_mark if (at == "key" and child_key is not None) else None
            node = child_value
            mark = mark or node.start_mark
        return (mark.line + 1, mark.column + 1)

    def _node_at(self, document: int, path: JsonPath) -> yaml.Node | None:
        if document >= len(self.nodes):
            return None
        node: yaml.Node | None = self.nodes[document]
        for step in path:
            _, node = _child(node, step)
            if node is None:
                return None
        return node

    def contains(self, document: int, path: JsonPath) -> bool:
        """Whether `path` leads to a node of `document` (so `locate` reaches it exactly)."""
        return self._node_at(document, path) is not None

    def scalar_text(self, document: int, path: JsonPath) -> str | None:
        """The source text of the scalar at `path`, as written (without quotes)."""
        node = self._node_at(document, path)
        return node.value if isinstance(node, yaml.ScalarNode) else None


def _child(node: yaml.Node, step: str | int) -> tuple[yaml.Node | None, yaml.Node | None]:
    if isinstance(node, yaml.MappingNode):
        wanted = str(step)
        found: tuple[yaml.Node | None, yaml.Node | None] = (None, None)
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == wanted:
                found = (key_node, value_node)  # the last one wins, as in the constructed data
        return found
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(step, int)
        and 0 <= step < len(node.value)
    ):
        return (None, node.value[step])
    return (None, None)


def _char_at(content: bytes, index: int) -> str:
    text = content.decode("utf-8", errors="replace")
    return text[index] if 0 <= index < len(text) else ""


class _PositionLoader(GoYamlLoader):
    """Composes nodes for positions only: scalars need no type, so resolution (most of the cost
    of composing) is skipped. Keys are matched by their text anyway. Path resolvers are never
    registered, so the two calls libyaml's composer makes per node need not even look."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return "tag:yaml.org,2002:str"

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


def _compose_all(content: bytes) -> list[yaml.Node]:
    """The node tree of every document, for positions; [] when the bytes do not parse."""
    if content.startswith(UTF8_BOM):
        content = content[len(UTF8_BOM) :]
    loader = _PositionLoader(content)
    nodes: list[yaml.Node] = []
    try:
        while loader.check_node():
            nodes.append(loader.get_node())
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return nodes


# Positions without composing. Composing costs ~100 µs a file, most of it in Python (a Node and
# a Mark per scalar), yet most files are block-style YAML as determinize writes it, whose
# structure shows in the indentation: `_BlockText` finds a path by searching the text. It only
# takes a file whose every line it reads exactly as libyaml does, and proves that first:
# - libyaml parses the whole file (`raw_parse`: C speed, no Python objects), so indentation is
#   consistent, and a file that composes to nothing (a syntax error anywhere) is never taken;
# - every line outside block scalars is a `_LINE`: an optional `- ` (one space), an optional
#   key (plain without spaces, '#' or ': '; single-quoted; double-quoted without escapes),
#   then an optional one-line value (plain not starting with an indicator, quoted and closed,
#   `[]` or `{}`) and comment; a block scalar header (`|` or `>`, optional chomping) is
#   followed by its body: the lines indented past the collection that holds it.
# So no flow collections, anchors, aliases, tags, complex keys, multi-line quoted scalars, keys
# with two spellings, document markers, directives, tabs, nor line breaks other than "\n": the
# nodes are composed for those. tests/test_positions_fast.py compares every path of every file
# of the corpora, and of generated awkward documents, with the composed nodes.
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


class _BlockText:
    """Positions of JSON paths in a `_SIMPLE_YAML` file, the same as `SourceMap` finds in its
    composed nodes, from the text alone."""

    def __init__(self, text: str, root: _Node) -> None:
        self.text = text
        self.root = root

    @classmethod
    def read(cls, content: bytes, parses: bool = False) -> _BlockText | None:
        """The file if it is in the subset read exactly (see above), else None. `parses`: it
        is known to parse, so libyaml is not asked (16 µs of ~45 µs a file; in the subset,
        yaml-rs and libyaml accept the same files, tests/test_positions_fast.py)."""
        if content.startswith(UTF8_BOM):
            content = content[len(UTF8_BOM) :]
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if _OTHER_BREAKS_OR_TABS.search(text) or _SIMPLE_YAML.match(text).end() != len(text):
            return None
        first = _CONTENT_LINE.search(text)
        if first is None:
            return None
        if not parses:
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
        line_start = self.text.rfind("\n", 0, mark) + 1
        return (self.text.count("\n", 0, mark) + 1, mark - line_start + 1)

    def _child(self, node: _Node, step: str | int) -> tuple[int | None, _Node | None]:
        """As `_child`: the key's offset (None in a sequence) and the value of `step`."""
        if node.kind == "mapping":
            return self._entry(node, str(step))
        if node.kind == "sequence" and isinstance(step, int) and step >= 0:
            return (None, self._item(node, step))
        return (None, None)

    def _entry(self, mapping: _Node, wanted: str) -> tuple[int | None, _Node | None]:
        """The last key that reads `wanted` (as the constructed data keeps it) and its value.

        The mapping's keys are its first one, at `mapping.start` (maybe after a `- `), and the
        lines of its region that start at its column with a key: `str.find` looks for the few
        ways `wanted` can be spelled there, much faster than reading every line."""
        text, indent = self.text, mapping.column
        first_line_end = self._line_end(mapping.start)
        end = len(text)
        if indent and (after := _mapping_end(indent).search(text, first_line_end)):
            end = after.start()
        first = _KEY_HERE.match(text, mapping.start)
        found = first if first is not None and _key_text(first) == wanted else None
        margin = "\n" + " " * indent
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
        first_line_end = self._line_end(sequence.start)
        end = len(text)
        if after := _sequence_end(indent).search(text, first_line_end):
            end = after.start()
        dashes = [sequence.start]
        dashes.extend(
            dash.end() - 1 for dash in _dashes_at(indent).finditer(text, first_line_end, end)
        )
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


# Where YAML 1.2 (yaml-rs) and Go's yaml.v2 (YAML 1.1) read the same text differently, or where
# yaml-rs does not behave like libyaml, the file is read by libyaml instead:
# - in the source: leading-zero and 0b integers (017 is 15 in 1.1, 17 in 1.2), tags, merge keys
#   and a second document (a false alarm, e.g. inside a block scalar, only costs speed);
# - in what yaml-rs read, encoded as JSON: strings spelled like 1.1 booleans (y, n, yes, no, on,
#   off in their three casings), which 1.1 reads as true/false.
# The source traps, as a regular expression (the reference `tests/test_fast_load.py` checks
# `_has_source_trap` against): (?:^|[\s\[{,:?-])(?:[-+]?0(?:[0-9_]|b[01])|!)
_ZERO_TRAP = re.compile(rb"0(?:[0-9_]|b[01])")
_TOKEN_START = frozenset(b" \t\n\r\x0b\x0c[{,:?-")  # what may precede a scalar or a tag


def _has_source_trap(content: bytes) -> bool:
    """A `!` tag or a leading-zero / `0b` number at the start of a token. Scanning for the
    rare `!` and `0<digit>` first and then looking back is ~15x faster than one regular
    expression whose every match attempt starts with an alternation (measured on the
    generated tree: 27 µs per file, a quarter of the whole per-file analysis)."""
    start = content.find(b"!")
    while start >= 0:
        if start == 0 or content[start - 1] in _TOKEN_START:
            return True
        start = content.find(b"!", start + 1)
    for match in _ZERO_TRAP.finditer(content):
        at = match.start()
        if at == 0 or content[at - 1] in _TOKEN_START:
            return True
        if content[at - 1] in b"+-" and (at == 1 or content[at - 2] in _TOKEN_START):
            return True
    return False


_YAML11_WORDS = re.compile(rb'"(?:y|Y|n|N|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)"')


def _fast_documents(content: bytes) -> list[object] | None:
    """The documents read by yaml-rs (~8x libyaml, bench/bench_load.py), or None when this file
    needs libyaml: a trap above, a parse error or duplicate key (libyaml reports them with
    positions), no document, or data JSON cannot hold (non-string keys, timestamps)."""
    if b"<<" in content or b"\n---" in content or b"\n..." in content:
        return None
    if _has_source_trap(content):
        return None
    try:
        data = yaml_rs.loads(content.decode("utf-8"))
        encoded = orjson.dumps(data, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except (yaml_rs.YAMLDecodeError, TypeError, ValueError, OverflowError, RecursionError):
        return None
    if data is None or _YAML11_WORDS.search(encoded):
        return None
    return [data]


@dataclass
class LoadedYaml:
    documents: list[object]
    source: SourceMap
    problems: list[YamlProblem]


def load_yaml(content: bytes, allow_fast: bool = True) -> LoadedYaml:
    """Parse every document of `content`; never raises for bad input. `allow_fast=False`
    forces libyaml (the reference the fast path is tested against)."""
    problems: list[YamlProblem] = []
    if content.startswith(UTF8_BOM):
        problems.append(
            YamlProblem(
                "encoding",
                1,
                1,
                "the file starts with a UTF-8 byte-order mark; determinize writes none: remove it",
                error=False,
            )
        )
        content = content[len(UTF8_BOM) :]
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as err:
        line = content.count(b"\n", 0, err.start) + 1
        column = err.start - (content.rfind(b"\n", 0, err.start) + 1) + 1
        problems.append(
            YamlProblem(
                "encoding",
                line,
                column,
                f"invalid UTF-8 (byte 0x{content[err.start]:02x}); YAML files must be UTF-8: "
                "re-save the file as UTF-8",
            )
        )
        return LoadedYaml([], SourceMap(), problems)

    fast = _fast_documents(content) if allow_fast else None
    if fast is not None:
        return LoadedYaml(fast, SourceMap(content=content), problems)

    loader = GoYamlLoader(content)
    nodes: list[yaml.Node] = []
    documents: list[object] = []
    try:
        while loader.check_node():
            nodes.append(loader.get_node())
        documents = [loader.construct_document(node) for node in nodes]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = err.problem or "invalid YAML"
        context = f" {err.context}" if err.context else ""
        if mark and _char_at(content, mark.index) == "\t":
            message = "a tab character here; YAML indentation must use spaces: replace the tab"
        else:
            message = f"{problem}{context}: fix the YAML syntax here"
        problems.append(YamlProblem("syntax", line, column, message))
        return LoadedYaml([], SourceMap(), problems)
    except (yaml.YAMLError, RecursionError, ValueError) as err:
        problems.append(YamlProblem("syntax", 1, 1, f"cannot parse YAML: {err}"))
        return LoadedYaml([], SourceMap(), problems)
    finally:
        loader.dispose()

    for key, mark in loader.duplicate_keys:
        problems.append(
            YamlProblem(
                "duplicate-key",
                mark.line + 1,
                mark.column + 1,
                f"key {key!r} is defined twice in the same mapping; ci-operator silently keeps "
                "the last one and strict decoders reject the file: remove one",
            )
        )
    return LoadedYaml(documents, SourceMap(nodes), problems)
