"""The finding: what every stage produces and every reporter prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from cilint.location import Location


class Severity(IntEnum):
    """Ordered so that `severity >= fail_level` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


@dataclass(frozen=True)
class Fix:
    """Reorder the sequence at `json_path` of YAML document `document` in the finding's file
    into `order` (the only fix cilint makes: mirror lists into the policy's order)."""

    document: int
    json_path: tuple[str | int, ...]
    order: tuple[str, ...]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place. `path` is root-relative with `/`; line/column are 1-based."""

    path: str
    line: int
    column: int
    code: str
    rule: str
    severity: Severity
    message: str
    tag: str | None = None
    # Where a cross-file finding points, while its line and column are not resolved yet
    # (they are only for the findings that get reported). Not part of any output.
    place: Location | None = field(default=None, compare=False, repr=False)
    # The mechanical change that removes it, when there is one (`cilint check --fix`).
    fix: Fix | None = field(default=None, compare=False, repr=False)

    def as_json(self) -> dict[str, object]:
        record: dict[str, object] = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.label,
            "message": self.message,
        }
        if self.tag is not None:
            record["tag"] = self.tag
        return record


def sort_key(finding: Finding) -> tuple[str, int, int, str, str]:
    return (finding.path, finding.line, finding.column, finding.code, finding.message)
