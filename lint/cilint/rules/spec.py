"""The identity of a rule: stable code, kebab name, default severity and one-line summary; and
the shape of a rule module, as `cilint.rules.registry` lists them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from cilint.findings import Finding, Severity

if TYPE_CHECKING:
    from cilint.rules.context import FileContext, RuleContext
    from cilint.rules.reads import Read


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    severity: Severity
    summary: str


class Rule(Protocol):
    """A rule module: its `RULE` spec; its docstring is its documentation."""

    RULE: RuleSpec


class FileRule(Rule, Protocol):
    """A rule module that looks at one file at a time."""

    def check(self, ctx: FileContext) -> Iterable[Finding]: ...


class TreeRule(Rule, Protocol):
    """A rule module that looks at the tag graph of the whole tree, through what it `READS`."""

    READS: frozenset[Read]

    def check(self, ctx: RuleContext) -> Iterable[Finding]: ...
