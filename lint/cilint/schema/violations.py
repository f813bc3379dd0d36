"""JSON Schema validation of loaded documents, with each error classified for the rules.

Validators are compiled once per schema and process. Every `jsonschema` error becomes a
`Violation` with its instance path; the rules `schema`, `unknown-key` and `numeric-string` each
report the violations of their category, located through the document's `SourceMap`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import jsonschema_rs

from cilint.config.resources import schema_path
from cilint.yaml.json_path import JsonPath

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError


@cache
def _schema(stem: str) -> dict:
    with open(schema_path(stem), encoding="utf-8") as handle:
        return json.load(handle)


@cache
def validator(stem: str) -> Draft202012Validator:
    """python-jsonschema: the reference semantics, and the detailed errors (imported only when a
    document is invalid: most runs never need it)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_schema(stem), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def fast_validator(stem: str) -> jsonschema_rs.Validator:
    """jsonschema-rs: a yes/no answer ~100x faster (bench/bench_load.py); tests check that it
    agrees with python-jsonschema on every input we have."""
    return jsonschema_rs.validator_for(_schema(stem))


def is_valid(stem: str, data: object) -> bool:
    try:
        return bool(fast_validator(stem).is_valid(data))
    except (ValueError, TypeError, OverflowError):  # e.g. NaN or huge numbers: ask the reference
        return not any(True for _ in validator(stem).iter_errors(data))


@dataclass(frozen=True)
class Violation:
    """One schema error. `category` is the rule that reports it."""

    category: str  # "schema" | "unknown-key" | "numeric-string"
    document: int
    path: JsonPath
    at: str  # where to point: "key" of `path`, or its "value"
    message: str  # complete user message for "schema"; the facts for the others
    key: str | None = None  # the unknown key
    known_keys: tuple[str, ...] = ()  # keys allowed where `key` was found
    value: object = None  # the non-string scalar for numeric-string


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


def closest_key(key: str, known: tuple[str, ...]) -> str | None:
    folded = {k.lower(): k for k in known}
    if key.lower() in folded:
        return folded[key.lower()]
    matches = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return matches[0] if matches else None


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


def _schema_message(error: ValidationError, where: str) -> tuple[str, str]:
    """(message, at) for a plain schema error."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    description = schema.get("description")
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        names = ", ".join(repr(name) for name in missing)
        return f"{where}: missing required key {names}: add it", "key"
    if error.validator == "type":
        return (
            f"{where}: expected {_expected(error.validator_value)}, "
            f"got {_type_name(error.instance)} {_short(error.instance)}",
            "value",
        )
    if error.validator == "enum":
        allowed = ", ".join(_short(v) for v in error.validator_value)
        return f"{where}: expected one of {allowed}; got {_short(error.instance)}", "value"
    if error.validator == "const":
        return (
            f"{where}: expected {_short(error.validator_value)}, got {_short(error.instance)}",
            "value",
        )
    if error.validator == "not":
        reason = description or (error.validator_value or {}).get("description") or "not allowed"
        return f"{where}: must not be set: {reason}", "key"
    if error.validator == "minLength" and error.validator_value == 1:
        suffix = f" ({description})" if description else ""
        return f"{where}: must not be empty{suffix}", "value"
    if error.validator == "pattern":
        return (
            f"{where}: {_short(error.instance)} does not have the expected form "
            f"(pattern {error.validator_value})" + (f": {description}" if description else ""),
            "value",
        )
    detail = error.message
    if description:
        detail = f"{detail} ({description})"
    return f"{where}: {detail}", "value"


def _classify(error: ValidationError, document: int, strict: bool) -> Iterator[Violation]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        yield from _classify(best_match(error.context), document, strict)
        return
    path: JsonPath = tuple(error.absolute_path)
    where = format_path(path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        properties = schema.get("properties", {})
        known = tuple(k for k, v in properties.items() if not _forbidden(v))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        for key in error.instance:
            if key in properties or any(p.search(key) for p in patterns):
                continue
            case_only = any(key.lower() == k.lower() for k in known)
            # Go's decoders fold case when matching keys, strict ones too.
            category = "schema" if strict and not case_only else "unknown-key"
            message = unknown_key_message(key, known, where, strict and not case_only)
            yield Violation(category, document, (*path, key), "key", message, key, known)
        return
    if (
        error.validator == "type"
        and "string"
        in (
            error.validator_value
            if isinstance(error.validator_value, list)
            else [error.validator_value]
        )
        and isinstance(error.instance, (int, float))  # bool is an int too
    ):
        yield Violation("numeric-string", document, path, "value", where, value=error.instance)
        return
    message, at = _schema_message(error, where)
    if "propertyNames" in error.relative_schema_path and isinstance(error.instance, str):
        # The failing thing is a key of the object at `path`: point at that key.
        path, at = (*path, error.instance), "key"
    yield Violation("schema", document, path, at, message)


def _forbidden(subschema: object) -> bool:
    """A property declared only to reject it (`{"not": {}}` or `false`)."""
    return subschema is False or (isinstance(subschema, dict) and subschema.get("not") == {})


def unknown_key_message(key: str, known: tuple[str, ...], where: str, strict: bool) -> str:
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


def violations(stem: str, document: int, data: object, strict: bool) -> list[Violation]:
    if is_valid(stem, data):
        return []
    seen: set[tuple[str, JsonPath, str]] = set()
    found: list[Violation] = []
    for error in validator(stem).iter_errors(data):
        for violation in _classify(error, document, strict):
            identity = (violation.category, violation.path, violation.message)
            if identity not in seen:
                seen.add(identity)
                found.append(violation)
    return found
