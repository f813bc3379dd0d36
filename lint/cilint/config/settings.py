"""cilint's own configuration (`.cilint.yaml` or `--config`) and the policy it selects.

Both are YAML files validated against schemas in `schemas/`; a problem in either stops the run
with exit code 2 and a `file:line:col: message` line.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cilint import __version__
from cilint.config.mirror_policy import (
    ClusterGroup,
    MirrorPolicy,
    parse_cluster_groups,
    parse_mirror_policies,
)
from cilint.errors import CilintError
from cilint.findings import Severity
from cilint.inputs.discovery import Layout
from cilint.resources import data_dir, policy_path
from cilint.schema.messages import boolean_hint, schema_message, unknown_key_message
from cilint.schema.violations import violations
from cilint.tags import Registries
from cilint.yaml.json_path import format_path
from cilint.yaml.loading import BOM, load_yaml
from cilint.yaml.messages import problem_message

CONFIG_FILE_NAMES = (".cilint.yaml", ".cilint.yml")
DEFAULT_POLICY = "openshift-ci"
# The largest input read (`max_file_size`): about 100x the largest ci-operator config of
# openshift/release (a few hundred KB), and above the 19 MB of bench/bench_large_file.py. A
# 19 MB config takes 2-4 s and 600 MiB to check: this bounds what one file can cost.
DEFAULT_MAX_FILE_SIZE = 32 << 20
_UNITS = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}


@dataclass(frozen=True)
class Policy:
    name: str
    registries: Registries
    layout: Layout
    source: str  # the file it came from
    exempt_namespaces: tuple[str, ...] = ()
    art_namespaces: tuple[str, ...] = ()  # ART's and the release payloads' (regexes)
    mirror_policies: tuple[MirrorPolicy, ...] = ()
    cluster_groups: tuple[ClusterGroup, ...] = ()
    raw: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    root: Path
    policy: Policy
    layout: Layout
    # `rules:` of the configuration as written: rule name or code → severity or "off"
    # (`cilint.rules.registry.rule_levels` reads it, and rejects unknown rules)
    rule_options: dict[str, str]
    exclude: tuple[str, ...]
    fail_level: Severity
    config_file: str | None
    # `per_file_ignores:` as written: glob → rules (codes, names or prefixes) not reported there
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; a larger input is not read


def _read_validated(path: Path, stem: str, what: str) -> dict[str, Any]:
    """The file's data, valid against schemas/`stem`.schema.json (its shape is checked there,
    hence `Any`)."""
    try:
        content = path.read_bytes()
    except OSError as err:
        raise CilintError(f"{path}: cannot read {what}: {err.strerror}") from None
    loaded = load_yaml(content)
    for problem in loaded.problems:
        if problem.kind != BOM:
            raise CilintError(
                f"{path}:{problem.line}:{problem.column}: {what}: {problem_message(problem)}"
            )
    data = loaded.documents[0] if loaded.documents else None
    if data is None:
        data = {}
    for violation in violations(stem, 0, data, strict=True):
        line, column = loaded.source.locate(0, violation.path, violation.at)
        if violation.category == "numeric-string":
            message = f"{format_path(violation.subject)}: expected a string"
            if isinstance(violation.instance, bool):
                message += f"; {boolean_hint(violation.instance)}"
        elif violation.category == "unknown-key":
            message = unknown_key_message(violation)
        else:
            message = schema_message(violation)
        raise CilintError(f"{path}:{line}:{column}: invalid {what}: {message}")
    assert isinstance(data, dict)  # both schemas want a mapping
    return data


def in_tree(root: Path, path: Path, option: str) -> Path:
    """`path`, a file the tree names (its `.cilint.yaml`, the policy that one names, its
    baseline), if it lies in the tree: one that leads out of it, through a symbolic link or
    `..`, is not read (a link to a secret would be read, and quoted in an error message)."""
    target = path.resolve()
    if not target.is_relative_to(root.resolve()):
        raise CilintError(
            f"{path}: leads out of the root (to {target}), so it is not read; to use that file, "
            f"give {option} {target}"
        )
    return path


def load_policy(reference: str, relative_to: Path | None, tree: Path | None = None) -> Policy:
    """The shipped policy named `reference`, or the policy file at that path (relative to
    `relative_to`); `tree` is the root when the tree's own configuration names it."""
    candidate = Path(reference)
    if relative_to is not None and not candidate.is_absolute():
        candidate = relative_to / candidate
    if reference.endswith((".yaml", ".yml")) or "/" in reference:
        path = candidate if tree is None else in_tree(tree, candidate, "--config with a policy")
    else:
        path = policy_path(reference)
        if not path.exists():
            raise CilintError(
                f"unknown policy {reference!r}: give a shipped policy name "
                f"({DEFAULT_POLICY}) or a path to a policy file"
            )
    data = _read_validated(path, "policy", "policy file")
    tags = data.get("tags") or {}
    registries = Registries.from_policy(data["registries"])
    return Policy(
        name=str(data["name"]),
        registries=registries,
        layout=Layout.from_mapping(data.get("layout", {})),
        source=str(path),
        exempt_namespaces=tuple(tags.get("exempt_namespaces", ())),
        art_namespaces=tuple(tags.get("art_namespaces", ())),
        mirror_policies=parse_mirror_policies(data.get("mirror_policies"), registries),
        cluster_groups=parse_cluster_groups(data.get("cluster_groups")),
        raw=data,
    )


def load_settings(root: Path, config: Path | None = None) -> Settings:
    """The settings of the tree at `root`: from `config` (`--config`), else from the tree's
    own `.cilint.yaml`, which (with the policy file it names) must lie in the tree."""
    tree = None
    if config is None:
        config = next((root / n for n in CONFIG_FILE_NAMES if (root / n).is_file()), None)
        if config is not None:
            tree = root
            in_tree(root, config, "--config")
    data: dict[str, Any] = (
        _read_validated(config, "cilint-config", "cilint configuration") if config else {}
    )
    base = config.parent if config else None
    policy = load_policy(str(data.get("policy", DEFAULT_POLICY)), base, tree)
    layout = Layout.from_mapping(data.get("layout", {}), policy.layout)
    return Settings(
        root=root,
        policy=policy,
        layout=layout,
        rule_options=dict(data.get("rules", {})),
        exclude=tuple(data.get("exclude", ())),
        fail_level=Severity.parse(str(data.get("fail_level", "error"))),
        config_file=str(config) if config else None,
        per_file_ignores=tuple(
            (glob, tuple(rules)) for glob, rules in (data.get("per_file_ignores") or {}).items()
        ),
        max_file_size=_bytes(data.get("max_file_size", DEFAULT_MAX_FILE_SIZE)),
    )


def _bytes(size: int | str) -> int:
    """`max_file_size` as written (the schema checked it): bytes, or a number and a unit."""
    if isinstance(size, int):
        return size
    number = size.rstrip("BKiMG ")
    return int(number) * _UNITS[size[len(number) :].strip()]


@cache
def _code_and_schemas_digest() -> str:
    """cilint's own code and shipped data: a change to either invalidates cached results."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(__version__.encode())
    package = Path(__file__).resolve().parent.parent  # the cilint package
    for folder in (package, data_dir("schemas")):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".json") and path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_salt(
    policy: dict[str, object], layout: Layout, disabled: list[str], max_file_size: int
) -> str:
    text = json.dumps(
        [policy, layout.__dict__, disabled, max_file_size], sort_keys=True, default=str
    )
    return (
        f"{_code_and_schemas_digest()}:{hashlib.blake2b(text.encode(), digest_size=16).hexdigest()}"
    )
