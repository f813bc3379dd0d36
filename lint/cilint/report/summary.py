"""Counts shared by every reporter."""

from __future__ import annotations

from cilint.findings import Severity
from cilint.pipeline.results import CheckResult


def counts(result: CheckResult) -> dict[str, int]:
    return {
        "files": result.files_reported,
        "findings": len(result.findings),
        "errors": result.count(Severity.ERROR),
        "warnings": result.count(Severity.WARNING),
        "infos": result.count(Severity.INFO),
    }


def summary_line(result: CheckResult) -> str:
    c = counts(result)
    if not c["findings"]:
        return f"No findings in {c['files']} files."
    parts = [
        f"{c['errors']} error{'s' * (c['errors'] != 1)}",
        f"{c['warnings']} warning{'s' * (c['warnings'] != 1)}",
        f"{c['infos']} info{'s' * (c['infos'] != 1)}",
    ]
    return f"Found {', '.join(parts)} in {c['files']} files."
