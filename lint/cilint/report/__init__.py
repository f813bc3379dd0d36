"""Reporters: one module per output format, each `render(result, options) -> str`.

`FORMATS` is the registry: the CLI's `--format` choices come from it, and a renderer's module
is imported only when its format is asked for. Adding a format is one module and one line here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from cilint.report.options import ReportOptions

if TYPE_CHECKING:  # the CLI reads FORMATS at start: keep this module light
    from cilint.pipeline.results import CheckResult

Renderer = Callable[["CheckResult", ReportOptions], str]

# format name → the module under cilint.report that renders it
FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "junit": "junit",
    "github": "github",
    "json-lines": "json_lines",
}


def renderer(name: str) -> Renderer:
    render: Renderer = importlib.import_module(f"cilint.report.{FORMATS[name]}").render
    return render


__all__ = ["FORMATS", "ReportOptions", "renderer"]
