"""`suppression_comments`: the `# cilint: ignore[rule, ...] reason` comments of a YAML file.

Only real comments count: a `#` inside a quoted or block scalar (a test's shell script) is
text, whatever it says. A comment alone on its line applies to the next line holding data; a
comment after data applies to its own line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_MARK = b"cilint:"
# `#` at the start of a line or after a space (YAML's rule for comments), then `cilint:`.
_CANDIDATE = re.compile(r"(?:^|(?<=\s))#\s*cilint:(?P<rest>.*)$")
_IGNORE = re.compile(r"\s*ignore\[(?P<rules>[^\]]*)\](?P<reason>.*)$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class SuppressionComment:
    """One `# cilint:` comment: where it is, the line it applies to, what it says. `problem`
    says why it cannot apply (then `rules` and `reason` are what could be read)."""

    line: int  # 1-based, of the comment
    column: int  # 1-based, of its `#`
    target: int  # the line whose findings it suppresses
    rules: tuple[str, ...]  # as written: codes or names
    reason: str
    problem: str | None = None


def suppression_comments(content: bytes) -> tuple[SuppressionComment, ...]:
    """Every `# cilint:` comment of `content` (a file's bytes); () for almost every file, at
    the cost of one substring search."""
    if _MARK not in content:
        return ()
    text = content.decode("utf-8", errors="replace")
    lines = text.splitlines()
    candidates = []
    for number, line in enumerate(lines, start=1):
        if "cilint:" in line and (match := _CANDIDATE.search(line)):
            candidates.append((number, match))
    if not candidates:
        return ()
    inside = _scalar_lines(text)
    found = []
    for number, match in candidates:
        column = match.start() + 1
        if _in_scalar(inside, number, column):
            continue
        own_line = not lines[number - 1][: match.start()].strip()
        target = _next_data_line(lines, number) if own_line else number
        found.append(_parsed(number, column, target, match.group("rest")))
    return tuple(found)


def _parsed(line: int, column: int, target: int, rest: str) -> SuppressionComment:
    ignore = _IGNORE.match(rest)
    if ignore is None:
        return SuppressionComment(
            line,
            column,
            target,
            (),
            "",
            "is not of the form `# cilint: ignore[RULE, ...] reason`",
        )
    rules = tuple(filter(None, (r.strip() for r in ignore.group("rules").split(","))))
    reason = ignore.group("reason").strip().lstrip("-:—–").strip()
    problem = None
    if not rules:
        problem = "names no rule: put the codes or names it suppresses between the brackets"
    elif not reason:
        written = ", ".join(rules)
        problem = f"gives no reason: say why after the brackets (`# cilint: ignore[{written}] why`)"
    return SuppressionComment(line, column, target, rules, reason, problem)


def _next_data_line(lines: list[str], after: int) -> int:
    """The first line after line `after` (1-based) that is neither blank nor a comment."""
    for number in range(after + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return after + 1


Span = tuple[tuple[int, int], tuple[int, int]]


def _scalar_lines(text: str) -> list[Span]:
    """(start, end) of every scalar, as (line, column) pairs, 1-based; scanning stops quietly
    where the file stops being YAML (the comments after that point are taken as written)."""
    spans: list[Span] = []
    loader = _LOADER(text)
    try:
        while True:
            token = loader.get_token()
            if token is None or isinstance(token, yaml.StreamEndToken):
                break
            if isinstance(token, yaml.ScalarToken):
                start, end = token.start_mark, token.end_mark
                spans.append(((start.line + 1, start.column + 1), (end.line + 1, end.column + 1)))
    except (yaml.YAMLError, RecursionError, ValueError):
        pass
    finally:
        loader.dispose()
    return spans


def _in_scalar(spans: list[Span], line: int, column: int) -> bool:
    point = (line, column)
    return any(start <= point < end for start, end in spans)
