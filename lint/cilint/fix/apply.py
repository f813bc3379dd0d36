"""Plan and apply `cilint check --fix`: only the safe, mechanical fix of mirror-precedence
(reorder a mirror list into the policy's order); nothing else is ever rewritten."""

from __future__ import annotations

import difflib
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from cilint.atomic_write import write_atomically
from cilint.fix.reorder import ReorderError, reorder_sequence
from cilint.pipeline.run import LoadedTree
from cilint.rules import mirror_precedence


@dataclass(frozen=True)
class FilePlan:
    path: str  # root-relative
    before: str
    after: str
    lists: int  # how many mirror lists were reordered


def plan(tree: LoadedTree, root: Path, selected: callable) -> list[FilePlan]:  # type: ignore[valid-type]
    by_file = defaultdict(list)
    for fix in mirror_precedence.fixes(tree.context):
        if selected(fix.path):
            by_file[fix.path].append(fix)
    plans = []
    for path, fixes in sorted(by_file.items()):
        before = (root / path).read_bytes().decode("utf-8")
        after, done = before, 0
        for fix in fixes:
            try:
                after = reorder_sequence(after, fix.document, fix.json_path, list(fix.order))
                done += 1
            except ReorderError as err:
                print(f"cilint: not fixed: {path}: {err}", file=sys.stderr)
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
