"""Fuzzing (issue 14): the real files of openshift/release and examples/release, changed with
their structure in mind or byte by byte (tests/fuzz_inputs.py), and arbitrary bytes and text,
fed to every entry point. Every input must get a verdict:

- a whole run (`cilint check`, in-process through `cli.entry.main`) over a small tree holding
  the input at the path its kind lives at, beside good files of every kind: no exception
  escapes; the exit code is 0 or 1 as the findings say, or 2 with one `cilint: error:` line,
  never an internal error; every finding and related place lies in a file of the tree, at a
  line and column inside it, with a registered rule code and its name; the report printed
  beside the JSON one is well formed; the good files keep their own (per-file) findings; a
  warm run from the cache answers as the cold one did;
- the per-file stage (`pipeline.per_file.analyze`), the YAML loader (the fast path reads what
  libyaml reads, and locates what it locates), the suppression-comment reader, explain's
  reading of pasted text and the tag spellings: no exception but the ones they promise.

Each input runs under a hang guard (a generous bound, not a timed assertion). Without
CILINT_FUZZ_EXAMPLES every test runs a short fixed-seed pass (the "ci" profile: a few seconds
in all); `python3 dev.py fuzz [N]` (`make fuzz`) sets it to N, shares N among the tests (the
"fuzz" profile: random, its failures kept in .hypothesis/fuzz) and prints what was tried. A
crash found is fixed where it is and kept here as an `@example`, or as a fixture of its rule.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import shutil
import signal
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from types import FrameType
from typing import Any, NamedTuple, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from cilint.cache.codec import decode, encode
from cilint.cli.entry import main
from cilint.config.settings import load_settings
from cilint.explain.reading import Readings, qci_readings, read
from cilint.inputs.discovery import classify_path
from cilint.pipeline.per_file import analyze
from cilint.rules.registry import ALL_RULES, FILE_RULES
from cilint.tags import ImageTag, TagSpellingError, from_qci_tag, parse_ist
from cilint.yaml.comments import suppression_comments
from cilint.yaml.loading import load_yaml
from conftest import REPO, same_data, valid_sarif
from fuzz_inputs import EXAMPLES, GOOD, SOURCES, Source, arbitrary_at_a_path, source_changed
from test_positions_fast import assert_same_positions

# -- profiles and budgets --------------------------------------------------------------------

T = TypeVar("T")
IN_ALL = int(os.environ.get("CILINT_FUZZ_EXAMPLES", "0"))  # `dev.py fuzz N` sets it
_SLOW_IS_FINE = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
    HealthCheck.function_scoped_fixture,
]
settings.register_profile(
    "ci",
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_IS_FINE,
)
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    derandomize=False,
    database=DirectoryBasedExampleDatabase(REPO / ".hypothesis" / "fuzz"),
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_IS_FINE,
)
# Each test's share of the fuzz profile's inputs, and its examples in the ci profile. A run
# over a tree costs about ten analyses of one file.
SHARES: dict[str, tuple[float, int]] = {
    "tree-changed": (4, 60),
    "tree-arbitrary": (1, 20),
    "file-changed": (2, 200),
    "file-arbitrary": (1, 100),
    "yaml": (1, 200),
    "explain": (0.5, 300),
    "tags": (0.5, 300),
}


def budget(test: str) -> settings:
    share, short = SHARES[test]
    if not IN_ALL:
        return settings(settings.get_profile("ci"), max_examples=short)
    shares = sum(s for s, _ in SHARES.values())
    return settings(settings.get_profile("fuzz"), max_examples=math.ceil(IN_ALL * share / shares))


# -- what was tried (`dev.py fuzz` prints it) -------------------------------------------------

_TRIED: dict[str, Any] = {"inputs": 0, "slowest": 0.0, "slowest_input": ""}
HANG_GUARD = 60.0  # seconds: far above any answer (the slowest is under a second)


class Hung(BaseException):
    """The hang guard's: not an Exception, so that no handler of cilint's takes it for a
    failure of its own and answers."""


@contextmanager
def _hang_guard(seconds: float) -> Iterator[None]:
    def hung(signum: int, frame: FrameType | None) -> None:
        raise Hung(f"no verdict after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def verdict(what: str, content: bytes, answer: Callable[[], T]) -> T:
    """cilint's answer to one input, bounded by the hang guard; timed and counted (the checks
    of the answer are not part of its time)."""
    start = time.perf_counter()
    with _hang_guard(HANG_GUARD):
        answered = answer()
    seconds = time.perf_counter() - start
    _TRIED["inputs"] += 1
    if seconds > _TRIED["slowest"]:
        _TRIED.update(slowest=seconds, slowest_input=f"{what}: {content[:160]!r}")
    return answered


@pytest.fixture(scope="module", autouse=True)
def _tried_report() -> Iterator[None]:
    yield
    target = os.environ.get("CILINT_FUZZ_REPORT")
    if target:
        Path(target).write_text(json.dumps(_TRIED))


# -- where a finding may point ---------------------------------------------------------------

RULE_OF_CODE = {module.RULE.code: module.RULE.name for module in ALL_RULES}
PER_FILE_CODES = {module.RULE.code for module in FILE_RULES}
# Every line break anyone counts: YAML 1.1's (NEL, U+2028, U+2029, a lone CR) and str.splitlines'.
_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def placed_inside(content: bytes, place: dict[str, Any]) -> None:
    lines = len(_BREAKS.split(content.decode("utf-8", "replace")))
    widest = max(len(line) for line in content.split(b"\n"))  # in bytes: never fewer than chars
    assert 1 <= place["line"] <= lines + 1, (place, lines)
    assert 1 <= place["column"] <= widest + 2, (place, widest)


def registered(finding: dict[str, Any]) -> None:
    assert RULE_OF_CODE.get(finding["code"]) == finding["rule"], finding
    assert finding["message"].strip(), finding


# -- a whole run over a tree -------------------------------------------------------------------


class Answer(NamedTuple):
    code: int
    stdout: str
    stderr: str
    findings: list[dict[str, Any]]


def check(tree: Path, fmt: str, cache: Path | None, *paths: str) -> Answer:
    """`cilint check` on `tree` (reporting on `paths` only, when given), in-process: the report
    in `fmt` on stdout, JSON beside it."""
    report = tree.parent / "report.json"
    report.unlink(missing_ok=True)
    argv = ["check", "--root", str(tree), "--jobs", "1", "--min-severity", "info"]
    argv += ["--format", fmt, "--output-format", f"json={report}", "--color", "never"]
    argv += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    argv += ["--no-artifact-junit", *(str(tree / path) for path in paths)]
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    findings = json.loads(report.read_text())["findings"] if report.exists() else []
    return Answer(code, out.getvalue(), err.getvalue(), findings)


def _made(workspace: Path, files: dict[str, bytes]) -> Path:
    tree = Path(tempfile.mkdtemp(dir=workspace)) / "release"
    for path, content in files.items():
        (tree / path).parent.mkdir(parents=True, exist_ok=True)
        (tree / path).write_bytes(content)
    return tree


def _own(findings: list[dict[str, Any]], paths: frozenset[str]) -> list[tuple[Any, ...]]:
    """The per-file findings of `paths`: what no other file of the tree can change."""
    return sorted(
        (f["path"], f["line"], f["column"], f["code"], f["message"])
        for f in findings
        if f["path"] in paths and f["code"] in PER_FILE_CODES
    )


_ALONE: dict[frozenset[str], list[tuple[Any, ...]]] = {}


def good_alone(workspace: Path, good: frozenset[str]) -> list[tuple[Any, ...]]:
    if good not in _ALONE:
        tree = _made(workspace, {path: (EXAMPLES / path).read_bytes() for path in good})
        _ALONE[good] = _own(check(tree, "json", None).findings, good)
        shutil.rmtree(tree.parent)
    return _ALONE[good]


def well_formed(fmt: str, answer: Answer) -> None:
    """The report on stdout reads as its format says, one line a finding where it has lines."""
    out, count = answer.stdout, len(answer.findings)
    if fmt == "json":
        assert json.loads(out)["findings"] == answer.findings
    elif fmt == "json-lines":
        assert [json.loads(line) for line in out.splitlines()] == answer.findings
    elif fmt == "sarif":
        assert len(valid_sarif(out)["runs"][0]["results"]) == count
    elif fmt == "junit":
        ElementTree.fromstring(out)
    else:  # text, github: a line a finding, and a summary
        assert len([line for line in out.splitlines() if line]) <= count + 1, out


def answers(tree: Path, fmt: str, answer: Answer) -> None:
    assert answer.code in (0, 1, 2), answer
    assert "internal error" not in answer.stderr and "Traceback" not in answer.stderr, answer
    if answer.code == 2:
        errors = [line for line in answer.stderr.splitlines() if line.startswith("cilint: error")]
        assert len(errors) == 1, answer.stderr
        return
    errors = [f for f in answer.findings if f["severity"] == "error"]
    assert answer.code == (1 if errors else 0), answer
    for finding in answer.findings:
        registered(finding)
        for place in (finding, *finding.get("related", ())):
            assert not os.path.normpath(place["path"]).startswith(".."), place
            file = tree / place["path"]
            assert file.is_file(), place
            placed_inside(file.read_bytes(), place)
    well_formed(fmt, answer)


FORMATS = st.sampled_from(["text", "json", "sarif", "junit", "github", "json-lines"])


def run_over_a_tree(workspace: Path, bad: Source, fmt: str, cached: bool) -> None:
    good = frozenset(path for path in GOOD if path != bad.path)
    files = {path: (EXAMPLES / path).read_bytes() for path in good}
    tree = _made(workspace, {**files, bad.path: bad.content})
    cache = tree.parent / "cache" if cached else None
    try:
        what = f"a tree holding {bad.path} ({fmt}{', cold cache' if cached else ''})"
        answer = verdict(what, bad.content, lambda: check(tree, fmt, cache))
        answers(tree, fmt, answer)
        assert _own(answer.findings, good) == good_alone(workspace, good)
        if cache is not None:  # the warm run, and the hook's (the file's closure from the index)
            with _hang_guard(HANG_GUARD):
                warm = check(tree, fmt, cache)
                hook = check(tree, "json", cache, bad.path)
            assert warm[:2] == answer[:2] and warm.findings == answer.findings
            assert hook.findings == [f for f in answer.findings if f["path"] == bad.path], hook
    finally:
        shutil.rmtree(tree.parent)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@budget("tree-changed")
@given(source_changed(), FORMATS, st.booleans())
def test_a_tree_holding_a_changed_real_file_gets_a_verdict(
    workspace: Path, bad: Source, fmt: str, cached: bool
) -> None:
    run_over_a_tree(workspace, bad, fmt, cached)


@budget("tree-arbitrary")
@given(arbitrary_at_a_path(), FORMATS, st.booleans())
def test_a_tree_holding_arbitrary_bytes_gets_a_verdict(
    workspace: Path, bad: Source, fmt: str, cached: bool
) -> None:
    run_over_a_tree(workspace, bad, fmt, cached)


# -- one file: the per-file stage, the loader, the comments ---------------------------------------

LAYOUT = load_settings(EXAMPLES).layout


def analysed(source: Source) -> None:
    item = classify_path(LAYOUT, source.path)
    assert item is not None
    result = verdict(source.path, source.content, lambda: analyze(item, source.content))
    assert result.path == source.path
    for finding in result.findings:
        registered(finding.as_json())
        assert finding.path == source.path, finding
        placed_inside(source.content, finding.as_json())
    assert decode(encode(result)) == result  # as a worker ships it and the cache keeps it


# Comparing every position the fast path gives with libyaml's costs seconds on the largest real
# file (53 KB, thousands of places): done on smaller inputs only.
POSITIONS_COMPARED_UP_TO = 16_384


def loaded(content: bytes) -> None:
    """The fast path reads and locates what libyaml does, or steps aside; problems and
    suppression comments are placed inside the file."""
    fast, comments = verdict(
        "the YAML loader", content, lambda: (load_yaml(content), suppression_comments(content))
    )
    reference = load_yaml(content, allow_fast=False)
    assert same_data(fast.documents, reference.documents)
    assert fast.problems == reference.problems
    for problem in reference.problems:
        placed_inside(content, {"line": problem.line, "column": problem.column})
    stops = any(problem.stops_reading for problem in reference.problems)
    if not stops and len(content) <= POSITIONS_COMPARED_UP_TO:
        assert_same_positions(content)
    for comment in comments:
        placed_inside(content, {"line": comment.line, "column": comment.column})
        assert comment.target >= comment.line


@budget("file-changed")
@given(source_changed())
# Crashes found by the fuzzer, each fixed where it was (and kept here):
# a list field of another type (`tests: true`) failed the extractors (facts.parsed_file.listed)
@example(Source("ci-operator/config/acme/widget/acme-widget-main.yaml", b"tests: true\n"))
@example(
    Source(
        "clusters/build-clusters/01_cluster/assets/icsp.yaml",
        b"apiVersion: operator.openshift.io/v1alpha1\nkind: ImageContentSourcePolicy\n"
        b"metadata:\n  name: production-fallback\nspec:\n  repositoryDigestMirrors: true\n",
    )
)
# a manifest whose kind is a list: a dict key and a set member raised TypeError (per_file,
# facts.manifests)
@example(
    Source(
        "clusters/build-clusters/build02/qci-digest-mirror.yaml",
        b"kind: ImageDigestMirrorSet\n---\nkind: []\nspec:\n  imageTagMirrors: []\n",
    )
)
# a float halfway between float32's largest and 2**128 in a string field (yaml.go_format)
@example(
    Source(
        "ci-operator/config/acme/widget/acme-widget-main.yaml",
        b"canonical_go_repository: 3.4028235677973366e+38\n",
    )
)
def test_a_changed_real_file_gets_a_verdict(source: Source) -> None:
    analysed(source)


@budget("file-arbitrary")
@given(arbitrary_at_a_path())
@example(Source("ci-operator/config/acme/widget/acme-widget-main.yaml", b"\xff\xfe\x00"))
@example(Source("ci-operator/config/acme/widget/acme-widget-main.yaml", b"a: &a [*a]"))
def test_arbitrary_bytes_get_a_verdict(source: Source) -> None:
    analysed(source)


@budget("yaml")
@given(source_changed().map(lambda s: s.content) | st.binary(max_size=1024))
@example(b"a: 1 # cilint: ignore[T001] reason\n")
@example(b"# cilint: ignore[\n")
# Found by the fuzzer where the fast path read otherwise than libyaml (yaml.fast_path); the
# first was fixed on the hostile-yaml branch meanwhile:
@example(b"\x01")  # a control character, refused by libyaml
@example(b"build_root:\n \timage_stream_tag:\n    name: release\n")  # a tab in indentation
@example(b"tests:\n- as: verify-commits\n  commands: |\n    c")  # no line break at the end
@example(b"...\nbuild_root: {}\n")  # a document end first: an error to libyaml at 1:1
def test_the_loader_and_the_comment_reader_answer_anything(content: bytes) -> None:
    loaded(content)


# -- explain's pasted text and the tag spellings ----------------------------------------------

REGISTRIES = load_settings(EXAMPLES).policy.registries
# Pieces of references, so that random text reaches past "holds no image reference".
PIECES = st.sampled_from(
    [
        *REGISTRIES.qci_repositories,
        *REGISTRIES.app_ci_hosts,
        "docker://",
        "https://",
        ":",
        "_",
        "/",
        "@",
        "@sha256:" + "0" * 64,
        "ocp",
        "4.18",
        "base-rhel9",
        " ",
        '"',
        "\n",
    ]
)
# Any text a command line can carry: surrogates stand for bytes that are not UTF-8.
PASTED = st.lists(PIECES | st.text(st.characters(exclude_categories=()), max_size=6), max_size=8)


@budget("explain")
@given(PASTED.map("".join))
@example('"quay.io/openshift/ci:ocp_4.18_base-rhel9" not found')
@example("docker://quay-proxy.ci.openshift.org/openshift/ci:a_b_c@sha256:" + "0" * 64)
def test_any_pasted_text_is_read_or_refused_with_a_reason(text: str) -> None:
    def reading() -> Readings | TagSpellingError:
        try:
            return read(text, REGISTRIES)
        except TagSpellingError as err:
            return err

    found = verdict("explain", text.encode("utf-8", "surrogatepass"), reading)
    if isinstance(found, TagSpellingError):
        assert str(found).strip() and "\n" not in str(found)
    else:
        assert found.tags and all(t.namespace and t.name and t.tag for t in found.tags)


@budget("tags")
@given(PASTED.map("".join))
def test_any_text_is_a_tag_spelling_or_refused_with_a_reason(text: str) -> None:
    def spelled() -> tuple[ImageTag, str | None] | TagSpellingError:
        parse_ist(text)
        from_qci_tag(text)
        qci_readings(text)
        try:
            return REGISTRIES.parse(text)
        except TagSpellingError as err:
            return err

    found = verdict("a tag spelling", text.encode("utf-8", "surrogatepass"), spelled)
    if isinstance(found, TagSpellingError):
        assert str(found).strip() and "\n" not in str(found)
    else:
        tag = found[0]
        assert tag.namespace and tag.name and tag.tag
        REGISTRIES.spellings(tag)


def test_the_fuzz_inputs_come_from_both_trees() -> None:
    """The changes have real files to work on: the examples always, the corpus when present."""
    paths = {source.path for source in SOURCES}
    assert set(GOOD) - {"ci-operator/step-registry/acme/unit/acme-unit-commands.sh"} <= paths
