"""Reporters: one module per output format, each `render(result, options) -> str`."""

from __future__ import annotations

from collections.abc import Callable

from cilint.report import json_format, junit, sarif, text
from cilint.report.options import ReportOptions

Renderer = Callable[..., str]

RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "junit": junit.render,
}

__all__ = ["RENDERERS", "ReportOptions"]
