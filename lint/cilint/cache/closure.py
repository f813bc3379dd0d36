"""Runs about a few files, on a warm cache: load only the results that can change the answer,
not the whole tree.

A PATH run (the pre-commit hook) reports the findings located in its files; a change-aware run
the findings its change can touch. The cache indexes what each result mentions
(`cilint.cache.index`), and `Gatherer` follows those names to the files a question needs. Which
names to follow is derived from what the rules declare they read (`cilint.rules.reads`): `STEPS`
gives each read its gathering steps, so a new read without a step fails loudly
(tests/test_reads.py) and a rule cannot read what it did not declare. "Did you mean" is demand-
driven: the names a partial run asked for (`Demand`) are loaded afterwards, and the answer is
computed again. `tests/test_subtree.py` checks the result against the whole tree's for every
file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cilint.cache.index import (
    PATTERNS,
    SKIPPED,
    USED,
    active,
    conditional,
    consumed,
    defined,
    definition_of,
    mentions,
    produced,
    used,
)
from cilint.cache.store import ResultCache
from cilint.facts.result import FileResult
from cilint.inputs.discovery import InputFile
from cilint.inputs.kinds import STEP_REGISTRY_KINDS, Kind
from cilint.rules.reads import Demand, Read
from cilint.tags import parse_ist

Analyse = Callable[[list[InputFile]], dict[str, FileResult]]


class Gatherer:
    """The results a question needs, loaded from the cache by following mentioned names."""

    def __init__(
        self,
        cache: ResultCache,
        files: list[InputFile],
        keys: dict[str, str],
        fresh: dict[str, FileResult],
        analyse: Analyse,
        pool: dict[str, FileResult] | None = None,
    ) -> None:
        self.cache = cache
        self.files = {item.path: item for item in files if item.path in keys}
        self.keys = keys  # path → key of every readable input
        self.paths = {key: path for path, key in keys.items()}
        self.fresh = fresh  # results analysed in this run
        self.analyse = analyse  # for a result the cache should hold but does not
        # Results shared with another gatherer over a tree that differs only in the files
        # `fresh` holds (the base of a change): each unchanged result is loaded once.
        self.pool = pool
        self.loaded: dict[str, FileResult] = {}
        self._asked: set[str] = set()
        self._down_done: set[str] = set()
        # Whose registry uses `down` follows: the files asked about, the tests and elements
        # reaching their registry steps, and what those use. Not the files loaded only for
        # their producers: their tests resolve no place a question is about.
        self._downward: set[str] = set()
        # Inputs that differ from the tree another gatherer holds (a change's changed files).
        self.varying: set[str] = set()

    # -- loading -----------------------------------------------------------------------------

    def load(self, paths: Iterable[str]) -> list[FileResult]:
        """Load these inputs' results; returns the newly loaded ones."""
        wanted = sorted({p for p in paths if p in self.files and p not in self.loaded})
        new: dict[str, FileResult] = {p: self.fresh[p] for p in wanted if p in self.fresh}
        pool = self.pool
        if pool is not None:
            new.update((p, pool[p]) for p in wanted if p not in new and p in pool)
        from_cache = [p for p in wanted if p not in new]
        stored = self.cache.results([self.keys[p] for p in from_cache])
        missing = []
        for path in from_cache:
            result = stored.get(self.keys[path])
            if result is not None and result.path == path:
                new[path] = result
            else:
                missing.append(self.files[path])
        if missing:
            new.update(self.analyse(missing))
        if pool is not None:
            pool.update((p, new[p]) for p in from_cache if p in new)
        self.loaded.update(new)
        return list(new.values())

    def adopt(self, other: Gatherer, leave: set[str]) -> None:
        """Take what `other` loaded and followed (over a tree that differs from this one only
        in the files of `leave`) as loaded and followed here."""
        for path, result in other.loaded.items():
            if path not in leave and path in self.files and path not in self.loaded:
                self.loaded[path] = result
                if path in other._down_done:
                    self._down_done.add(path)
                if path in other._downward:
                    self._downward.add(path)

    def mentioning(self, names: Iterable[str]) -> set[str]:
        """The inputs whose current result mentions one of `names`."""
        ask = set(names) - self._asked
        self._asked |= ask
        found = self.cache.mentioning(ask) if ask else {}
        return {self.paths[key] for key in found if key in self.paths}

    def names_in(self, names: Iterable[str], prefixes: Iterable[str] = ()) -> dict[str, set[str]]:
        """Path → which of `names` (or names starting with one of `prefixes`) each input
        mentions, for the inputs that mention any."""
        found = dict(self.cache.mentioning(names))
        for prefix in prefixes:
            for key, named in self.cache.mentioning_prefix(prefix).items():
                found.setdefault(key, set()).update(named)
        return {self.paths[key]: named for key, named in found.items() if key in self.paths}

    def with_prefix(self, prefix: str) -> set[str]:
        found = self.cache.mentioning_prefix(prefix)
        return {self.paths[key] for key in found if key in self.paths}

    # -- following names ---------------------------------------------------------------------

    def producers_for(self, results: Iterable[FileResult]) -> None:
        """Producers (exact, per stream, per pattern) of what `results` produce or consume."""
        names: set[str] = set()
        streams: set[str] = set()
        for result in results:
            for name in mentions(result.facts):
                kind, _, subject = name.partition(":")
                if kind in ("p", "c"):
                    names.add(produced(subject))
                    tag = parse_ist(subject)
                    if tag is not None:
                        names.add(PATTERNS + tag.namespace)
                elif kind == "s":
                    streams.add(subject)
                    names.add(PATTERNS + subject.split("/", 1)[0])
        paths = self.mentioning(names)
        for stream in sorted(streams):
            # An importer's findings ask only whether some tag of the stream is produced: one
            # active producer settles it; without one, every producer is listed.
            writers = sorted(self.with_prefix(active(stream + ":")) - self.varying)
            paths |= {writers[0]} if writers else self.with_prefix(produced(stream + ":"))
        self.load(paths)

    def up(self, results: Iterable[FileResult]) -> None:
        """Every test and registry element that reaches the registry elements of `results`."""
        frontier = [r for r in results if r.kind in STEP_REGISTRY_KINDS]
        while frontier:
            names = {
                used(element.kind, element.name)
                for result in frontier
                for element in result.facts.registry
            }
            found = self.mentioning(names)
            self._downward |= found
            users = self.load(found)
            frontier = [r for r in users if r.kind in STEP_REGISTRY_KINDS]

    def down(self) -> None:
        """Every registry element the tests and elements of interest resolve through."""
        while True:
            todo = [p for p in self._downward - self._down_done if p in self.loaded]
            if not todo:
                return
            names = set()
            for path in todo:
                self._down_done.add(path)
                result = self.loaded[path]
                names |= {
                    definition_of(name) for name in mentions(result.facts) if name.startswith(USED)
                }
            found = self.mentioning(names)
            self._downward |= found
            self.load(found)

    def downward(self, paths: Iterable[str]) -> None:
        """Follow the registry uses of these inputs in `down` (the files asked about)."""
        self._downward.update(paths)

    def of_kinds(self, *kinds: Kind) -> None:
        """Every input of these kinds (few files: the cluster manifests, the mirror config)."""
        wanted = frozenset(kinds)
        self.load(p for p, item in self.files.items() if item.kind in wanted)

    def demanded(self, demand: Demand) -> bool:
        """Give "did you mean" what it asked for: the produced tags of the namespaces and the
        names of the registry kinds (from the index, without loading their files), and the
        producers of the tags it suggested (their messages name one). Whether anything new
        was asked."""
        namespaces = demand.namespaces - demand.loaded_namespaces
        kinds = demand.registry_kinds - demand.loaded_kinds
        candidates = demand.candidates - demand.loaded_candidates
        demand.loaded_namespaces |= namespaces
        demand.loaded_kinds |= kinds
        demand.loaded_candidates |= candidates
        for namespace in sorted(namespaces):
            for prefix in (active(namespace + "/"), conditional(namespace + "/")):
                demand.produced |= {name[2:] for name in self._names_starting(prefix)}
            demand.consumed |= {
                name[2:] for name in self._names_starting(consumed(namespace + "/"))
            }
        for kind in sorted(kinds):
            start = len(defined(kind, ""))
            names = {name[start:] for name in self._names_starting(defined(kind, ""))}
            demand.registry_names.setdefault(kind, set()).update(names)
        if candidates:
            wanted = {produced(tag) for tag in candidates}
            wanted |= {PATTERNS + tag.split("/", 1)[0] for tag in candidates}
            self.load(self.mentioning(wanted))
        return bool(namespaces or kinds or candidates)

    def _names_starting(self, prefix: str) -> set[str]:
        """The index names starting with `prefix` that the inputs of this tree mention."""
        return set().union(*self.names_in((), [prefix]).values())


# The gathering steps, in the order they run (`down` last: it follows every loaded result).
PRODUCERS, USERS, MANIFESTS, MIRROR_CONFIG, DOWN = (
    "producers",
    "users",
    "manifests",
    "mirror-config",
    "down",
)
_ORDER = (PRODUCERS, USERS, MANIFESTS, MIRROR_CONFIG, DOWN)

# What each read needs loaded besides the files (or the tag) asked about. Demand-driven reads
# (the names behind "did you mean") need nothing up front.
STEPS: dict[Read, tuple[str, ...]] = {
    # The producers, exact, per stream and per pattern, of what the files produce or consume.
    Read.COVERAGE: (PRODUCERS,),
    Read.PRODUCERS: (PRODUCERS,),
    # A registry step's consumers are the tests that reach it; a test's, the steps it resolves to.
    Read.CONSUMERS: (USERS, DOWN),
    Read.CONSUMER_PLACES: (USERS, DOWN),
    Read.REGISTRY: (USERS, DOWN),
    Read.REGISTRY_NAMES: (),
    Read.PRODUCED_NAMES: (),
    # Mirror sets merge per cluster: every manifest, when one is asked about.
    Read.MIRROR_SETS: (MANIFESTS,),
    Read.MIRROR_CONFIG: (MIRROR_CONFIG,),
}


def steps_for(reads: Iterable[Read]) -> list[str]:
    """The gathering steps `reads` need, in order; a read without an entry in `STEPS` fails."""
    wanted: set[str] = set()
    for read in reads:
        if read not in STEPS:
            raise KeyError(f"no gathering step for Read.{read.name}: add it to STEPS")
        wanted.update(STEPS[read])
    return [step for step in _ORDER if step in wanted]


def _follow(gatherer: Gatherer, interest: list[FileResult], steps: list[str]) -> None:
    """The steps after the files of interest are loaded."""
    if PRODUCERS in steps:
        gatherer.producers_for(interest)
    if USERS in steps:
        gatherer.up(interest)
    kinds = []
    if MANIFESTS in steps and any(r.kind is Kind.CLUSTER_MANIFEST for r in interest):
        kinds.append(Kind.CLUSTER_MANIFEST)
    if MIRROR_CONFIG in steps:
        kinds.append(Kind.CI_IMAGES_MIRROR)
    if kinds:
        gatherer.of_kinds(*kinds)
    gatherer.load(gatherer.mentioning([SKIPPED]))  # --show-files lists the same files
    if DOWN in steps:
        gatherer.down()


def for_files(gatherer: Gatherer, paths: list[str], reads: Iterable[Read]) -> None:
    """Everything that can change a finding located in `paths`, for rules reading `reads`."""
    gatherer.load(paths)
    gatherer.downward(paths)
    interest = [gatherer.loaded[p] for p in paths if p in gatherer.loaded]  # loaded before too
    _follow(gatherer, interest, steps_for(reads))


def for_consumers(
    gatherer: Gatherer,
    paths: list[str],
    tags: Iterable[str],
    streams: Iterable[str],
    reads: Iterable[Read],
) -> None:
    """What the findings about `tags` (and whole `streams`) located in `paths`, their
    consumers, need: every producer of those tags and streams, and the tests that reach the
    registry steps among them. Findings in `paths` about anything else are left unreliable
    (a change-aware run loads the same files at both ends, so those cancel out)."""
    steps = steps_for(reads)
    gatherer.load(paths)
    interest = [gatherer.loaded[p] for p in paths if p in gatherer.loaded]
    if PRODUCERS in steps:
        names: set[str] = set()
        for ist in tags:
            names.add(produced(ist))
            tag = parse_ist(ist)
            if tag is not None:
                names.add(PATTERNS + tag.namespace)
        found = gatherer.mentioning(names)
        for stream in sorted(streams):
            found |= gatherer.with_prefix(produced(stream + ":"))
            found |= gatherer.mentioning([PATTERNS + stream.split("/", 1)[0]])
        gatherer.load(found)
    if USERS in steps:
        gatherer.up(interest)
    if MIRROR_CONFIG in steps:
        gatherer.of_kinds(Kind.CI_IMAGES_MIRROR)
