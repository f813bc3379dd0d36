"""Hostile YAML, end to end (issue 14, docs/robustness.md "Hostile YAML"): each file below, put in
a tiny release tree next to a good config, gets its findings with line and column from a real
`cilint check` process that is held to 1 GiB of address space and 60 s; and the good config's
own finding is still reported, so the rest of the tree was checked."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import REPO

MEMORY = 1 << 30  # bytes of address space: the old loader needed 24 GiB for the alias bomb
SECONDS = 60  # a hang guard, not a measure (docs/robustness.md has the times)

CONFIG = "ci-operator/config/o/r/o-r-main.yaml"
GOOD = "ci-operator/config/g/s/g-s-main.yaml"
GOOD_CONFIG = """\
build_root:
  from_repository: true
resources:
  '*':
    requests:
      cpu: 100m
tests:
- as: unit
  commands: make test
  container:
    from: src
  surprise: 1
zz_generated_metadata:
  branch: main
  org: g
  repo: s
"""
GOOD_FINDING = (GOOD, "S002", 12, 3)  # unknown key 'surprise'

HEAD = b"build_root:\n  from_repository: true\nresources:\n  '*': {requests: {cpu: 100m}}\n"
TAIL = b"zz_generated_metadata:\n  branch: main\n  org: o\n  repo: r\n"


def _bomb() -> bytes:
    """A billion laughs: 10 aliases of 10 aliases ... of 10 items, 10^10 strings in 300 bytes."""
    lines = [b"a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefghi", "bcdefghij", strict=True):
        items = b", ".join([b"*" + previous.encode()] * 10)
        lines.append(f"{name}: &{name} [".encode() + items + b"]")
    return b"\n".join(lines) + b"\ntests: *j\n"


def _tests(*entries: bytes) -> bytes:
    return HEAD + b"tests:\n" + b"".join(entries) + TAIL


@dataclass(frozen=True)
class Case:
    name: str
    content: bytes
    findings: list[tuple[str, int, int]]  # the hostile file's: (code, line, column)
    message: str = ""  # words its first finding's message holds


CASES = [
    Case("alias bomb", _bomb(), [("Y001", 4, 16)], "excessive aliasing"),
    Case("recursive alias", _tests(b"- &t [*t]\n"), [("Y001", 6, 7)], "inside the node it names"),
    Case(
        "20,000 nested flow sequences",
        b"tests: " + b"[" * 20_000 + b"]" * 20_000 + b"\n",
        [("Y001", 1, 1007)],
        "maximum nesting depth",
    ),
    Case(
        "20,000 nested block sequences",
        b"tests:\n" + b"- " * 20_000 + b"x\n",
        [("Y001", 2, 1999)],
        "maximum nesting depth",
    ),
    Case(
        "996 nested block sequences (libyaml reads up to 1000)",
        _tests(b"- " * 996 + b"x\n"),
        [("S001", 6, 3)],
        "tests[0]: expected a mapping, got a list [[[",
    ),
    Case(
        "3,000 levels of indentation",
        b"tests:\n" + b"".join(b" " * i + b"k:\n" for i in range(1, 3000)),
        [("Y001", 1000, 1001)],
        "maximum nesting depth",
    ),
    Case(
        "a 10 MB line",
        _tests(b"- as: unit\n  commands: " + b"x" * 10_000_000 + b"\n  bogus: 1\n"),
        [("S001", 6, 3), ("S002", 8, 3)],  # tests[0] lacks a container; bogus is unknown
        "missing required key 'container'",
    ),
    Case(
        "a file over max_file_size (33 MiB)",
        b"",  # written sparse by the test
        [("Y005", 1, 1)],
        "larger than max_file_size (32 MiB)",
    ),
    Case(
        "a binary file (gzip)",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(256)),
        [("Y003", 1, 2)],
        "invalid UTF-8 (byte 0x8b)",
    ),
    Case("a binary file of zeros", b"\x00" * 4096, [("Y001", 1, 1)], "U+0000"),
    Case("invalid UTF-8", HEAD + b"# caf\xe9\n" + TAIL, [("Y003", 5, 6)], "byte 0xe9"),
    Case(
        "UTF-16 LE with a byte-order mark",
        "\ufeff".encode("utf-16-le") + (HEAD + TAIL).decode().encode("utf-16-le"),
        [("Y003", 1, 1)],
        "UTF-16 LE",
    ),
    Case(
        "UTF-16 BE with a byte-order mark",
        "\ufeff".encode("utf-16-be") + (HEAD + TAIL).decode().encode("utf-16-be"),
        [("Y003", 1, 1)],
        "UTF-16 BE",
    ),
    Case("a NUL byte", _tests(b"- as: u\x00nit\n"), [("Y001", 6, 8)], "U+0000"),
    Case(
        "a duplicate key",
        HEAD + b"build_root:\n  from_repository: true\n" + TAIL,
        [("Y002", 5, 1)],
        "'build_root' is defined twice",
    ),
    Case(
        "a tab in the indentation",
        _tests(b"- as: unit\n\tcommands: make\n"),
        [("Y001", 7, 1)],
        "a tab character",
    ),
    Case(
        "!!python/name",
        HEAD + b"tests: !!python/name:os.system\n" + TAIL,
        [("Y001", 5, 8)],
        "!!python/name:os.system",
    ),
    Case("a custom tag", _tests(b"- !foo {as: unit}\n"), [("Y001", 6, 3)], "the tag !foo"),
    Case(
        "merge keys",
        _tests(
            b"- as: unit\n  commands: make\n  container: &c\n    from: src\n",
            b"- as: e2e\n  commands: make e2e\n  container:\n    <<: *c\n    bogus: 1\n",
        ),
        [("S002", 14, 5)],  # the merged container is read: only its own extra key is unknown
        "unknown key 'bogus' in tests[1].container",
    ),
    Case(
        "a broken second document",
        _tests(b"- as: unit\n") + b"---\ntests: [\n---\nbuild_root: {}\n",
        [("Y001", 13, 1)],
        "did not find expected node content",
    ),
]


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _check(root: Path) -> list[dict[str, object]]:
    """The findings of a bounded `cilint check` of `root`; fails on a crash (exit 2 or a
    signal) and on a run that takes longer than `SECONDS` (warnings alone exit 0)."""
    run = subprocess.run(
        [sys.executable, "-m", "cilint", "check", "--root", str(root), "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=SECONDS,
        preexec_fn=_limited,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    findings: list[dict[str, object]] = json.loads(run.stdout)["findings"]
    return findings


def _tree(tmp_path: Path, content: bytes) -> Path:
    (tmp_path / GOOD).parent.mkdir(parents=True)
    (tmp_path / GOOD).write_text(GOOD_CONFIG)
    (tmp_path / CONFIG).parent.mkdir(parents=True)
    (tmp_path / CONFIG).write_bytes(content)
    return tmp_path


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_gets_located_findings_and_the_tree_is_checked(
    tmp_path: Path, case: Case
) -> None:
    root = _tree(tmp_path, case.content)
    if not case.content:  # sparse: 33 MiB on disk costs nothing, and is read only to the limit
        with (root / CONFIG).open("wb") as handle:
            handle.truncate(33 << 20)
    findings = _check(root)
    hostile = [f for f in findings if f["path"] == CONFIG]
    assert [(f["code"], f["line"], f["column"]) for f in hostile] == case.findings
    assert case.message in str(hostile[0]["message"])
    good = [(f["path"], f["code"], f["line"], f["column"]) for f in findings if f["path"] == GOOD]
    assert good == [GOOD_FINDING]


PAYLOADS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/apply:builtins.open ['{marker}', 'w']",
    "!!python/object/new:builtins.open ['{marker}', 'w']",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_tag_that_would_create_a_file_is_never_constructed(tmp_path: Path, payload: str) -> None:
    proof = tmp_path / "constructed"
    text = payload.format(marker=proof)
    # The payload is live: PyYAML's unsafe loader, which constructs any tag, creates the file.
    yaml.unsafe_load(f"tests: {text}\n")
    assert proof.exists()
    proof.unlink()

    root = _tree(tmp_path / "tree", HEAD + f"tests: {text}\n".encode() + TAIL)
    findings = _check(root)
    hostile = [(f["code"], f["line"], f["column"]) for f in findings if f["path"] == CONFIG]
    assert hostile == [("Y001", 5, 8)]
    assert not proof.exists()
    assert GOOD_FINDING in [(f["path"], f["code"], f["line"], f["column"]) for f in findings]


def test_deep_json_is_located_and_the_tree_is_checked(tmp_path: Path) -> None:
    """JSON inputs (release-controller configs) are read by the json module too, which has no
    depth limit of its own but Python's."""
    root = _tree(tmp_path, GOOD_CONFIG.replace("g/s", "o/r").encode())
    (root / CONFIG).unlink()
    releases = root / "core-services" / "release-controller" / "_releases"
    releases.mkdir(parents=True)
    (releases / "release-ocp-4.18.json").write_text('{"name": ' + "[" * 20_000 + "]" * 20_000 + "}")
    findings = _check(root)
    deep = [
        (f["code"], f["line"], f["column"])
        for f in findings
        if f["path"] == "core-services/release-controller/_releases/release-ocp-4.18.json"
    ]
    assert deep == [("Y001", 1, 1009)]
    assert GOOD_FINDING in [(f["path"], f["code"], f["line"], f["column"]) for f in findings]
