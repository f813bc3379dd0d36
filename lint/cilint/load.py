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

import re
from dataclasses import dataclass

import orjson
import yaml
import yaml_rs
from yaml.cyaml import CParser

from cilint.goformat import go_key_string

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
    nodes only the first time a position is asked for (most files never need one).
    """

    def __init__(self, nodes: list[yaml.Node] | None = None, content: bytes | None = None):
        self._nodes = nodes
        self._content = content

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
    of composing) is skipped. Keys are matched by their text anyway."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return "tag:yaml.org,2002:str"


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
