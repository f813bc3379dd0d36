"""SARIF for GitHub code scanning: where cilint and its rules are documented, the other places
of cross-file findings (`relatedLocations`), and the 5,000-result limit. Every log is checked
against the OASIS schema (`valid_sarif`)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

from cilint import HOMEPAGE
from conftest import REPO, bench_generate_tree, needs_sarif_schema, valid_sarif
from conftest import run_cilint as cilint

EXAMPLES = REPO / "examples" / "release"


def sarif(root: Path, *args: str) -> dict[str, Any]:
    # Every severity: these tests are about what a log holds, not what it hides by default.
    run = cilint("check", "--root", str(root), "--format", "sarif", "--min-severity", "info", *args)
    assert run.returncode in (0, 1), run.stderr
    return valid_sarif(run.stdout)


def test_cilint_is_described_by_its_own_homepage() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["urls"]["Homepage"] == HOMEPAGE
    driver = sarif(EXAMPLES)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == HOMEPAGE


def _github_anchor(heading: str) -> str:
    """GitHub's anchor of a markdown heading: lower case, punctuation but `-` dropped, spaces
    to `-`."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_rule_links_to_its_section_of_the_reference() -> None:
    reference = (REPO / "docs" / "rules.md").read_text()
    anchors = {_github_anchor(line[3:]) for line in reference.splitlines() if line[:3] == "## "}
    rules = sarif(EXAMPLES)["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        page, _, anchor = rule["helpUri"].partition("#")
        assert page == f"{HOMEPAGE}/blob/main/docs/rules.md"
        assert anchor == f"{rule['id'].lower()}-{rule['name']}" and anchor in anchors
        text = rule["help"]["text"]
        assert "**" not in text and "`" not in text and "```" not in text, rule["id"]
        assert rule["help"]["markdown"].startswith(f"{rule['name']}: ")


def test_cross_file_findings_point_at_their_rivals() -> None:
    log = sarif(EXAMPLES)
    report = json.loads(cilint("check", "--root", str(EXAMPLES), "--format", "json").stdout)
    results = log["runs"][0]["results"]
    assert len(results) == len(report["findings"])
    with_related = Counter()
    for result, finding in zip(results, report["findings"], strict=True):
        related = result.get("relatedLocations", [])
        ids = [place["id"] for place in related]
        assert len(set(ids)) == len(ids)
        assert [
            (
                place["physicalLocation"]["artifactLocation"]["uri"],
                place["physicalLocation"]["region"]["startLine"],
                place["physicalLocation"]["region"]["startColumn"],
                place["message"]["text"],
            )
            for place in related
        ] == [(p["path"], p["line"], p["column"], p["message"]) for p in finding.get("related", [])]
        if related:
            with_related[result["ruleId"]] += 1
    assert with_related == Counter({"T004": 2, "M002": 2, "T006": 1})
    # Each T004 names the other promotion, at the line and column the other finding has.
    t004 = [f for f in report["findings"] if f["code"] == "T004"]
    for finding in t004:
        (other,) = finding["related"]
        assert any(
            (o["path"], o["line"], o["column"]) == (other["path"], other["line"], other["column"])
            for o in t004
            if o is not finding
        )
        assert f"({other['path']}:{other['line']})" in finding["message"]


def _git(tree: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=tree,
        check=True,
        capture_output=True,
    )


def test_a_finding_a_change_causes_lists_its_rivals_and_its_cause(tmp_path: Path) -> None:
    """A second promotion of widget-1.0 in a new variant: the old config's duplicate-promotion
    is introduced elsewhere, with the new file both as a rival and as the cause."""
    tree = tmp_path / "release"
    shutil.copytree(EXAMPLES, tree)
    widget = tree / "ci-operator" / "config" / "acme" / "widget"
    old = widget / "acme-widget-release-1.0.yaml"
    old.write_text(old.read_text().replace("  - disabled: true\n    name:", "  - name:"))
    _git(tree, "init", "-q")
    _git(tree, "add", "-A")
    _git(tree, "commit", "-q", "-m", "base")
    new = widget / "acme-widget-release-1.0__dup.yaml"
    new.write_text(old.read_text().replace("  org: acme\n", "  org: acme\n  variant: dup\n"))
    _git(tree, "add", "-A")
    given = "ci-operator/config/acme/widget/acme-widget-release-1.0__dup.yaml"
    run = cilint("check", "--root", ".", "--format", "sarif", given, cwd=tree)
    results = valid_sarif(run.stdout)["runs"][0]["results"]
    (caused,) = [r for r in results if r["ruleId"] == "T004" and "properties" in r]
    assert caused["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "ci-operator/config/acme/widget/acme-widget-release-1.0.yaml"
    )
    related = caused["relatedLocations"]
    assert [place["id"] for place in related] == [1, 2]
    rival, cause = (place["physicalLocation"] for place in related)
    assert rival["artifactLocation"]["uri"] == cause["artifactLocation"]["uri"] == given
    assert rival["region"]["startLine"] == cause["region"]["startLine"]
    assert related[1]["message"]["text"] == "the change that caused it"


def test_related_places_survive_the_cache(tmp_path: Path) -> None:
    def findings(*args: str) -> list[dict[str, Any]]:
        run = cilint("check", "--root", str(EXAMPLES), "--format", "json", *args)
        return json.loads(run.stdout)["findings"]

    cache = ["--cache-dir", str(tmp_path / "cache")]
    cold, warm, stored = findings(*cache), findings(*cache), findings(*cache)
    assert cold == warm == stored == findings("--no-cache")
    assert sum(1 for f in stored if f.get("related")) == 5


def _severity_counts(results: list[dict[str, Any]]) -> Counter[str]:
    return Counter(r["level"] for r in results)


def test_a_long_log_keeps_the_most_severe_results_and_says_what_it_left_out(
    tmp_path: Path,
) -> None:
    bench_generate_tree().generate(tmp_path, 60, 3, 1)  # one fault of every rule
    everything = sarif(tmp_path, "--sarif-max-results", "0")["runs"][0]
    assert "invocations" not in everything
    levels = _severity_counts(everything["results"])
    assert levels["error"] and levels["warning"] > 2 and levels["note"]
    limit = levels["error"] + 2
    run = sarif(tmp_path, "--sarif-max-results", str(limit))["runs"][0]
    kept = run["results"]
    assert _severity_counts(kept) == Counter({"error": levels["error"], "warning": 2})
    # In the order of the whole log: the first two warnings of it.
    assert kept == [r for r in everything["results"] if r in kept]
    assert [r for r in everything["results"] if r["level"] == "warning"][:2] == [
        r for r in kept if r["level"] == "warning"
    ]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    (notification,) = invocation["toolExecutionNotifications"]
    text = notification["message"]["text"]
    warnings, infos = levels["warning"] - 2, levels["note"]
    assert f"{warnings} warnings and {infos} infos were left out" in text
    assert "--format json" in text and "--sarif-max-results 0" in text
    # The default limit (5,000) leaves this tree whole.
    assert sarif(tmp_path)["runs"][0]["results"] == everything["results"]


def test_baselined_results_are_left_out_before_new_ones(tmp_path: Path) -> None:
    tree = tmp_path / "release"
    shutil.copytree(EXAMPLES, tree)
    assert cilint("baseline", "write", "--root", str(tree)).returncode == 0
    config = tree / "ci-operator" / "config" / "acme" / "gizmo" / "acme-gizmo-main.yaml"
    config.write_text(config.read_text() + "not_a_field: 1\n")  # a new warning
    results = sarif(tree, "--sarif-max-results", "1")["runs"][0]["results"]
    (kept,) = results
    assert kept["ruleId"] == "S002" and "suppressions" not in kept
    left_out = sarif(tree, "--sarif-max-results", "1")["runs"][0]["invocations"][0]
    text = left_out["toolExecutionNotifications"][0]["message"]["text"]
    assert "in the baseline" in text


@needs_sarif_schema
def test_a_cut_log_is_valid(tmp_path: Path) -> None:
    log = sarif(EXAMPLES, "--sarif-max-results", "3")
    assert len(log["runs"][0]["results"]) == 3


def test_infos_below_the_minimum_severity_are_counted_in_a_notification() -> None:
    run = cilint("check", "--root", str(EXAMPLES), "--format", "sarif")
    log = valid_sarif(run.stdout)["runs"][0]
    assert {r["level"] for r in log["results"]} == {"error", "warning"}
    (note,) = log["invocations"][0]["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "cilint/below-min-severity"
    assert note["message"]["text"].startswith("2 infos below the minimum severity")
