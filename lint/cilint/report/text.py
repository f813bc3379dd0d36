"""`path:line:col: CODE [rule] message`, one finding a line, then a summary line.

On a terminal, findings are grouped by file (a blank line between files) and coloured by
severity; otherwise the output is plain and greppable.
"""

from __future__ import annotations

from cilint.findings import Severity
from cilint.pipeline.results import CheckResult
from cilint.report.options import ReportOptions
from cilint.report.summary import summary_line

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def render(result: CheckResult, options: ReportOptions) -> str:
    lines: list[str] = []
    previous_path = None
    for finding in result.findings:
        if options.grouped and previous_path is not None and finding.path != previous_path:
            lines.append("")
        previous_path = finding.path
        location = f"{finding.path}:{finding.line}:{finding.column}:"
        code = f"{finding.code} [{finding.rule}]"
        if options.color:
            location = f"{_BOLD}{location}{_RESET}"
            code = f"{_COLOURS[finding.severity]}{code}{_RESET}"
        lines.append(f"{location} {code} {finding.worded}")
    if not options.summary:
        return "".join(line + "\n" for line in lines)
    if lines:
        lines.append("")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
