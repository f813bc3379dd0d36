"""The `cilint` command's first frame. cilint's own modules are imported here, under the
handlers of a run: a Ctrl-C or SIGTERM in that first tenth of a second ends the process as one
during a run does, with one line and 130 or 143, not with Python's traceback
(docs/robustness.md)."""

from __future__ import annotations

import os
import sys


def _exit(code: int, line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
    os._exit(code)


def run() -> None:
    try:  # before its handler exists: SIGTERM kills, Ctrl-C is a KeyboardInterrupt
        from cilint.cli.stopping import how_stopped, interrupt_behind, stoppable
    except KeyboardInterrupt:
        _exit(130, "cilint: interrupted")
    try:
        with stoppable():
            from cilint.cli.entry import run as run_command
    except Exception as err:
        interrupt = interrupt_behind(err)
        if interrupt is None:
            raise
        _exit(*how_stopped(interrupt))
    except KeyboardInterrupt as interrupt:
        _exit(*how_stopped(interrupt))
    run_command()
