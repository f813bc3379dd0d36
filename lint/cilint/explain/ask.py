"""`cilint explain` end to end: the answers for each reading of what the user pasted, from the
cache's index of tags when it still holds (`cilint.explain.index`), else from the tree, loaded
(warm from the cache's results where they hold) and indexed for the next question."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from cilint.cache.files import FILE_NAME
from cilint.cache.tag_index import Reader
from cilint.explain import index
from cilint.explain.answer import Answer, explain
from cilint.explain.reading import Readings, read

if TYPE_CHECKING:  # loading the tree needs these; an answer from the index does not
    from cilint.config.settings import Settings
    from cilint.pipeline.results import LoadedTree
    from cilint.pipeline.run import RunOptions


def from_index(
    root: Path, cache_dir: Path, config: Path | None, text: str, all_importers: bool
) -> tuple[Readings, list[Answer]] | None:
    """The answers from the index, or None when there is none that holds."""
    reader = Reader(cache_dir / FILE_NAME)
    source = None
    try:
        source = index.open_index(reader, root, config)
        if source is None:
            return None
        registries = source.head.registries
        readings = read(text, registries)
        answers = []
        for tag in readings.tags:
            if not source.fetch(tag.ist):
                return None
            answers.append(explain(source, registries, tag, all_importers))
        assert source.walk is not None  # begun by open_index
        return (readings, answers) if source.walk.holds() else None
    finally:
        if source is not None and source.walk is not None:
            source.walk.cancel()  # when the answer was not finished (a spelling error)
        reader.close()


def from_tree(
    settings: Settings, options: RunOptions, config: Path | None, text: str, all_importers: bool
) -> tuple[Readings, list[Answer], LoadedTree]:
    """The answers from the loaded tree; with a cache, its index is built on the way. Also
    returns the tree, for the caller to hold: freeing it object by object would take a third
    of a second at 30,000 configs, which a process about to exit need not spend."""
    from cilint.explain.graph_source import GraphSource
    from cilint.pipeline.run import analyse_inputs, build_tree, file_keys, session
    from cilint.rules.reads import Read

    registries = settings.policy.registries
    readings = read(text, registries)  # a spelling error stops before any work
    with session(settings, options) as (inventory, cache, workers):
        keys = file_keys(settings, inventory, cache)
        results = analyse_inputs(settings, inventory, workers, cache, keys)
        tree = build_tree(settings, inventory, results, rules=False)
        source = GraphSource(tree.context.view(frozenset(Read), "explain"), registries)
        answers = [explain(source, registries, tag, all_importers) for tag in readings.tags]
        # Not without an input that could not be read: a chmod that makes it readable changes
        # neither its size nor its mtime, which the index checks.
        all_read = len(keys.keys) == len(inventory.files)
        if cache is not None and cache.usable and all_read:
            files = index.settings_files(settings.root, config, settings.policy.source)
            built = index.build(source, tree.graph, inventory, files, registries)
            if built is not None:
                cache.store_tag_index(
                    index.scope(config), os.urandom(8).hex(), built.head, built.rows
                )
    return readings, answers, tree
