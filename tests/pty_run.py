"""`cilint` with stdout or stderr on a real pseudo-terminal, as a person at a terminal runs it."""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import sys
import termios
import threading
from dataclasses import dataclass
from pathlib import Path

from conftest import REPO


@dataclass
class TerminalRun:
    returncode: int
    terminal: str  # what reached the terminal, with "\r\n" (the tty's newline) read as "\n"
    stdout: str  # what reached the pipes ("" for a stream on the terminal)
    stderr: str


def run_in_terminal(
    *args: str,
    on_terminal: tuple[str, ...] = ("stdout",),
    columns: int = 80,
    env: dict[str, str] | None = None,
    cwd: Path = REPO,
    timeout: float = 600,
) -> TerminalRun:
    """`python -m cilint ARGS` with the streams named in `on_terminal` ("stdout", "stderr") on
    a pseudo-terminal `columns` wide and the others on pipes. `env` replaces the colour and
    terminal variables of this process's environment (which tests may have set)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM")
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "cilint", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=slave if "stdout" in on_terminal else subprocess.PIPE,
        stderr=slave if "stderr" in on_terminal else subprocess.PIPE,
        env={**base, "TERM": "xterm-256color", **(env or {})},
        text=True,
    )
    os.close(slave)  # the child holds it now: reading the master ends when the child exits
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every holder of the terminal's other end closed it
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        reader.join(timeout=10)
        os.close(master)
    terminal = b"".join(chunks).decode().replace("\r\n", "\n")
    return TerminalRun(process.returncode, terminal, stdout or "", stderr or "")
