"""The rule registry: an explicit list, in the order `cilint rules` prints it.

Each rule is one module holding its `RULE` spec, its `check` and, as its docstring, its
documentation (What it does / Why it matters / Example / Fix / Options).
"""

from __future__ import annotations

from types import ModuleType

from cilint.rules import (
    duplicate_key,
    empty_document,
    encoding,
    file_name,
    metadata_mismatch,
    numeric_string,
    schema,
    unknown_key,
    yaml_syntax,
)

# Rules that look at one file at a time (run in the per-file stage).
FILE_RULES: tuple[ModuleType, ...] = (
    yaml_syntax,
    duplicate_key,
    encoding,
    empty_document,
    schema,
    unknown_key,
    numeric_string,
    file_name,
    metadata_mismatch,
)

ALL_RULES: tuple[ModuleType, ...] = FILE_RULES


def find_rule(name_or_code: str) -> ModuleType | None:
    wanted = name_or_code.strip()
    for module in ALL_RULES:
        if wanted in (module.RULE.name, module.RULE.code) or wanted.upper() == module.RULE.code:
            return module
    return None
