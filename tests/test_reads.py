"""What cross-file rules read, and the guard that holds them to it.

A cross-file rule declares `READS`; runs about a few files (the pre-commit hook) load only what
those reads need (`cilint.cache.closure.STEPS`), and the view
a rule gets (`TreeContext.view`) refuses anything else with `UndeclaredRead`, on every run.
The last test shows that adding a rule is one module, one registry line and one fixture folder.
"""

from __future__ import annotations

import importlib.util
import json
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

import cilint.pipeline.run as run_module
import cilint.report.junit
import cilint.report.sarif
import cilint.rules.registry as registry
import test_fixtures
from cilint.cache import closure
from cilint.cli.entry import main
from cilint.config.settings import load_settings
from cilint.findings import Finding, Severity
from cilint.graph.tag_graph import TagGraph
from cilint.pipeline.results import LoadedTree
from cilint.pipeline.run import RunOptions, load_tree, run_check
from cilint.rules.context import _TREE_READS, RuleContext
from cilint.rules.reads import GRAPH_READS, Read, UndeclaredRead
from cilint.rules.spec import RuleSpec
from conftest import REPO

EXAMPLES = REPO / "examples" / "release"


@pytest.fixture(scope="module")
def tree() -> LoadedTree:
    """The example tree's graph, built as the pipeline builds it, without the rules."""
    return load_tree(load_settings(EXAMPLES), RunOptions(jobs=1), rules=False)


# -- the declarations --------------------------------------------------------------------------


@pytest.mark.parametrize("read", list(Read), ids=[r.name for r in Read])
def test_every_read_has_a_gathering_step(read: Read) -> None:
    """A new read without a step would make PATH runs load too little."""
    assert read in closure.STEPS, f"Read.{read.name} has no entry in cilint.cache.closure.STEPS"
    assert closure.steps_for([read]) == [s for s in closure._ORDER if s in closure.STEPS[read]]


def test_steps_for_fails_on_a_read_without_a_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(closure.STEPS, Read.COVERAGE)
    with pytest.raises(KeyError, match="COVERAGE"):
        closure.steps_for([Read.PRODUCERS, Read.COVERAGE])


@pytest.mark.parametrize(
    "rule", registry.TREE_RULES, ids=[m.RULE.name for m in registry.TREE_RULES]
)
def test_every_cross_file_rule_declares_its_reads(rule: types.ModuleType) -> None:
    reads = getattr(rule, "READS", None)
    assert isinstance(reads, frozenset), f"{rule.__name__}.READS is not a frozenset"
    assert reads, f"{rule.__name__}.READS is empty"
    assert all(isinstance(read, Read) for read in reads), f"{rule.__name__}.READS: {reads}"
    closure.steps_for(reads)  # gatherable


def test_file_rules_read_no_graph() -> None:
    """Per-file rules see one file; a READS there would be a rule in the wrong list."""
    for rule in registry.FILE_RULES:
        assert not hasattr(rule, "READS"), f"{rule.__name__} is a per-file rule with READS"


def test_every_read_guards_something() -> None:
    guarded = {read for read in GRAPH_READS.values() if read} | set(_TREE_READS.values())
    assert guarded == set(Read), f"reads that guard nothing: {set(Read) - guarded}"


def test_every_graph_query_belongs_to_a_read(tree: LoadedTree) -> None:
    """GRAPH_READS names real attributes, and every public query of TagGraph is in it (free to
    read, or under a read): otherwise a rule could not read it at all."""
    missing = [name for name in GRAPH_READS if not hasattr(tree.graph, name)]
    assert not missing, f"GRAPH_READS names attributes TagGraph lacks: {missing}"
    queries = {
        name
        for name, value in vars(TagGraph).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    }
    assert queries <= set(GRAPH_READS), f"not in GRAPH_READS: {queries - set(GRAPH_READS)}"


# -- the guard ---------------------------------------------------------------------------------


def _throwaway(*reads: Read) -> types.ModuleType:
    """A cross-file rule reading `ctx.graph.producers` (Read.PRODUCERS), declaring `reads`."""
    rule = types.ModuleType("throwaway_rule", "throwaway: every active promotion.")
    rule.RULE = RuleSpec(  # type: ignore[attr-defined]
        code="X999", name="throwaway", severity=Severity.WARNING, summary="Every promotion."
    )
    rule.READS = frozenset(reads)  # type: ignore[attr-defined]

    def check(ctx: RuleContext) -> Iterator[Finding]:
        for producer in ctx.graph.producers:
            if producer.kind == "promotion" and producer.tag:
                yield ctx.finding(rule.RULE, producer.location, f"promotes {producer.tag}")

    rule.check = check  # type: ignore[attr-defined]
    return rule


def test_an_undeclared_read_raises(tree: LoadedTree) -> None:
    rule = _throwaway(Read.COVERAGE)  # `producers` is not part of COVERAGE
    view = tree.context.view(rule.READS, rule.RULE.name)
    with pytest.raises(UndeclaredRead, match=r"throwaway reads graph.producers .*Read.PRODUCERS"):
        list(rule.check(view))
    view.graph.coverage("acme/widget:widget")  # what it declared, it may read


def test_a_declared_read_runs(tree: LoadedTree) -> None:
    rule = _throwaway(Read.PRODUCERS)
    findings = list(rule.check(tree.context.view(rule.READS, rule.RULE.name)))
    assert findings
    assert {f.code for f in findings} == {"X999"}


def test_undeclared_tree_data_raises(tree: LoadedTree) -> None:
    view = tree.context.view({Read.PRODUCERS}, "throwaway")
    with pytest.raises(UndeclaredRead, match="Read.MIRROR_SETS"):
        _ = view.mirror_views
    with pytest.raises(UndeclaredRead, match="Read.CONSUMER_PLACES"):
        view.consumer_places()


def _register(monkeypatch: pytest.MonkeyPatch, rule: types.ModuleType) -> None:
    """What one line in cilint/rules/registry.py's TREE_RULES does, for the modules that hold
    the registry's tuples under their own names (`grep -rn _RULES lint`)."""
    tree_rules = (*registry.TREE_RULES, rule)
    all_rules = (*registry.ALL_RULES, rule)
    monkeypatch.setattr(registry, "TREE_RULES", tree_rules)
    monkeypatch.setattr(registry, "ALL_RULES", all_rules)
    monkeypatch.setattr(run_module, "TREE_RULES", tree_rules)
    monkeypatch.setattr(cilint.report.sarif, "ALL_RULES", all_rules)
    monkeypatch.setattr(cilint.report.junit, "ALL_RULES", all_rules)
    monkeypatch.setattr(test_fixtures, "ALL_RULES", all_rules)


def test_a_full_run_fails_loudly_on_an_undeclared_read(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _register(monkeypatch, _throwaway(Read.COVERAGE))
    with pytest.raises(UndeclaredRead, match="throwaway reads graph.producers"):
        run_check(load_settings(EXAMPLES), options=RunOptions(jobs=1))
    # The command line: exit code 2, one line on stderr (no stored run can hide it: --no-cache).
    code = main(["check", "--root", str(EXAMPLES), "--no-cache", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "internal error: UndeclaredRead: throwaway reads graph.producers" in err


def test_a_full_run_with_the_read_declared(monkeypatch: pytest.MonkeyPatch) -> None:
    _register(monkeypatch, _throwaway(Read.PRODUCERS))
    result = run_check(load_settings(EXAMPLES), options=RunOptions(jobs=1))
    found = [f for f in result.findings if f.code == "X999"]
    assert found
    assert all(f.line > 0 for f in found)  # located like every cross-file finding


# -- adding a rule -----------------------------------------------------------------------------

# 1. One module: RULE, READS, check, and the documentation as its docstring.
RULE_MODULE = '''
    """promoted-latest: a promotion writes a tag named `latest`.

    **What it does**
    Reports every enabled promotion of an image tag named `latest`.

    **Why it matters**
    A `latest` tag says nothing about what it holds; consumers pinned to it change under them.

    **Example**
    `images: [{to: latest}]` with `promotion: {to: [{namespace: o, name: app}]}`.

    **Fix**
    Name the image after what it is.

    **Options**
    None.
    """

    from __future__ import annotations

    from collections.abc import Iterator

    from cilint.facts.model import ACTIVE
    from cilint.findings import Finding, Severity
    from cilint.rules.context import RuleContext
    from cilint.rules.reads import Read
    from cilint.rules.spec import RuleSpec

    RULE = RuleSpec(
        code="X998",
        name="promoted-latest",
        severity=Severity.WARNING,
        summary="A promotion writes a tag named latest.",
    )
    READS = frozenset({Read.PRODUCERS})


    def check(ctx: RuleContext) -> Iterator[Finding]:
        for producer in ctx.graph.producers:
            tag = producer.tag or ""
            if producer.kind != "promotion" or producer.state != ACTIVE:
                continue
            if tag.endswith(":latest") and ctx.selected(producer.location.path):
                yield ctx.finding(RULE, producer.location, f"{tag} is promoted here")
'''

CONFIG = """\
build_root:
  from_repository: true
images:
  items:
  - dockerfile_path: Dockerfile
    to: {image}
promotion:
  to:
  - name: app
    namespace: o
resources:
  '*':
    requests:
      cpu: 100m
tests:
- as: unit
  commands: make test
  container:
    from: src
zz_generated_metadata:
  branch: main
  org: o
  repo: r
"""

# 3. One fixture folder per case: tests/fixtures/<rule>/<case>/{tree/, expected.json}.
FIXTURE_CASES = {
    "fires": (
        "latest",
        [
            {
                "path": "ci-operator/config/o/r/o-r-main.yaml",
                "line": 9,
                "column": 5,
                "code": "X998",
                "rule": "promoted-latest",
                "severity": "warning",
                "message": "o/app:latest is promoted here",
            }
        ],
    ),
    "passes": ("app", []),
}


def _rule_module(folder: Path) -> types.ModuleType:
    path = folder / "promoted_latest.py"
    path.write_text(textwrap.dedent(RULE_MODULE).lstrip())
    spec = importlib.util.spec_from_file_location("promoted_latest", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_adding_a_rule_is_a_module_a_registry_line_and_a_fixture_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = _rule_module(tmp_path)
    # 2. One registry line (here: the tuples, patched where they are held by name).
    _register(monkeypatch, rule)

    cases = []
    for case_name, (image, expected) in FIXTURE_CASES.items():
        case = tmp_path / "fixtures" / rule.RULE.name / case_name
        config = case / "tree" / "ci-operator" / "config" / "o" / "r" / "o-r-main.yaml"
        config.parent.mkdir(parents=True)
        config.write_text(CONFIG.format(image=image))
        (case / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")
        cases.append(case)

    # The fixture runner of tests/test_fixtures.py, unchanged, on the new folders.
    monkeypatch.delenv("CILINT_UPDATE_GOLDENS", raising=False)
    for case in cases:
        test_fixtures.test_fixture(case)
    monkeypatch.setattr(test_fixtures, "CASES", [*test_fixtures.CASES, *cases])
    test_fixtures.test_every_rule_has_a_failing_and_a_passing_fixture()

    # And it is a rule like the others: listed, selectable by code, documented by its docstring
    # (the sections in ruff's order).
    assert registry.find_rule("X998") is rule
    assert main(["rules"]) == 0
    assert "X998  promoted-latest" in capsys.readouterr().out
    assert main(["rule", "X998"]) == 0
    doc = capsys.readouterr().out
    sections = ["\nWhat it does\n", "\nWhy it matters\n", "\nExample\n", "\nFix\n", "\nOptions\n"]
    assert all(s in doc for s in sections), doc
    assert [doc.index(s) for s in sections] == sorted(doc.index(s) for s in sections)
