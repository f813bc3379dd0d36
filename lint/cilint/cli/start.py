"""The `cilint` command's first frame. cilint's own modules are imported here, under a handler:
a Ctrl-C or SIGTERM in that first tenth of a second ends the process as one during a run does,
with one line and 130 or 143, not with Python's traceback (docs/robustness.md)."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


class _Terminated(BaseException):
    pass


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def _stop(code: int, word: str) -> None:
    sys.stderr.write(f"cilint: {word}\n")
    sys.stderr.flush()
    os._exit(code)


def run() -> None:
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        from cilint.cli.entry import run as run_command
    except KeyboardInterrupt:
        _stop(128 + signal.SIGINT, "interrupted")
    except _Terminated:
        _stop(128 + signal.SIGTERM, "terminated")
    finally:
        signal.signal(signal.SIGTERM, previous)
    run_command()
