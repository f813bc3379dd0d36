"""How a schema violation reads: which field, what was expected, what was found, and the closest
known key. The `schema` and `unknown-key` rules report these words; the loader of `.cilint.yaml`
and of policy files says the same of its own files."""

from __future__ import annotations

import difflib
import json

from cilint.schema.violations import Violation
from cilint.yaml.json_path import format_path


def closest_key(key: str, known: tuple[str, ...]) -> str | None:
    folded = {k.lower(): k for k in known}
    if key.lower() in folded:
        return folded[key.lower()]
    matches = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return matches[0] if matches else None


def unknown_key_message(violation: Violation) -> str:
    """The words for an unknown key (also `schema`'s, for a strictly decoded file)."""
    key, known, strict = str(violation.key), violation.known_keys, violation.strict
    where = format_path(violation.subject)
    guess = closest_key(key, known)
    place = where if where != "top level" else "the top level"
    if guess and guess.lower() == key.lower():
        return (
            f"key {key!r} in {place} differs from {guess!r} only in case; Go's decoder "
            f"accepts it, but determinize and other tools do not: write it as {guess!r}"
        )
    if strict:
        text = f"unknown key {key!r} in {place}: this file is decoded strictly, so it is rejected"
    else:
        text = f"unknown key {key!r} in {place}: ci-operator ignores it"
    if guess:
        return f"{text}; did you mean {guess!r}?"
    return f"{text}; remove it (known keys: {', '.join(sorted(known)) or 'none'})"


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _expected(schema_type: object) -> str:
    names = {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "a boolean (true/false)",
        "null": "null",
    }
    types = schema_type if isinstance(schema_type, list) else [schema_type]
    return " or ".join(names.get(str(t), str(t)) for t in types)


def _short(value: object) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


# Go's yaml.v2 (YAML 1.1), as cilint reads every file, takes these unquoted words (and y, n and
# their capitalised forms) for booleans: `rules: {S002: off}` holds false, not "off".
_BOOLEAN_WORDS = {True: ("on", "yes", "true"), False: ("off", "no", "false")}
_READ_AS_BOOLEAN = frozenset({"y", "n", *_BOOLEAN_WORDS[True], *_BOOLEAN_WORDS[False]})


def _reads_as_boolean(value: object) -> bool:
    return isinstance(value, str) and value.lower() in _READ_AS_BOOLEAN


def boolean_hint(found: bool, meant: str | None = None) -> str:
    """Why a boolean stands where a word was wanted, and the fix (`meant`: the word it was)."""
    words = "/".join(_BOOLEAN_WORDS[found])
    read = f"YAML reads unquoted {words} as {str(found).lower()}"
    return f"{read}: write {meant!r} in quotes" if meant else f"{read}: quote the word you meant"


def _alternatives(values: list[object]) -> str:
    """The choices as a person writes them, quoted only where YAML needs it: `error, warning,
    info or 'off'`."""
    shown = [
        (repr(v) if _reads_as_boolean(v) else str(v)) if isinstance(v, str) else _short(v)
        for v in values
    ]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"


def _enum_message(where: str, allowed: list[object], found: object) -> str:
    if isinstance(found, bool):  # an unquoted off/no/yes...: say so, and what to write
        meant = next(
            (v for v in allowed if isinstance(v, str) and v.lower() in _BOOLEAN_WORDS[found]),
            None,
        )
        return f"{where}: expected {_alternatives(allowed)}; {boolean_hint(found, meant)}"
    if any(_reads_as_boolean(v) for v in allowed):  # show which choices need their quotes
        return f"{where}: expected {_alternatives(allowed)}; got {_short(found)}"
    return f"{where}: expected one of {', '.join(_short(v) for v in allowed)}; got {_short(found)}"


def schema_message(violation: Violation) -> str:
    """The words for a `schema` violation: which field, what was expected, what was found."""
    where = format_path(violation.subject)
    if violation.key is not None:  # an unknown key of a strictly decoded file
        return unknown_key_message(violation)
    keyword, expected, found = violation.keyword, violation.expected, violation.instance
    description = violation.description
    if keyword == "required":
        missing = [name for name in expected if name not in (found or {})]
        names = ", ".join(repr(name) for name in missing)
        return f"{where}: missing required key {names}: add it"
    if keyword == "type":
        text = f"{where}: expected {_expected(expected)}, got {_type_name(found)} {_short(found)}"
        wants_text = "string" in (expected if isinstance(expected, list) else [expected])
        return f"{text}; {boolean_hint(found)}" if isinstance(found, bool) and wants_text else text
    if keyword == "enum":
        return _enum_message(where, list(expected), found)
    if keyword == "const":
        return f"{where}: expected {_short(expected)}, got {_short(found)}"
    if keyword == "not":
        reason = description or (expected or {}).get("description") or "not allowed"
        return f"{where}: must not be set: {reason}"
    if keyword == "minLength" and expected == 1:
        suffix = f" ({description})" if description else ""
        return f"{where}: must not be empty{suffix}"
    if keyword == "pattern":
        return f"{where}: {_short(found)} does not have the expected form (pattern {expected})" + (
            f": {description}" if description else ""
        )
    detail = violation.detail
    if description:
        detail = f"{detail} ({description})"
    return f"{where}: {detail}"
