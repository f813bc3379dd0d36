"""SIGINT and SIGTERM as exceptions that are never lost. Python raises a signal's exception in
whatever frame runs when it lands; in a weakref callback or a `__del__` (importlib runs one for
each module lock) it only prints "Exception ignored in ..." and goes on, and the run with it.
While `stoppable()` holds, such an exception is not printed but sent again a moment later, to
land in an ordinary frame."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

from cilint.errors import Terminated


def interrupt_behind(err: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C or SIGTERM an error stands for: Python wraps one raised in a class's
    `__set_name__` (a signal landing while a module defines a dataclass) in a RuntimeError."""
    seen: set[int] = set()
    cause: BaseException | None = err
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def how_stopped(interrupt: KeyboardInterrupt) -> tuple[int, str]:
    """The exit code (the shell's 128 + the signal's number) and the line of a stopped run."""
    if isinstance(interrupt, Terminated):
        return 128 + signal.SIGTERM, "cilint: terminated"
    return 128 + signal.SIGINT, "cilint: interrupted"


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _send_again(signum: int, to: int) -> None:
    time.sleep(0.001)  # out of the callback that swallowed it
    signal.pthread_kill(to, signum)


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """SIGTERM raises `Terminated` (a KeyboardInterrupt: every clean-up for Ctrl-C runs for it
    too), and neither is swallowed. The previous handler and hook are put back after, so that
    an in-process `main` leaves the interpreter as it found it."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a handler
        return
    main = threading.main_thread().ident
    previous_hook = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and main is not None:
            signum = (
                signal.SIGTERM if isinstance(unraisable.exc_value, Terminated) else signal.SIGINT
            )
            threading.Thread(target=_send_again, args=(signum, main), daemon=True).start()
            return
        previous_hook(unraisable)

    previous = signal.signal(signal.SIGTERM, _terminate)
    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        signal.signal(signal.SIGTERM, previous)
