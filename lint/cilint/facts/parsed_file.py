"""One input file as the per-file stage hands it on: loaded, schema-checked, and how to locate
things in it. Fact extractors read it; per-file rules see it as
`cilint.rules.context.FileContext`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cilint.inputs.discovery import relative_to_base
from cilint.inputs.kinds import Kind
from cilint.yaml.comments import SuppressionComment
from cilint.yaml.json_path import JsonPath
from cilint.yaml.loading import YamlProblem
from cilint.yaml.source_map import SourceMap

if TYPE_CHECKING:
    from cilint.schema.violations import Violation


@dataclass
class Document:
    """One object to check: a whole YAML document, or one item of a `kind: List`."""

    index: int  # which YAML document of the file
    prefix: JsonPath  # where the object sits in that document (() or ("items", n))
    data: object


@dataclass
class ParsedFile:
    path: str  # root-relative
    kind: Kind
    base: str  # the layout folder the file was found under
    documents: list[Document] = field(default_factory=list)  # the objects checked
    loaded: list[object] = field(default_factory=list)  # every YAML document, as loaded
    readable: bool = True  # its data could be read (no encoding or syntax error stopped it)
    source: SourceMap = field(default_factory=SourceMap)
    yaml_problems: list[YamlProblem] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    suppressions: tuple[SuppressionComment, ...] = ()  # its `# cilint: ignore[...]` comments

    @property
    def relative(self) -> str:
        """The path inside its layout folder (e.g. `org/repo/org-repo-main.yaml`)."""
        return relative_to_base(self.path, self.base)

    @property
    def data(self) -> object:
        """The single document of a single-document kind (None when empty or unparsable)."""
        return self.documents[0].data if self.documents else None

    def locate(self, document: int, path: JsonPath, at: str = "value") -> tuple[int, int]:
        return self.source.locate(document, path, at)


def listed(value: object) -> list[Any]:
    """`value` if it is a list, else none: a list of the wrong type (`tests: true`) is the
    schema's finding to report, never a reason for an extractor to fail."""
    return value if isinstance(value, list) else []
