"""Rule names as users write them: a code (`T001`, any case) or a kebab name, to the rule's
name; and the closest name to a misspelt one. The registry builds the table; rules that read
rule names (invalid-suppression) get it without importing the registry."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from cilint.rules.spec import RuleSpec

RuleNames = Mapping[str, str]  # code or name → name


def rule_names(specs: Iterable[RuleSpec]) -> dict[str, str]:
    table = {}
    for spec in specs:
        table[spec.code] = spec.name
        table[spec.name] = spec.name
    return table


def lookup(names: RuleNames, written: str) -> str | None:
    """The name of the rule `written` names, or None."""
    wanted = written.strip()
    return names.get(wanted) or names.get(wanted.upper())


def closest(names: RuleNames, written: str) -> tuple[str, str] | None:
    """(name, code) of the rule whose name or code is closest to a misspelt `written`."""
    codes = {name: code for code, name in names.items() if code != name}
    spellings = {name: name for name in codes} | {
        code.lower(): name for name, code in codes.items()
    }
    close = difflib.get_close_matches(written.strip().lower(), list(spellings), n=1, cutoff=0.6)
    if not close:
        return None
    name = spellings[close[0]]
    return name, codes[name]


def suggestion(names: RuleNames, written: str) -> str:
    """`: did you mean 'unproduced-tag' (T001)?` for the rule closest to `written`, else ''."""
    found = closest(names, written)
    return f": did you mean {found[0]!r} ({found[1]})?" if found else ""
