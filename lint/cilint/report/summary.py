"""Counts shared by every reporter."""

from __future__ import annotations

from collections import Counter

from cilint.findings import Finding, Severity
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
    return f"{count:,} {word}{'s' * (count != 1)}"


def _listed(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def by_severity(findings: list[Finding]) -> str:
    """ "2 errors and 1 warning": the severities present, most severe first."""
    present = Counter(f.severity for f in findings)
    return _listed(
        [_plural(present[s], s.label) for s in sorted(present, reverse=True) if present[s]]
    )


def summary_line(result: CheckResult) -> str:
    """ "No findings in 1 file." / "Found 2 errors and 1 warning in 2 files (120 files
    checked).", then what the baseline, `--min-severity`, suppressions and a change left out or
    found."""
    checked = result.files_reported
    if not result.findings and result.hidden:  # "no findings" would hide the hidden ones
        shown = [
            f"{s.label}s"
            for s in sorted(Severity, reverse=True)
            if s > max(f.severity for f in result.hidden)
        ]
        line = f"No {' or '.join(shown)} in {_plural(checked, 'file')}."
    elif not result.findings:
        line = f"No findings in {_plural(checked, 'file')}."
    else:
        with_findings = len({f.path for f in result.findings})
        line = (
            f"Found {by_severity(result.findings)} in {_plural(with_findings, 'file')} "
            f"({_plural(checked, 'file')} checked)."
        )
    if result.baselined:
        line += f" {len(result.baselined):,} more in the baseline."
    if result.hidden:
        lowest = min(f.severity for f in result.hidden)
        line += (
            f" {by_severity(result.hidden)} not shown (--min-severity {lowest.label} shows "
            f"{'it' if len(result.hidden) == 1 else 'them'})."
        )
    if result.suppressed:
        line += f" {len(result.suppressed):,} suppressed."
    change = result.change
    if change is not None:
        line += (
            f" Against {change.base}, {_plural(change.changed, 'changed input')}: "
            f"{_plural(change.introduced, 'finding')} introduced, {change.fixed:,} fixed."
        )
    return line
