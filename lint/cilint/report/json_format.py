"""`{"version": 1, "findings": [...], "summary": {...}}`: the stable machine contract."""

from __future__ import annotations

import orjson

from cilint.pipeline.results import CheckResult
from cilint.report.options import ReportOptions
from cilint.report.summary import counts

FORMAT_VERSION = 1


def render(result: CheckResult, options: ReportOptions) -> str:
    document = {
        "version": FORMAT_VERSION,
        "findings": [finding.as_json() for finding in result.findings],
        "summary": counts(result),
    }
    # orjson: the same text as json.dumps(indent=2, ensure_ascii=False), done in C.
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"
