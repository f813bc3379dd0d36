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


def suggestion(names: RuleNames, written: str) -> str:
    """`: did you mean 'unproduced-tag' (T001)?` for the rule closest to `written`, else ''."""
    codes = {name: code for code, name in names.items() if code != name}
    close = difflib.get_close_matches(written.strip().lower(), list(codes), n=1)
    return f": did you mean {close[0]!r} ({codes[close[0]]})?" if close else ""
