"""The yaml-rs fast path: `fast_documents` reads a file with yaml-rs when yaml-rs (YAML 1.2) and
Go's yaml.v2 (YAML 1.1) would read it the same, and `has_source_trap` spots the text where they
may not.
"""

from __future__ import annotations

import re

import orjson
import yaml_rs

# Where YAML 1.2 (yaml-rs) and Go's yaml.v2 (YAML 1.1) read the same text differently, or where
# yaml-rs does not behave like libyaml, the file is read by libyaml instead:
# - in the source: leading-zero and 0b integers (017 is 15 in 1.1, 17 in 1.2), tags, merge keys
#   and a second document (a false alarm, e.g. inside a block scalar, only costs speed);
# - in what yaml-rs read, encoded as JSON: strings spelled like 1.1 booleans (y, n, yes, no, on,
#   off in their three casings), which 1.1 reads as true/false.
# The source traps, as a regular expression (the reference `tests/test_fast_load.py` checks
# `has_source_trap` against): (?:^|[\s\[{,:?-])(?:[-+]?0(?:[0-9_]|b[01])|!)
_ZERO_TRAP = re.compile(rb"0(?:[0-9_]|b[01])")
_TOKEN_START = frozenset(b" \t\n\r\x0b\x0c[{,:?-")  # what may precede a scalar or a tag


def has_source_trap(content: bytes) -> bool:
    """A `!` tag or a leading-zero / `0b` number at the start of a token. It scans for the
    rare `!` and `0<digit>` first and then looks back: one regular expression, whose every
    match attempt starts with an alternation, is far slower (bench/NOTES.md)."""
    start = content.find(b"!")
    while start >= 0:
        if start == 0 or content[start - 1] in _TOKEN_START:
            return True
        start = content.find(b"!", start + 1)
    for match in _ZERO_TRAP.finditer(content):
        at = match.start()
        if at == 0 or content[at - 1] in _TOKEN_START:
            return True
        if content[at - 1] in b"+-" and (at == 1 or content[at - 2] in _TOKEN_START):
            return True
    return False


_YAML11_WORDS = re.compile(rb'"(?:y|Y|n|N|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)"')


def fast_documents(content: bytes) -> list[object] | None:
    """The documents read by yaml-rs (much faster than libyaml, bench/NOTES.md), or None when
    this file needs libyaml: a trap above, a parse error or duplicate key (libyaml reports them
    with positions), no document, or data JSON cannot hold (non-string keys, timestamps)."""
    if b"<<" in content or b"\n---" in content or b"\n..." in content:
        return None
    if has_source_trap(content):
        return None
    try:
        data = yaml_rs.loads(content.decode("utf-8"))
        encoded = orjson.dumps(data, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except (yaml_rs.YAMLDecodeError, TypeError, ValueError, OverflowError, RecursionError):
        return None
    if data is None or _YAML11_WORDS.search(encoded):
        return None
    return [data]
