"""Orchestration of a check run: discover → per-file analysis → (cross-file rules) → filter."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from cilint.analyze import analyze
from cilint.discover import Inventory, discover
from cilint.errors import CilintError
from cilint.findings import Finding, Severity, sort_key
from cilint.graph import TagGraph
from cilint.kinds import Kind
from cilint.positions import Positions
from cilint.rules import TREE_RULES
from cilint.settings import Settings
from cilint.tree import TreeContext


@dataclass
class CheckResult:
    findings: list[Finding]
    inventory: Inventory
    files_reported: int  # files whose findings are reported (all, or those under PATHs)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def is_selected(path: str, selection: list[str] | None) -> bool:
    if selection is None:
        return True
    return any(
        path == s or path.startswith(s.rstrip("/") + "/") or s in ("", ".") for s in selection
    )


def run_check(settings: Settings, selection: list[str] | None = None) -> CheckResult:
    """Check the whole tree under `settings.root`; report findings only for `selection`
    (root-relative files or folders) when given."""
    tree = load_tree(settings)
    findings = [f for f in tree.findings if is_selected(f.path, selection)]
    reported = sum(1 for path in tree.checked if is_selected(path, selection))
    levels = settings.rule_levels
    findings = [replace(f, severity=levels[f.rule]) if levels.get(f.rule) else f for f in findings]
    findings.sort(key=sort_key)
    return CheckResult(findings, tree.inventory, reported)


@dataclass
class LoadedTree:
    """Every input analysed, the tag graph built, every rule run."""

    inventory: Inventory
    checked: list[str]
    findings: list[Finding]
    graph: TagGraph
    context: TreeContext


def load_tree(settings: Settings) -> LoadedTree:
    inventory = discover(settings.root, settings.layout, settings.exclude)
    disabled = frozenset(name for name, level in settings.rule_levels.items() if level is None)
    registries = settings.policy.registries
    findings: list[Finding] = []
    checked: list[str] = []
    facts = []
    for item in inventory.files:
        try:
            content = (settings.root / item.path).read_bytes()
        except OSError as err:
            inventory.skipped.append((item.path, f"cannot read: {err.strerror}"))
            continue
        result = analyze(item, content, disabled, registries)
        if result.skipped:
            inventory.skipped.append((item.path, result.skipped))
            continue
        checked.append(item.path)
        findings.extend(result.findings)
        facts.append(result.facts)
    graph = TagGraph(facts, settings.policy.exempt_namespaces)
    manifests = [f.path for f in inventory.files if f.kind is Kind.CLUSTER_MANIFEST]
    context = TreeContext(graph, registries, settings.policy, manifests, Positions(settings.root))
    for rule in TREE_RULES:
        if rule.RULE.name not in disabled:
            findings.extend(rule.check(context))
    return LoadedTree(inventory, checked, findings, graph, context)


def relative_selection(root: Path, paths: list[str]) -> list[str]:
    """PATH arguments (relative to the working directory) as root-relative selections."""
    selection = []
    for raw in paths:
        absolute = Path(raw).resolve()
        if not absolute.exists():
            raise CilintError(f"{raw}: no such file or folder")
        try:
            selection.append(absolute.relative_to(root.resolve()).as_posix())
        except ValueError:
            raise CilintError(f"{raw}: not under the root {root}") from None
    return selection
