"""Counts shared by every reporter."""

from __future__ import annotations

from cilint.findings import Severity
from cilint.pipeline.results import CheckResult


def counts(result: CheckResult) -> dict[str, object]:
    found: dict[str, object] = {
        "files": result.files_reported,
        "findings": len(result.findings),
        "errors": result.count(Severity.ERROR),
        "warnings": result.count(Severity.WARNING),
        "infos": result.count(Severity.INFO),
    }
    if result.baselined is not None:
        found["baselined"] = len(result.baselined)
    if result.suppressed:
        found["suppressed"] = len(result.suppressed)
    if result.hidden:
        found["hidden"] = len(result.hidden)
    change = result.change
    if change is not None:
        found["change"] = {
            "base": change.commit,
            "changed_files": change.changed,
            "introduced": change.introduced,
            "fixed": change.fixed,
            "existing": change.existing,
        }
    return found


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def summary_line(result: CheckResult) -> str:
    files = result.files_reported
    if not result.findings:
        line = f"No findings in {files} files."
    else:
        parts = [
            _plural(result.count(Severity.ERROR), "error"),
            _plural(result.count(Severity.WARNING), "warning"),
            _plural(result.count(Severity.INFO), "info"),
        ]
        line = f"Found {', '.join(parts)} in {files} files."
    if result.baselined:
        line += f" {len(result.baselined)} more in the baseline."
    change = result.change
    if change is not None:
        line += (
            f" Against {change.base}, {_plural(change.changed, 'changed input')}: "
            f"{change.introduced} finding(s) introduced, {change.fixed} fixed."
        )
    return line
