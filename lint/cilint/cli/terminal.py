"""What the output streams can show: colour, and a progress line on a terminal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO


def use_color(choice: str, to_terminal: bool, environ: Mapping[str, str]) -> bool:
    """`--color always|never` win; `auto` colours a terminal that is not `TERM=dumb`, and
    `FORCE_COLOR` (not empty) colours even a pipe, unless `NO_COLOR` is set and not empty:
    no-color.org lets only flags and configuration override it (CPython 3.13 agrees)."""
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return to_terminal and environ.get("TERM") != "dumb"


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def can_redraw(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Whether a line rewritten in place with `\\r` shows as one line: on a terminal that is
    not `TERM=dumb`. Pipes and CI logs would keep every redraw."""
    return is_terminal(stream) and environ.get("TERM") != "dumb"
