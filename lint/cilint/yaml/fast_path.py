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


_NOT_A_NAME = frozenset(b" \t\n\r\x0b\x0c,[]{}")  # what cannot start an anchor's name


def _at_token_start(content: bytes, indicator: bytes) -> bool:
    """`indicator` at the start of a token, followed by a name."""
    start = content.find(indicator)
    while start >= 0:
        if (start == 0 or content[start - 1] in _TOKEN_START) and (
            start + 1 < len(content) and content[start + 1] not in _NOT_A_NAME
        ):
            return True
        start = content.find(indicator, start + 1)
    return False


def has_alias_trap(content: bytes) -> bool:
    """An alias (`*name`) and an anchor (`&name`) at the start of tokens. yaml-rs repeats what
    an alias names and reads an alias inside the node it names as null, where Go's yaml.v2
    limits the one and refuses the other (`cilint.yaml.aliases`). `*` is looked for first:
    rarer than the `&&` of shell scripts."""
    if b"&" not in content:  # most files: one memchr
        return False
    return _at_token_start(content, b"*") and _at_token_start(content, b"&")


_YAML11_WORDS = re.compile(rb'"(?:y|Y|n|N|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)"')
# Characters libyaml refuses (C0 and C1 controls but tab and line breaks, DEL, U+FFFE/U+FFFF)
# or reads as YAML 1.1 line breaks (NEL, LS, PS), where yaml-rs reads text (it even cuts a
# string at a NUL): libyaml decides, and reports them. So too for a tab (libyaml refuses one in
# indentation, yaml-rs reads it; no real file holds one) and a byte-order mark after the start
# (a syntax error to libyaml, part of a key to yaml-rs). The bytes are found by
# `bytes.translate`, the sequences (in files that are not ASCII) by a regular expression: 10x
# slower.
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\n\r") + b"\x7f"
_OTHER_SEQUENCES = re.compile(
    rb"\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]|\xef(?:\xbf[\xbe\xbf]|\xbb\xbf)"
)


def _has_non_text(content: bytes) -> bool:
    if len(content.translate(None, _CONTROL_BYTES)) != len(content):
        return True
    return not content.isascii() and _OTHER_SEQUENCES.search(content) is not None


def has_flow_mapping(content: bytes) -> bool:
    """A `{` at the start of a token that its own line leaves open: yaml-rs reads a key of a
    flow mapping over several lines (`{a` then ` b: 1}` is {"a b": 1}), which libyaml refuses
    (an implicit key is one line). A mapping closed on its line (`{}`, a JSON line in a script)
    cannot hold such a key."""
    start = content.find(b"{")
    while start >= 0:
        if start == 0 or content[start - 1] in _TOKEN_START:
            end = content.find(b"\n", start)
            line = content[start:] if end < 0 else content[start:end]
            if line.count(b"{") > line.count(b"}"):
                return True
        start = content.find(b"{", start + 1)
    return False


# yaml-rs ends a block scalar at the end of the stream otherwise than libyaml: with a line break
# the last line does not have (`a: |` then `  c` as the file's last bytes reads "c\n", not "c"),
# or one for an empty scalar whose header is the last line ("\n", not "").
_LAST_BLOCK_HEADER = re.compile(rb"[|>][0-9+-]*[ \t]*(?:#.*)?\Z")


def _block_scalar_may_end_it(content: bytes) -> bool:
    if not content.endswith(b"\n"):
        return b"|" in content or b">" in content
    stripped = content.rstrip()
    return _LAST_BLOCK_HEADER.search(stripped, stripped.rfind(b"\n") + 1) is not None


# yaml-rs recurses once per level of nesting and overflows the stack (a crash, not an error) at
# about 11,000 levels. A level of block nesting takes at least one more column on some line, and
# flow nesting past 256 levels is an error to yaml-rs: with no line of `_LONG_LINE` bytes or
# more, a file nests at most about 2,300 levels deep. libyaml reads the others (and stops at
# 1000 levels with an error).
_LONG_LINE = 1024
# Should an alias get past `has_alias_trap`, yaml-rs fails at it rather than repeat anything.
_NO_ALIASES = yaml_rs.AliasLimits(max_total_replayed_events=0)


def _has_long_line(content: bytes) -> bool:
    """Some line is `_LONG_LINE` bytes long or more (or, never missed, twice that long)."""
    for start in range(0, len(content) - _LONG_LINE + 1, _LONG_LINE):
        if content.find(b"\n", start, start + _LONG_LINE) < 0:
            return True
    return False


def fast_documents(content: bytes) -> list[object] | None:
    """The documents read by yaml-rs (much faster than libyaml, bench/NOTES.md), or None when
    this file needs libyaml: a trap above, a character or a line yaml-rs must not see, an alias,
    a flow mapping or an end yaml-rs misreads, a parse error or duplicate key (libyaml reports
    them with positions), no document, or data JSON cannot hold (non-string keys, timestamps)."""
    if b"<<" in content or b"\n---" in content or b"\n..." in content or content[:3] == b"...":
        return None
    if has_source_trap(content) or has_alias_trap(content) or has_flow_mapping(content):
        return None
    if _has_non_text(content) or _has_long_line(content) or _block_scalar_may_end_it(content):
        return None
    try:
        data = yaml_rs.loads(content.decode("utf-8"), alias_limits=_NO_ALIASES)
        encoded = orjson.dumps(data, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except (yaml_rs.YAMLDecodeError, TypeError, ValueError, OverflowError, RecursionError):
        return None
    if data is None or _YAML11_WORDS.search(encoded):
        return None
    return [data]
