"""Reorder the items of one YAML sequence of strings without touching any other byte of the file.

Why text surgery rather than load-modify-dump: ruamel.yaml can load a file, reorder a list and
dump it again, but its dump re-formats parts it had no reason to touch (sequence indentation,
long lines, quoting, spacing before comments, a missing final newline, CRLF line endings). The
diff of `cilint check --fix` must show the reordered lines and nothing else, and the tools that
own these files (determinize-ci-operator, yamllint in openshift/release) care about the exact
bytes. So ruamel is only used to *read*; the edit itself is done on the text.

How:

1. Parse the text with ruamel's round-trip loader. `load_all` gives the data, to follow the JSON
   path and read the values, and each item's 0-based (line, column) on `CommentedSeq.lc`.
   `compose_all` gives the node tree: its marks add where each item *ends*, whether the list is a
   flow or a block sequence, and whether a node is reached through an alias or a merge key.
2. Cut one slot per item. In block style a slot runs from the item's first character to the end
   of its line, so a trailing `# comment` travels with its item, while the `- ` indicator, the
   indentation, and comment or blank lines between items stay where they are. In a one-line flow
   sequence a slot is the item's own characters between the commas.
3. Fill the slots with the item texts in the wanted order (equal values keep their relative
   order), so every item keeps its own spelling: quotes, escapes, tags, comments.
4. Re-parse the result and check that the sequence now holds `order` and that all other data is
   unchanged. This guards the surgery: a mistake raises instead of writing a broken file.

Whatever cannot be moved exactly this way (items over several lines, a flow sequence over several
lines, aliases, values other than strings) is refused with `ReorderError`, never approximated.

Positions follow ruamel's reader: lines end at "\\n", "\\r\\n" or a lone "\\r", and a byte order
mark does not count as a column.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq, TaggedScalar
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]  # 0-based line and column, as ruamel reports them

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BOM = "\ufeff"
_STR_TAG = "tag:yaml.org,2002:str"


class ReorderError(ValueError):
    """The sequence cannot be reordered exactly as asked; the caller keeps the text as it was."""


def reorder_sequence(text: str, document: int, path: JsonPath, order: list[str]) -> str:
    """Return `text` with the items of the string sequence at `path` in `document` put in `order`.

    `order` must hold the same values as the sequence (a permutation). Only the items move;
    every other byte stays. Returns `text` itself when the items are already in `order`.
    Raises `ReorderError` when this cannot be done exactly.
    """
    where = f"document {document}, {_show(path)}"
    documents = _load(text)
    if isinstance(document, bool) or not 0 <= document < len(documents):
        count = f"{len(documents)} document" + ("" if len(documents) == 1 else "s")
        raise ReorderError(f"document {document} does not exist: the text has {count}")
    seq = _follow(documents[document], path, document)
    if not isinstance(seq, CommentedSeq):
        raise ReorderError(f"{where} is {_kind(seq)}, not a sequence")
    current = _string_items(seq, where)
    wanted = _wanted(order, current, where)
    if wanted == current:
        return text

    node = _sequence_node(seq, _compose(text)[document], where)
    lines = _Lines(text)
    starts: list[Position] = [tuple(seq.lc.item(i)) for i in range(len(seq))]
    if node.flow_style:
        spans = _flow_spans(node, starts, lines, where)
    else:
        spans = _block_spans(node, starts, lines, where)
    pieces = [text[spans[source].start : spans[source].end] for source in _sources(current, wanted)]
    result = _splice(text, spans, pieces)
    _verify(result, documents, document, path, wanted, where)
    return result


# --- reading -------------------------------------------------------------------------------------


def _load(text: str) -> list[Any]:
    """The documents of `text` as ruamel round-trip data (with line/column information)."""
    try:
        return list(YAML(typ="rt").load_all(text))
    except Exception as err:  # YAMLError mostly, but construction can raise others
        raise ReorderError(f"the YAML does not parse: {_one_line(err)}") from err


def _compose(text: str) -> list[Node]:
    """The node tree of each document of `text` (marks with start and end of every node)."""
    try:
        return list(YAML(typ="rt").compose_all(text))
    except Exception as err:
        raise ReorderError(f"the YAML does not parse: {_one_line(err)}") from err


def _follow(root: Any, path: JsonPath, document: int) -> Any:
    """The value at `path` under `root`, or ReorderError naming the step that does not exist."""
    here = root
    for depth, step in enumerate(path):
        at = f"document {document}, {_show(path[:depth])}"
        if isinstance(here, Mapping):
            if step not in here:
                raise ReorderError(f"{at} has no key {step!r}")
            here = here[step]
        elif isinstance(here, list):
            if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step < len(here):
                raise ReorderError(f"{at} is a sequence of {len(here)} items, no index {step!r}")
            here = here[step]
        else:
            raise ReorderError(f"{at} is {_kind(here)}, not a mapping or a sequence")
    return here


def _as_string(value: Any) -> str | None:
    """The string a scalar holds: a `str`, or what ruamel loads an explicit `!!str x` as."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, TaggedScalar) and str(value.tag) == _STR_TAG:
        return _as_string(value.value)
    return None


def _string_items(seq: list[Any], where: str) -> list[str]:
    strings: list[str] = []
    for index, item in enumerate(seq):
        string = _as_string(item)
        if string is None:
            raise ReorderError(f"{where}: item {index} is {_kind(item)}, not a string scalar")
        strings.append(string)
    return strings


def _wanted(order: Sequence[str], current: list[str], where: str) -> list[str]:
    """`order` as a list, checked to be a permutation of the `current` values."""
    wanted = list(order)
    if not all(isinstance(value, str) for value in wanted):
        raise ReorderError(f"{where}: the wanted order holds values that are not strings")
    missing = Counter(current) - Counter(wanted)
    extra = Counter(wanted) - Counter(current)
    if missing or extra:
        raise ReorderError(
            f"{where}: the wanted order is not a permutation of the items "
            f"(missing {sorted(missing.elements())}, not in the list {sorted(extra.elements())})"
        )
    return wanted


# --- locating the items in the text --------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    start: int  # character offset in the text
    end: int  # exclusive


class _Lines:
    """Turns ruamel's (line, column) positions into character offsets of the text."""

    def __init__(self, text: str) -> None:
        breaks = list(_LINE_BREAK.finditer(text))
        self._text = text
        self._starts = [0] + [found.end() for found in breaks]
        self._ends = [found.start() for found in breaks] + [len(text)]

    def end_of_line(self, line: int) -> int:
        """Offset of the line break (or end of text) that ends `line`."""
        return self._ends[line]

    def offset(self, line: int, column: int) -> int:
        start, end = self._starts[line], self._ends[line]
        if _BOM not in self._text[start:end]:
            return start + column
        offset, left = start, column
        while left > 0 and offset < end:  # ruamel does not count a BOM as a column
            left -= self._text[offset] != _BOM
            offset += 1
        while offset < end and self._text[offset] == _BOM:
            offset += 1
        return offset


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _shared_nodes(root: Node) -> set[int]:
    """Ids of the nodes reached more than once (an alias, a merge key), and of all under them."""
    seen: set[int] = set()
    repeated: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            repeated.append(node)
            continue
        seen.add(id(node))
        stack.extend(_children(node))
    shared: set[int] = set()
    while repeated:
        node = repeated.pop()
        if id(node) not in shared:
            shared.add(id(node))
            repeated.extend(_children(node))
    return shared


def _sequence_nodes_at(root: Node, position: Position) -> list[SequenceNode]:
    found: list[SequenceNode] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        mark = node.start_mark
        if isinstance(node, SequenceNode) and (mark.line, mark.column) == position:
            found.append(node)
        stack.extend(_children(node))
    return found


def _sequence_node(seq: CommentedSeq, root: Node, where: str) -> SequenceNode:
    """The node of `seq` in the composed tree, checked to be moved safely item by item."""
    found = _sequence_nodes_at(root, (seq.lc.line, seq.lc.col))
    if len(found) != 1 or len(found[0].value) != len(seq):
        raise ReorderError(f"{where}: cannot find the sequence in the text")
    node = found[0]
    shared = _shared_nodes(root)
    if id(node) in shared:
        raise ReorderError(
            f"{where}: the sequence is reached through a YAML alias or merge key; "
            "reordering its text would change other places too"
        )
    for index, item in enumerate(node.value):
        if not isinstance(item, ScalarNode):
            raise ReorderError(f"{where}: item {index} is not a scalar")
        if id(item) in shared:
            raise ReorderError(f"{where}: item {index} is a YAML alias or is aliased elsewhere")
        if (item.start_mark.line, item.start_mark.column) != tuple(seq.lc.item(index)):
            raise ReorderError(f"{where}: cannot find item {index} in the text")
    return node


def _check_one_line(index: int, item: ScalarNode, where: str) -> None:
    if item.style in ("|", ">"):
        raise ReorderError(
            f"{where}: item {index} is a block scalar ({item.style}); only one-line items move"
        )
    first, last = item.start_mark.line, item.end_mark.line
    if first != last:
        raise ReorderError(
            f"{where}: item {index} spans lines {first + 1}-{last + 1}; only one-line items move"
        )


def _block_spans(
    node: SequenceNode, starts: list[Position], lines: _Lines, where: str
) -> list[_Span]:
    """One slot per item: from its first character to the end of its line (comment included)."""
    spans: list[_Span] = []
    for index, (item, (line, column)) in enumerate(zip(node.value, starts, strict=True)):
        _check_one_line(index, item, where)
        spans.append(_Span(lines.offset(line, column), lines.end_of_line(line)))
    _check_ordered(spans, where)
    return spans


def _flow_spans(
    node: SequenceNode, starts: list[Position], lines: _Lines, where: str
) -> list[_Span]:
    """One slot per item of a one-line flow sequence: exactly the item's characters."""
    first, last = node.start_mark.line, node.end_mark.line
    if first != last:
        raise ReorderError(
            f"{where}: the flow sequence spans lines {first + 1}-{last + 1}; "
            "only a one-line flow sequence can be reordered"
        )
    spans: list[_Span] = []
    for index, (item, (line, column)) in enumerate(zip(node.value, starts, strict=True)):
        _check_one_line(index, item, where)
        end = lines.offset(item.end_mark.line, item.end_mark.column)
        spans.append(_Span(lines.offset(line, column), end))
    _check_ordered(spans, where)
    return spans


def _check_ordered(spans: list[_Span], where: str) -> None:
    in_order = all(span.start < span.end for span in spans) and all(
        before.end <= after.start for before, after in pairwise(spans)
    )
    if not in_order:
        raise ReorderError(f"{where}: the items do not lie one after the other in the text")


# --- editing and checking ------------------------------------------------------------------------


def _sources(current: list[str], wanted: list[str]) -> list[int]:
    """For each slot, the index of the current item that goes there (stable for equal values)."""
    queues: dict[str, deque[int]] = defaultdict(deque)
    for index, value in enumerate(current):
        queues[value].append(index)
    return [queues[value].popleft() for value in wanted]


def _splice(text: str, spans: list[_Span], pieces: list[str]) -> str:
    out: list[str] = []
    done = 0
    for span, piece in zip(spans, pieces, strict=True):
        out += [text[done : span.start], piece]
        done = span.end
    out.append(text[done:])
    return "".join(out)


def _verify(
    result: str, documents: list[Any], document: int, path: JsonPath, wanted: list[str], where: str
) -> None:
    """Re-parse `result`: the sequence must hold `wanted`, everything else must be unchanged.

    `documents` (the data of the original text) is modified: the sequence is replaced by `wanted`.
    """
    try:
        reparsed = _load(result)
        now = _follow(reparsed[document], path, document) if document < len(reparsed) else None
    except ReorderError as err:
        raise ReorderError(f"{where}: the reordered text does not read back: {err}") from err
    if not isinstance(now, list) or [_as_string(item) for item in now] != wanted:
        raise ReorderError(f"{where}: the reordered text does not hold the wanted order")
    if path:
        _follow(documents[document], path[:-1], document)[path[-1]] = wanted
    else:
        documents[document] = wanted
    try:
        same = [_plain(doc, set()) for doc in reparsed] == [_plain(doc, set()) for doc in documents]
    except RecursionError as err:
        raise ReorderError(f"{where}: the data nests too deeply to check the result") from err
    if not same:
        raise ReorderError(f"{where}: reordering the text would change other data")


def _plain(value: Any, active: set[int]) -> object:
    """A comparable form of loaded data: ruamel's wrapper types reduced to what they hold."""
    string = _as_string(value)
    if string is not None:
        return ("str", string)
    if not isinstance(value, Mapping | list | tuple | Set):
        return (type(value).__name__, repr(value))
    if id(value) in active:
        return ("recursive",)
    active.add(id(value))
    try:
        if isinstance(value, Mapping):
            return ("map", tuple((_plain(k, active), _plain(v, active)) for k, v in value.items()))
        kind = "set" if isinstance(value, Set) else "seq"
        return (kind, tuple(_plain(item, active) for item in value))
    finally:
        active.discard(id(value))


# --- wording -------------------------------------------------------------------------------------


def _show(path: JsonPath) -> str:
    shown = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)
    return shown.removeprefix(".") or "the document root"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a sequence"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or type(value).__name__ == "ScalarBoolean":
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, TaggedScalar):
        return f"a scalar tagged {value.tag}"
    return f"a value of type {type(value).__name__}"


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split()) or type(err).__name__
