"""A rule's documentation (its module docstring, markdown) as plain text: for `cilint rule` on a
terminal and SARIF's `help.text`, where markdown markers would be printed literally.

Only what the docstrings use: `#` headings and `**Section**` lines (the `heading` callback may
mark them, e.g. bold on a terminal), `**strong**` and `*emphasis*`, inline code, links
`[text](url)` → `text (url)`, and fenced code blocks, kept as text indented by four spaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_SECTION = re.compile(r"^\*\*([^*]+)\*\*\s*$")  # a line that is only `**What it does**`
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_STRONG = re.compile(r"\*\*([^*]+)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\s](?:[^*]*[^*\s])?)\*(?![\w*])")
_ASIDE = re.compile(r"\x00(\d+)\x00")  # where a code span was set aside


def _inline(text: str) -> str:
    """Markers removed; a code span's content kept as it is (set aside while the markers
    around it, as in **`x`**, are removed)."""
    spans: list[str] = []

    def aside(span: re.Match[str]) -> str:
        spans.append(span.group(2).strip() if len(span.group(1)) > 1 else span.group(2))
        return f"\x00{len(spans) - 1}\x00"

    text = _CODE_SPAN.sub(aside, text)
    text = _LINK.sub(r"\1 (\2)", text)
    text = _STRONG.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\1", text)
    return _ASIDE.sub(lambda m: spans[int(m.group(1))], text)


def plain(markdown: str, heading: Callable[[str], str] = str) -> str:
    """`markdown` as plain text; `heading` wraps each heading's text."""
    lines = []
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            lines.append("    " + line if line.strip() else "")
            continue
        title = _HEADING.match(line) or _SECTION.match(line)
        if title:
            lines.append(heading(_inline(title.group(1))))
        else:
            lines.append(_inline(line))
    return "\n".join(lines)
