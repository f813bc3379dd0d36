"""How a `YamlProblem` reads, with the next step. The yaml-syntax, encoding and duplicate-key rules
report these words; the loader of `.cilint.yaml` and of policy files says the same of its own
files."""

from __future__ import annotations

from cilint.yaml.loading import (
    BOM,
    CONTROL,
    DUPLICATE_KEY,
    EXCESSIVE_ALIASES,
    INVALID_JSON,
    INVALID_UTF8,
    OTHER_ENCODING,
    RECURSIVE_ALIAS,
    SYNTAX,
    TAB,
    TAG,
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
    if problem.kind == CONTROL:
        return (
            f"the control character {problem.detail} here is not allowed in YAML (a binary "
            "file, or a stray byte?): remove it, or write it as an escape in a double-quoted "
            "string"
        )
    if problem.kind == TAG:
        return (
            f"the tag {problem.detail} names a type cilint never constructs (ci-operator ignores "
            "such a tag and reads the value as if untagged): remove the tag"
        )
    if problem.kind == EXCESSIVE_ALIASES:
        return (
            f"the alias {problem.detail} here repeats more data than Go's YAML decoder accepts "
            '("document contains excessive aliasing", as in a billion-laughs attack), so '
            "ci-operator cannot read the file: write the data out, or use fewer aliases"
        )
    if problem.kind == RECURSIVE_ALIAS:
        return (
            f"the alias {problem.detail} here is inside the node it names, so the data would "
            "contain itself; Go's YAML decoder refuses it: point the alias at another node"
        )
    if problem.kind == OTHER_ENCODING:
        return (
            f"the file is {problem.detail} (it starts with that byte-order mark); YAML files "
            "here must be UTF-8: re-save it as UTF-8 without a byte-order mark"
        )
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
