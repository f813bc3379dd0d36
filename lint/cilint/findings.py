"""The finding: what every stage produces and every reporter prints."""

from __future__ import annotations

import re
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


@dataclass(frozen=True)
class Cause:
    """The changed file and line that made a finding appear elsewhere (a change-aware run);
    `at_base`: the line is in the file as it was at the base (a deleted stanza)."""

    path: str
    line: int
    at_base: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" + (" (at the base)" if self.at_base else "")

    def as_json(self) -> dict[str, object]:
        record: dict[str, object] = {"path": self.path, "line": self.line}
        if self.at_base:
            record["at_base"] = True
        return record


@dataclass(frozen=True)
class Related:
    """Another place a finding involves, with what it is there (a rival promotion, an entry
    that contradicts this one): shown next to the finding by SARIF and JSON. 1-based."""

    path: str
    line: int
    column: int
    message: str

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


# Line and column references inside a message (`path:12`, `line 3, column 4`): not part of a
# finding's identity, so that an edit above them does not make it "new".
_POSITIONS = re.compile(r"(?<=:)\d+(?::\d+)?\b|\b(line|column) \d+")


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
    # What the finding is about, where the message also holds details that other files decide
    # (counts, rivals, suggestions): with the rule, path and tag, its identity across edits.
    subject: str | None = field(default=None, compare=False, repr=False)
    # Set in a change-aware run: whether the change introduced it, and for one it introduced
    # in another file, the changed place that made it.
    introduced: bool | None = field(default=None, compare=False, repr=False)
    cause: Cause | None = field(default=None, compare=False, repr=False)
    # The other places of a cross-file finding (its message names them too).
    related: tuple[Related, ...] = field(default=(), compare=False, repr=False)

    def identity(self) -> tuple[str, str, str, str]:
        """Stable across edits that do not change the problem: never the line or column."""
        subject = _POSITIONS.sub("#", self.message if self.subject is None else self.subject)
        return (self.code, self.path, self.tag or "", subject)

    @property
    def worded(self) -> str:
        """The message as text reports print it: with its cause, or marked as older than the
        change, in a change-aware run."""
        if self.cause is not None:
            return f"{self.message} (caused by the change at {self.cause})"
        if self.introduced is False:
            return f"{self.message} [already at the base]"
        return self.message

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
        if self.introduced is not None:
            record["introduced"] = self.introduced
        if self.cause is not None:
            record["cause"] = self.cause.as_json()
        if self.related:
            record["related"] = [place.as_json() for place in self.related]
        return record


def sort_key(finding: Finding) -> tuple[str, int, int, str, str]:
    return (finding.path, finding.line, finding.column, finding.code, finding.message)
