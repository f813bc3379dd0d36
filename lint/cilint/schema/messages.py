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
        return f"{where}: expected {_expected(expected)}, got {_type_name(found)} {_short(found)}"
    if keyword == "enum":
        allowed = ", ".join(_short(v) for v in expected)
        return f"{where}: expected one of {allowed}; got {_short(found)}"
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
