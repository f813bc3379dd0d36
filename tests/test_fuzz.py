"""Fuzzing (issue 14): real files of openshift/release mutated with their structure in mind
(keys deleted, types swapped, unicode inserted, entries duplicated, files truncated or spliced,
indentation changed) and arbitrary bytes. Every input must get a verdict: no exception, every
finding with a registered rule and a position inside its file; a whole run over a tree holding
the input answers with exit 0 or 1, and the good file beside it keeps its own findings.

The suite runs a short, fixed-seed pass (the "ci" profile); `python3 dev.py fuzz [N]` (or
`make fuzz`) runs the "fuzz" profile, N examples per test (10,000 in all by default), and
prints what it tried, the crashes and the slowest input. A crash found becomes an `@example`
here, or a fixture of the rule it concerns.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cilint.config.settings import load_settings
from cilint.explain.reading import read
from cilint.inputs.discovery import classify_path
from cilint.pipeline.per_file import analyze
from cilint.pipeline.run import RunOptions, run_check
from cilint.rules.registry import ALL_RULES
from cilint.tags import TagSpellingError
from cilint.yaml.comments import suppression_comments
from cilint.yaml.loading import load_yaml
from conftest import CORPUS_RELEASE, REPO, needs_shared

EXAMPLES_PER_TEST = int(os.environ.get("CILINT_FUZZ_EXAMPLES", "0"))
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True, print_blob=True)
settings.register_profile(
    "fuzz",
    max_examples=max(EXAMPLES_PER_TEST, 1),
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = "fuzz" if EXAMPLES_PER_TEST else "ci"
FUZZ = settings.get_profile(PROFILE)
CODES = {rule.RULE.code for rule in ALL_RULES} | {rule.RULE.name for rule in ALL_RULES}
GOOD = "ci-operator/config/acme/widget/acme-widget-main.yaml"  # of examples/release

# What was tried, for `dev.py fuzz`'s summary (CILINT_FUZZ_REPORT names the file).
_TRIED: dict[str, Any] = {"inputs": 0, "slowest": 0.0, "slowest_input": ""}


def _timed(what: str, content: bytes, work: Callable[[], object]) -> None:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    _TRIED["inputs"] += 1
    if seconds > _TRIED["slowest"]:
        _TRIED.update(slowest=seconds, slowest_input=f"{what}: {content[:200]!r}")


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    target = os.environ.get("CILINT_FUZZ_REPORT")
    if target:
        Path(target).write_text(json.dumps(_TRIED))


def _corpus_files() -> list[str]:
    if not CORPUS_RELEASE.is_dir():
        return []
    layout = load_settings(CORPUS_RELEASE).layout
    found = []
    for path in sorted(CORPUS_RELEASE.rglob("*")):
        relative = path.relative_to(CORPUS_RELEASE).as_posix()
        if path.is_file() and classify_path(layout, relative) is not None:
            found.append(relative)
    return found


FILES = _corpus_files()
LAYOUT = load_settings(CORPUS_RELEASE).layout if CORPUS_RELEASE.is_dir() else None

# -- mutations -----------------------------------------------------------------------------

ODD_TEXT = st.sampled_from(
    [
        "\u202e",  # right-to-left override
        "e\u0301",  # a combining accent
        "\U0001f600",  # astral plane
        "\x00",
        "\t",
        "\ufeff",  # a byte-order mark inside the text
        "\u2028",  # line separator
        "&a",
        "*a",
        "!!python/object/apply:os.system ['true']",
        "<<: *a",
        "{",
        "- ",
        ": ",
        "'",
        '"',
        "#",
        "%YAML 1.1\n---\n",
        "---\n",
        "...\n",
    ]
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)


def _nodes(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _nodes(value, (*path, index))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


@st.composite
def mutated(draw: st.DrawFn, source: bytes) -> bytes:
    """`source` after one to three mutations, structural where it parses."""
    content = source
    for _ in range(draw(st.integers(1, 3))):
        how = draw(
            st.sampled_from(
                [
                    "delete",
                    "swap-type",
                    "duplicate",
                    "insert-text",
                    "truncate",
                    "duplicate-line",
                    "indent",
                    "bytes",
                ]
            )
        )
        if how in ("delete", "swap-type", "duplicate"):
            try:
                data = yaml.safe_load(content)
            except (yaml.YAMLError, ValueError, RecursionError):
                data = None
            paths = [p for p in _nodes(data) if p] if isinstance(data, dict | list) else []
            if paths:
                path = draw(st.sampled_from(paths))
                parent = _parent(data, path)
                if how == "delete":
                    del parent[path[-1]]
                elif how == "swap-type":
                    parent[path[-1]] = draw(VALUES)
                elif isinstance(parent, list):
                    parent.append(parent[path[-1]])
                else:
                    parent[f"{path[-1]}-copy"] = parent[path[-1]]
                content = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
                continue
            how = "insert-text"
        if how == "insert-text":
            at = draw(st.integers(0, len(content)))
            content = content[:at] + draw(ODD_TEXT).encode("utf-8", "surrogatepass") + content[at:]
        elif how == "truncate":
            content = content[: draw(st.integers(0, len(content)))]
        elif how == "duplicate-line":
            lines = content.split(b"\n")
            at = draw(st.integers(0, len(lines) - 1))
            content = b"\n".join([*lines[: at + 1], lines[at], *lines[at + 1 :]])
        elif how == "indent":
            lines = content.split(b"\n")
            at = draw(st.integers(0, len(lines) - 1))
            lines[at] = draw(st.sampled_from([b" ", b"  ", b"\t", b""])) + lines[at].lstrip()
            content = b"\n".join(lines)
        else:
            at = draw(st.integers(0, len(content)))
            content = content[:at] + draw(st.binary(max_size=16)) + content[at:]
    return content


def _source(path: str) -> bytes:
    return (CORPUS_RELEASE / path).read_bytes()


@st.composite
def corpus_input(draw: st.DrawFn) -> tuple[str, bytes]:
    path = draw(st.sampled_from(FILES))
    if draw(st.integers(0, 9)) == 0:  # now and then another file's text at this path
        spliced = _source(draw(st.sampled_from(FILES)))
        source = _source(path)
        return path, source[: len(source) // 2] + spliced[len(spliced) // 2 :]
    return path, draw(mutated(_source(path)))


# -- the invariants ------------------------------------------------------------------------


# Where YAML (1.1, as libyaml reads) breaks lines: NEL and the Unicode separators as well.
_YAML_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _check_findings(path: str, content: bytes, findings: Any) -> None:
    # Lines as libyaml counts them, which is one more than an editor shows per U+2028, U+2029
    # or NEL in the file (left as it is: such a character in openshift/release is rare).
    lines = len(_YAML_BREAKS.split(content.decode("utf-8", "replace")))
    for finding in findings:
        assert finding.code in CODES, finding
        assert finding.path == path, finding
        assert finding.line >= 1 and finding.column >= 1, finding
        assert finding.line <= lines + 1, (finding, lines)
        assert finding.message, finding


def _analysed(path: str, content: bytes) -> None:
    assert LAYOUT is not None
    item = classify_path(LAYOUT, path)
    assert item is not None
    result = analyze(item, content)
    assert result.path == path
    _check_findings(path, content, result.findings)


@needs_shared
@settings(FUZZ, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(corpus_input())
@example(("ci-operator/config/Azure/ARO-Tools/Azure-ARO-Tools-main.yaml", b"\xff\xfe\x00"))
@example(("ci-operator/config/Azure/ARO-Tools/Azure-ARO-Tools-main.yaml", b"a: &a [*a]"))
# Crashes the fuzzer found, each fixed where it was (and kept here):
# a list field of another type (`tests: true`) failed the extractors (facts.parsed_file.listed)
@example(("ci-operator/config/Azure/ARO-Tools/Azure-ARO-Tools-main.yaml", b"tests: true\n"))
@example(
    (
        "clusters/build-clusters/01_cluster/assets/icsp.yaml",
        b"apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\n"
        b"metadata:\n  name: production-fallback\nspec:\n  repositoryDigestMirrors: true\n",
    )
)
# a float halfway between float32's largest and 2**128 in a string field (yaml.go_format)
@example(
    (
        "ci-operator/config/Azure/ARO-Tools/Azure-ARO-Tools-main.yaml",
        b"canonical_go_repository: 3.4028235677973366e+38\n",
    )
)
def test_a_mutated_real_file_gets_a_verdict(case: tuple[str, bytes]) -> None:
    path, content = case
    _timed(path, content, lambda: _analysed(path, content))


@needs_shared
@FUZZ
@given(st.sampled_from(FILES), st.binary(max_size=2048))
def test_arbitrary_bytes_get_a_verdict(path: str, content: bytes) -> None:
    _timed(path, content, lambda: _analysed(path, content))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    (root / GOOD).parent.mkdir(parents=True)
    (root / GOOD).write_bytes((REPO / "examples" / "release" / GOOD).read_bytes())
    return root


@needs_shared
@settings(
    FUZZ,
    max_examples=max(FUZZ.max_examples // 4, 10),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(corpus_input())
def test_a_run_over_a_tree_with_a_mutated_file_answers(tree: Path, case: tuple[str, bytes]) -> None:
    path, content = case
    target = tree / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    try:

        def run() -> None:
            result = run_check(load_settings(tree), None, RunOptions(jobs=1))
            good = [f for f in result.findings if f.path == GOOD and not f.code.startswith("T")]
            alone = [f for f in _good_alone(tree) if not f.code.startswith("T")]
            assert [(f.code, f.line, f.column) for f in good] == [
                (f.code, f.line, f.column) for f in alone
            ]
            _check_findings(path, content, [f for f in result.findings if f.path == path])

        _timed(f"tree with {path}", content, run)
    finally:
        target.unlink()


_ALONE: dict[str, list[Any]] = {}


def _good_alone(tree: Path) -> list[Any]:
    """The good file's per-file findings in a tree of its own (cross-file ones may change)."""
    if "good" not in _ALONE:
        _ALONE["good"] = [
            f
            for f in run_check(load_settings(tree), None, RunOptions(jobs=1)).findings
            if f.path == GOOD
        ]
    return _ALONE["good"]


REGISTRIES = load_settings(REPO / "examples" / "release").policy.registries


@FUZZ
@given(st.text(max_size=200))
@example('"quay.io/openshift/ci:ocp_4.18_base-rhel9" not found')
@example("docker://quay-proxy.ci.openshift.org/openshift/ci:a_b_c@sha256:" + "0" * 64)
def test_any_pasted_text_is_read_or_refused_with_a_reason(text: str) -> None:
    def reading() -> None:
        try:
            found = read(text, REGISTRIES)
        except TagSpellingError as err:
            assert str(err)
            return
        assert found.tags

    _timed("explain", text.encode("utf-8", "surrogatepass"), reading)


@FUZZ
@given(st.binary(max_size=1024) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "replace")))
@example(b"a: 1 # cilint: ignore[T001] reason\n")
@example(b"# cilint: ignore[\n")
def test_yaml_loading_and_comments_never_fail(content: bytes) -> None:
    def both() -> None:
        loaded = load_yaml(content)
        assert all(p.line >= 1 for p in loaded.problems)
        suppression_comments(content)

    _timed("yaml", content, both)
