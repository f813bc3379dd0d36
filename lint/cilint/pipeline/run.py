"""Orchestration of a run: discover → per-file stage (workers, cache) → graph → rules → the
findings wanted, located. Every command asks this module for what it needs: `run_check` for a
check, `load_tree` for the whole graph (and `cilint.explain.ask` its parts, for explain)."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from cilint.cache import closure
from cilint.cache.codec import RecordError, StoredRun, decode
from cilint.cache.keys import run_key
from cilint.cache.store import ResultCache
from cilint.config.settings import Settings, cache_salt
from cilint.errors import CilintError
from cilint.facts.positions import Positions
from cilint.facts.result import FileResult
from cilint.findings import Finding, sort_key
from cilint.graph.tag_graph import TagGraph
from cilint.inputs import snapshot
from cilint.inputs.discovery import InputFile, Inventory, discover
from cilint.inputs.kinds import Kind
from cilint.inputs.reading import why_unread
from cilint.location import Location
from cilint.pipeline.results import CheckResult, LoadedTree
from cilint.pipeline.workers import (
    Fresh,
    Job,
    Outcome,
    Progress,
    Workers,
    analyse_batch,
    batches,
    locate_batch,
)
from cilint.pipeline.workers import store as workers_store
from cilint.rules.context import TreeContext, everything
from cilint.rules.reads import Demand, Read
from cilint.rules.registry import TREE_RULES, rule_levels
from cilint.rules.spec import TreeRule
from cilint.suppression import comments_of, suppress

T = TypeVar("T")


def selector(selection: list[str]) -> Callable[[str], bool]:
    """Whether a root-relative path is one of `selection`'s files or under one of its folders
    (one set lookup and one `startswith` per path: it runs for every input)."""
    if any(s in ("", ".") for s in selection):
        return lambda path: True
    exact = frozenset(selection)
    folders = tuple(s.rstrip("/") + "/" for s in selection)
    return lambda path: path in exact or path.startswith(folders)


@dataclass(frozen=True)
class RunOptions:
    jobs: int = 1  # worker processes for the per-file stage; 0 = one per core
    cache_dir: Path | None = None  # None: no persistent cache
    parallel_min: int = 200  # below this many files to analyse, workers cost more than they save
    progress: Progress | None = None  # told how the per-file stage advances
    # A root with no input is an answer ("nothing to check"); the CLI makes it an error unless
    # told so, since it usually means a wrong --root.
    allow_empty: bool = True


@contextmanager
def _gc_paused() -> Iterator[None]:
    """A run allocates millions of long-lived objects and frees almost none, which the cyclic
    collector would rescan again and again; its state is restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _nothing_found(settings: Settings) -> str:
    layout = settings.layout
    looked = "; ".join(
        f"{what} in {', '.join(folders)}"
        for what, folders in (
            ("ci-operator configs", layout.ci_operator_config),
            ("the step registry", layout.step_registry),
            ("the ci-images-mirror config", layout.ci_images_mirror),
            ("release-controller configs", layout.release_controller),
            ("cluster manifests", layout.cluster_manifests),
        )
        if folders
    )
    from cilint.inputs.git import repository_prefix  # only on the way to this error

    if repository_prefix(settings.root) is None:
        return (
            f"no input under {settings.root} (looked for {looked}), which is not in a git "
            "repository (in one, the root defaults to its top folder): run cilint in the "
            "release repository's checkout or give --root (--allow-empty if an empty tree is "
            "fine)"
        )
    return (
        f"no input under {settings.root} (looked for {looked}): is it the release repository? "
        "Give --root, or --allow-empty if an empty tree is fine"
    )


@contextmanager
def session(
    settings: Settings, options: RunOptions
) -> Iterator[tuple[Inventory, ResultCache | None, Workers]]:
    """What every run holds: the inputs, the cache (if any) and the workers, closed at the
    end."""
    with _gc_paused():
        cache = (
            ResultCache(options.cache_dir, settings.root, salt(settings))
            if options.cache_dir
            else None
        )
        try:
            inventory = current_inventory(settings, cache)
            if not inventory.files and not options.allow_empty:
                raise CilintError(_nothing_found(settings))
        except BaseException:
            if cache:
                cache.close()
            raise
        workers = Workers(options.jobs, options.parallel_min, options.progress)
        try:
            yield inventory, cache, workers
            _settle(workers, cache)  # a store still running: its errors are this run's
        except KeyboardInterrupt:  # and SIGTERM (`Terminated`): stop the workers, not wait
            workers.abort()
            raise
        finally:
            workers.close()  # after `abort`, nothing is left to wait for
            if cache:
                cache.close()


def current_inventory(settings: Settings, cache: ResultCache | None) -> Inventory:
    """The inputs: the last walk of the tree when a stat of each folder it listed shows them
    unchanged, with the inputs' stats taken again (`cilint.inputs.snapshot`); else a new walk,
    kept for the next run."""
    scope = repr((settings.layout, settings.exclude))
    if cache is not None:
        blob = cache.snapshot(scope)
        known = snapshot.decode(blob) if blob is not None else None
        if known is not None and snapshot.refresh(str(settings.root), known):
            return known
    inventory = discover(settings.root, settings.layout, settings.exclude)
    if cache is not None:
        blob = snapshot.encode(inventory)
        if blob is not None:
            cache.store_snapshot(scope, blob)
    return inventory


def _enabled_rules(settings: Settings) -> list[TreeRule]:
    disabled = _disabled(settings)
    return [rule for rule in TREE_RULES if rule.RULE.name not in disabled]


def tree_reads(settings: Settings) -> frozenset[Read]:
    """What the enabled cross-file rules read (their `READS`)."""
    return frozenset(read for rule in _enabled_rules(settings) for read in rule.READS)


def run_check(
    settings: Settings, selection: list[str] | None = None, options: RunOptions | None = None
) -> CheckResult:
    """Check the whole tree under `settings.root`; report findings only for `selection`
    (root-relative files or folders) when given."""
    options = options or RunOptions()
    with session(settings, options) as (inventory, cache, workers):
        run = _findings(settings, selection, inventory, cache, workers)
        inventory.skipped = list(run.skipped)
        chosen = everything if selection is None else selector(selection)
        findings = locate_findings(
            [f for f in run.findings if chosen(f.path)], settings.root, workers
        )
        if run.suppressed is None:
            assert run.tree is not None  # only a stored run comes suppressed
            applied = suppress(settings, findings, comments_of(run.tree.results), chosen)
            findings, suppressed = applied.findings, applied.suppressed
        else:
            suppressed = [f for f in run.suppressed if chosen(f.path)]
        reported = sum(1 for path in run.checked if chosen(path))
        findings = with_levels(settings, findings)
        findings.sort(key=sort_key)
        return CheckResult(findings, inventory, reported, run.tree, suppressed=suppressed)


def with_levels(settings: Settings, findings: list[Finding]) -> list[Finding]:
    """`findings` with the severities `.cilint.yaml` sets for their rules."""
    levels = rule_levels(settings)
    return [replace(f, severity=level) if (level := levels.get(f.rule)) else f for f in findings]


# A PATH run over at most this share of the inputs loads only what its files need
# (`cilint.cache.closure`); a larger one loads everything, which is then cheaper.
_SUBTREE_SHARE = 0.2


@dataclass
class _Run:
    findings: list[Finding]
    checked: list[str]
    skipped: list[tuple[str, str]]
    tree: LoadedTree | None = None  # None when a stored run answered
    # What suppressions left out, once applied (a stored run was stored with them applied).
    suppressed: list[Finding] | None = None


def _stored_run(cache: ResultCache, key: str) -> _Run | None:
    stored = cache.run(key)
    if stored is None:
        return None
    return _Run(stored.findings, stored.checked, stored.skipped, suppressed=stored.suppressed)


def _findings(
    settings: Settings,
    selection: list[str] | None,
    inventory: Inventory,
    cache: ResultCache | None,
    workers: Workers,
) -> _Run:
    """Every finding of the tree (resolved, and stored as the whole run), or for a PATH run
    at least those located in its files; with the files checked and skipped."""
    keys = file_keys(settings, inventory, cache)
    # Every key known from the stats: the run's key is known now. An input that cannot be read
    # has no key, and a stored run must not answer for it (it would be the run of a tree
    # without that file): its run is neither looked up nor stored.
    complete = keys.complete and len(keys.stats) == len(inventory.files)
    run = run_key(_run_salt(settings), keys.keys.items()) if complete else ""
    if cache and complete and (stored := _stored_run(cache, run)):
        return stored  # nothing changed: no result is loaded
    chosen = None if selection is None else selector(selection)
    selected = [f.path for f in inventory.files if chosen is None or chosen(f.path)]
    partial = (
        cache is not None
        and selection is not None
        and len(selected) <= _SUBTREE_SHARE * len(inventory.files)
    )
    results = analyse_inputs(settings, inventory, workers, cache, keys, load_all=not partial)
    all_read = len(keys.keys) == len(inventory.files)
    if not complete:
        run = run_key(_run_salt(settings), keys.keys.items())
        if cache and all_read and (stored := _stored_run(cache, run)):
            return stored  # files were touched, their bytes did not change
    if partial:
        assert cache is not None
        tree = _partial_tree(settings, inventory, cache, keys, results, selected)
        if tree is not None:
            return _Run(tree.findings, tree.checked, tree.skipped, tree)
        results = analyse_inputs(settings, inventory, workers, cache, keys)  # the cache failed
    tree = build_tree(settings, inventory, results, selected=chosen)
    # A partial run locates only its own findings.
    if cache is None or selection is not None or not all_read:
        return _Run(tree.findings, tree.checked, tree.skipped, tree)
    findings = locate_findings(tree.findings, settings.root, workers)
    applied = suppress(settings, findings, comments_of(tree.results), everything)
    _settle(workers, cache)
    cache.store_run(
        run, StoredRun(applied.findings, tree.checked, tree.skipped, applied.suppressed)
    )
    return _Run(applied.findings, tree.checked, tree.skipped, tree, applied.suppressed)


def _partial_tree(
    settings: Settings,
    inventory: Inventory,
    cache: ResultCache,
    keys: FileKeys,
    fresh: dict[str, FileResult],
    selected: list[str],
) -> LoadedTree | None:
    """The findings located in `selected` from the results they need, or None when the cache
    failed on the way (its index may then be incomplete)."""
    if not cache.usable:
        return None
    gatherer = gatherer_for(settings, inventory, cache, keys, fresh)
    closure.for_files(gatherer, [p for p in selected if p in keys.keys], tree_reads(settings))
    chosen = set(selected)
    positions = Positions(settings.root)  # shared by the rounds: the same places come back
    tree = settled(
        gatherer,
        lambda demand: build_tree(
            settings,
            inventory,
            gatherer.loaded,
            selected=chosen.__contains__,
            demand=demand,
            positions=positions,
        ),
    )
    return tree if cache.usable else None


def settled(gatherer: closure.Gatherer, compute: Callable[[Demand], T]) -> T:
    """`compute` on the gathered results, again after loading what its "did you mean" asked
    for, until it asks for nothing new."""
    demand = Demand()
    while True:
        answer = compute(demand)
        if not gatherer.demanded(demand):
            return answer


def _settle(workers: Workers, cache: ResultCache | None) -> None:
    """Wait for the results being stored in the background; a database error there ends this
    run's use of the cache."""
    for problem in workers.settle():
        if cache is not None and isinstance(problem, str):
            cache.failed_elsewhere(problem)


def gatherer_for(
    settings: Settings,
    inventory: Inventory,
    cache: ResultCache,
    keys: FileKeys,
    fresh: dict[str, FileResult],
    pool: dict[str, FileResult] | None = None,
    files: list[InputFile] | None = None,
) -> closure.Gatherer:
    """Loads results from the cache for a partial run (`cilint.cache.closure`); `files` and
    `pool` for another tree than the inventory's (the base of a change)."""
    job = job_for(settings, None)  # a result the cache lost is analysed here, not stored

    def analyse_now(items: list[InputFile]) -> dict[str, FileResult]:
        return {
            outcome.path: decode(outcome.blob)
            for outcome in analyse_batch(job, items)
            if not outcome.error
        }

    return closure.Gatherer(
        cache, inventory.files if files is None else files, keys.keys, fresh, analyse_now, pool
    )


def load_tree(
    settings: Settings, options: RunOptions | None = None, rules: bool = True
) -> LoadedTree:
    """The analysed tree and its graph (for `cilint graph`); `rules=False` skips the
    cross-file rules when only the graph is wanted."""
    with session(settings, options or RunOptions()) as (inventory, cache, workers):
        keys = file_keys(settings, inventory, cache)
        results = analyse_inputs(settings, inventory, workers, cache, keys)
        return build_tree(settings, inventory, results, rules)


_FILES_PER_TASK = 32


def locate_findings(
    findings: list[Finding], root: Path, workers: Workers | None = None
) -> list[Finding]:
    """Give cross-file findings their line and column: each file is parsed at most once, in
    the workers when many files are involved."""
    ordered = sorted(findings, key=lambda f: f.path)  # one file at a time
    pending = [f for f in ordered if f.place is not None]
    groups: dict[str, list[Location]] = {}
    for finding in pending:
        assert finding.place is not None
        groups.setdefault(finding.path, []).append(finding.place)
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
            finding = Finding(  # not `replace`: built for every finding of a run
                finding.path,
                max(place.line, 1),
                max(place.column, 1),
                finding.code,
                finding.rule,
                finding.severity,
                finding.message,
                finding.tag,
                fix=finding.fix,
                subject=finding.subject,
                introduced=finding.introduced,
                cause=finding.cause,
                related=finding.related,
            )
        resolved.append(finding)
    return resolved


def _disabled(settings: Settings) -> frozenset[str]:
    return frozenset(name for name, level in rule_levels(settings).items() if level is None)


def salt(settings: Settings) -> str:
    """Everything besides a file's path and bytes that its result depends on."""
    return cache_salt(
        settings.policy.raw, settings.layout, sorted(_disabled(settings)), settings.max_file_size
    )


def _run_salt(settings: Settings) -> str:
    """What a stored run depends on besides its files: their results' salt, and the
    `per_file_ignores` applied to its findings before it is stored."""
    return f"{salt(settings)}:{settings.per_file_ignores!r}"


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
    stats = dict(inventory.stats)  # taken on the walk
    root = str(settings.root)
    for item in inventory.files:
        if item.path not in stats:  # a layout entry naming a file, or a failed stat
            try:
                st = os.stat(os.path.join(root, item.path))
            except OSError as err:
                inventory.skipped.append((item.path, why_unread(err)))
                continue
            stats[item.path] = (st.st_size, st.st_mtime_ns)
    keys = {  # a comprehension: this runs for every input of every run
        path: seen[2]
        for path, stat in stats.items()
        if (seen := recorded.get(path)) is not None and seen[0] == stat[0] and seen[1] == stat[1]
    }
    return FileKeys(keys, stats, recorded)


def job_for(settings: Settings, cache: ResultCache | None) -> Job:
    return Job(
        str(settings.root),
        salt(settings),
        _disabled(settings),
        settings.policy.registries,
        cache.directory if cache is not None and cache.usable else None,
        settings.max_file_size,
    )


def analyse_inputs(
    settings: Settings,
    inventory: Inventory,
    workers: Workers,
    cache: ResultCache | None,
    keys: FileKeys,
    load_all: bool = True,
) -> dict[str, FileResult]:
    """The per-file stage: in the workers for every input whose stat changed (which fills in
    their keys), and, with `load_all`, from the cache for the rest. Returns path → result."""
    results: dict[str, FileResult] = {}
    todo: list[InputFile] = []
    if load_all:
        found = cache.results(sorted(set(keys.keys.values()))) if cache else {}
        for item in inventory.files:
            if item.path not in keys.stats:
                continue
            cached = found.get(keys.keys.get(item.path, ""))
            if cached is not None and cached.path == item.path:
                results[item.path] = cached
            else:
                todo.append(item)
    else:
        stats, known = keys.stats, keys.keys
        todo = [item for item in inventory.files if item.path in stats and item.path not in known]
    job = job_for(settings, cache)
    fresh = Fresh()
    changed: dict[str, tuple[int, int, str]] = {}
    progress, done = workers.progress, 0
    damaged: list[str] = []
    try:
        for batch in workers.map(analyse_batch, job, batches(todo), len(todo)):
            damaged += _take(batch, inventory, keys, results, changed, fresh)
            if progress is not None:  # once a batch: the line redraws at most ~10 times a second
                done += len(batch)
                progress.advance(done, len(todo))
    finally:
        if progress is not None:
            progress.end()
    if damaged:  # entries of the cache that do not decode: analysed here, and stored anew
        wanted = set(damaged)
        batch = analyse_batch(
            replace(job, cache_directory=None), [item for item in todo if item.path in wanted]
        )
        _take(batch, inventory, keys, results, changed, fresh)
    vanished = [path for path in keys.recorded if path not in keys.stats]
    if cache and (fresh or changed or vanished):
        workers.background(workers_store, job, fresh, changed, vanished)
        if not load_all:  # the results this run loads next need the index of these
            _settle(workers, cache)
    return results


def _take(
    batch: list[Outcome],
    inventory: Inventory,
    keys: FileKeys,
    results: dict[str, FileResult],
    changed: dict[str, tuple[int, int, str]],
    fresh: Fresh,
) -> list[str]:
    """Take a batch of the per-file stage into the run; returns the paths whose result, found
    in the cache, does not decode (a damaged entry)."""
    damaged = []
    for outcome in batch:
        if outcome.error:
            inventory.skipped.append((outcome.path, outcome.error))
            keys.stats.pop(outcome.path, None)
            continue
        try:
            results[outcome.path] = decode(outcome.blob)
        except RecordError:
            damaged.append(outcome.path)
            continue
        keys.keys[outcome.path] = outcome.key
        changed[outcome.path] = (*keys.stats[outcome.path], outcome.key)
        if outcome.fresh:
            fresh.add(outcome.key, outcome.blob, outcome.names)
    return damaged


def build_tree(
    settings: Settings,
    inventory: Inventory,
    results: dict[str, FileResult],
    rules: bool = True,
    selected: Callable[[str], bool] | None = None,
    demand: Demand | None = None,
    positions: Positions | None = None,
    only: frozenset[str] | None = None,
) -> LoadedTree:
    """The graph of `results` and, with `rules`, the findings of every enabled cross-file rule
    (of those named in `only`, when given)
    (only those located in `selected` files, when given). `demand` records what "did you mean"
    asks for, in a partial run."""
    findings: list[Finding] = []
    checked: list[str] = []
    skipped = list(inventory.skipped)
    facts = []
    for item in inventory.files:
        result = results.get(item.path)
        if result is None:
            continue
        if result.skipped:
            skipped.append((item.path, result.skipped))
            continue
        checked.append(item.path)
        findings.extend(result.findings)
        facts.append(result.facts)
    skipped.sort()
    graph = TagGraph(facts, settings.policy.exempt_namespaces)
    if demand is not None:
        graph.known_produced = demand.produced
        graph.known_consumed = demand.consumed
    manifests = [f.path for f in inventory.files if f.kind is Kind.CLUSTER_MANIFEST]
    registries = settings.policy.registries
    positions = positions or Positions(settings.root)
    context = TreeContext(graph, registries, settings.policy, manifests, positions)
    if selected is not None:
        context.selected = selected
    context.demand = demand
    for rule in _enabled_rules(settings) if rules else ():
        if only is not None and rule.RULE.name not in only:
            continue
        findings.extend(rule.check(context.view(rule.READS, rule.RULE.name)))
    return LoadedTree(checked, skipped, findings, graph, context, results)


def relative_selection(root: Path, paths: list[str]) -> list[str]:
    """PATH arguments (relative to the working directory) as root-relative selections."""
    selection = []
    for raw in paths:
        try:
            absolute = Path(raw).resolve()
        except RuntimeError:  # pathlib's word for a loop of symbolic links
            raise CilintError(f"{raw}: a loop of symbolic links") from None
        if not absolute.exists():
            raise CilintError(f"{raw}: no such file or folder")
        try:
            selection.append(absolute.relative_to(root.resolve()).as_posix())
        except ValueError:
            raise CilintError(f"{raw}: not under the root {root}") from None
    return selection
