"""Go's yaml.v2 reading of scalars (YAML 1.1, as ci-operator decodes) on libyaml: the resolver
and constructor behind `GoYamlLoader`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml._yaml import CParser  # defined there; yaml.cyaml imports it without exporting it

from cilint.yaml.go_format import go_key_string

# yaml.v2 resolve.go: the plain scalars that are booleans.
_BOOL_VALUES = {
    **dict.fromkeys(
        ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True
    ),
    **dict.fromkeys(
        ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False
    ),
}
_BOOL_RE = re.compile("^(?:" + "|".join(sorted(_BOOL_VALUES)) + ")$")
# yaml.v2 hands "_"-free text to strconv.ParseInt(s, 0, 64): decimal, 0x, 0o, 0b, leading-0 octal.
_INT_RE = re.compile(r"^[-+]?(?:0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0[0-7_]*|[1-9][0-9_]*)$")
# yaml.v2 yamlStyleFloat, plus the .inf/.nan spellings.
_FLOAT_RE = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")


class _GoYamlResolver(yaml.resolver.Resolver):
    """Implicit tags for plain scalars as yaml.v2 decides them."""


_GoYamlResolver.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:bool", _BOOL_RE, list("yYnNtTfFoO")),
    ("tag:yaml.org,2002:null", _NULL_RE, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", _INT_RE, list("-+0123456789")),
    ("tag:yaml.org,2002:float", _FLOAT_RE, list("-+.0123456789")),
    ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"]),
):
    _GoYamlResolver.add_implicit_resolver(_tag, _regexp, _first)


class _GoYamlConstructor(yaml.constructor.SafeConstructor):
    """SafeConstructor with yaml.v2 numbers, string keys and duplicate-key reporting."""

    def __init__(self) -> None:
        super().__init__()
        self.duplicate_keys: list[tuple[str, yaml.Mark]] = []

    def construct_yaml_bool(self, node: yaml.ScalarNode) -> bool:
        return _BOOL_VALUES.get(node.value, False)

    # The int and timestamp constructors return what SafeConstructor's namesakes may not (a
    # float for "08", a string), so they have their own names: only the tags below reach them.
    def construct_go_int(self, node: yaml.ScalarNode) -> int | float:
        text = node.value.replace("_", "")
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if digits.startswith(("0x", "0o", "0b")):
            return sign * int(digits, 0)
        if len(digits) > 1 and digits.startswith("0"):
            if all(ch in "01234567" for ch in digits):
                return sign * int(digits, 8)
            return sign * float(digits)  # ParseInt fails, ParseFloat accepts "08"
        return sign * int(digits)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        text = node.value.lower()
        if text.endswith(".inf"):
            return float("-inf") if text.startswith("-") else float("inf")
        if text.endswith(".nan"):
            return float("nan")
        return float(text)

    def construct_go_timestamp(self, node: yaml.ScalarNode) -> str:
        return str(node.value)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                identity = (key_node.tag, key_node.value)
                if identity in seen:
                    self.duplicate_keys.append((key_node.value, key_node.start_mark))
                seen.add(identity)
        self.flatten_mapping(node)
        mapping: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                if isinstance(key, (list, dict)):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        "found a key that is a list or mapping",
                        key_node.start_mark,
                    )
                key = go_key_string(key)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


# Typed as any callable: PyYAML's stubs only take constructors of its own loader classes.
_CONSTRUCTORS: tuple[tuple[str, Callable[..., object]], ...] = (
    ("tag:yaml.org,2002:bool", _GoYamlConstructor.construct_yaml_bool),
    ("tag:yaml.org,2002:int", _GoYamlConstructor.construct_go_int),
    ("tag:yaml.org,2002:float", _GoYamlConstructor.construct_yaml_float),
    ("tag:yaml.org,2002:timestamp", _GoYamlConstructor.construct_go_timestamp),
)
for _tag, _method in _CONSTRUCTORS:
    _GoYamlConstructor.add_constructor(_tag, _method)


class GoYamlLoader(CParser, _GoYamlConstructor, _GoYamlResolver):
    """libyaml's C parser with yaml.v2 scalar semantics.

    Scalars follow YAML 1.1 as gopkg.in/yaml.v2 resolves them (ghodss/yaml and sigs.k8s.io/yaml
    build on it): `y/n/yes/no/on/off` are booleans, `017` is octal, `1e3` is a float, there are
    no sexagesimal numbers, and timestamps stay strings. Mapping keys become strings as JSON
    needs, and `duplicate_keys` collects every key a mapping repeats.
    """

    def __init__(self, stream: bytes) -> None:
        CParser.__init__(self, stream)
        _GoYamlConstructor.__init__(self)
        _GoYamlResolver.__init__(self)
