from __future__ import annotations

from dataclasses import dataclass

from cilint.findings import Severity


@dataclass(frozen=True)
class ReportOptions:
    fail_level: Severity = Severity.ERROR
    color: bool = False
    grouped: bool = False
    summary: bool = True  # the text format's summary line (`--quiet` leaves it out)
    width: int = 0  # the terminal's columns, to wrap grouped text output to; 0: never wrap
    sarif_max_results: int = 5000  # results in a SARIF log, the most severe first (0: all)
