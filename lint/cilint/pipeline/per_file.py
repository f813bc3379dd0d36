"""The per-file stage: (path, kind, bytes) → findings. Pure, so it can run in worker processes
and be cached by content hash; it never looks at another file."""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import cache

from cilint.config.settings import DEFAULT_MAX_FILE_SIZE
from cilint.facts.model import FileFacts
from cilint.facts.parsed_file import Document
from cilint.facts.result import FileResult
from cilint.findings import Finding
from cilint.inputs.discovery import InputFile
from cilint.inputs.kinds import INPUT_KINDS, MANIFEST_SCHEMAS, Kind
from cilint.rules.context import FileContext
from cilint.tags import Registries
from cilint.yaml.comments import suppression_comments
from cilint.yaml.json_path import JsonPath
from cilint.yaml.loading import (
    BOM,
    INVALID_JSON,
    INVALID_UTF8,
    TOO_LARGE,
    UNPARSABLE,
    LoadedYaml,
    YamlProblem,
    load_yaml,
)
from cilint.yaml.source_map import SourceMap

# Cheap pre-filter: a cluster manifest is parsed only if it may hold a kind cilint reads.
_MANIFEST_KINDS_RE = re.compile(
    rb"kind:\s*[\"']?(?:" + b"|".join(k.encode() for k in MANIFEST_SCHEMAS) + rb")\b"
)


# A symbolic link stored by git as a plain file (core.symlinks=false, or a copied tree): one
# line, no newline, naming a relative YAML path.
_SYMLINK_STUB_RE = re.compile(rb"^[\w.@+-]+(?:/[\w.@+-]+)*\.ya?ml$")


@cache
def _default_registries() -> Registries:
    from cilint.config.settings import DEFAULT_POLICY, load_policy

    return load_policy(DEFAULT_POLICY, None).registries


@cache
def _extractor(kind: Kind) -> Callable[[FileContext, bytes, Registries], FileFacts] | None:
    """The `extract` of the kind's facts module (the kinds table names it)."""
    module = INPUT_KINDS[kind].extractor
    return importlib.import_module(f"cilint.facts.{module}").extract if module else None


def _facts(ctx: FileContext, content: bytes, registries: Registries) -> FileFacts:
    extract = _extractor(ctx.kind)
    return extract(ctx, content, registries) if extract is not None else FileFacts()


def symlink_stub_target(content: bytes) -> str | None:
    if len(content) > 1024 or b"\n" in content:
        return None
    return content.decode("utf-8", "replace") if _SYMLINK_STUB_RE.match(content) else None


def _load(kind: Kind, content: bytes) -> LoadedYaml:
    if kind is not Kind.RELEASE_CONTROLLER:
        return load_yaml(content)
    # JSON: the json module decides validity; the YAML parser (JSON is YAML) gives positions.
    loaded = load_yaml(content)
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return loaded
    except json.JSONDecodeError as err:
        problem = YamlProblem(INVALID_JSON, err.lineno, err.colno, err.msg)
        return LoadedYaml([], SourceMap(), [problem])
    except RecursionError:  # deeper than the json module goes: libyaml said where, if it could
        if any(p.stops_reading for p in loaded.problems):
            return loaded
        return LoadedYaml([], SourceMap(), [YamlProblem(UNPARSABLE, 1, 1, "nested too deep")])
    source = loaded.source if not loaded.problems else SourceMap()
    encoding = [p for p in loaded.problems if p.kind in (BOM, INVALID_UTF8)]
    return LoadedYaml([data], source, encoding)


def _documents(kind: Kind, loaded: LoadedYaml) -> list[tuple[Document, str]]:
    """Objects to validate, each with its schema stem."""
    row = INPUT_KINDS[kind]
    if row.schema is not None:
        # Go's decoders read only the first document of a single-document kind.
        documents = loaded.documents[:1] if row.single_document else loaded.documents
        return [(Document(i, (), d), row.schema) for i, d in enumerate(documents)]
    if kind is not Kind.CLUSTER_MANIFEST:
        return []
    found = []
    for index, data in enumerate(loaded.documents):
        if not isinstance(data, dict):
            continue
        items: list[tuple[JsonPath, object]]
        if data.get("kind") == "List" and isinstance(data.get("items"), list):
            items = [(("items", n), item) for n, item in enumerate(data["items"])]
        else:
            items = [((), data)]
        for prefix, item in items:
            named = item.get("kind") if isinstance(item, dict) else None
            stem = MANIFEST_SCHEMAS.get(named) if isinstance(named, str) else None
            if stem:
                found.append((Document(index, prefix, item), stem))
    return found


# libyaml reads data up to 1000 levels deep (and stops there with an error). Python's default
# of 1000 frames would end a walk or a repr of such data, and the run with it, well before.
_RECURSION_LIMIT = 10_000


def analyze(
    item: InputFile,
    content: bytes,
    disabled: frozenset[str] = frozenset(),
    registries: Registries | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
) -> FileResult:
    """The result of one input. `content` may stop one byte past `max_file_size`: a larger
    file is not read, and gets a file-too-large finding."""
    previous = sys.getrecursionlimit()  # set and reset inline: a context manager costs 2 us
    sys.setrecursionlimit(max(previous, _RECURSION_LIMIT))
    try:
        return _analyze(item, content, disabled, registries, max_file_size)
    finally:
        sys.setrecursionlimit(previous)


def _analyze(
    item: InputFile,
    content: bytes,
    disabled: frozenset[str],
    registries: Registries | None,
    max_file_size: int,
) -> FileResult:
    kind = item.kind
    target = symlink_stub_target(content)
    if target is not None:
        reason = (
            f"git symbolic link stored as a text file (target {target}); not checked itself, "
            "the file it points to is checked where it lies in the tree"
        )
        return FileResult(item.path, kind, (), skipped=reason)
    ctx = FileContext(item.path, kind, item.base)
    row = INPUT_KINDS[kind]
    too_large = len(content) > max_file_size
    if too_large:
        loaded = LoadedYaml([], SourceMap(), [YamlProblem(TOO_LARGE, 1, 1, str(max_file_size))])
    elif not row.parsed or (
        kind is Kind.CLUSTER_MANIFEST and not _MANIFEST_KINDS_RE.search(content)
    ):
        loaded = LoadedYaml([], SourceMap(), [])
    else:
        loaded = _load(kind, content)
    ctx.source = loaded.source
    ctx.loaded = loaded.documents
    ctx.yaml_problems = list(loaded.problems)
    ctx.readable = not any(p.stops_reading for p in loaded.problems)
    if row.parsed and not too_large and not any(p.kind == INVALID_UTF8 for p in loaded.problems):
        ctx.suppressions = suppression_comments(content)
    # Imported here: a run answered from the cache (explain, a PATH run) never analyses a file.
    from cilint.rules.registry import FILE_RULES, RULE_NAMES
    from cilint.schema.violations import violations

    strict = row.strict
    for document, stem in _documents(kind, loaded):
        if document.data is None and kind is not Kind.CLUSTER_MANIFEST:
            continue
        ctx.documents.append(document)
        for violation in violations(stem, document.index, document.data, strict):
            if document.prefix:
                violation = replace(violation, path=document.prefix + violation.path)
            ctx.violations.append(violation)
    if not ctx.documents and kind is Kind.STEP_OTHER:
        ctx.documents = [Document(i, (), d) for i, d in enumerate(loaded.documents)]

    ctx.rule_names = RULE_NAMES
    findings: list[Finding] = []
    for rule in FILE_RULES:
        if rule.RULE.name not in disabled:
            findings.extend(rule.check(ctx))
    facts = FileFacts() if too_large else _facts(ctx, content, registries or _default_registries())
    return FileResult(
        item.path, kind, tuple(sorted(findings)), facts=facts, suppressions=ctx.suppressions
    )


def warm_up() -> None:
    """Compile every validator now, so that forked workers inherit them."""
    from cilint.schema.violations import fast_validator, validator

    stems = {row.schema for row in INPUT_KINDS.values() if row.schema}
    for stem in stems | set(MANIFEST_SCHEMAS.values()):
        fast_validator(stem)
        validator(stem)
    _default_registries()
