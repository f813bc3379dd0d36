"""Orchestration of a check run: discover → per-file analysis → (cross-file rules) → filter."""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from cilint.analyze import FileResult
from cilint.cache import ResultCache, run_key
from cilint.discover import InputFile, Inventory, discover
from cilint.errors import CilintError
from cilint.facts.model import Location
from cilint.findings import Finding, Severity, sort_key
from cilint.graph import TagGraph
from cilint.kinds import Kind
from cilint.positions import Positions
from cilint.rules import TREE_RULES
from cilint.settings import Settings, cache_salt
from cilint.tree import TreeContext
from cilint.workers import Job, Workers, analyse_batch, batches, locate_batch


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


@dataclass(frozen=True)
class RunOptions:
    jobs: int = 1  # worker processes for the per-file stage; 0 = one per core
    cache_dir: Path | None = None  # None: no persistent cache
    parallel_min: int = 200  # below this many files to analyse, workers cost more than they save


@contextmanager
def _without_gc() -> Iterator[None]:
    """A run allocates millions of long-lived objects and frees almost none; the cyclic garbage
    collector would scan them all again and again (measured: 10x slower position lookups)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_check(
    settings: Settings, selection: list[str] | None = None, options: RunOptions | None = None
) -> CheckResult:
    """Check the whole tree under `settings.root`; report findings only for `selection`
    (root-relative files or folders) when given."""
    with _without_gc():
        return _run_check(settings, selection, options or RunOptions())


def _run_check(settings: Settings, selection: list[str] | None, options: RunOptions) -> CheckResult:
    inventory = discover(settings.root, settings.layout, settings.exclude)
    cache = (
        ResultCache(options.cache_dir, settings.root, salt(settings)) if options.cache_dir else None
    )
    workers = Workers(options.jobs, options.parallel_min)
    try:
        keys = file_keys(settings, inventory, cache)
        cached = None
        if cache and keys.complete:  # nothing to read: try the whole run before any result
            cached = cache.run(run_key(salt(settings), keys.keys.items()))
        if not (isinstance(cached, tuple) and len(cached) == 3):
            results = analyse_inputs(settings, inventory, workers, cache, keys)
            run = run_key(salt(settings), keys.keys.items())
            cached = cache.run(run) if cache and not keys.complete else None
        if isinstance(cached, tuple) and len(cached) == 3:
            all_findings, checked, skipped = cached
        else:
            tree = build_tree(
                settings, inventory, results, selected=lambda path: is_selected(path, selection)
            )
            all_findings, checked, skipped = tree.findings, tree.checked, inventory.skipped
            if cache and selection is None:  # a partial run resolves only its own findings
                all_findings = resolve_findings(all_findings, settings.root, workers)
                cache.store_run(run, (all_findings, checked, skipped))
        inventory.skipped = list(skipped)
        findings = resolve_findings(
            [f for f in all_findings if is_selected(f.path, selection)], settings.root, workers
        )
    finally:
        workers.close()
        if cache:
            cache.close()
    reported = sum(1 for path in checked if is_selected(path, selection))
    levels = settings.rule_levels
    findings = [replace(f, severity=levels[f.rule]) if levels.get(f.rule) else f for f in findings]
    findings.sort(key=sort_key)
    return CheckResult(findings, inventory, reported)


@dataclass
class LoadedTree:
    """Every input analysed, the tag graph built, every rule run."""

    inventory: Inventory
    checked: list[str]
    findings: list[Finding]
    graph: TagGraph
    context: TreeContext


def load_tree(
    settings: Settings, options: RunOptions | None = None, rules: bool = True
) -> LoadedTree:
    """The analysed tree and its graph (for explain, graph, --fix); `rules=False` skips the
    cross-file rules when only the graph is wanted."""
    with _without_gc():
        return _load_tree(settings, options or RunOptions(), rules)


def _load_tree(settings: Settings, options: RunOptions, rules: bool) -> LoadedTree:
    inventory = discover(settings.root, settings.layout, settings.exclude)
    cache = (
        ResultCache(options.cache_dir, settings.root, salt(settings)) if options.cache_dir else None
    )
    workers = Workers(options.jobs, options.parallel_min)
    try:
        results = analyse_inputs(
            settings, inventory, workers, cache, file_keys(settings, inventory, cache)
        )
    finally:
        workers.close()
        if cache:
            cache.close()
    return build_tree(settings, inventory, results, rules)


_FILES_PER_TASK = 32


def resolve_findings(
    findings: list[Finding], root: Path, workers: Workers | None = None
) -> list[Finding]:
    """Give cross-file findings their line and column: each file is parsed at most once, in
    the workers when many files are involved."""
    ordered = sorted(findings, key=lambda f: f.path)  # one file at a time
    pending = [f for f in ordered if f.place is not None]
    groups: dict[str, list[Location]] = {}
    for finding in pending:
        groups.setdefault(finding.path, []).append(finding.place)  # type: ignore[arg-type]
    tasks = [
        [place for group in chunk for place in group]
        for chunk in batches(groups.values(), _FILES_PER_TASK)
    ]
    located = iter(
        [
            place
            for batch in (workers or Workers(1, 0)).map(locate_batch, str(root), tasks, len(groups))
            for place in batch
        ]
    )
    resolved = []
    for finding in ordered:
        if finding.place is not None:
            place = next(located)
            finding = replace(
                finding, line=max(place.line, 1), column=max(place.column, 1), place=None
            )
        resolved.append(finding)
    return resolved


def _disabled(settings: Settings) -> frozenset[str]:
    return frozenset(name for name, level in settings.rule_levels.items() if level is None)


def salt(settings: Settings) -> str:
    """Everything besides a file's path and bytes that its result depends on."""
    return cache_salt(settings.policy.raw, settings.layout, sorted(_disabled(settings)))


@dataclass
class FileKeys:
    """Each input's stat, and its cache key where the cache recorded the same stat."""

    keys: dict[str, str]  # path → key (every readable input, once analysed)
    stats: dict[str, tuple[int, int]]  # path → (size, mtime_ns), every input that stats
    recorded: dict[str, tuple[int, int, str]]  # what the cache recorded: path → (size, mtime, key)

    @property
    def complete(self) -> bool:
        """Every input's key is known without reading it."""
        return len(self.keys) == len(self.stats)


def file_keys(settings: Settings, inventory: Inventory, cache: ResultCache | None) -> FileKeys:
    recorded = cache.stat_keys() if cache else {}
    found = FileKeys({}, {}, recorded)
    root = str(settings.root)
    for item in inventory.files:
        try:
            st = os.stat(os.path.join(root, item.path))
        except OSError as err:
            inventory.skipped.append((item.path, f"cannot read: {err.strerror}"))
            continue
        found.stats[item.path] = (st.st_size, st.st_mtime_ns)
        seen = recorded.get(item.path)
        if seen and seen[0] == st.st_size and seen[1] == st.st_mtime_ns:
            found.keys[item.path] = seen[2]
    return found


def analyse_inputs(
    settings: Settings,
    inventory: Inventory,
    workers: Workers,
    cache: ResultCache | None,
    keys: FileKeys,
) -> dict[str, FileResult]:
    """The per-file stage for every input: from the cache where the file's stat is unchanged,
    in the workers for the rest (which fills in their keys). Returns path → result."""
    found = cache.results(sorted(set(keys.keys.values()))) if cache else {}
    results: dict[str, FileResult] = {}
    todo: list[InputFile] = []
    for item in inventory.files:
        if item.path not in keys.stats:
            continue
        cached = found.get(keys.keys.get(item.path, ""))
        if isinstance(cached, FileResult) and cached.path == item.path:
            results[item.path] = cached
        else:
            todo.append(item)
    job = Job(
        str(settings.root),
        salt(settings),
        _disabled(settings),
        settings.policy.registries,
        cache.directory if cache else None,
    )
    fresh: dict[str, tuple[bytes, frozenset[str]]] = {}
    changed: dict[str, tuple[int, int, str]] = {}
    for batch in workers.map(analyse_batch, job, batches(todo), len(todo)):
        for outcome in batch:
            if outcome.error:
                inventory.skipped.append((outcome.path, outcome.error))
                keys.stats.pop(outcome.path, None)
                continue
            results[outcome.path] = pickle.loads(outcome.blob)
            keys.keys[outcome.path] = outcome.key
            changed[outcome.path] = (*keys.stats[outcome.path], outcome.key)
            if outcome.fresh:
                fresh[outcome.key] = (outcome.blob, outcome.names)
    vanished = [path for path in keys.recorded if path not in keys.stats]
    if cache and (fresh or changed or vanished):
        cache.store(fresh, changed, vanished)
    return results


def build_tree(
    settings: Settings,
    inventory: Inventory,
    results: dict[str, FileResult],
    rules: bool = True,
    selected: Callable[[str], bool] | None = None,
) -> LoadedTree:
    disabled = _disabled(settings)
    findings: list[Finding] = []
    checked: list[str] = []
    facts = []
    for item in inventory.files:
        result = results.get(item.path)
        if result is None:
            continue
        if result.skipped:
            inventory.skipped.append((item.path, result.skipped))
            continue
        checked.append(item.path)
        findings.extend(result.findings)
        facts.append(result.facts)
    inventory.skipped.sort()
    graph = TagGraph(facts, settings.policy.exempt_namespaces)
    manifests = [f.path for f in inventory.files if f.kind is Kind.CLUSTER_MANIFEST]
    registries = settings.policy.registries
    context = TreeContext(graph, registries, settings.policy, manifests, Positions(settings.root))
    if selected is not None:
        context.selected = selected
    for rule in TREE_RULES if rules else ():
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
