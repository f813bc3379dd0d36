"""The entry points: `main` (in-process, leaves the interpreter as it found it) and `run` (the
`cilint` console script, which exits the process without tearing down what the run built).

Exit codes: 0 no finding at or above --fail-level, 1 findings, 2 usage, configuration or
internal error (one line on stderr; a traceback only with --debug), 130 interrupted (SIGINT,
Ctrl-C), 143 terminated (SIGTERM): the shell's 128 + the signal's number.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys

from cilint.cli.commands import COMMANDS, EXIT_ERROR, Done
from cilint.cli.parser import build_parser
from cilint.cli.stopping import how_stopped, interrupt_behind, stoppable
from cilint.errors import CilintError
from cilint.printable import printable


def _stopped(interrupt: KeyboardInterrupt) -> Done:
    code, line = how_stopped(interrupt)
    print(line, file=sys.stderr)
    return Done(code)


def _dispatch(argv: list[str] | None) -> Done:
    debug = False
    try:
        with stoppable():  # from the start: a Ctrl-C while the arguments are read is one too
            parser = build_parser()
            args = parser.parse_args(argv)
            debug = args.debug
            command = COMMANDS.get(args.command)
            if command is None:
                parser.print_help(sys.stderr)
                return Done(EXIT_ERROR)
            return command(args)
    except KeyboardInterrupt as interrupt:  # Ctrl-C, and SIGTERM's Terminated
        return _stopped(interrupt)
    except CilintError as err:  # one line, whatever the paths it names hold
        print(f"cilint: error: {printable(str(err))}", file=sys.stderr)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except Exception as err:  # the promise: one line, no traceback unless --debug
        behind = interrupt_behind(err)
        if behind is not None:
            return _stopped(behind)
        if debug:
            import traceback  # only here: its imports cost every run a few milliseconds

            traceback.print_exc()
        print(
            f"cilint: internal error: {type(err).__name__}: {err} (run with --debug for the "
            "traceback)",
            file=sys.stderr,
        )
    return Done(EXIT_ERROR)


def main(argv: list[str] | None = None) -> int:
    return _dispatch(argv).code


def run() -> None:
    """The `cilint` command. The process frees nothing it builds before it exits: the cyclic
    collector is off from the start (it would rescan what the run keeps, again and again), and
    the process ends right after the output is flushed, holding what the command built rather
    than freeing millions of objects one by one (bench/NOTES.md)."""
    gc.disable()
    done = _dispatch(None)
    code = done.code
    try:
        sys.stdout.flush()
    except OSError:  # a closed pipe: the output is lost either way
        code = code or EXIT_ERROR
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)
