"""Resolve facts' places to lines and columns, only for those that a finding or an answer shows.

A file is read for positions at most once per run, and only if one of its places is shown; most
files of a clean tree never are. `SourceMap` finds positions in the text itself when the file is
plain block-style YAML, and composes libyaml nodes otherwise.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

from cilint.facts.model import Location
from cilint.inputs.reading import read_bytes
from cilint.yaml.source_map import SourceMap


class Positions:
    """The one way from a `Location` (a JSON path in a file) to its line and column: `locate`.
    The rule context caches it per place, and a run's findings are located in batches by the
    workers (`cilint.pipeline.workers.locate_batch`)."""

    # Node trees are big: keep only the most recent files (callers locate in path order).
    KEEP = 128

    def __init__(
        self, root: Path, parsed: bool = False, contents: dict[str, bytes] | None = None
    ) -> None:
        """`parsed`: the files asked about were parsed by this run (their places come from
        their facts), which spares a second check that they parse (`SourceMap`). `contents`:
        the bytes of files as they are elsewhere than on disk (at the base of a change)."""
        self.root = root
        self.parsed = parsed
        self.contents = contents or {}
        self._maps: OrderedDict[str, SourceMap] = OrderedDict()

    def locate(self, location: Location) -> Location:
        """`location` with its line and column (unchanged if it has them)."""
        if location.resolved:
            return location
        source = self._maps.get(location.path)
        if source is None:
            content = self.contents.get(location.path)
            if content is None:
                try:
                    content = read_bytes(os.path.join(self.root, location.path))
                except OSError:
                    content = b""
            source = self._maps[location.path] = SourceMap(content=content, parses=self.parsed)
            if len(self._maps) > self.KEEP:
                self._maps.popitem(last=False)
        else:
            self._maps.move_to_end(location.path)
        line, column = source.locate(location.document, location.json_path, location.at)
        return Location(
            location.path, line, column, location.document, location.json_path, location.at
        )
