"""The `cilint` command's first frame. cilint's own modules are imported here, under the
handlers of a run: a Ctrl-C or SIGTERM in that first tenth of a second ends the process as one
during a run does, with one line and 130 or 143, not with Python's traceback
(docs/robustness.md)."""

from __future__ import annotations

import os
import signal
import sys

from cilint.cli.stopping import interrupt_behind, stoppable
from cilint.errors import Terminated


def _stop(code: int, word: str) -> None:
    sys.stderr.write(f"cilint: {word}\n")
    sys.stderr.flush()
    os._exit(code)


def _stopped_by(interrupt: KeyboardInterrupt) -> None:
    if isinstance(interrupt, Terminated):
        _stop(128 + signal.SIGTERM, "terminated")
    _stop(128 + signal.SIGINT, "interrupted")


def run() -> None:
    try:
        with stoppable():
            from cilint.cli.entry import run as run_command
    except Exception as err:
        interrupt = interrupt_behind(err)
        if interrupt is None:
            raise
        _stopped_by(interrupt)
    except KeyboardInterrupt as interrupt:
        _stopped_by(interrupt)
    run_command()
