"""The identity of a rule: stable code, kebab name, default severity and one-line summary."""

from __future__ import annotations

from dataclasses import dataclass

from cilint.findings import Severity


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    severity: Severity
    summary: str
