"""The per-file stage: (path, kind, bytes) → findings. Pure, so it can run in worker processes
and be cached by content hash; it never looks at another file."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import cache

from cilint.facts import ci_operator, manifests, mapping, mirror_config, registry
from cilint.facts.model import FileFacts
from cilint.facts.parsed_file import Document
from cilint.facts.result import FileResult
from cilint.findings import Finding
from cilint.inputs.discovery import InputFile
from cilint.inputs.kinds import (
    SCHEMA_OF_KIND,
    SCHEMA_OF_MANIFEST_KIND,
    SINGLE_DOCUMENT_KINDS,
    STEP_REGISTRY_KINDS,
    STRICT_KINDS,
    Kind,
)
from cilint.rules.context import FileContext
from cilint.tags import Registries
from cilint.yaml.loading import LoadedYaml, YamlProblem, load_yaml
from cilint.yaml.source_map import SourceMap

# Cheap pre-filter: a cluster manifest is parsed only if it may hold a kind cilint reads.
_MANIFEST_KINDS_RE = re.compile(
    rb"kind:\s*[\"']?(?:" + b"|".join(k.encode() for k in SCHEMA_OF_MANIFEST_KIND) + rb")\b"
)


# A symbolic link stored by git as a plain file (core.symlinks=false, or a copied tree): one
# line, no newline, naming a relative YAML path.
_SYMLINK_STUB_RE = re.compile(rb"^[\w.@+-]+(?:/[\w.@+-]+)*\.ya?ml$")


@cache
def _default_registries() -> Registries:
    from cilint.config.settings import DEFAULT_POLICY, load_policy

    return load_policy(DEFAULT_POLICY, None).registries


def _facts(ctx: FileContext, content: bytes, registries: Registries) -> FileFacts:
    if ctx.kind is Kind.CI_OPERATOR_CONFIG:
        return ci_operator.extract(ctx)
    if ctx.kind in STEP_REGISTRY_KINDS:
        return registry.extract(ctx)
    if ctx.kind is Kind.CI_IMAGES_MIRROR:
        return mirror_config.extract(ctx, registries)
    if ctx.kind is Kind.CLUSTER_MANIFEST:
        return manifests.extract(ctx)
    if ctx.kind is Kind.MAPPING:
        return mapping.extract(ctx.path, content, registries)
    return FileFacts()


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
        problem = YamlProblem("syntax", err.lineno, err.colno, f"invalid JSON: {err.msg}")
        return LoadedYaml([], SourceMap(), [problem])
    source = loaded.source if not loaded.problems else SourceMap()
    return LoadedYaml([data], source, [p for p in loaded.problems if p.category == "encoding"])


def _documents(kind: Kind, loaded: LoadedYaml) -> list[tuple[Document, str]]:
    """Objects to validate, each with its schema stem."""
    if kind in SCHEMA_OF_KIND:
        # Go's decoders read only the first document of a single-document kind.
        documents = loaded.documents[:1] if kind in SINGLE_DOCUMENT_KINDS else loaded.documents
        return [(Document(i, (), d), SCHEMA_OF_KIND[kind]) for i, d in enumerate(documents)]
    if kind is not Kind.CLUSTER_MANIFEST:
        return []
    found = []
    for index, data in enumerate(loaded.documents):
        if not isinstance(data, dict):
            continue
        if data.get("kind") == "List" and isinstance(data.get("items"), list):
            items = [(("items", n), item) for n, item in enumerate(data["items"])]
        else:
            items = [((), data)]
        for prefix, item in items:
            stem = SCHEMA_OF_MANIFEST_KIND.get(item.get("kind")) if isinstance(item, dict) else None
            if stem:
                found.append((Document(index, prefix, item), stem))
    return found


def analyze(
    item: InputFile,
    content: bytes,
    disabled: frozenset[str] = frozenset(),
    registries: Registries | None = None,
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
    if kind is Kind.MAPPING or (
        kind is Kind.CLUSTER_MANIFEST and not _MANIFEST_KINDS_RE.search(content)
    ):
        loaded = LoadedYaml([], SourceMap(), [])
    else:
        loaded = _load(kind, content)
    ctx.source = loaded.source
    ctx.yaml_problems = list(loaded.problems)
    parsed = not any(p.category in ("syntax", "encoding") and p.error for p in loaded.problems)

    if parsed and kind in SINGLE_DOCUMENT_KINDS | {Kind.STEP_OTHER}:
        if all(d is None for d in loaded.documents):
            ctx.yaml_problems.append(
                YamlProblem(
                    "empty",
                    1,
                    1,
                    "the file holds no YAML data (only comments or whitespace); its loader reads "
                    "an empty object and rejects it: delete the file or give it content",
                )
            )
        elif len(loaded.documents) > 1 and kind is not Kind.STEP_OTHER:
            line, column = loaded.source.locate(1, ())
            ctx.yaml_problems.append(
                YamlProblem(
                    "syntax",
                    line,
                    column,
                    f"a second YAML document starts here, but a {kind} file holds exactly "
                    "one (its loader reads only the first): remove the '---' separator or "
                    "split the file",
                )
            )
    # Imported here: a run that loads every result from the cache (explain, a PATH run) never
    # analyses a file, and these imports cost ~35 ms of its start.
    from cilint.rules.registry import FILE_RULES
    from cilint.schema.violations import violations

    strict = kind in STRICT_KINDS
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

    findings: list[Finding] = []
    for rule in FILE_RULES:
        if rule.RULE.name not in disabled:
            findings.extend(rule.check(ctx))
    facts = _facts(ctx, content, registries or _default_registries())
    return FileResult(item.path, kind, tuple(sorted(findings)), facts=facts)


def warm_up() -> None:
    """Compile every validator now, so that forked workers inherit them."""
    from cilint.schema.violations import fast_validator, validator

    for stem in {*SCHEMA_OF_KIND.values(), *SCHEMA_OF_MANIFEST_KIND.values()}:
        fast_validator(stem)
        validator(stem)
    _default_registries()
