"""Find the inputs under a release-repository root and classify each by kind.

Conventions (which folder holds which input) come from the policy's `layout`, so a site with
another layout only writes data. Files that look like inputs but are not are skipped on purpose
and listed with the reason (`cilint check --show-files`):

- Jinja templates (`*.yaml.j2`) and other non-`.yaml`/`.yml` files in config folders: ci-operator
  only reads `.yaml`/`.yml` (ci-tools `pkg/config/load.go`).
- Names starting with `..`: Kubernetes configmap mount artefacts, skipped by ci-tools too.
- Symbolic links: not followed, so no file is read twice.
- Files in the step registry that ci-tools ignores (`*-commands*`, `*.metadata.json`, `OWNERS`,
  `*.md`, `cluster-profiles/`).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from cilint.kinds import Kind

YAML_SUFFIXES = (".yaml", ".yml")
_REGISTRY_SUFFIXES = {
    "-ref.yaml": Kind.STEP_REF,
    "-chain.yaml": Kind.STEP_CHAIN,
    "-workflow.yaml": Kind.STEP_WORKFLOW,
    "-observer.yaml": Kind.STEP_OBSERVER,
}


@dataclass(frozen=True)
class Layout:
    """Root-relative folders (or files) holding each kind of input."""

    ci_operator_config: tuple[str, ...] = ()
    step_registry: tuple[str, ...] = ()
    ci_images_mirror: tuple[str, ...] = ()
    mapping: tuple[str, ...] = ()
    release_controller: tuple[str, ...] = ()
    cluster_manifests: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: dict[str, list[str]], base: Layout | None = None) -> Layout:
        values = dict(base.__dict__) if base else {}
        for key, paths in data.items():
            values[key] = tuple("" if p.strip("/") in ("", ".") else p.strip("/") for p in paths)
        return cls(**values)


def relative_to_base(path: str, base: str) -> str:
    """`path` inside its layout folder `base` (both root-relative)."""
    return path[len(base) + 1 :] if base and path.startswith(base + "/") else path


class InputFile(NamedTuple):  # a NamedTuple: built 35,000 times a run, 3x cheaper than a dataclass
    path: str  # root-relative, "/"-separated
    kind: Kind
    base: str  # the layout folder the file was found under


@dataclass
class Inventory:
    files: list[InputFile] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    # (size, mtime_ns) of inputs, taken on the walk: one pass over the folders instead of a
    # second round of stat calls by path (0.36 s → 0.25 s at 35,000 files).
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Root-relative glob: `*` within one segment, `**` across segments, `?` one character."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("^" + "".join(out) + "(?:/.*)?$")


def _walk(
    root: Path, start: str, inventory: Inventory
) -> Iterator[tuple[str, os.DirEntry[str] | None]]:
    """Root-relative paths of regular files under `start` (a folder or a file), in no
    particular order, with their directory entries (None for `start` itself)."""
    start = "" if start in ("", ".") else start
    absolute = root / start
    if start and absolute.is_symlink():
        inventory.skipped.append((start, "symbolic link, not followed"))
        return
    if start and absolute.is_file():
        yield start, None
        return
    if not absolute.is_dir():
        return
    stack = [start]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(os.path.join(root, folder)))  # the caller sorts
        except OSError as err:
            inventory.skipped.append((folder, f"cannot read folder: {err.strerror}"))
            continue
        subfolders = []
        for entry in entries:
            rel = f"{folder}/{entry.name}" if folder else entry.name
            if entry.name.startswith(".."):
                inventory.skipped.append((rel, "configmap mount artefact ('..' name)"))
            elif entry.name.startswith("."):
                continue
            elif entry.is_symlink():
                inventory.skipped.append((rel, "symbolic link, not followed"))
            elif entry.is_dir():
                subfolders.append(rel)
            elif entry.is_file():
                yield rel, entry
        stack.extend(reversed(subfolders))


def _classify_config(path: str) -> Kind | str:
    name = path.rsplit("/", 1)[-1]
    if name.endswith(YAML_SUFFIXES):
        return Kind.CI_OPERATOR_CONFIG
    if ".yaml." in name or ".yml." in name:
        return "template or other derived file; ci-operator only reads *.yaml and *.yml"
    return "not a YAML file"


def _classify_registry(path: str, base: str) -> Kind | str | None:
    parts = relative_to_base(path, base).split("/")
    name = parts[-1]
    if parts[0] == "cluster-profiles":
        return None
    if name == "OWNERS" or name.endswith((".md", ".metadata.json")) or "-commands" in name:
        return None
    for suffix, kind in _REGISTRY_SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    return Kind.STEP_OTHER


def discover(root: Path, layout: Layout, exclude: Iterable[str] = ()) -> Inventory:
    inventory = Inventory()
    excluded = [glob_to_regex(p) for p in exclude]
    seen: set[str] = set()

    def accept(
        path: str, entry: os.DirEntry[str] | None, kind: Kind | str | None, base: str
    ) -> None:
        if path in seen or kind is None:
            return
        seen.add(path)
        if excluded and any(rx.match(path) for rx in excluded):
            inventory.skipped.append((path, "excluded by configuration"))
        elif isinstance(kind, Kind):
            inventory.files.append(InputFile(path, kind, base))
            if entry is not None:
                with contextlib.suppress(OSError):  # stat by path later says why
                    st = entry.stat(follow_symlinks=False)
                    inventory.stats[path] = (st.st_size, st.st_mtime_ns)
        else:
            inventory.skipped.append((path, kind))

    # Specific files first, so that a folder walk below does not claim them as another kind.
    for base in layout.ci_images_mirror:
        for path, entry in _walk(root, base, inventory):
            accept(path, entry, Kind.CI_IMAGES_MIRROR, base)
    for base in layout.ci_operator_config:
        for path, entry in _walk(root, base, inventory):
            accept(path, entry, _classify_config(path), base)
    for base in layout.step_registry:
        for path, entry in _walk(root, base, inventory):
            accept(path, entry, _classify_registry(path, base), base)
    for base in layout.mapping:
        for path, entry in _walk(root, base, inventory):
            if path.rsplit("/", 1)[-1].startswith("mapping_"):
                accept(path, entry, Kind.MAPPING, base)
    for base in layout.release_controller:
        for path, entry in _walk(root, base, inventory):
            if path.endswith(".json"):
                accept(path, entry, Kind.RELEASE_CONTROLLER, base)
    for base in layout.cluster_manifests:
        for path, entry in _walk(root, base, inventory):
            if path.endswith(YAML_SUFFIXES):
                accept(path, entry, Kind.CLUSTER_MANIFEST, base)
    inventory.files.sort(key=lambda f: f.path)
    inventory.skipped.sort()
    return inventory
