"""`SourceMap`: where a JSON path of a loaded document is in its file, as a 1-based line and
column, found in the composed libyaml nodes (`_compose_all`, on demand) or, for block-style
files, by `BlockText` in the text; only the paths that a finding needs are ever located.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from cilint.yaml.block_text import BlockText
from cilint.yaml.bom import UTF8_BOM
from cilint.yaml.json_path import JsonPath

if TYPE_CHECKING:  # at run time imported when nodes are composed: block-style files need none
    import yaml


class SourceMap:
    """The composed node of each document, to turn a JSON path into a 1-based line and column.

    Built from already composed nodes, or lazily from the file's bytes: libyaml composes the
    nodes only the first time a position is asked for (most files never need one). Built from
    bytes, `locate` first tries `BlockText`, which reads plain block-style YAML without
    composing at all and answers exactly as the nodes would.
    """

    def __init__(
        self,
        nodes: list[yaml.Node] | None = None,
        content: bytes | None = None,
        parses: bool = False,
    ):
        """`parses`: a YAML parser already read `content` without an error (this run's
        analysis did), so `BlockText` need not ask libyaml again."""
        self._nodes = nodes
        self._content = content
        self._parses = parses
        self._block: BlockText | None = None
        self._block_tried = nodes is not None or content is None
        # The entries of large mappings by key, once asked: a file with thousands of findings
        # in one mapping is not scanned again for each.
        self._entries: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}

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
            self._block = BlockText.read(self._content or b"", self._parses)
        if self._block is not None and document == 0:
            return self._block.locate(path, at)
        if document >= len(self.nodes):
            return (1, 1)
        node = self.nodes[document]
        mark = node.start_mark
        for step in path:
            child_key, child_value = self._child(node, step)
            if child_value is None:
                break
            mark = child_key.start_mark if (at == "key" and child_key is not None) else None
            node = child_value
            mark = mark or node.start_mark
        return (mark.line + 1, mark.column + 1)

    def _node_at(self, document: int, path: JsonPath) -> yaml.Node | None:
        if document >= len(self.nodes):
            return None
        node: yaml.Node | None
        node = self.nodes[document]  # (declared apart, so that mypy knows it is a Node here)
        for step in path:
            _, node = self._child(node, step)
            if node is None:
                return None
        return node

    def _child(self, node: yaml.Node, step: str | int) -> tuple[yaml.Node | None, yaml.Node | None]:
        import yaml

        if not isinstance(node, yaml.MappingNode) or len(node.value) < _INDEXED_FROM:
            return _child(node, step)
        entries = self._entries.get(id(node))
        if entries is None:
            entries = self._entries[id(node)] = {
                key.value: (key, value)  # the last one wins, as in the constructed data
                for key, value in node.value
                if isinstance(key, yaml.ScalarNode)
            }
        return entries.get(str(step), (None, None))

    def scalar_text(self, document: int, path: JsonPath) -> str | None:
        """The source text of the scalar at `path`, as written (without quotes)."""
        node = self._node_at(document, path)
        import yaml

        return node.value if isinstance(node, yaml.ScalarNode) else None


_INDEXED_FROM = 32  # entries of a mapping from which its keys are looked up in a dict


def _child(node: yaml.Node, step: str | int) -> tuple[yaml.Node | None, yaml.Node | None]:
    import yaml

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


@cache
def _position_loader() -> Any:
    """A loader that composes nodes for positions only: scalars need no type, so resolution
    (most of the cost of composing) is skipped. Keys are matched by their text anyway. Path
    resolvers are never registered, so the two calls libyaml's composer makes per node need
    not even look. Defined on first use, with PyYAML's imports."""
    from cilint.yaml.go_semantics import GoYamlLoader

    class PositionLoader(GoYamlLoader):
        def resolve(self, kind: type, value: object, implicit: object) -> str:
            return "tag:yaml.org,2002:str"

        def descend_resolver(self, current_node: object, current_index: object) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

    return PositionLoader


def _compose_all(content: bytes) -> list[yaml.Node]:
    """The node tree of every document, for positions; [] when the bytes do not parse."""
    import yaml

    if content.startswith(UTF8_BOM):
        content = content[len(UTF8_BOM) :]
    loader = _position_loader()(content)
    nodes: list[yaml.Node] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            assert node is not None  # check_node() said a document follows
            nodes.append(node)
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return nodes
