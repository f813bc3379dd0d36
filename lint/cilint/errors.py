"""Errors that stop a run: bad usage, bad configuration. The CLI prints them in one line, exit 2."""


class CilintError(Exception):
    """A problem with how cilint was called or configured, not with the files it checks."""
