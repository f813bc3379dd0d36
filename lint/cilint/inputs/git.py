"""The base of a change, read from git without checking it out: which files differ between a
revision and the working tree (`git diff --name-status`), and their bytes at the revision
(`git cat-file --batch`). Paths are root-relative, like every other path of a run."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from cilint.errors import CilintError

# git's empty tree: the base of a repository with no commit yet.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class GitError(CilintError):
    """git could not give the base (an unknown revision, a shallow clone): exit 2."""


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, input=stdin, capture_output=True, check=False
        )
    except OSError as err:
        raise GitError(f"cannot run git: {err.strerror}") from None


def _text(out: subprocess.CompletedProcess[bytes]) -> str:
    return out.stdout.decode("utf-8", "replace").strip()


def repository_prefix(root: Path) -> str | None:
    """Where `root` lies inside its git work tree ("" at the top, "a/b/" below), or None when
    it is not inside one."""
    try:
        out = _git(root, "rev-parse", "--is-inside-work-tree", "--show-prefix")
    except GitError:
        return None
    lines = out.stdout.decode("utf-8", "replace").splitlines()
    if out.returncode != 0 or not lines or lines[0] != "true":
        return None
    return lines[1] if len(lines) > 1 else ""


@dataclass(frozen=True)
class Base:
    """A revision to compare the working tree with."""

    root: Path
    prefix: str  # `repository_prefix` of the root
    commit: str  # the commit (or EMPTY_TREE)
    described: str  # how to name it in messages: "HEAD", "merge base of main (1a2b3c4)"

    def changes(self) -> dict[str, str]:
        """Root-relative path → git's status letter (A, M, D, T) of every file under the root
        that differs between the base and the working tree. Untracked files are not part of a
        change: they are there at both ends."""
        out = _git(
            self.root,
            "diff",
            "--name-status",
            "-z",
            "--no-renames",
            "--no-ext-diff",
            "--ignore-submodules",
            "--relative",
            self.commit,
            "--",
        )
        if out.returncode != 0:
            raise GitError(f"git diff against {self.described} failed: {_first_line(out)}")
        fields = out.stdout.split(b"\0")
        changed: dict[str, str] = {}
        for status, path in zip(fields[0::2], fields[1::2], strict=False):
            if status and path:
                try:  # a name that is not UTF-8 is not checked at either end (see discovery)
                    changed[path.decode()] = status.decode()[0]
                except UnicodeDecodeError:
                    continue
        return changed

    def read(self, paths: list[str]) -> dict[str, bytes]:
        """The bytes of root-relative `paths` at the base (one `git cat-file --batch`); a path
        the base does not hold as a file is left out."""
        # `--batch` reads one name a line: a path holding a newline is asked for on its own.
        found = {path: blob for path in paths if "\n" in path for blob in self._blob(path)}
        paths = [path for path in paths if "\n" not in path]
        if not paths:
            return found
        names = "".join(f"{self.commit}:{self.prefix}{path}\n" for path in paths).encode()
        out = _git(self.root, "cat-file", "--batch", stdin=names)
        if out.returncode != 0:
            raise GitError(f"git cat-file at {self.described} failed: {_first_line(out)}")
        data, at = out.stdout, 0
        for path in paths:
            end = data.index(b"\n", at)
            header = data[at:end].split()
            at = end + 1
            if len(header) != 3 or not header[2].isdigit():  # "<name> missing"
                continue
            size = int(header[2])
            if header[1] == b"blob":
                found[path] = data[at : at + size]
            at += size + 1  # the content, then a newline
        return found

    def _blob(self, path: str) -> list[bytes]:
        """The bytes of one path at the base ([] if it holds no file there)."""
        name = f"{self.commit}:{self.prefix}{path}"
        kind = _git(self.root, "cat-file", "-t", name)
        if kind.returncode != 0 or _text(kind) != "blob":
            return []
        out = _git(self.root, "cat-file", "blob", name)
        return [out.stdout] if out.returncode == 0 else []


def _first_line(out: subprocess.CompletedProcess[bytes]) -> str:
    text = out.stderr.decode("utf-8", "replace").strip().splitlines()
    return text[0] if text else f"exit {out.returncode}"


def _commit(root: Path, rev: str) -> str | None:
    out = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    return _text(out) if out.returncode == 0 and _text(out) else None


def head_base(root: Path, prefix: str) -> Base:
    """The base of the pre-commit hook: HEAD (pre-commit stashes unstaged edits, so the work
    tree is what will be committed), or the empty tree before the first commit."""
    commit = _commit(root, "HEAD")
    return Base(root, prefix, commit or EMPTY_TREE, "HEAD" if commit else "the empty tree")


def merge_base(root: Path, rev: str) -> Base:
    """The base of `--changed-since REV`: the merge base of REV and HEAD, as a pull request's
    diff is computed."""
    prefix = repository_prefix(root)
    if prefix is None:
        raise GitError(f"--changed-since needs a git repository, and {root} is not in one")
    theirs = _commit(root, rev)
    shallow = _text(_git(root, "rev-parse", "--is-shallow-repository")) == "true"
    if theirs is None and shallow:
        raise GitError(
            f"--changed-since {rev}: this shallow clone does not hold {rev}; fetch enough "
            "history, e.g. `git fetch --unshallow` or "
            f"`git fetch --deepen=200 origin {rev}`"
        )
    if theirs is None:
        raise GitError(
            f"--changed-since {rev}: git knows no such revision (fetch it first, e.g. "
            f"`git fetch origin {rev}`)"
        )
    ours = _commit(root, "HEAD")
    if ours is None:
        raise GitError("--changed-since: HEAD has no commit yet")
    out = _git(root, "merge-base", theirs, ours)
    if out.returncode == 0 and _text(out):
        found = _text(out).split()[0]
        return Base(root, prefix, found, f"the merge base of {rev} and HEAD ({found[:12]})")
    if shallow:
        raise GitError(
            f"--changed-since {rev}: this is a shallow clone without the merge base of {rev} "
            "and HEAD; fetch enough history, e.g. `git fetch --unshallow` or "
            f"`git fetch --deepen=200 origin {rev}`"
        )
    raise GitError(f"--changed-since {rev}: {rev} and HEAD have no common ancestor")
