"""Text for line-oriented output (the text report, JUnit's lines, stderr): control characters
written as escapes, so that a file named `a\\nb.yaml` cannot split a finding over two lines and a
name holding ESC cannot drive the reader's terminal. The JSON formats carry names as they are.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, lone surrogates (those
# from U+DC80 stand for bytes of a file name that are not UTF-8: os.fsdecode's
# "surrogateescape") and the two non-characters XML forbids.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # the byte it stands for
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with its control characters escaped (`\\n`, `\\t`, `\\x1b`, `\\u2028`); most text
    has none and comes back as it is."""
    if text.isprintable():  # the common case, checked in C (every escaped character is not)
        return text
    return _UNPRINTABLE.sub(_escape, text)


def is_utf8(name: str) -> bool:
    """Whether a name from `os` (decoded with "surrogateescape") was valid UTF-8."""
    try:
        name.encode()
    except UnicodeEncodeError:
        return False
    return True
