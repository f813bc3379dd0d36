"""Errors that stop a run: bad usage, bad configuration. The CLI prints them in one line, exit 2."""


class CilintError(Exception):
    """A problem with how cilint was called or configured, not with the files it checks."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised by the console entry's handler: a run stops as it does on Ctrl-C (every
    `except KeyboardInterrupt` cleans up for it too), and the CLI exits 143 instead of 130."""
