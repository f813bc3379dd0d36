"""`cilint ARGS` under a Python audit hook (PEP 578): `python tests/audited_cilint.py ARGS`.

Every event that touches the world outside the process is appended, one JSON object a line
(`{"pid", "event", ...}`), to the file named by $CILINT_AUDIT_LOG: files opened (with whether for
writing), renamed, removed, created or changed in mode; sockets; processes started; and code
compiled or imported when it names $CILINT_AUDIT_MARKER. The hook is installed before cilint is
imported, and forked processes (the walk's child, the workers) inherit it with the log's
descriptor, so their events are in the log too, with their own pid.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

_LOG = os.open(os.environ["CILINT_AUDIT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
_MARKER = os.environ.get("CILINT_AUDIT_MARKER", "\0")
_WRITING = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
# event → the names of its arguments that are paths (recorded absolute)
_PATHS = {
    "os.rename": ("src", "dst"),
    "os.remove": ("path",),
    "os.rmdir": ("path",),
    "os.mkdir": ("path",),
    "os.chmod": ("path",),
    "os.chown": ("path",),
    "os.truncate": ("path",),
    "os.symlink": ("src", "dst"),
    "os.link": ("src", "dst"),
    "os.utime": ("path",),
    "shutil.rmtree": ("path",),
    "shutil.copyfile": ("src", "dst"),
}
_PROCESSES = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn"}


def _path(value: object) -> object:
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    return os.path.abspath(value) if isinstance(value, str) else value


def _record(event: str, **fields: Any) -> None:
    line = json.dumps({"pid": os.getpid(), "event": event, **fields}, default=repr)
    os.write(_LOG, line.encode("utf-8", "backslashreplace") + b"\n")


def _hook(event: str, args: tuple[Any, ...]) -> None:
    try:
        if event == "open":
            path, mode, flags = args
            if isinstance(path, int):
                return  # an open descriptor wrapped (os.fdopen): recorded when it was opened
            writing = bool(flags & _WRITING) if mode is None else any(c in mode for c in "wax+")
            _record(event, path=_path(path), writing=writing)
        elif event in _PATHS:
            _record(event, paths=[_path(a) for a in args[: len(_PATHS[event])]])
        elif event.startswith("socket."):
            _record(event, args=[repr(a) for a in args])
        elif event in _PROCESSES:  # the program and its arguments
            _record(event, args=list(args[:2]))
        elif event in ("compile", "import"):
            text = args[0]
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            if isinstance(text, str) and _MARKER in text:
                _record(event, text=text[:200])
    except Exception as err:  # noqa: BLE001 - a hook must never raise into cilint
        _record("hook-error", error=repr(err))


sys.addaudithook(_hook)

from cilint.cli.entry import main  # noqa: E402 - imported under the hook, on purpose

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
