"""Runs about a few files or one tag, on a warm cache: load only the results that can change the
answer, not the whole tree.

A PATH run (the pre-commit hook) reports the findings located in its files; `cilint explain`
answers about one tag. Loading every result and building the whole graph for that took seconds
at 30,000 configs. The cache indexes what each result mentions (`cilint.cache.index`), and from
the files of interest this module follows those names to every file that can change a finding
located in them, or the answer about the tag:

- the producers of each tag they produce or consume (coverage, `disabled-producer`,
  `duplicate-promotion`, `supplemental-overwrites-promotion`), the producers of every tag of a
  stream they pull whole, and the pattern producers (`artImages`) of those namespaces;
- for a registry step among them, every test that reaches it, up through the chains and
  workflows that include it (the "used by" of its findings, and whether it is reached at all);
- for every test and registry element loaded, the elements it resolves through, down to the
  refs (resolution, `unresolved-step`);
- every cluster manifest, when one is among them (mirror sets are merged per cluster);
- the files that were skipped, so that `--show-files` lists the same.

"Did you mean" needs more than that: the produced tags of a namespace (`unproduced-tag`) or the
names of a registry kind (`unresolved-step`). A second round adds them, only when such a
finding (or an unproduced tag in `explain`) appears. `tests/test_subtree.py` checks the result
against the whole tree's for every file and many tags of the example tree and the corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cilint.cache.index import (
    PATTERNS,
    SKIPPED,
    SUPPLEMENTAL,
    USED,
    consumed,
    defined,
    definition_of,
    mentions,
    produced,
    used,
    whole_stream,
)
from cilint.cache.store import ResultCache
from cilint.inputs.discovery import InputFile
from cilint.inputs.kinds import STEP_REGISTRY_KINDS, Kind
from cilint.pipeline.per_file import FileResult
from cilint.tags import parse_ist

Analyse = Callable[[list[InputFile]], dict[str, FileResult]]

# Files importing a tag's whole stream that `cilint explain` lists by default: a release stream
# such as ocp/4.17 is imported by thousands of configs, and listing them all (each needing its
# line) buries the rest of the answer and took seconds at 30,000 configs.
SHOWN_IMPORTERS = 5


class Gatherer:
    """The results a question needs, loaded from the cache by following mentioned names."""

    def __init__(
        self,
        cache: ResultCache,
        files: list[InputFile],
        keys: dict[str, str],
        fresh: dict[str, FileResult],
        analyse: Analyse,
    ) -> None:
        self.cache = cache
        self.files = {item.path: item for item in files if item.path in keys}
        self.keys = keys  # path → key of every readable input
        self.paths = {key: path for path, key in keys.items()}
        self.fresh = fresh  # results analysed in this run
        self.analyse = analyse  # for a result the cache should hold but does not
        self.loaded: dict[str, FileResult] = {}
        self._asked: set[str] = set()
        self._down_done: set[str] = set()

    # -- loading -----------------------------------------------------------------------------

    def load(self, paths: Iterable[str]) -> list[FileResult]:
        """Load these inputs' results; returns the newly loaded ones."""
        wanted = sorted({p for p in paths if p in self.files and p not in self.loaded})
        new: dict[str, FileResult] = {p: self.fresh[p] for p in wanted if p in self.fresh}
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
        self.loaded.update(new)
        return list(new.values())

    def mentioning(self, names: Iterable[str]) -> set[str]:
        """The inputs whose current result mentions one of `names`."""
        ask = set(names) - self._asked
        self._asked |= ask
        found = self.cache.mentioning(ask) if ask else {}
        return {self.paths[key] for key in found if key in self.paths}

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
            paths |= self.with_prefix(produced(stream + ":"))
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
            users = self.load(self.mentioning(names))
            frontier = [r for r in users if r.kind in STEP_REGISTRY_KINDS]

    def down(self) -> None:
        """Every registry element the loaded tests and elements resolve through."""
        while True:
            todo = [p for p in self.loaded if p not in self._down_done]
            if not todo:
                return
            names = set()
            for path in todo:
                self._down_done.add(path)
                result = self.loaded[path]
                names |= {
                    definition_of(name) for name in mentions(result.facts) if name.startswith(USED)
                }
            self.load(self.mentioning(names))

    def manifests(self) -> None:
        self.load(p for p, item in self.files.items() if item.kind is Kind.CLUSTER_MANIFEST)

    def namespaces(self, namespaces: Iterable[str]) -> None:
        """Every producer in these namespaces ("did you mean" among the produced tags)."""
        for namespace in sorted(set(namespaces)):
            self.load(self.with_prefix(produced(namespace + "/")))

    def registry_kinds(self, kinds: Iterable[str]) -> None:
        """Every element of these kinds ("did you mean" among the registry's names)."""
        for kind in sorted(set(kinds)):
            self.load(self.with_prefix(defined(kind, "")))
        self.down()


def for_files(gatherer: Gatherer, paths: list[str]) -> None:
    """Everything that can change a finding located in `paths`."""
    interest = gatherer.load(paths)
    gatherer.producers_for(interest)
    gatherer.up(interest)
    if any(r.kind is Kind.CLUSTER_MANIFEST for r in interest):
        gatherer.manifests()
    gatherer.load(gatherer.mentioning([SKIPPED]))
    gatherer.down()


def for_tag(gatherer: Gatherer, ist: str, shown_importers: int | None) -> list[str]:
    """Everything `cilint explain` shows about `ist`: its producers and consumers (with the
    tests that reach it through the registry), the pattern and supplemental producers, the
    cluster manifests that say how it is pulled, and the first `shown_importers` (None: all)
    files that import its whole stream. Returns every file that imports the whole stream."""
    tag = parse_ist(ist)
    names = {produced(ist), consumed(ist), SUPPLEMENTAL}
    importers: list[str] = []
    if tag is not None:
        names.add(PATTERNS + tag.namespace)
        importers = sorted(gatherer.mentioning([whole_stream(tag.stream)]))
    listed = importers if shown_importers is None else importers[:shown_importers]
    gatherer.up(gatherer.load(gatherer.mentioning(names) | set(listed)))
    gatherer.manifests()
    gatherer.down()
    return importers
