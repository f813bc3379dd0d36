"""One compact JSON object a finding, a line each (`Finding.as_json`), and nothing else: for
`jq -c`, log pipelines and tools that stream."""

from __future__ import annotations

import orjson

from cilint.pipeline.results import CheckResult
from cilint.report.options import ReportOptions


def render(result: CheckResult, options: ReportOptions) -> str:
    return "".join(orjson.dumps(f.as_json()).decode() + "\n" for f in result.findings)
