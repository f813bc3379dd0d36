"""The formats CI systems read, and several of them from one run: `github` workflow commands,
`json-lines`, repeated `--format`/`-o`, `--output-format FORMAT=FILE`, and the JUnit file a
check leaves in Prow's $ARTIFACT_DIR."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from cilint.report.github import escape_data, escape_property
from cilint.rules.registry import ALL_RULES
from conftest import REPO, valid_sarif
from conftest import run_cilint as cilint

EXAMPLES = REPO / "examples" / "release"


def check(*args: str, cwd: Path = REPO, **env: str) -> subprocess.CompletedProcess[str]:
    return cilint("check", "--root", str(EXAMPLES), *args, cwd=cwd, **env)


# -- github ------------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    """What the Actions runner does to a value (actions/runner ActionCommand.cs)."""
    for escaped, plain in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, plain)
    return text


def _read_command(line: str) -> tuple[str, dict[str, str], str]:
    """(command, properties, message) of `::command k=v,k=v::message`, as the runner reads it."""
    assert line.startswith("::")
    head, message = line[2:].split("::", 1)
    command, _, raw = head.partition(" ")
    properties = dict(item.split("=", 1) for item in raw.split(","))
    return command, {k: _unescape(v) for k, v in properties.items()}, _unescape(message)


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    for text in ("50%25 is not 50%", "a:b,c", "line\nline\r\n", "%0A literally"):
        assert _unescape(escape_property(text)) == text
        assert _unescape(escape_data(text)) == text


def test_github_commands_survive_commas_and_colons_in_paths(tmp_path: Path) -> None:
    """A file name with `,` and `:` would end a property value unescaped."""
    config = tmp_path / "ci-operator" / "config" / "o" / "r"
    config.mkdir(parents=True)
    (config / "o-r-main,x:y.yaml").write_text("tests: {}\n")
    run = cilint("check", "--root", str(tmp_path), "--format", "github")
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert lines
    json_run = cilint("check", "--root", str(tmp_path), "--format", "json")
    findings = json.loads(json_run.stdout)["findings"]
    assert len(lines) == len(findings)
    for line, finding in zip(lines, findings, strict=True):
        command, properties, message = _read_command(line)
        assert (
            command
            == {"error": "error", "warning": "warning", "info": "notice"}[finding["severity"]]
        )
        assert properties == {
            "file": finding["path"],
            "line": str(finding["line"]),
            "col": str(finding["column"]),
            "title": f"{finding['code']} {finding['rule']}",
        }
        assert message == finding["message"]
    assert any(p.endswith("o-r-main,x:y.yaml") for p in (f["path"] for f in findings))


# -- json-lines --------------------------------------------------------------------------------


def test_json_lines_is_one_finding_a_line_and_nothing_else() -> None:
    lines = check("--format", "json-lines").stdout.splitlines()
    report = json.loads(check("--format", "json").stdout)
    assert [json.loads(line) for line in lines] == report["findings"]
    assert all(line.startswith("{") and ": " not in line[:12] for line in lines)  # compact


# -- several outputs ---------------------------------------------------------------------------


def test_one_run_writes_every_format_asked_for(tmp_path: Path) -> None:
    run = check(
        "--format",
        "sarif",
        "-o",
        "x.sarif",
        "--format",
        "junit",
        "-o",
        "junit.xml",
        "--output-format",
        "json=report.json",
        "--output-format",
        "json-lines=-",
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junit.xml", "report.json", "x.sarif"]
    findings = json.loads((tmp_path / "report.json").read_text())["findings"]
    assert [json.loads(line) for line in run.stdout.splitlines()] == findings
    results = valid_sarif((tmp_path / "x.sarif").read_text())["runs"][0]["results"]
    assert [(r["ruleId"], r["message"]["text"]) for r in results] == [
        (f["code"], f["message"])
        for f in findings
        if f["severity"] != "info"  # SARIF hides infos
    ]
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == str(len(ALL_RULES))


def test_statistics_and_quiet_shape_only_the_text_output(tmp_path: Path) -> None:
    run = check(
        "--statistics", "--output-format", "json=r.json", "--output-format", "text=-", cwd=tmp_path
    )
    findings = json.loads((tmp_path / "r.json").read_text())["findings"]
    counted = sum(int(line.split()[0]) for line in run.stdout.splitlines())
    assert counted == len(findings) > 0
    quiet = check(
        "-q",
        "--min-severity",
        "info",
        "--format",
        "json",
        "-o",
        "r.json",
        "--format",
        "text",
        cwd=tmp_path,
    )
    assert len(quiet.stdout.splitlines()) == len(findings)  # no summary line
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["findings"] == len(findings)


def test_a_lone_output_file_still_gets_the_default_format(tmp_path: Path) -> None:
    run = check("-o", "report.txt", cwd=tmp_path)
    assert run.returncode == 1 and run.stdout == ""
    assert (tmp_path / "report.txt").read_text() == check().stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["-o", "a.txt", "-o", "b.txt"], "-o b.txt has no --format"),
        (["--format", "json", "-o", "a", "-o", "b"], "-o b has no --format"),
        (["--format", "json", "--format", "sarif"], "2 reports would go to stdout"),
        (["--format", "json", "--output-format", "sarif=-"], "2 reports would go to stdout"),
        (["--output-format", "xml=a.xml"], "--output-format xml=a.xml: give FORMAT=FILE"),
        (["--output-format", "json"], "--output-format json: give FORMAT=FILE"),
        (["--format", "json", "-o", "r", "--output-format", "sarif=r"], "two reports"),
        (["--sarif-max-results", "-1"], "--sarif-max-results must be 0"),
    ],
)
def test_output_usage_errors_exit_2_in_one_line(tmp_path: Path, args: list[str], says: str) -> None:
    run = check(*args, cwd=tmp_path)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith("cilint: error: ") and run.stderr.count("\n") == 1
    assert says in run.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written before the error


# -- Prow ---------------------------------------------------------------------------------------


def _junit(path: Path) -> dict[str, ET.Element]:
    """testcase name → testcase, of the one suite."""
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    cases = {case.get("name", ""): case for case in suite.iter("testcase")}
    failed = [case for case in cases.values() if case.find("failure") is not None]
    assert suite.get("failures") == str(len(failed))
    return cases


def test_prow_artifact_dir_gets_the_junit(tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    run = check("--format", "json", ARTIFACT_DIR=str(artifacts))
    assert run.returncode == 1 and run.stderr == ""
    findings = json.loads(run.stdout)["findings"]
    assert [p.name for p in artifacts.iterdir()] == ["junit_cilint.xml"]
    cases = _junit(artifacts / "junit_cilint.xml")
    assert sorted(cases) == sorted(f"{m.RULE.code} {m.RULE.name}" for m in ALL_RULES)
    failing = {f"{f['code']} {f['rule']}" for f in findings if f["severity"] == "error"}
    assert {name for name, case in cases.items() if case.find("failure") is not None} == failing
    unproduced = cases["T001 unproduced-tag"].find("failure")
    assert unproduced is not None and unproduced.text
    expected = [f for f in findings if f["code"] == "T001"]
    assert unproduced.text.count("\n") + 1 == len(expected)
    assert f"{expected[0]['path']}:{expected[0]['line']}:{expected[0]['column']}:" in (
        unproduced.text
    )


def test_prow_junit_is_not_written_twice_or_when_declined(tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    asked = tmp_path / "mine.xml"
    check("--format", "junit", "-o", str(asked), ARTIFACT_DIR=str(artifacts))
    check("--no-artifact-junit", ARTIFACT_DIR=str(artifacts))
    assert list(artifacts.iterdir()) == []
    _junit(asked)


def test_an_unwritable_artifact_dir_only_warns(tmp_path: Path) -> None:
    run = check("--format", "json", ARTIFACT_DIR=str(tmp_path / "missing"))
    assert run.returncode == 1
    assert json.loads(run.stdout)["findings"]
    assert run.stderr.startswith("cilint: warning: cannot write ") and "Traceback" not in run.stderr
