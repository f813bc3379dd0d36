"""`load_yaml`: a file's bytes to its documents as plain data, read the way Go's yaml.v2 (and so
ci-operator) reads them, with the `YamlProblem`s found on the way and a `SourceMap` for positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from cilint.yaml.aliases import EXCESSIVE, alias_place, alias_problem
from cilint.yaml.bom import UTF8_BOM
from cilint.yaml.fast_path import fast_documents, has_alias_trap
from cilint.yaml.go_semantics import GoYamlLoader
from cilint.yaml.source_map import SourceMap

# What a `YamlProblem` is; the rules that report them (yaml-syntax, encoding, duplicate-key)
# word them for the user.
BOM = "bom"  # a UTF-8 byte-order mark at the start (the file is still read)
INVALID_UTF8 = "invalid-utf8"  # detail: the first invalid byte, as 0x..
OTHER_ENCODING = "other-encoding"  # a UTF-16 or UTF-32 byte-order mark; detail: "UTF-16 LE", ...
TAB = "tab"  # the parser stopped at a tab character
SYNTAX = "syntax"  # detail: the parser's own words
UNPARSABLE = "unparsable"  # detail: why, when the parser gives no position
CONTROL = "control"  # a control character YAML forbids; detail: it, as U+XXXX
TAG = "tag"  # a tag no type is built for (never constructed); detail: the tag as written
EXCESSIVE_ALIASES = "excessive-aliases"  # detail: the alias, "*name"
RECURSIVE_ALIAS = "recursive-alias"  # detail: the alias, "*name"
INVALID_JSON = "invalid-json"  # detail: the json module's words
DUPLICATE_KEY = "duplicate-key"  # detail: the key
TOO_LARGE = "too-large"  # not read at all (found before loading); detail: the limit in bytes

# Byte-order marks of the encodings YAML allows besides UTF-8 (UTF-32 first: its LE mark
# starts with UTF-16 LE's).
_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32 LE"),
    (b"\x00\x00\xfe\xff", "UTF-32 BE"),
    (b"\xff\xfe", "UTF-16 LE"),
    (b"\xfe\xff", "UTF-16 BE"),
)
_NO_CONSTRUCTOR = re.compile(r"could not determine a constructor for the tag '(.*)'", re.DOTALL)


@dataclass(frozen=True)
class YamlProblem:
    """Something wrong with the bytes themselves, as the reader found it."""

    kind: str  # one of the names above
    line: int
    column: int
    detail: str = ""

    @property
    def stops_reading(self) -> bool:
        """The file's data could not be read at all."""
        return self.kind not in (BOM, DUPLICATE_KEY)


def _char_at(content: bytes, index: int) -> str:
    text = content.decode("utf-8", errors="replace")
    return text[index] if 0 <= index < len(text) else ""


def _position(content: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of a byte offset of UTF-8 `content`."""
    line_start = content.rfind(b"\n", 0, offset) + 1
    column = len(content[line_start:offset].decode("utf-8", errors="replace")) + 1
    return content.count(b"\n", 0, offset) + 1, column


def _short_tag(tag: str) -> str:
    """A tag as it is usually written: `!!name` for YAML's own, else as libyaml resolved it."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _aliases(content: bytes, nodes: list[yaml.Node]) -> YamlProblem | None:
    """The alias Go's yaml.v2 would stop at (`cilint.yaml.aliases`), as a problem."""
    found = alias_problem(nodes)
    if found is None:
        return None
    line, column, anchor = alias_place(content, found.alias) or (1, 1, "")
    kind = EXCESSIVE_ALIASES if found.what == EXCESSIVE else RECURSIVE_ALIAS
    return YamlProblem(kind, line, column, f"*{anchor}" if anchor else "an alias")


@dataclass
class LoadedYaml:
    documents: list[object]
    source: SourceMap
    problems: list[YamlProblem]


def load_yaml(content: bytes, allow_fast: bool = True) -> LoadedYaml:
    """Parse every document of `content`; never raises for bad input. `allow_fast=False`
    forces libyaml (the reference the fast path is tested against)."""
    problems: list[YamlProblem] = []
    if content[:1] in (b"\xff", b"\xfe", b"\x00"):  # a byte-order mark may start so
        for bom, encoding in _OTHER_BOMS:
            if content.startswith(bom):
                return LoadedYaml([], SourceMap(), [YamlProblem(OTHER_ENCODING, 1, 1, encoding)])
    if content.startswith(UTF8_BOM):
        problems.append(YamlProblem(BOM, 1, 1))
        content = content[len(UTF8_BOM) :]
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as err:
        line = content.count(b"\n", 0, err.start) + 1
        column = err.start - (content.rfind(b"\n", 0, err.start) + 1) + 1
        problems.append(YamlProblem(INVALID_UTF8, line, column, f"0x{content[err.start]:02x}"))
        return LoadedYaml([], SourceMap(), problems)

    fast = fast_documents(content) if allow_fast else None
    if fast is not None:
        # yaml-rs read it: a position needs no second parse by libyaml (`BlockText.read`)
        return LoadedYaml(fast, SourceMap(content=content, parses=True), problems)

    loader = GoYamlLoader(content)
    nodes: list[yaml.Node] = []
    documents: list[object] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            assert node is not None  # check_node() said a document follows
            nodes.append(node)
        # Constructing shares what aliases repeat, but what reads the data would not.
        refused = _aliases(content, nodes) if has_alias_trap(content) else None
        if refused is not None:
            return LoadedYaml([], SourceMap(), [*problems, refused])
        documents = [loader.construct_document(node) for node in nodes]
    except yaml.reader.ReaderError as err:  # a character YAML forbids, at a byte offset
        line, column = _position(content, err.position)
        problems.append(YamlProblem(CONTROL, line, column, f"U+{err.character:04X}"))
        return LoadedYaml([], SourceMap(), problems)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = err.problem or "invalid YAML"
        context = f" {err.context}" if err.context else ""
        unknown_tag = _NO_CONSTRUCTOR.fullmatch(problem)
        if unknown_tag is not None:
            problems.append(YamlProblem(TAG, line, column, _short_tag(unknown_tag[1])))
        elif mark and _char_at(content, mark.index) == "\t":
            problems.append(YamlProblem(TAB, line, column))
        else:
            problems.append(YamlProblem(SYNTAX, line, column, f"{problem}{context}"))
        return LoadedYaml([], SourceMap(), problems)
    except (yaml.YAMLError, RecursionError, ValueError) as err:
        problems.append(YamlProblem(UNPARSABLE, 1, 1, str(err)))
        return LoadedYaml([], SourceMap(), problems)
    finally:
        loader.dispose()

    for key, mark in loader.duplicate_keys:
        problems.append(YamlProblem(DUPLICATE_KEY, mark.line + 1, mark.column + 1, key))
    return LoadedYaml(documents, SourceMap(nodes), problems)
