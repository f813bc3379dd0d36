"""Change-aware runs: the findings a change introduces, wherever they land.

A change is the difference between a git revision (the base) and the working tree. The base is
never checked out: its unchanged files have the same bytes, so the same results (from the
cache); only the changed files are read at the base (`cilint.inputs.git`) and analysed. Both
ends are then evaluated where the change reaches (`cilint.change.reach`): the changed files and
the files their changed facts name, each end with everything its findings depend on
(`cilint.cache.closure`), as a PATH run is. Findings there are compared by identity
(`cilint.change.compare`). Without a cache both ends are evaluated whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import TypeVar

from cilint.cache import closure
from cilint.cache.index import mentions
from cilint.cache.keys import file_key
from cilint.cache.store import ResultCache
from cilint.change.compare import Causes, introduced, owned
from cilint.change.reach import MIRRORS, Touch, touches
from cilint.config.settings import Settings
from cilint.facts.positions import Positions
from cilint.facts.result import FileResult
from cilint.findings import Cause, Finding, sort_key
from cilint.inputs.discovery import InputFile, Inventory, classify_path
from cilint.inputs.git import Base
from cilint.inputs.kinds import Kind
from cilint.pipeline.per_file import analyze
from cilint.pipeline.results import ChangeSummary, CheckResult, LoadedTree
from cilint.pipeline.run import (
    FileKeys,
    RunOptions,
    analyse_inputs,
    build_tree,
    file_keys,
    gatherer_for,
    job_for,
    locate_findings,
    run_check,
    salt,
    selector,
    session,
    tree_reads,
    with_levels,
)
from cilint.pipeline.workers import Workers
from cilint.rules import unused_suppression
from cilint.rules.context import everything
from cilint.rules.reads import Demand
from cilint.suppression import comments_of, suppress
from cilint.tags import parse_ist

T = TypeVar("T")


@dataclass
class Change:
    """The changed inputs at both ends, and their results."""

    base: Base
    now_paths: list[str]  # changed inputs that are there now (added, modified)
    base_items: dict[str, InputFile]  # changed inputs that were there at the base
    base_contents: dict[str, bytes]
    base_results: dict[str, FileResult] = field(default_factory=dict)

    @property
    def paths(self) -> set[str]:
        return set(self.now_paths) | set(self.base_items)


@dataclass
class Ends:
    """Both ends evaluated: their findings where the change reaches, and what was loaded."""

    now: LoadedTree
    base: LoadedTree
    scope: Callable[[str], bool]  # the files whose findings were compared
    base_scope: Callable[[str], bool]
    touches: list[Touch]
    # The findings in some files now, worded as a whole run words them, when `now` holds
    # them without "did you mean" (set by a partial evaluation, used inside its session).
    reworded: Callable[[set[str], frozenset[str], set[str]], list[Finding]] | None = None


def find_change(
    settings: Settings,
    base: Base,
    inventory: Inventory,
    only: Callable[[str], bool] | None = None,
) -> Change:
    """Which inputs differ between `base` and the working tree, with their bytes at the base
    (`only`: of the changed files, just these; the others count as unchanged)."""
    changes = {p: s for p, s in base.changes().items() if only is None or only(p)}
    now = {f.path for f in inventory.files}
    now_paths = sorted(p for p, status in changes.items() if status != "D" and p in now)
    items = {}
    for path, status in sorted(changes.items()):
        if status != "A" and (item := classify_path(settings.layout, path, settings.exclude)):
            items[path] = item
    contents = base.read(sorted(items))
    items = {p: item for p, item in items.items() if p in contents}
    return Change(base, now_paths, items, contents)


def _analyse_base(settings: Settings, change: Change, cache: ResultCache | None) -> None:
    """The changed files' results at the base: from the cache when an earlier run analysed
    the same bytes, else analysed here (a handful of files)."""
    run_salt = salt(settings)
    keys = {p: file_key(run_salt, p, change.base_contents[p]) for p in change.base_items}
    stored = cache.results(sorted(keys.values())) if cache else {}
    job = job_for(settings, None)
    for path, item in change.base_items.items():
        result = stored.get(keys[path])
        if result is None or result.path != path:
            content = change.base_contents[path]
            result = analyze(item, content, job.disabled, job.registries, job.max_file_size)
        change.base_results[path] = result


def _base_files(inventory: Inventory, change: Change) -> list[InputFile]:
    changed = change.paths
    kept = [f for f in inventory.files if f.path not in changed]
    return sorted([*kept, *change.base_items.values()], key=lambda f: f.path)


def _touches(change: Change, now: dict[str, FileResult]) -> list[Touch]:
    found = chain.from_iterable(
        touches(change.base_results.get(p), now.get(p)) for p in sorted(change.paths)
    )
    return sorted(found, key=Touch.order)


@dataclass
class _Reach:
    """The unchanged inputs whose findings a change can change: `full` ones (producers of a
    changed tag, users of a changed registry element, what a changed step reaches, the
    manifests), whose findings are all compared; and the consumers of changed tags and streams,
    compared for their findings about those (`closure.for_consumers`)."""

    full: set[str] = field(default_factory=set)
    consumers: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    streams: set[str] = field(default_factory=set)

    def __or__(self, other: _Reach) -> _Reach:
        return _Reach(
            self.full | other.full,
            self.consumers | other.consumers,
            self.tags | other.tags,
            self.streams | other.streams,
        )


def _settled_names(gather: closure.Gatherer, names: set[str], changed: set[str]) -> set[str]:
    """Of the `c:` and `s:` names, those whose tag or stream an unchanged file actively
    produces: produced at both ends, so the change cannot change their consumers' findings."""
    tags = {n[2:] for n in names if n.startswith("c:")}
    streams = {n[2:] for n in names if n.startswith("s:")}
    found = gather.names_in({f"a:{t}" for t in tags}, sorted(f"a:{s}:" for s in streams))
    settled: set[str] = set()
    for path, named in found.items():
        if path in changed:
            continue
        for name in named:
            ist = name[2:]
            if ist in tags:
                settled.add(f"c:{ist}")
            tag = parse_ist(ist)
            if tag is not None and tag.stream in streams:
                settled.add(f"s:{tag.stream}")
    return settled


def _reach(gather: closure.Gatherer, touched: list[Touch], changed: set[str]) -> _Reach:
    """The inputs (at one end) whose findings the changed facts can change."""
    reach = _Reach()
    exact = set().union(*(t.names for t in touched)) - {MIRRORS} if touched else set()
    consumed = {n for n in exact if n.startswith(("c:", "s:"))}
    exact = (exact - consumed) | (consumed - _settled_names(gather, consumed, changed))
    patterns = [t.pattern for t in touched if t.pattern is not None]
    prefixes = sorted({f"{kind}:{p.namespace}/" for p in patterns for kind in "cps"})
    for path, names in gather.names_in(exact, prefixes).items():
        for name in names:
            kind, subject = name[:2], name[2:]
            if name not in exact:  # a name under a changed pattern's namespace
                tag = parse_ist(subject) if kind != "s:" else None
                namespace, _, image = subject.partition("/")
                matched = (
                    any(p.matches(tag.namespace, tag.name, tag.tag) for p in patterns)
                    if tag is not None
                    else kind == "s:" and any(p.matches(namespace, image) for p in patterns)
                )
                if not matched:
                    continue
            if kind == "c:":
                reach.consumers.add(path)
                reach.tags.add(subject)
            elif kind == "s:":
                reach.consumers.add(path)
                reach.streams.add(subject)
            else:
                reach.full.add(path)
    # Registry elements reached from a changed step, at any depth.
    asked: set[str] = set()
    frontier = set().union(*(t.uses for t in touched)) if touched else set()
    while frontier - asked:
        ask = frontier - asked
        asked |= ask
        found = set(gather.names_in(ask))
        reach.full |= found
        gather.load(found)
        frontier = set()
        for path in found & gather.loaded.keys():  # loaded before too: the changed files
            uses = mentions(gather.loaded[path].facts)
            frontier |= {"d:" + n[2:] for n in uses if n.startswith("u:")}
    if any(MIRRORS in t.names for t in touched):
        manifests = {p for p, item in gather.files.items() if item.kind is Kind.CLUSTER_MANIFEST}
        reach.full |= manifests
    return reach


def _partial(
    settings: Settings,
    inventory: Inventory,
    cache: ResultCache,
    keys: FileKeys,
    workers: Workers,
    change: Change,
    given: Callable[[str], bool],
) -> Ends | None:
    """Both ends where the change reaches, from the cache; None when the cache failed.

    The unchanged files loaded at the two ends are made the same, so that a finding computed
    from what is not loaded (about a tag the change does not touch, in a consumer that is
    compared only for the tags it does touch) is the same at both ends and cancels out."""
    fresh = analyse_inputs(settings, inventory, workers, cache, keys, load_all=False)
    if not cache.usable:
        return None
    pool: dict[str, FileResult] = {}
    now_gather = gatherer_for(settings, inventory, cache, keys, fresh, pool)
    changed = change.paths
    base_keys = {p: k for p, k in keys.keys.items() if p not in changed}
    base_keys.update((p, f"base:{p}") for p in change.base_items)
    base_fresh = {p: r for p, r in fresh.items() if p not in changed}
    base_fresh.update(change.base_results)
    base_files = _base_files(inventory, change)
    base_gather = gatherer_for(
        settings,
        inventory,
        cache,
        FileKeys(base_keys, keys.stats, keys.recorded),
        base_fresh,
        pool,
        files=base_files,
    )
    # A stream's one active producer is never a changed file: it must settle both ends.
    now_gather.varying = base_gather.varying = changed
    now_gather.load(change.now_paths)
    touched = _touches(change, now_gather.loaded)
    reach = _reach(now_gather, touched, changed) | _reach(base_gather, touched, changed)
    full = reach.full | changed | {p for p in now_gather.files if given(p)}
    consumers = reach.consumers - full
    reads = tree_reads(settings)
    now_full = sorted(p for p in full if p in now_gather.files)
    closure.for_files(now_gather, now_full, reads)
    closure.for_consumers(now_gather, sorted(consumers), reach.tags, reach.streams, reads)
    # The base needs what the now side gathered, but through the changed files' base versions:
    # take the rest as gathered, and follow from those versions (and what is not loaded yet).
    base_gather.adopt(now_gather, changed)
    base_full = {p for p in full if p in base_gather.files}
    follow = set(change.base_items) | (base_full - set(base_gather.loaded))
    closure.for_files(base_gather, sorted(follow), reads)
    base_gather.load(consumers)
    now_gather.adopt(base_gather, changed)
    now_selected = set(now_full) | consumers
    base_selected = base_full | consumers
    base_inventory = Inventory(base_files, list(inventory.skipped))
    positions = Positions(settings.root)
    base_positions = Positions(settings.root, contents=change.base_contents)
    # Compared without "did you mean" at both ends (a suggestion is no part of an identity):
    # what it asks for is loaded afterwards, for the words of the findings reported.
    now_demand = Demand()
    now_tree = build_tree(
        settings,
        inventory,
        now_gather.loaded,
        selected=now_selected.__contains__,
        demand=now_demand,
        positions=positions,
    )
    base_tree = build_tree(
        settings,
        base_inventory,
        base_gather.loaded,
        selected=base_selected.__contains__,
        demand=Demand(),
        positions=base_positions,
    )
    compared = full | consumers

    def reworded(paths: set[str], rules: frozenset[str], tags: set[str]) -> list[Finding]:
        """The findings of `rules` in `paths` now, with their suggestions (`tags`: theirs)."""
        if not now_demand.namespaces and not now_demand.registry_kinds:
            return [f for f in now_tree.findings if f.path in paths]
        # What the comparison's build asked for, and the tags it would suggest, are given
        # first: a build less each.
        asked = Demand()
        asked.namespaces = set(now_demand.namespaces)
        asked.registry_kinds = set(now_demand.registry_kinds)
        now_gather.demanded(asked)
        graph = now_tree.graph
        graph.known_produced = asked.produced
        asked.candidates = {
            near
            for tag in sorted(tags)
            if tag.split("/", 1)[0] in asked.loaded_namespaces
            for near in graph.nearest(tag)
        }
        now_gather.demanded(asked)
        # One build: the reported findings' suggestions have all they need; others may ask
        # for more, and are not reported.
        tree = build_tree(
            settings,
            inventory,
            now_gather.loaded,
            selected=paths.__contains__,
            demand=asked,
            positions=positions,
            only=rules,
        )
        return [f for f in tree.findings if f.path in paths]

    within = compared.__contains__
    return Ends(now_tree, base_tree, within, within, touched, reworded) if cache.usable else None


def _whole(
    settings: Settings,
    inventory: Inventory,
    cache: ResultCache | None,
    keys: FileKeys,
    workers: Workers,
    change: Change,
) -> Ends:
    """Both ends evaluated whole (no cache to follow names in)."""
    results = analyse_inputs(settings, inventory, workers, cache, keys)
    changed = change.paths
    base_results = {p: r for p, r in results.items() if p not in changed}
    base_results.update(change.base_results)
    now_tree = build_tree(settings, inventory, results)
    base_inventory = Inventory(_base_files(inventory, change), list(inventory.skipped))
    base_tree = build_tree(
        settings,
        base_inventory,
        base_results,
        positions=Positions(settings.root, contents=change.base_contents),
    )

    return Ends(now_tree, base_tree, everything, everything, _touches(change, results))


@dataclass
class ChangeRun:
    """A change-aware run's answer, before it is cut to what a command reports."""

    change: Change
    now: list[Finding]  # every finding of the compared files now (the given files' too)
    new: set[int]  # positions in `now` of the introduced ones
    fixed: int
    causes: dict[int, Cause]  # position in `now` → cause, for introduced findings elsewhere
    inventory: Inventory
    tree: LoadedTree | None = None
    base: list[Finding] = field(default_factory=list)  # the compared files' findings at the base


def evaluate(
    settings: Settings,
    base: Base,
    then: Callable[[Change, Ends, Inventory], T],
    options: RunOptions | None = None,
    given: Callable[[str], bool] | None = None,
    only: Callable[[str], bool] | None = None,
) -> T:
    """`then` of both ends of the change where it reaches, inside the run's session (`given`:
    files whose findings are all wanted too; `only`: the changed files to count, see
    `find_change`)."""
    options = options or RunOptions()
    wanted = given or (lambda path: False)
    with session(settings, options) as (inventory, cache, workers):
        change = find_change(settings, base, inventory, only)
        _analyse_base(settings, change, cache)
        keys = file_keys(settings, inventory, cache)
        ends = None
        if cache is not None and cache.usable:
            ends = _partial(settings, inventory, cache, keys, workers, change, wanted)
        if ends is None:
            ends = _whole(settings, inventory, cache, keys, workers, change)
        inventory.skipped = list(ends.now.skipped)
        return then(change, ends, inventory)


def compare_change(
    settings: Settings,
    base: Base,
    options: RunOptions | None = None,
    given: Callable[[str], bool] | None = None,
) -> ChangeRun:
    """The findings of the files the change reaches at both ends, which are new, and the
    cause of each new one outside the changed files. `given`: files whose findings are all
    wanted (the hook's files)."""
    wanted = given or (lambda path: False)

    def compare(change: Change, ends: Ends, inventory: Inventory) -> ChangeRun:
        now = [f for f in ends.now.findings if ends.scope(f.path) or wanted(f.path)]
        now.sort(key=sort_key)
        compared = [i for i, f in enumerate(now) if ends.scope(f.path)]
        base_findings = [f for f in ends.base.findings if ends.base_scope(f.path)]
        new_in_compared, fixed = introduced([now[i] for i in compared], base_findings)
        new = {compared[i] for i in new_in_compared}
        if ends.reworded is not None:  # the reported ones, with their suggestions
            now = _reworded(now, new, wanted, ends.reworded)
        causes = _causes(settings, change, ends, now, new)
        return ChangeRun(change, now, new, fixed, causes, inventory, ends.now, base_findings)

    return evaluate(settings, base, compare, options, given)


def _reworded(
    now: list[Finding],
    new: set[int],
    wanted: Callable[[str], bool],
    reworded: Callable[[set[str], frozenset[str], set[str]], list[Finding]],
) -> list[Finding]:
    """`now` with the findings that can be reported (the new ones, those in `wanted` files)
    worded as a whole run words them; positions and order unchanged."""
    reported = [f for i, f in enumerate(now) if i in new or wanted(f.path)]
    if not reported:
        return now
    paths = {f.path for f in reported}
    words: dict[tuple[str, str, str, str], list[Finding]] = {}
    tags = {f.tag for f in reported if f.tag}
    for finding in reworded(paths, frozenset(f.rule for f in reported), tags):
        words.setdefault(finding.identity(), []).append(finding)
    result = []
    for finding in now:
        found = words.get(finding.identity()) if finding.path in paths else None
        result.append(found.pop(0) if found else finding)
    return result


def _causes(
    settings: Settings, change: Change, ends: Ends, now: list[Finding], new: set[int]
) -> dict[int, Cause]:
    changed = change.paths
    named: dict[str, frozenset[str]] = {}

    def mentioned(path: str) -> frozenset[str]:
        if path not in named:
            names: set[str] = set()
            for tree in (ends.now, ends.base):
                result = tree.results.get(path)
                if result is not None:
                    names |= mentions(result.facts)
            named[path] = frozenset(names)
        return named[path]

    positions = Positions(settings.root)
    base_positions = Positions(settings.root, contents=change.base_contents)
    finder = Causes(ends.touches, mentioned)
    located: dict[int, Cause] = {}  # id of a touch → its cause: many findings share one
    causes = {}
    for index in sorted(new):
        finding = now[index]
        if finding.path in changed:
            continue  # in a changed file: its own place is the cause
        touch = finder.of(finding)
        if touch is None:
            continue
        cause = located.get(id(touch))
        if cause is None:
            where = (base_positions if touch.at_base else positions).locate(touch.location)
            cause = located[id(touch)] = Cause(where.path, max(where.line, 1), touch.at_base)
        causes[index] = cause
    return causes


def hook_check(
    settings: Settings, base: Base, selection: list[str], options: RunOptions | None = None
) -> CheckResult:
    """The pre-commit hook: every finding in the given files, and the findings the change
    introduces elsewhere whose cause is in the given files."""

    given = selector(selection)
    run = compare_change(settings, base, options, given)
    present = set(run.change.now_paths)
    anchor = run.change.now_paths[0] if run.change.now_paths else None
    picked = []
    for index, finding in enumerate(run.now):
        cause = run.causes.get(index)
        if given(finding.path):
            picked.append(replace(finding, introduced=index in run.new))
        elif cause is not None and owned(cause, given, present, anchor):
            picked.append(replace(finding, introduced=True, cause=cause))
    reported = sum(1 for p in run.tree.checked if given(p)) if run.tree else 0
    result = _result(settings, run, picked, reported, complete=given)
    result.findings = _unused_marked(settings, run, result.findings)
    if result.change is not None:
        existing = sum(1 for f in result.findings if f.introduced is False)
        result.change = replace(result.change, existing=existing)
    return result


def _unused_marked(settings: Settings, run: ChangeRun, findings: list[Finding]) -> list[Finding]:
    """`findings` with each unused-suppression marked introduced unless its file had the same
    one at the base (they are found after the comparison, from the located findings)."""
    unused = unused_suppression.RULE.name
    paths = {f.path for f in findings if f.rule == unused}
    if not paths:
        return findings
    old: Counter[tuple[str, str, str, str]] = Counter()
    positions = Positions(settings.root, contents=run.change.base_contents)
    for path in paths:
        if path not in run.change.paths:  # unchanged: the same comments at both ends
            old.update(f.identity() for f in findings if f.path == path and f.rule == unused)
            continue
        result = run.change.base_results.get(path)
        if result is None or not result.suppressions:
            continue
        located = []
        for finding in (f for f in run.base if f.path == path):
            if finding.place is not None:
                where = positions.locate(finding.place)
                finding = replace(finding, line=max(where.line, 1), column=max(where.column, 1))
            located.append(finding)
        at_base = suppress(settings, located, {path: result.suppressions}, path.__eq__)
        old.update(f.identity() for f in at_base.findings if f.rule == unused)
    marked = []
    for finding in findings:
        if finding.rule == unused:
            identity = finding.identity()
            finding = replace(finding, introduced=old[identity] <= 0)
            old[identity] -= 1
        marked.append(finding)
    return marked


def changed_since_check(
    settings: Settings, base: Base, options: RunOptions | None = None, everything: bool = False
) -> CheckResult:
    """The PR job: the findings the branch introduces anywhere; with `everything`, every
    finding of the tree, those already there marked so."""
    run = compare_change(settings, base, options)
    new = [replace(run.now[i], introduced=True, cause=run.causes.get(i)) for i in sorted(run.new)]
    if not everything:
        return _result(settings, run, new, len(run.inventory.files))  # the whole tree
    whole = run_check(settings, None, options)
    waiting: dict[tuple[str, str, str, str], list[Finding]] = {}
    for finding in new:
        waiting.setdefault(finding.identity(), []).append(finding)
    marked = []
    for finding in whole.findings:
        matches = waiting.get(finding.identity())
        if matches:
            found = matches.pop(0)
            marked.append(replace(finding, introduced=True, cause=found.cause))
        else:
            marked.append(replace(finding, introduced=False))
    result = _result(settings, run, marked, whole.files_reported, levelled=True)
    result.suppressed = whole.suppressed
    return result


def _result(
    settings: Settings,
    run: ChangeRun,
    findings: list[Finding],
    reported: int,
    levelled: bool = False,
    complete: Callable[[str], bool] | None = None,
) -> CheckResult:
    """The reported findings located, suppressed and levelled (`levelled`: a whole run did
    that already); `complete`: the files all of whose findings are there (for unused
    suppressions)."""
    suppressed: list[Finding] = []
    located = findings
    if not levelled:
        results = run.tree.results if run.tree is not None else {}
        applied = suppress(
            settings, locate_findings(findings, settings.root), comments_of(results), complete
        )
        located, suppressed = with_levels(settings, applied.findings), applied.suppressed
    located.sort(key=sort_key)
    summary = ChangeSummary(
        run.change.base.described,
        run.change.base.commit,
        len(run.change.paths),
        len(run.new),
        run.fixed,
        sum(1 for f in located if f.introduced is False),
    )
    return CheckResult(
        located, run.inventory, reported, run.tree, change=summary, suppressed=suppressed
    )
