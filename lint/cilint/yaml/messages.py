"""How a `YamlProblem` reads, with the next step. The yaml-syntax, encoding and duplicate-key rules
report these words; the loader of `.cilint.yaml` and of policy files says the same of its own
files."""

from __future__ import annotations

from cilint.yaml.loading import (
    BOM,
    DUPLICATE_KEY,
    INVALID_JSON,
    INVALID_UTF8,
    SYNTAX,
    TAB,
    UNPARSABLE,
    YamlProblem,
)


def problem_message(problem: YamlProblem) -> str:
    if problem.kind == TAB:
        return "a tab character here; YAML indentation must use spaces: replace the tab"
    if problem.kind == SYNTAX:
        return f"{problem.detail}: fix the YAML syntax here"
    if problem.kind == UNPARSABLE:
        return f"cannot parse YAML: {problem.detail}"
    if problem.kind == INVALID_JSON:
        return f"invalid JSON: {problem.detail}"
    if problem.kind == BOM:
        return "the file starts with a UTF-8 byte-order mark; determinize writes none: remove it"
    if problem.kind == INVALID_UTF8:
        return (
            f"invalid UTF-8 (byte {problem.detail}); YAML files must be UTF-8: re-save the file "
            "as UTF-8"
        )
    if problem.kind == DUPLICATE_KEY:
        return (
            f"key {problem.detail!r} is defined twice in the same mapping; ci-operator silently "
            "keeps the last one and strict decoders reject the file: remove one"
        )
    raise ValueError(f"unknown YAML problem kind {problem.kind!r}")
