"""What a report shows: the findings at or above the minimum severity (`--min-severity`); the
others are counted (`CheckResult.hidden`), never lost from the exit code."""

from __future__ import annotations

from dataclasses import replace

from cilint.findings import Severity
from cilint.pipeline.results import CheckResult

# The formats people read, or that GitHub caps, hide infos unless asked; the machine formats
# (json, json-lines, junit) carry everything.
_DEFAULT_MIN_SEVERITY = {
    "text": Severity.WARNING,
    "sarif": Severity.WARNING,
    "github": Severity.WARNING,
}


def default_min_severity(fmt: str, fail_level: Severity) -> Severity:
    """A format's minimum severity shown: never above the level that fails the run."""
    return min(_DEFAULT_MIN_SEVERITY.get(fmt, Severity.INFO), fail_level)


def at_least(result: CheckResult, severity: Severity) -> CheckResult:
    """`result` showing the findings of `severity` or above, counting the others as hidden."""
    if all(f.severity >= severity for f in result.findings):
        return result
    shown = [f for f in result.findings if f.severity >= severity]
    hidden = [f for f in result.findings if f.severity < severity]
    return replace(result, findings=shown, hidden=[*result.hidden, *hidden])
