"""`cilint: analysing 12,345/30,000 files…` on stderr, redrawn in place during a cold run.

Our own few lines rather than tqdm or rich.progress: either adds 14–24 ms of imports to every
run for one line (bench/NOTES.md, "The progress line").
"""

from __future__ import annotations

import time
from typing import TextIO

MINIMUM = 500  # fewer files to analyse finish too soon for a progress line to help
INTERVAL = 0.1  # seconds between redraws: ~10 a second at most


class ProgressLine:
    """A `pipeline.workers.Progress` that redraws one line of a terminal (the caller checks
    that the stream is one: `cli.terminal.can_redraw`)."""

    def __init__(self, stream: TextIO, minimum: int = MINIMUM) -> None:
        self._stream = stream
        self._minimum = minimum
        self._next = 0.0  # when the next redraw may happen
        self._shown = False

    def advance(self, done: int, total: int) -> None:
        if total < self._minimum:
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + INTERVAL
        self._stream.write(f"\rcilint: analysing {done:,}/{total:,} files…")
        self._stream.flush()
        self._shown = True

    def end(self) -> None:
        """Erase the line, so that what follows starts on a clean one."""
        if self._shown:
            self._stream.write("\r\033[K")
            self._stream.flush()
            self._shown = False
            self._next = 0.0
