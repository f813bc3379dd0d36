"""What a run hands on: the checked tree (`LoadedTree`) and the report's input (`CheckResult`).
Reporters, explain and fix import these, never the orchestrator."""

from __future__ import annotations

from dataclasses import dataclass, field

from cilint.facts.result import FileResult
from cilint.findings import Finding, Severity
from cilint.graph.tag_graph import TagGraph
from cilint.inputs.discovery import Inventory
from cilint.rules.context import TreeContext


@dataclass
class LoadedTree:
    """Inputs analysed, the tag graph built, the cross-file rules run (when asked)."""

    checked: list[str]  # the files whose results were used
    skipped: list[tuple[str, str]]  # (path, why), sorted
    findings: list[Finding]
    graph: TagGraph
    context: TreeContext
    results: dict[str, FileResult]  # path → the per-file result of every loaded input


@dataclass(frozen=True)
class ChangeSummary:
    """What a change-aware run compared (`cilint.change`)."""

    base: str  # the base in words ("HEAD", "the merge base of main and HEAD (1a2b…)")
    commit: str
    changed: int  # changed inputs
    introduced: int  # findings present now and not at the base (anywhere in the tree)
    fixed: int  # findings at the base that are gone now
    existing: int = 0  # findings reported that were already at the base


@dataclass
class CheckResult:
    findings: list[Finding]
    inventory: Inventory
    files_reported: int  # files whose findings are reported (all, or those under PATHs)
    # The tree the run built, when it built one (not when a stored run answered).
    tree: LoadedTree | None = None
    change: ChangeSummary | None = None  # set by a change-aware run
    # Findings left out because the baseline holds them (`cilint.baseline`), when one applies.
    baselined: list[Finding] | None = None
    # Findings below the minimum severity shown (`--min-severity`): counted, not listed.
    hidden: list[Finding] = field(default_factory=list)
    # Findings an inline `# cilint: ignore[...]` or `per-file-ignores` left out: counted.
    suppressed: list[Finding] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)
