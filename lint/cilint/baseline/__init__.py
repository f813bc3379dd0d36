"""The baseline: the findings a repository already had when it adopted cilint, so that a check
fails only on new ones.

`.cilint-baseline.yaml` at the root (or `--baseline PATH`) lists, per file, each finding's
identity (`Finding.identity`: rule, tag, what it is about; never its line, so edits above it do
not matter) with how many of them there were: N identical findings in one file stay N. It is
written sorted and atomically (`cilint baseline write`). `cilint check` leaves the findings it
covers out of the report and counts them; an entry that no longer matches is stale and is
reported, so the file only shrinks (`cilint baseline check` fails on it).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cilint.atomic_write import write_atomically
from cilint.errors import CilintError
from cilint.findings import Finding
from cilint.yaml.loading import load_yaml

DEFAULT_NAME = ".cilint-baseline.yaml"
VERSION = 1

Key = tuple[str, str, str, str]  # `Finding.identity()`: code, path, tag, subject


@dataclass
class Entry:
    key: Key
    rule: str
    count: int


@dataclass
class Applied:
    """A report cut by the baseline."""

    findings: list[Finding]  # not in the baseline
    baselined: list[Finding] = field(default_factory=list)
    stale: list[Entry] = field(default_factory=list)  # entries (or counts) nothing matched


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: one escaping for both.
    return json.dumps(text, ensure_ascii=False)


def render(findings: list[Finding]) -> str:
    keyed = [(f.identity(), f.rule) for f in findings]
    counts = Counter(key for key, _ in keyed)
    rules = dict(keyed)
    lines = [
        "# cilint baseline: findings that were already there. `cilint check` reports only the",
        "# others; `cilint baseline write` rewrites this file, `cilint baseline check` lists",
        "# entries that no longer match (delete them, or write the file again).",
        f"version: {VERSION}",
    ]
    by_path: dict[str, list[Key]] = {}
    for key in sorted(counts, key=lambda k: (k[1], k[0], k[2], k[3])):
        by_path.setdefault(key[1], []).append(key)
    if not by_path:
        lines.append("findings: {}")
    else:
        lines.append("findings:")
    for path, keys in by_path.items():
        lines.append(f"  {_quoted(path)}:")
        for key in keys:
            code, _path, tag, subject = key
            lines.append(f"  - code: {code}")
            lines.append(f"    rule: {rules[key]}")
            if tag:
                lines.append(f"    tag: {_quoted(tag)}")
            lines.append(f"    about: {_quoted(subject)}")
            lines.append(f"    count: {counts[key]}")
    return "\n".join(lines) + "\n"


def write(path: Path, findings: list[Finding]) -> None:
    try:
        write_atomically(path, render(findings))
    except OSError as err:
        raise CilintError(f"{path}: cannot write the baseline: {err.strerror}") from None


def read(path: Path) -> list[Entry]:
    """The entries of a baseline file; a file that is not one is a clear error."""
    try:
        content = path.read_bytes()
    except OSError as err:
        raise CilintError(f"{path}: cannot read the baseline: {err.strerror}") from None
    loaded = load_yaml(content)
    if loaded.problems:
        problem = loaded.problems[0]
        raise CilintError(f"{path}:{problem.line}: not a baseline file ({problem.kind})")
    data = loaded.documents[0] if loaded.documents else None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise CilintError(f"{path}: not a cilint baseline (version: {VERSION} expected)")
    found = data.get("findings") or {}
    if not isinstance(found, dict):
        raise CilintError(f"{path}: findings: must map each file to its entries")
    entries = []
    for file, items in found.items():
        for item in items if isinstance(items, list) else [None]:
            if not isinstance(item, dict) or not isinstance(item.get("code"), str):
                raise CilintError(f"{path}: findings.{file}: each entry needs code, about, count")
            count = item.get("count", 1)
            if not isinstance(count, int) or count < 1:
                raise CilintError(f"{path}: findings.{file}: count must be a positive number")
            key = (item["code"], str(file), str(item.get("tag") or ""), str(item.get("about", "")))
            entries.append(Entry(key, str(item.get("rule", "")), count))
    return entries


def apply(findings: list[Finding], entries: list[Entry]) -> Applied:
    """Leave out the findings the entries cover (up to each entry's count)."""
    left: Counter[Key] = Counter()
    rules: dict[Key, str] = {}
    for entry in entries:
        left[entry.key] += entry.count
        rules[entry.key] = entry.rule
    applied = Applied([])
    for finding in findings:
        key = finding.identity()
        if left[key] > 0:
            left[key] -= 1
            applied.baselined.append(finding)
        else:
            applied.findings.append(finding)
    applied.stale = [Entry(key, rules[key], n) for key, n in sorted(left.items()) if n > 0]
    return applied


def describe(entry: Entry) -> str:
    code, path, tag, subject = entry.key
    what = f"{tag}: {subject}" if tag else subject
    times = f" ({entry.count} of them)" if entry.count > 1 else ""
    return f"{path}: {code} [{entry.rule}] {what}{times}"
