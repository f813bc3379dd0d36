"""JSON Schema validation of loaded documents, each error classified for the rules.

Validators are compiled once per schema and process. Every `jsonschema` error becomes a
`Violation`: its instance path and the facts of the failure; the rules `schema`, `unknown-key`
and `numeric-string` each word the violations of their category.

jsonschema-rs says whether a document is valid; python-jsonschema says why an invalid one is not,
walking only the parts jsonschema-rs finds invalid (`_narrowed`): a 20 MB config with one error
would otherwise cost a Python walk of all its 400,000 tests (bench/bench_large_file.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from cilint.resources import schema_path
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


# Below this many items (or keys), python-jsonschema walks a container whole: asking
# jsonschema-rs which parts fail costs more than it saves.
_NARROW_FROM = 32


@cache
def narrowed_validator(stem: str) -> Draft202012Validator:
    """`validator(stem)` whose walk of an array's items, a mapping's additional properties and
    its property names skips what jsonschema-rs finds valid: the same errors, in the same order,
    since both engines agree on validity (tests/test_schema_engines.py checks both)."""
    from jsonschema import Draft202012Validator, _keywords
    from jsonschema.validators import extend

    root = _schema(stem)
    narrowed = extend(
        Draft202012Validator,
        validators={
            "items": _narrowed(_keywords.items, "items", root),
            "additionalProperties": _narrowed(
                _keywords.additionalProperties, "additionalProperties", root
            ),
            "propertyNames": _narrowed(_keywords.propertyNames, "propertyNames", root),
        },
    )
    return narrowed(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


# A python-jsonschema keyword function (its stubs say it returns None; it yields errors).
_Keyword = Callable[..., Any]
_RS_REFUSES = (ValueError, TypeError, OverflowError)  # NaN, huge numbers: see `is_valid`


def _failing(root: dict[str, Any], keyword: str, value: object, instance: Any) -> list | None:
    """The indices (of an array) or keys (of a mapping) that make `{keyword: value}` fail on
    `instance`, in order, as jsonschema-rs finds them; None when it cannot tell."""
    key = (id(root), keyword, id(value))
    compiled = _parts.get(key)
    if compiled is None:
        # The part alone, its references resolved in `root`'s $defs (the shipped schemas refer
        # nowhere else); compiled once per part and process.
        wrapper = {"$schema": root.get("$schema"), "$defs": root.get("$defs", {}), keyword: value}
        compiled = _parts[key] = (jsonschema_rs.validator_for(wrapper), value)
    part = compiled[0]
    try:
        if keyword == "propertyNames":  # its errors do not say which name fails
            return [name for name in instance if not part.is_valid({name: None})]
        paths = [error.instance_path for error in part.iter_errors(instance)]
    except _RS_REFUSES:
        return None
    if not all(paths):  # an error about the container itself: no part to narrow to
        return None
    failing = {path[0] for path in paths}
    return sorted(failing) if keyword == "items" else [k for k in instance if k in failing]


_parts: dict[tuple[int, str, int], tuple[jsonschema_rs.Validator, object]] = {}  # (keeps value)


def _narrowed(keyword: _Keyword, name: str, root: dict[str, Any]) -> _Keyword:
    """`keyword` (python-jsonschema's `items`, `additionalProperties` or `propertyNames`) on
    only the items or entries of a large container that jsonschema-rs finds failing."""
    container = list if name == "items" else dict

    def narrowed(
        validator: Any, value: Any, instance: Any, schema: dict[str, Any]
    ) -> Iterator[Any]:
        failing = None
        if (
            isinstance(instance, container)
            and len(instance) >= _NARROW_FROM
            and (isinstance(value, dict) or name == "propertyNames")
            and "prefixItems" not in schema
        ):
            failing = _failing(root, name, value, instance)
        if failing is None:
            yield from keyword(validator, value, instance, schema)
        elif name == "items":
            for error in keyword(validator, value, [instance[i] for i in failing], schema):
                index = int(error.path[0])  # among the failing items
                error.path[0] = failing[index]
                yield error
        else:
            yield from keyword(validator, value, {k: instance[k] for k in failing}, schema)

    return narrowed


@cache
def fast_validator(stem: str) -> jsonschema_rs.Validator:
    """jsonschema-rs: the fast yes/no answer (bench/NOTES.md); tests check that it agrees
    with python-jsonschema on every input we have."""
    return jsonschema_rs.validator_for(_schema(stem))


def is_valid(stem: str, data: object) -> bool:
    try:
        return bool(fast_validator(stem).is_valid(data))
    except (ValueError, TypeError, OverflowError):  # e.g. NaN or huge numbers: ask the reference
        return not any(True for _ in validator(stem).iter_errors(data))


@dataclass(frozen=True)
class Violation:
    """One schema error, as the validator found it. `category` is the rule that reports it
    (`schema`, `unknown-key`, `numeric-string`); the rules word it."""

    category: str
    document: int
    path: JsonPath  # where it points (with `at`)
    at: str  # "key" of `path`, or its "value"
    subject: JsonPath  # the field it is about (the parent of an unknown or misspelt key)
    keyword: str = ""  # the JSON Schema keyword that failed: required, type, enum, ...
    expected: Any = None  # that keyword's value in the schema
    instance: Any = None  # the value found (for numeric-string: the non-string scalar)
    description: str | None = None  # the schema's description of the field
    detail: str = ""  # the validator's own words
    key: str | None = None  # an unknown key
    known_keys: tuple[str, ...] = ()  # keys allowed where `key` was found
    strict: bool = False  # the file is decoded strictly: an unknown key rejects it


def _classify(error: ValidationError, document: int, strict: bool) -> Iterator[Violation]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        yield from _classify(best_match(error.context), document, strict)
        return
    path: JsonPath = tuple(error.absolute_path)
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
            rejected = strict and not case_only
            yield Violation(
                "schema" if rejected else "unknown-key",
                document,
                (*path, key),
                "key",
                path,
                "additionalProperties",
                key=key,
                known_keys=known,
                strict=rejected,
            )
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
        yield Violation("numeric-string", document, path, "value", path, instance=error.instance)
        return
    schema = error.schema if isinstance(error.schema, dict) else {}
    subject = path
    at = "key" if error.validator in ("required", "not") else "value"
    if "propertyNames" in error.relative_schema_path and isinstance(error.instance, str):
        # The failing thing is a key of the object at `path`: point at that key.
        path, at = (*path, error.instance), "key"
    yield Violation(
        "schema",
        document,
        path,
        at,
        subject,
        str(error.validator),
        error.validator_value,
        error.instance,
        schema.get("description"),
        error.message,
    )


def _forbidden(subschema: object) -> bool:
    """A property declared only to reject it (`{"not": {}}` or `false`)."""
    return subschema is False or (isinstance(subschema, dict) and subschema.get("not") == {})


def violations(stem: str, document: int, data: object, strict: bool) -> list[Violation]:
    if is_valid(stem, data):
        return []
    errors = narrowed_validator(stem).iter_errors(data)
    return [v for e in errors for v in _classify(e, document, strict)]
