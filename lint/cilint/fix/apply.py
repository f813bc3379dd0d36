"""Plan and apply `cilint check --fix`: the fixes that findings carry (`Finding.fix`), today
only mirror-precedence's safe, mechanical one (reorder a mirror list into the policy's order);
nothing else is ever rewritten."""

from __future__ import annotations

import difflib
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cilint.atomic_write import write_atomically
from cilint.findings import Finding, Fix
from cilint.fix.reorder import ReorderError, reorder_sequence
from cilint.inputs.reading import read_bytes
from cilint.printable import printable


@dataclass(frozen=True)
class FilePlan:
    path: str  # root-relative
    before: str
    after: str
    lists: int  # how many mirror lists were reordered


def plan(findings: Iterable[Finding], root: Path) -> list[FilePlan]:
    """What applying the fixes of `findings` does to each file (one fix per place)."""
    by_file: dict[str, dict[tuple[int, int], Fix]] = defaultdict(dict)
    for finding in findings:
        if finding.fix is not None:
            by_file[finding.path][(finding.line, finding.column)] = finding.fix
    plans = []
    for path, fixes in sorted(by_file.items()):
        try:  # the file may have changed since the run read it
            before = read_bytes(str(root / path)).decode("utf-8")
        except (OSError, UnicodeDecodeError) as err:
            why = err.strerror if isinstance(err, OSError) else "no longer UTF-8"
            print(f"cilint: not fixed: {printable(path)}: {why}", file=sys.stderr)
            continue
        after, done = before, 0
        for _, fix in sorted(fixes.items()):
            try:
                after = reorder_sequence(after, fix.document, fix.json_path, list(fix.order))
                done += 1
            except ReorderError as err:
                print(f"cilint: not fixed: {printable(path)}: {err}", file=sys.stderr)
        if after != before:
            plans.append(FilePlan(path, before, after, done))
    return plans


def diff(plans: list[FilePlan]) -> str:
    return "".join(
        "".join(
            difflib.unified_diff(
                p.before.splitlines(keepends=True),
                p.after.splitlines(keepends=True),
                fromfile=f"a/{p.path}",
                tofile=f"b/{p.path}",
            )
        )
        for p in plans
    )


def write(plans: list[FilePlan], root: Path) -> None:
    for p in plans:
        write_atomically(root / p.path, p.after)
