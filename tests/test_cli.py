"""The command line as users run it: real processes, golden outputs, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, needs_sarif_schema, valid_sarif

EXAMPLES = REPO / "examples" / "release"
GOLDEN = Path(__file__).parent / "golden"
FIXTURES = Path(__file__).parent / "fixtures"


def cilint(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cilint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.mark.parametrize(
    ("fmt", "golden"),
    [
        ("text", "examples.txt"),
        ("json", "examples.json"),
        ("sarif", "examples.sarif"),
        ("junit", "examples.junit.xml"),
        ("github", "examples.github"),
        ("json-lines", "examples.jsonl"),
    ],
)
def test_golden_outputs_on_the_example_tree(fmt: str, golden: str) -> None:
    run = cilint("check", "--root", str(EXAMPLES), "--format", fmt)
    assert run.returncode == 1, run.stderr
    assert run.stderr == ""
    expected = GOLDEN / golden
    if os.environ.get("CILINT_UPDATE_GOLDENS"):
        expected.write_text(run.stdout)
    assert run.stdout == expected.read_text()


def test_json_contract() -> None:
    run = cilint("check", "--root", str(EXAMPLES), "--format", "json")
    report = json.loads(run.stdout)
    assert report["version"] == 1
    assert set(report["summary"]) == {"files", "findings", "errors", "warnings", "infos"}
    assert report["summary"]["findings"] == len(report["findings"])
    for finding in report["findings"]:
        assert set(finding) <= {
            "code",
            "rule",
            "severity",
            "path",
            "line",
            "column",
            "message",
            "tag",
            "related",
        }
        for place in finding.get("related", []):
            assert set(place) == {"path", "line", "column", "message"}
            assert place["line"] >= 1 and place["column"] >= 1
        assert finding["severity"] in ("error", "warning", "info")
        assert finding["line"] >= 1 and finding["column"] >= 1
        assert not finding["path"].startswith("/") and "\\" not in finding["path"]


def test_example_tree_fires_every_rule() -> None:
    from cilint.rules.registry import ALL_RULES

    report = json.loads(cilint("check", "--root", str(EXAMPLES), "--format", "json").stdout)
    fired = {finding["rule"] for finding in report["findings"]}
    assert fired == {module.RULE.name for module in ALL_RULES}


@needs_sarif_schema
def test_sarif_is_valid_against_the_oasis_schema() -> None:
    for root in (EXAMPLES, FIXTURES / "yaml-syntax" / "clean" / "tree"):
        log = valid_sarif(cilint("check", "--root", str(root), "--format", "sarif").stdout)
        assert isinstance(log["runs"][0]["results"], list)
    assert valid_sarif((GOLDEN / "examples.sarif").read_text())


def test_paths_restrict_what_is_reported() -> None:
    run = cilint(
        "check", "--root", ".", "ci-operator/config/acme/widget", "--format", "json", cwd=EXAMPLES
    )
    paths = {f["path"] for f in json.loads(run.stdout)["findings"]}
    assert paths and all(p.startswith("ci-operator/config/acme/widget/") for p in paths)


def test_fail_level_decides_the_exit_code() -> None:
    tree = FIXTURES / "unknown-key" / "typo" / "tree"
    assert cilint("check", "--root", str(tree)).returncode == 0  # only a warning
    assert cilint("check", "--root", str(tree), "--fail-level", "warning").returncode == 1


def test_usage_errors_exit_2_in_one_line() -> None:
    for args in (
        ["check", "--format", "xml"],
        ["check", "--root", "/nonexistent"],
        ["rule", "no-such-rule"],
        [],
    ):
        run = cilint(*args)
        assert run.returncode == 2, args
        assert "Traceback" not in run.stderr
        assert run.stdout == "" or args == []


def test_bad_configuration_is_reported_with_its_position(tmp_path: Path) -> None:
    config = tmp_path / ".cilint.yaml"
    config.write_text("rules:\n  unknown-key: loud\n")
    run = cilint("check", "--root", str(tmp_path))
    assert run.returncode == 2
    assert run.stderr.startswith(f"cilint: error: {config}:2:16: invalid cilint configuration")
    assert "Traceback" not in run.stderr


def test_configuration_changes_severity_and_disables_rules(tmp_path: Path) -> None:
    config = tmp_path / "cilint.yaml"
    config.write_text("rules:\n  unknown-key: error\n  S003: 'off'\n")
    tree = FIXTURES / "unknown-key" / "typo" / "tree"
    run = cilint("check", "--root", str(tree), "--config", str(config), "--format", "json")
    assert run.returncode == 1
    assert [f["severity"] for f in json.loads(run.stdout)["findings"]] == ["error"]


def test_output_file_is_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old report\n")
    run = cilint("check", "--root", str(EXAMPLES), "--format", "json", "--output", str(target))
    assert run.returncode == 1 and run.stdout == ""
    assert json.loads(target.read_text())["version"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_unwritable_output_leaves_nothing_behind(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "report.json"
    run = cilint("check", "--root", str(EXAMPLES), "--output", str(missing))
    assert run.returncode == 2
    assert "cannot write" in run.stderr and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_rule_documentation_by_name_and_code() -> None:
    by_name = cilint("rule", "numeric-string")
    by_code = cilint("rule", "S003")
    assert by_name.returncode == 0 and by_name.stdout == by_code.stdout
    for section in ("\nWhat it does\n", "\nWhy it matters\n", "\nExample\n", "\nFix\n"):
        assert section in by_name.stdout


def test_every_rule_documents_itself() -> None:
    from cilint.rules.registry import ALL_RULES

    codes = [m.RULE.code for m in ALL_RULES]
    names = [m.RULE.name for m in ALL_RULES]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    for module in ALL_RULES:
        doc = module.__doc__ or ""
        assert doc.startswith(f"{module.RULE.name}: ")
        for section in (
            "**What it does**",
            "**Why it matters**",
            "**Example**",
            "**Fix**",
            "**Options**",
        ):
            assert section in doc, (module.RULE.name, section)
    listing = cilint("rules").stdout.splitlines()
    assert [line.split()[1] for line in listing] == names


def test_default_root_is_the_git_top_level(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    config = tmp_path / "ci-operator" / "config" / "o" / "r"
    config.mkdir(parents=True)
    (config / "o-r-main.yaml").write_text("tests: {}\n")
    run = cilint("check", "--format", "json", cwd=config)
    findings = json.loads(run.stdout)["findings"]
    assert {f["path"] for f in findings} == {"ci-operator/config/o/r/o-r-main.yaml"}


def test_readme_starts_with_the_two_commands_and_has_the_rules_table() -> None:
    readme = (REPO / "README.md").read_text()
    assert readme.startswith("```sh\n")
    first = readme.splitlines()[1:3]
    assert first[0].startswith("python3 dev.py demo") and first[1].startswith("python3 dev.py test")
    table = cilint("rules", "--format", "markdown").stdout
    start = readme.index("<!-- rules-table:start -->\n") + len("<!-- rules-table:start -->\n")
    assert readme[start : readme.index("<!-- rules-table:end -->")] == table


def test_readme_shows_the_real_explain_output() -> None:
    readme = (REPO / "README.md").read_text()
    start = readme.index("<!-- explain-example:start -->\n")
    block = readme[start : readme.index("<!-- explain-example:end -->")].splitlines(keepends=True)
    assert block[1] == "```text\n" and block[2].startswith("$ cilint explain")
    assert block[-1] == "```\n"
    shown = "".join(block[3:-1])
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "cilint",
            "explain",
            "--root",
            str(EXAMPLES),
            "quay-proxy.ci.openshift.org/openshift/ci:acme_widget_widgit",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert run.returncode == 1
    assert shown == run.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--root", str(EXAMPLES), "--format", "json"],  # more than a buffer
        ["rule", "numeric-string"],  # less: written only by the last flush
    ],
)
def test_output_cut_short_by_a_closed_pipe_ends_quietly(args: list[str]) -> None:
    """`cilint check | head -1`: the command ends without a traceback (it exits through
    `cilint.cli.run`, which flushes before leaving). The reader is gone before anything is
    written, so every write meets a closed pipe."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cilint", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait() != 0
    assert stderr == ""  # no traceback, no "internal error", no "Exception ignored"


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--root", str(EXAMPLES), "--no-cache", "--format", "json"],
        ["explain", "--root", str(EXAMPLES), "--no-cache", "acme/widget:widget"],
        ["rules"],
        ["check", "--root", "/nonexistent"],
    ],
    ids=["check", "explain", "rules", "error"],
)
def test_main_in_process_leaves_the_interpreter_as_it_found_it(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Speed tricks stay in the console entry point: an in-process `main` leaves the garbage
    collector as it was, enabled or not."""
    import gc

    from cilint.cli.entry import main

    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            main(argv)
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
    capsys.readouterr()
