"""GitHub Actions workflow commands, one a finding: `::error file=PATH,line=L,col=C,title=CODE
rule::message`, which the Actions runner turns into annotations on the pull request's files.

Escaping is the runner's (actions/toolkit `core/src/command.ts`): in the message `%`, `\\r` and
`\\n`; in a property value also `:` and `,`, which would otherwise end the value.
"""

from __future__ import annotations

from cilint.findings import Severity
from cilint.pipeline.results import CheckResult
from cilint.report.options import ReportOptions

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: CheckResult, options: ReportOptions) -> str:
    lines = []
    for finding in result.findings:
        properties = ",".join(
            f"{key}={escape_property(value)}"
            for key, value in (
                ("file", finding.path),
                ("line", str(finding.line)),
                ("col", str(finding.column)),
                ("title", f"{finding.code} {finding.rule}"),
            )
        )
        message = escape_data(finding.worded)
        lines.append(f"::{_COMMAND[finding.severity]} {properties}::{message}\n")
    return "".join(lines)
