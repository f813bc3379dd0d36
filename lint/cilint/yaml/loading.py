"""`load_yaml`: a file's bytes to its documents as plain data, read the way Go's yaml.v2 (and so
ci-operator) reads them, with the `YamlProblem`s found on the way and a `SourceMap` for positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from cilint.yaml.fast_path import fast_documents
from cilint.yaml.go_semantics import UTF8_BOM, GoYamlLoader
from cilint.yaml.source_map import SourceMap


@dataclass(frozen=True)
class YamlProblem:
    """Something wrong with the bytes themselves; `category` picks the rule that reports it."""

    category: str  # "syntax" | "duplicate-key" | "encoding" | "empty"
    line: int
    column: int
    message: str
    error: bool = True


def _char_at(content: bytes, index: int) -> str:
    text = content.decode("utf-8", errors="replace")
    return text[index] if 0 <= index < len(text) else ""


@dataclass
class LoadedYaml:
    documents: list[object]
    source: SourceMap
    problems: list[YamlProblem]


def load_yaml(content: bytes, allow_fast: bool = True) -> LoadedYaml:
    """Parse every document of `content`; never raises for bad input. `allow_fast=False`
    forces libyaml (the reference the fast path is tested against)."""
    problems: list[YamlProblem] = []
    if content.startswith(UTF8_BOM):
        problems.append(
            YamlProblem(
                "encoding",
                1,
                1,
                "the file starts with a UTF-8 byte-order mark; determinize writes none: remove it",
                error=False,
            )
        )
        content = content[len(UTF8_BOM) :]
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as err:
        line = content.count(b"\n", 0, err.start) + 1
        column = err.start - (content.rfind(b"\n", 0, err.start) + 1) + 1
        problems.append(
            YamlProblem(
                "encoding",
                line,
                column,
                f"invalid UTF-8 (byte 0x{content[err.start]:02x}); YAML files must be UTF-8: "
                "re-save the file as UTF-8",
            )
        )
        return LoadedYaml([], SourceMap(), problems)

    fast = fast_documents(content) if allow_fast else None
    if fast is not None:
        return LoadedYaml(fast, SourceMap(content=content), problems)

    loader = GoYamlLoader(content)
    nodes: list[yaml.Node] = []
    documents: list[object] = []
    try:
        while loader.check_node():
            nodes.append(loader.get_node())
        documents = [loader.construct_document(node) for node in nodes]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = err.problem or "invalid YAML"
        context = f" {err.context}" if err.context else ""
        if mark and _char_at(content, mark.index) == "\t":
            message = "a tab character here; YAML indentation must use spaces: replace the tab"
        else:
            message = f"{problem}{context}: fix the YAML syntax here"
        problems.append(YamlProblem("syntax", line, column, message))
        return LoadedYaml([], SourceMap(), problems)
    except (yaml.YAMLError, RecursionError, ValueError) as err:
        problems.append(YamlProblem("syntax", 1, 1, f"cannot parse YAML: {err}"))
        return LoadedYaml([], SourceMap(), problems)
    finally:
        loader.dispose()

    for key, mark in loader.duplicate_keys:
        problems.append(
            YamlProblem(
                "duplicate-key",
                mark.line + 1,
                mark.column + 1,
                f"key {key!r} is defined twice in the same mapping; ci-operator silently keeps "
                "the last one and strict decoders reject the file: remove one",
            )
        )
    return LoadedYaml(documents, SourceMap(nodes), problems)
