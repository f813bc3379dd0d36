"""`alias_problem`: the aliases of composed libyaml nodes that Go's yaml.v2 (and so ci-operator)
refuses: an alias inside the node it names, or aliases that repeat so much data that the document
would explode when read (a "billion laughs").

libyaml composes an alias as the very node it names, so the composed graph is as small as the
text: the constructed data shares those nodes too, but anything that walks it (schema validation,
the extractors) would walk every repetition, 10^10 nodes for a 300-byte file. yaml.v2 counts the
nodes it decodes and how many of them come from aliases, and fails with "document contains
excessive aliasing" once aliases make up more than a share of the decoded nodes that falls from
99% (up to 400,000 nodes) to 10% (from 4,000,000); `alias_problem` counts the same way, without
expanding anything: it walks each node once and adds what each alias would repeat.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import yaml

# gopkg.in/yaml.v2 decode.go: alias_ratio_range_low/high, allowedAliasRatio, and the check in
# decoder.unmarshal (at least 100 aliased and 1000 decoded nodes before it applies).
_RATIO_FROM, _RATIO_TO = 400_000, 4_000_000
_MIN_ALIASED, _MIN_DECODED = 100, 1000

EXCESSIVE = "excessive"
RECURSIVE = "recursive"


def _allowed_ratio(decoded: int) -> float:
    if decoded <= _RATIO_FROM:
        return 0.99
    if decoded >= _RATIO_TO:
        return 0.10
    return 0.99 - 0.89 * (decoded - _RATIO_FROM) / (_RATIO_TO - _RATIO_FROM)


@dataclass(frozen=True)
class AliasProblem:
    what: str  # EXCESSIVE or RECURSIVE
    alias: int  # which alias of the stream (0-based, in document order) it was found at
    decoded: int  # nodes decoded by then, counting repetitions
    aliased: int  # of which repeated by aliases


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def alias_problem(documents: list[yaml.Node]) -> AliasProblem | None:
    """The first alias at which yaml.v2 would refuse the stream, or None. Each document is
    counted apart, as each is decoded apart."""
    aliases = 0  # alias occurrences met so far, in document order (as the events come)
    for root in documents:
        decoded, aliased = 1, 0
        size: dict[int, int] = {}  # id of a node walked → the nodes decoding it decodes
        walking = {id(root)}
        stack = [(root, _children(root), [1])]
        while stack:
            node, children, total = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                walking.discard(id(node))
                size[id(node)] = total[0]
                if stack:
                    stack[-1][2][0] += total[0]
                continue
            if id(child) in walking:  # an alias inside the node it names
                return AliasProblem(RECURSIVE, aliases, decoded, aliased)
            repeated = size.get(id(child))
            if repeated is not None:  # an alias: the node it names is decoded again
                decoded += 1 + repeated
                aliased += repeated
                total[0] += 1 + repeated
                aliases += 1
            else:
                decoded += 1
                walking.add(id(child))
                stack.append((child, _children(child), [1]))
            if (
                aliased > _MIN_ALIASED
                and decoded > _MIN_DECODED
                and aliased / decoded > _allowed_ratio(decoded)
            ):
                return AliasProblem(EXCESSIVE, aliases - 1, decoded, aliased)
    return None


def alias_place(content: bytes, index: int) -> tuple[int, int, str] | None:
    """The 1-based line and column of the `index`-th alias of the stream (0-based), and the
    anchor it names: libyaml's events, read again only for a file `alias_problem` refuses."""
    import yaml
    from yaml._yaml import CParser  # defined there; yaml.cyaml imports it without exporting it

    parser = CParser(content)
    seen = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.AliasEvent):
                if seen == index and event.start_mark is not None:
                    mark = event.start_mark
                    return mark.line + 1, mark.column + 1, str(event.anchor)
                seen += 1
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    return None
