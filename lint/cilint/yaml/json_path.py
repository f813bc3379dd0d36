"""`JsonPath`: where a value is in a loaded document, one mapping key or sequence index a step;
and how messages spell it."""

from __future__ import annotations

import json

JsonPath = tuple[str | int, ...]


def format_path(path: JsonPath) -> str:
    """`tests[0].steps.env` style, quoting keys that are not plain identifiers."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif step and all(ch.isalnum() or ch in "_-" for ch in step):
            out += f".{step}" if out else step
        else:
            out += f"[{json.dumps(step)}]"
    return out or "top level"
