"""What a per-file rule sees: one input file, loaded and schema-checked, and how to locate
things in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cilint.discover import relative_to_base
from cilint.findings import Finding, Severity
from cilint.kinds import Kind
from cilint.load import JsonPath, SourceMap, YamlProblem
from cilint.rulespec import RuleSpec

if TYPE_CHECKING:
    from cilint.schema import Violation


@dataclass
class Document:
    """One object to check: a whole YAML document, or one item of a `kind: List`."""

    index: int  # which YAML document of the file
    prefix: JsonPath  # where the object sits in that document (() or ("items", n))
    data: object


@dataclass
class FileContext:
    path: str  # root-relative
    kind: Kind
    base: str  # the layout folder the file was found under
    documents: list[Document] = field(default_factory=list)
    source: SourceMap = field(default_factory=SourceMap)
    yaml_problems: list[YamlProblem] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

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

    def finding(
        self,
        rule: RuleSpec,
        position: tuple[int, int],
        message: str,
        severity: Severity | None = None,
        tag: str | None = None,
    ) -> Finding:
        line, column = position
        return Finding(
            path=self.path,
            line=max(line, 1),
            column=max(column, 1),
            code=rule.code,
            rule=rule.name,
            severity=severity or rule.severity,
            message=message,
            tag=tag,
        )
