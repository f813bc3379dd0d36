"""The rules reference, docs/rules.md: one section per rule, its docstring as it is; and the
address of each section, which SARIF gives as the rule's `helpUri`.

`cilint rules --format markdown --full` prints it (regenerate with
`cilint rules --format markdown --full > docs/rules.md`); tests/test_rules_reference.py fails
when the file differs from what this produces.
"""

from __future__ import annotations

from cilint import HOMEPAGE
from cilint.rules.registry import ALL_RULES
from cilint.rules.spec import RuleSpec

REFERENCE = "docs/rules.md"


def anchor(spec: RuleSpec) -> str:
    """The section's anchor, as GitHub derives it from the heading `T001 unproduced-tag`."""
    return f"{spec.code.lower()}-{spec.name}"


def help_uri(spec: RuleSpec) -> str:
    return f"{HOMEPAGE}/blob/main/{REFERENCE}#{anchor(spec)}"


def _cell(text: str) -> str:
    """Plain text in a table cell: GitHub would read `<ns>` as an HTML tag (and drop it) and a
    `|` as the cell's end."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")


def markdown() -> str:
    parts = [
        "# cilint rules\n\n"
        "<!-- Generated from the rules' docstrings: "
        "`cilint rules --format markdown --full > docs/rules.md`. Do not edit. -->\n\n"
        "Every rule of cilint, from its documentation in `lint/cilint/rules/<rule>.py` "
        "(`cilint rule NAME-OR-CODE` prints one on a terminal). A rule's severity can be changed "
        "or the rule turned off under `rules:` in `.cilint.yaml`, by name or code.\n\n"
        "| code | rule | default | what it reports |\n|---|---|---|---|\n"
        + "".join(
            f"| [{m.RULE.code}](#{anchor(m.RULE)}) | `{m.RULE.name}` | "
            f"{m.RULE.severity.label} | {_cell(m.RULE.summary)} |\n"
            for m in ALL_RULES
        )
    ]
    for module in ALL_RULES:
        spec = module.RULE
        parts.append(
            f"## {spec.code} {spec.name}\n\n"
            f"Default severity: {spec.severity.label}.\n\n"
            f"{(module.__doc__ or '').strip()}\n"
        )
    return "\n".join(parts)
