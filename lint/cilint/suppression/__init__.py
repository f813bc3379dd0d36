"""Suppressions: the findings that `# cilint: ignore[...]` comments and `.cilint.yaml`'s
`per_file_ignores` leave out, and the comments that left out nothing (unused-suppression).

Applied to located findings (a comment names a line), before the baseline and before
`--select`/`--ignore`, so that a comment is unused only when its rule found nothing there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cilint.config.settings import Settings
from cilint.errors import CilintError
from cilint.facts.result import FileResult
from cilint.findings import Finding
from cilint.inputs.discovery import glob_to_regex
from cilint.rules import unused_suppression
from cilint.rules.invalid_suppression import problem
from cilint.rules.names import lookup
from cilint.rules.registry import ALL_RULES, RULE_NAMES, chosen_rules, rule_levels
from cilint.yaml.comments import SuppressionComment

Comments = Mapping[str, tuple[SuppressionComment, ...]]


@dataclass
class Suppressed:
    findings: list[Finding]  # those still reported, and the unused-suppression findings
    suppressed: list[Finding] = field(default_factory=list)


def file_ignores(settings: Settings) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """`per_file_ignores` compiled: (glob, rule names); an unknown rule is a configuration
    error."""
    compiled = []
    for glob, rules in settings.per_file_ignores:
        try:
            names = chosen_rules(list(rules))
        except CilintError as err:
            raise CilintError(f"{settings.config_file}: per_file_ignores {glob!r}: {err}") from None
        compiled.append((glob_to_regex(glob), frozenset(names)))
    return compiled


def comments_of(results: Mapping[str, FileResult]) -> dict[str, tuple[SuppressionComment, ...]]:
    """The suppression comments of the files among `results`."""
    return {path: result.suppressions for path, result in results.items() if result.suppressions}


def suppress(
    settings: Settings,
    findings: list[Finding],
    comments: Comments,
    complete: Callable[[str], bool] | None,
) -> Suppressed:
    """`findings` without those a comment or `per_file_ignores` suppresses. For the files
    `complete` accepts (their findings are all in `findings`), the comments' rules that
    suppressed nothing are reported as unused-suppression findings."""
    ignores = file_ignores(settings)
    ignored_in: dict[str, frozenset[str]] = {}
    applying: dict[tuple[str, int], list[tuple[SuppressionComment, frozenset[str]]]] = {}
    for path, written in comments.items():
        for comment in written:
            if problem(comment, RULE_NAMES) is None:
                names = frozenset(filter(None, (lookup(RULE_NAMES, r) for r in comment.rules)))
                applying.setdefault((path, comment.target), []).append((comment, names))
    used: set[tuple[str, int, str]] = set()  # (path, comment line, rule name)
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        if ignores:
            ignored = ignored_in.get(finding.path)
            if ignored is None:
                ignored = ignored_in[finding.path] = frozenset(
                    name
                    for pattern, rules in ignores
                    if pattern.match(finding.path)
                    for name in rules
                )
            if finding.rule in ignored:
                suppressed.append(finding)
                continue
        hit = None
        for comment, names in applying.get((finding.path, finding.line), ()):
            if finding.rule in names:
                hit = comment
                used.add((finding.path, comment.line, finding.rule))
        if hit is None:
            kept.append(finding)
        else:
            suppressed.append(finding)
    if complete is not None:
        kept.extend(_unused(settings, applying, used, complete))
    return Suppressed(kept, suppressed)


def _unused(
    settings: Settings,
    applying: dict[tuple[str, int], list[tuple[SuppressionComment, frozenset[str]]]],
    used: set[tuple[str, int, str]],
    complete: Callable[[str], bool],
) -> list[Finding]:
    spec = unused_suppression.RULE
    levels = rule_levels(settings)
    if spec.name in levels and levels[spec.name] is None:
        return []
    codes = {module.RULE.name: module.RULE.code for module in ALL_RULES}
    found = []
    for (path, target), entries in applying.items():
        if not complete(path):
            continue
        for comment, names in entries:
            for name in sorted(names):
                if (path, comment.line, name) in used or (name in levels and levels[name] is None):
                    continue
                code = codes[name]
                where = "its own line" if target == comment.line else f"line {target}"
                found.append(
                    Finding(
                        path,
                        comment.line,
                        comment.column,
                        spec.code,
                        spec.name,
                        spec.severity,
                        f"this suppression of {code} [{name}] hides nothing: {name} reports "
                        f"nothing on {where}; remove {code} from it (or the comment), or move it "
                        "to the line the finding is reported on",
                        subject=f"ignore[{name}]",
                    )
                )
    return found
