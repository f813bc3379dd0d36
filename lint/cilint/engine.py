"""Orchestration of a check run: discover → per-file analysis → (cross-file rules) → filter."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from cilint.analyze import FileResult, analyze, warm_up
from cilint.cache import ResultCache, file_key, run_key
from cilint.discover import InputFile, Inventory, discover
from cilint.errors import CilintError
from cilint.findings import Finding, Severity, sort_key
from cilint.graph import TagGraph
from cilint.kinds import Kind
from cilint.positions import Positions
from cilint.rules import TREE_RULES
from cilint.settings import Settings, cache_salt
from cilint.tags import Registries
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


@dataclass(frozen=True)
class RunOptions:
    jobs: int = 1  # worker processes for the per-file stage; 0 = one per core
    cache_dir: Path | None = None  # None: no persistent cache
    parallel_min: int = 200  # below this many files to analyse, workers cost more than they save


_BATCH = 64


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
    cache = ResultCache(options.cache_dir, settings.root) if options.cache_dir else None
    try:
        keys = file_keys(settings, inventory, cache)
        run = run_key(salt(settings), keys.keys.items())
        cached = cache.run(run) if cache else None  # nothing changed: no file result is loaded
        if isinstance(cached, tuple) and len(cached) == 3:
            all_findings, checked, skipped = cached
        else:
            results, _ = analyse_inputs(settings, inventory, options, cache, keys)
            tree = build_tree(
                settings, inventory, results, selected=lambda path: is_selected(path, selection)
            )
            all_findings, checked, skipped = tree.findings, tree.checked, inventory.skipped
            if cache and selection is None:  # a partial run resolves only its own findings
                all_findings = resolve_findings(all_findings, tree.context.positions)
                cache.store_run(run, (all_findings, checked, skipped))
    finally:
        if cache:
            cache.close()
    inventory.skipped = list(skipped)
    findings = resolve_findings(
        [f for f in all_findings if is_selected(f.path, selection)], Positions(settings.root)
    )
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
    cache = ResultCache(options.cache_dir, settings.root) if options.cache_dir else None
    try:
        results, _ = analyse_inputs(settings, inventory, options, cache)
    finally:
        if cache:
            cache.close()
    return build_tree(settings, inventory, results, rules)


def resolve_findings(findings: list[Finding], positions: Positions | None) -> list[Finding]:
    """Give cross-file findings their line and column (parsing each file at most once)."""
    resolved = []
    for finding in sorted(findings, key=lambda f: f.path):  # one file at a time
        if finding.place is not None and positions is not None:
            place = positions.resolve(finding.place)  # type: ignore[arg-type]
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


def _analyse_batch(
    batch: list[tuple[InputFile, bytes]], disabled: frozenset[str], registries: Registries
) -> list[FileResult]:
    return [analyze(item, content, disabled, registries) for item, content in batch]


@dataclass
class FileKeys:
    """Each input's cache key, from the stat table where the file is unchanged."""

    keys: dict[str, str]  # path → key
    stats: dict[str, tuple[int, int, str]]  # path → (size, mtime_ns, key)
    contents: dict[str, bytes]  # the bytes read on the way (changed or new files)


def file_keys(settings: Settings, inventory: Inventory, cache: ResultCache | None) -> FileKeys:
    the_salt = salt(settings)
    known = cache.stat_keys() if cache else {}
    found = FileKeys({}, {}, {})
    root = str(settings.root)
    for item in inventory.files:
        full = os.path.join(root, item.path)
        try:
            st = os.stat(full)
        except OSError as err:
            inventory.skipped.append((item.path, f"cannot read: {err.strerror}"))
            continue
        seen = known.get(item.path)
        if seen and seen[0] == st.st_size and seen[1] == st.st_mtime_ns:
            key = seen[2]
        else:
            try:
                with open(full, "rb") as handle:
                    content = handle.read()
            except OSError as err:
                inventory.skipped.append((item.path, f"cannot read: {err.strerror}"))
                continue
            found.contents[item.path] = content
            key = file_key(the_salt, item.path, content)
        found.keys[item.path] = key
        found.stats[item.path] = (st.st_size, st.st_mtime_ns, key)
    return found


def analyse_inputs(
    settings: Settings,
    inventory: Inventory,
    options: RunOptions,
    cache: ResultCache | None,
    keys: FileKeys | None = None,
) -> tuple[dict[str, FileResult], dict[str, str]]:
    """The per-file stage for every input: from the cache where the file is unchanged, in
    worker processes for the rest. Returns path → result and path → cache key."""
    keys = keys or file_keys(settings, inventory, cache)
    found = cache.results(sorted(set(keys.keys.values()))) if cache else {}
    results: dict[str, FileResult] = {}
    todo: list[tuple[InputFile, bytes]] = []
    for item in inventory.files:
        key = keys.keys.get(item.path)
        if key is None:
            continue
        cached = found.get(key)
        if isinstance(cached, FileResult) and cached.path == item.path:
            results[item.path] = cached
            continue
        content = keys.contents.get(item.path)
        if content is None:
            content = (settings.root / item.path).read_bytes()
        todo.append((item, content))
    fresh = _analyse_all(todo, _disabled(settings), settings.policy.registries, options)
    results.update((r.path, r) for r in fresh)
    if cache:
        cache.store({keys.keys[r.path]: r for r in fresh}, keys.stats)
    return results, keys.keys


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _analyse_all(
    todo: list[tuple[InputFile, bytes]],
    disabled: frozenset[str],
    registries: Registries,
    options: RunOptions,
) -> list[FileResult]:
    workers = options.jobs or available_cores()
    if workers <= 1 or len(todo) < options.parallel_min:
        return _analyse_batch(todo, disabled, registries)
    warm_up()  # compile the validators once, before the workers fork
    batches = [todo[i : i + _BATCH] for i in range(0, len(todo), _BATCH)]
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        results = pool.map(
            _analyse_batch, batches, [disabled] * len(batches), [registries] * len(batches)
        )
        return [result for batch in results for result in batch]


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
