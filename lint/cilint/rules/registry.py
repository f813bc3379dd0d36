"""The rule registry: an explicit list, in the order `cilint rules` prints it. Adding a rule is
one module under `cilint/rules/`, one line here, and one fixture folder under tests/fixtures/.

Each rule is one module holding its `RULE` spec, its `check` and, as its docstring, its
documentation (What it does / Why it matters / Example / Fix / Options).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cilint.errors import CilintError
from cilint.findings import Severity
from cilint.rules import (
    conditional_tag,
    disabled_producer,
    duplicate_key,
    duplicate_promotion,
    empty_document,
    encoding,
    file_name,
    file_too_large,
    invalid_suppression,
    legacy_form,
    metadata_mismatch,
    mirror_kind_mismatch,
    mirror_missing,
    mirror_order_conflict,
    mirror_precedence,
    mirror_scope_shadow,
    mirror_source_blocked,
    numeric_string,
    qci_tag_too_long,
    schema,
    supplemental_overwrites_promotion,
    unknown_key,
    unproduced_tag,
    unresolved_step,
    unused_suppression,
    yaml_syntax,
)
from cilint.rules.names import closest, rule_names
from cilint.rules.spec import FileRule, Rule, TreeRule

if TYPE_CHECKING:
    from cilint.config.settings import Settings

# Rules that look at one file at a time (run in the per-file stage).
FILE_RULES: tuple[FileRule, ...] = (
    yaml_syntax,
    duplicate_key,
    encoding,
    empty_document,
    file_too_large,
    schema,
    unknown_key,
    numeric_string,
    legacy_form,
    file_name,
    metadata_mismatch,
    invalid_suppression,
)

# Rules that look at the tag graph of the whole tree (run after every file is analysed).
TREE_RULES: tuple[TreeRule, ...] = (
    unproduced_tag,
    conditional_tag,
    disabled_producer,
    duplicate_promotion,
    qci_tag_too_long,
    supplemental_overwrites_promotion,
    unresolved_step,
    mirror_precedence,
    mirror_order_conflict,
    mirror_source_blocked,
    mirror_kind_mismatch,
    mirror_missing,
    mirror_scope_shadow,
)

# Rules the run reports itself, once every other finding is known (`cilint.suppression`).
RUN_RULES: tuple[Rule, ...] = (unused_suppression,)

ALL_RULES: tuple[Rule, ...] = FILE_RULES + TREE_RULES + RUN_RULES

RULE_NAMES = rule_names(module.RULE for module in ALL_RULES)


def find_rule(name_or_code: str) -> Rule | None:
    wanted = name_or_code.strip()
    for module in ALL_RULES:
        if wanted in (module.RULE.name, module.RULE.code) or wanted.upper() == module.RULE.code:
            return module
    return None


def did_you_mean(wanted: str) -> str:
    """`did you mean 'unproduced-tag' (T001)? ` for the rule whose name or code is closest to
    `wanted`, or "" when none is close."""
    found = closest(RULE_NAMES, wanted)
    return f"did you mean {found[0]!r} ({found[1]})? " if found else ""


def unknown_rule(wanted: str) -> str:
    return f"unknown rule {wanted!r}: {did_you_mean(wanted)}`cilint rules` lists them"


def chosen_rules(selectors: list[str]) -> set[str]:
    """The names of the rules `selectors` name: each a code (`T001`), a name
    (`unproduced-tag`) or a code prefix (`T`, `M00`); comma-separated lists are split. An
    unknown one is a usage error."""
    chosen: set[str] = set()
    for raw in selectors:
        for selector in filter(None, (part.strip() for part in raw.split(","))):
            found = {
                module.RULE.name
                for module in ALL_RULES
                if selector == module.RULE.name or module.RULE.code.startswith(selector.upper())
            }
            if not found:
                raise CilintError(
                    f"{selector!r} names no rule: {did_you_mean(selector)}give a code (T001), a "
                    "prefix (T, M00) or a name (unproduced-tag); `cilint rules` lists them"
                )
            chosen |= found
    return chosen


def rule_levels(settings: Settings) -> dict[str, Severity | None]:
    """Rule name → the severity `.cilint.yaml` sets for it (None: off), for the rules it names;
    an unknown rule is a configuration error."""
    levels: dict[str, Severity | None] = {}
    for key, level in settings.rule_options.items():
        module = find_rule(key)
        if module is None:
            raise CilintError(f"{settings.config_file}: in rules: {unknown_rule(key)}")
        levels[module.RULE.name] = None if level == "off" else Severity.parse(level)
    return levels
