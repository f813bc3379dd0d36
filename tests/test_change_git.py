"""Change-aware runs as users meet them: real git repositories, the real `pre-commit try-repo`
of this checkout, and `cilint check --changed-since` in branches and shallow clones.

The tree is the example release tree plus a tag that exactly one config produces:
acme/thing@main promotes acme/thing:thing, which acme/user@main pulls (base_images.thing) and a
mapping file mirrors out of QCI; acme/user@main also pulls openshift/centos:stream9, which only
the ci-images-mirror config (`supplementalCIImages`) produces. The example tree's own findings
(acme/gizmo, the cluster manifests, ...) are old findings every scenario leaves in place.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, valid_sarif

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
EXAMPLES = REPO / "examples" / "release"

THING = "ci-operator/config/acme/thing/acme-thing-main.yaml"
USER = "ci-operator/config/acme/user/acme-user-main.yaml"
MAPPING = "core-services/image-mirroring/acme/mapping_acme_thing"
MIRROR = "core-services/image-mirroring/_config.yaml"
GIZMO = "ci-operator/config/acme/gizmo/acme-gizmo-main.yaml"
WIDGET = "ci-operator/config/acme/widget/acme-widget-main.yaml"
OTHER = "ci-operator/config/acme/other/acme-other-main.yaml"

THING_YAML = """\
base_images:
  base:
    name: release
    namespace: openshift
    tag: rhel-9-release-golang-1.22-openshift-4.18
build_root:
  image_stream_tag:
    name: release
    namespace: openshift
    tag: rhel-9-release-golang-1.22-openshift-4.18
images:
  items:
  - dockerfile_path: Dockerfile
    from: base
    to: thing
promotion:
  to:
  - name: thing
    namespace: acme
resources:
  '*':
    requests:
      cpu: 100m
      memory: 200Mi
tests:
- as: unit
  commands: make test
  container:
    from: src
zz_generated_metadata:
  branch: main
  org: acme
  repo: thing
"""
# The promotion stanza of THING_YAML: lines 16-19; its target, `- name: thing`, is line 18.
PROMOTION = "promotion:\n  to:\n  - name: thing\n    namespace: acme\n"
PROMOTION_LINE = 18

USER_YAML = """\
base_images:
  thing:
    name: thing
    namespace: acme
    tag: thing
  centos:
    name: centos
    namespace: openshift
    tag: stream9
build_root:
  image_stream_tag:
    name: release
    namespace: openshift
    tag: rhel-9-release-golang-1.22-openshift-4.18
resources:
  '*':
    requests:
      cpu: 100m
      memory: 200Mi
tests:
- as: unit
  commands: make test
  container:
    from: thing
zz_generated_metadata:
  branch: main
  org: acme
  repo: user
"""

MAPPING_TEXT = "quay.io/openshift/ci:acme_thing_thing quay.io/acme/thing:latest\n"

# The supplementalCIImages entry of the example _config.yaml that produces openshift/centos:stream9
# (its key is line 8).
CENTOS = "  openshift/centos:stream9:\n    image: quay.io/centos/centos:stream9\n"
CENTOS_LINE = 8

# A new config that nothing else mentions: promotes acme/other:other, which nobody pulls.
OTHER_YAML = (
    THING_YAML.replace("to: thing", "to: other")
    .replace("- name: thing", "- name: other")
    .replace("repo: thing", "repo: other")
)

# The example tree's old findings in acme-gizmo-main.yaml (lines as committed).
GIZMO_FINDINGS = [
    (2, 3, "T001"),
    (6, 3, "T003"),
    (15, 13, "C002"),
    (20, 9, "C001"),
    (24, 12, "R001"),
]

FINDING_LINE = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?:error|warning|info): "
    r"(?P<code>[A-Z]\d{3}) \["
)
GIT_ID = ["-c", "user.email=t@example.invalid", "-c", "user.name=t"]


# --- helpers -------------------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    run = subprocess.run(
        ["git", *GIT_ID, *args], cwd=cwd, check=True, capture_output=True, text=True
    )
    return run.stdout.strip()


def _env(cache: Path | None = None, **extra: str) -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", **extra}
    if cache is not None:
        env["CILINT_CACHE_DIR"] = str(cache)
    return env


def cilint(
    cwd: Path, *args: str, cache: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """`cilint` in `cwd`, its cache in `cache` (default: a folder next to the tree)."""
    return subprocess.run(
        [sys.executable, "-m", "cilint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_env(cache if cache is not None else cwd.parent / f"{cwd.name}-cache", **env),
        check=False,
        timeout=300,
    )


def report(run: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert run.stdout, run.stderr
    return json.loads(run.stdout)


def finding_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if FINDING_LINE.match(line)]


def located(line: str) -> tuple[str, int, int, str]:
    """path, line, column and code of a text finding line."""
    match = FINDING_LINE.match(line)
    assert match, line
    return match["path"], int(match["line"]), int(match["col"]), match["code"]


def lines_at(out: str, path: str) -> list[str]:
    return [line for line in finding_lines(out) if line.startswith(f"{path}:")]


def edit(tree: Path, path: str, old: str, new: str) -> None:
    file = tree / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    file.write_text(text.replace(old, new), encoding="utf-8")


def prepend(tree: Path, path: str, text: str) -> None:
    file = tree / path
    file.write_text(text + file.read_text(encoding="utf-8"), encoding="utf-8")


def append(tree: Path, path: str, text: str) -> None:
    with open(tree / path, "a", encoding="utf-8") as handle:
        handle.write(text)


def delete_promotion(tree: Path) -> None:
    edit(tree, THING, PROMOTION, "")


def disable_promotion(tree: Path) -> None:
    edit(tree, THING, "    namespace: acme\n", "    namespace: acme\n    disabled: true\n")


def delete_centos(tree: Path) -> None:
    edit(tree, MIRROR, CENTOS, "")


def copy_repo(base: Path, dest: Path) -> Path:
    """A copy of a repository (work tree and .git): cheaper than a clone, same branches."""
    shutil.copytree(base, dest, symlinks=True)
    return dest


def caused(path: str, line: int, at_base: bool) -> str:
    return f"(caused by the change at {path}:{line}{' (at the base)' if at_base else ''})"


def key(finding: dict[str, Any]) -> tuple[str, int, str]:
    return (finding["path"], finding["line"], finding["code"])


# --- the trees -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("change-git")


@pytest.fixture(scope="module")
def base_repo(work: Path) -> Path:
    """The example tree plus acme/thing, acme/user and the mapping, committed on `main`."""
    tree = work / "base"
    shutil.copytree(EXAMPLES, tree)
    for path, text in ((THING, THING_YAML), (USER, USER_YAML), (MAPPING, MAPPING_TEXT)):
        (tree / path).parent.mkdir(parents=True, exist_ok=True)
        (tree / path).write_text(text, encoding="utf-8")
    _git(tree, "init", "-q", "-b", "main")
    _git(tree, "add", ".")
    _git(tree, "commit", "-qm", "base")
    return tree


@pytest.fixture(scope="module")
def base_report(base_repo: Path, work: Path) -> dict[str, Any]:
    return report(cilint(base_repo, "check", "--no-cache", "--format", "json"))


def test_the_committed_base_has_no_finding_about_the_scenario_tags(
    base_report: dict[str, Any],
) -> None:
    """Every scenario below breaks a tag that is fine at the base: the findings they expect are
    the change's, not the tree's."""
    ours = {THING, USER, MAPPING}
    tags = {"acme/thing:thing", "openshift/centos:stream9"}
    assert [f for f in base_report["findings"] if f["path"] in ours or f.get("tag") in tags] == []
    # ... while the tree does have old findings, e.g. acme/gizmo's.
    gizmo = [
        (f["line"], f["column"], f["code"]) for f in base_report["findings"] if f["path"] == GIZMO
    ]
    assert gizmo == GIZMO_FINDINGS
    assert "change" not in base_report["summary"]  # a whole-tree run is not change-aware


# --- the pre-commit hook (real `pre-commit try-repo`) -------------------------------------------


def _deleted(tree: Path) -> list[str]:
    delete_promotion(tree)
    return [THING]


def _disabled_and_unmirrored(tree: Path) -> list[str]:
    disable_promotion(tree)
    delete_centos(tree)
    return [THING, MIRROR]


def _unrelated(tree: Path) -> list[str]:
    (tree / OTHER).parent.mkdir(parents=True)
    (tree / OTHER).write_text(OTHER_YAML, encoding="utf-8")
    append(tree, USER, "# a comment\n")
    prepend(tree, THING, "# a comment\n")
    return [OTHER, USER, THING]


HOOK_SCENARIOS = {
    "deleted": _deleted,
    "disabled-and-unmirrored": _disabled_and_unmirrored,
    "unrelated": _unrelated,
}


@pytest.fixture(scope="module")
def hook_runs(
    base_repo: Path, work: Path
) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """One `pre-commit try-repo` per scenario, each in its own copy of the base repository with
    the scenario staged. try-repo installs this checkout into a fresh store every time (~10 s),
    so the three run side by side."""
    if not PRE_COMMIT.exists():
        pytest.skip("pre-commit is not installed")
    home = work / "pre-commit-home"
    trees: dict[str, Path] = {}
    for name, change in HOOK_SCENARIOS.items():
        tree = copy_repo(base_repo, work / f"hook-{name}")
        _git(tree, "add", *change(tree))
        trees[name] = tree

    def run(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PRE_COMMIT), "try-repo", str(REPO), "cilint", "--verbose"],
            cwd=trees[name],
            capture_output=True,
            text=True,
            env=_env(work / f"hook-{name}-cache", PRE_COMMIT_HOME=str(home)),
            check=False,
            timeout=900,
        )

    with ThreadPoolExecutor(max_workers=len(trees)) as pool:
        runs = dict(zip(trees, pool.map(run, trees), strict=True))
    return {name: (trees[name], runs[name]) for name in trees}


def test_hook_fails_on_a_deleted_promotion_at_its_unchanged_consumers(
    hook_runs: dict[str, tuple[Path, subprocess.CompletedProcess[str]]],
) -> None:
    _, run = hook_runs["deleted"]
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    assert "cilint" in out and "Failed" in out
    cause = caused(THING, PROMOTION_LINE, at_base=True)
    user = lines_at(out, USER)
    mapping = lines_at(out, MAPPING)
    assert len(user) == 1 and len(mapping) == 1, out
    assert user[0].startswith(f"{USER}:2:3: error: T001 [unproduced-tag] acme/thing:thing "), user
    assert user[0].endswith(cause), user
    assert mapping[0].startswith(
        f"{MAPPING}:1:1: error: T001 [unproduced-tag] acme/thing:thing "
    ), mapping
    assert mapping[0].endswith(cause), mapping
    # Nothing else: the staged file is clean, and old findings elsewhere are not the change's.
    assert len(finding_lines(out)) == 2, out
    assert "Against HEAD, 1 changed input: 2 findings introduced, 0 fixed." in out


def test_hook_fails_on_a_disabled_promotion_and_a_removed_supplemental_image(
    hook_runs: dict[str, tuple[Path, subprocess.CompletedProcess[str]]],
) -> None:
    _, run = hook_runs["disabled-and-unmirrored"]
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    disabled = caused(THING, PROMOTION_LINE, at_base=False)  # the stanza is still there
    mapping = lines_at(out, MAPPING)
    assert len(mapping) == 1, out
    assert mapping[0].startswith(
        f"{MAPPING}:1:1: error: T003 [disabled-producer] acme/thing:thing "
    ), out
    assert mapping[0].endswith(disabled), mapping
    user = lines_at(out, USER)
    assert len(user) == 2, out
    assert user[0].startswith(f"{USER}:2:3: error: T003 [disabled-producer] acme/thing:thing "), (
        user
    )
    assert user[0].endswith(disabled), user
    assert user[1].startswith(
        f"{USER}:6:3: error: T001 [unproduced-tag] openshift/centos:stream9 "
    ), user
    assert user[1].endswith(caused(MIRROR, CENTOS_LINE, at_base=True)), user
    # The staged _config.yaml's own old findings are reported, marked as old.
    mirror = lines_at(out, MIRROR)
    assert [line.split(" [")[0] for line in mirror] == [
        f"{MIRROR}:2:3: error: T005",
        f"{MIRROR}:4:3: error: T006",
    ]
    assert all(line.endswith(" [already at the base]") for line in mirror), mirror
    assert len(finding_lines(out)) == 5, out
    assert "3 findings introduced, 0 fixed." in out


def test_hook_passes_an_unrelated_change_although_old_findings_remain(
    hook_runs: dict[str, tuple[Path, subprocess.CompletedProcess[str]]],
) -> None:
    tree, run = hook_runs["unrelated"]
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    assert "Passed" in out and finding_lines(out) == [], out
    assert "Against HEAD, 3 changed inputs: 0 findings introduced, 0 fixed." in out
    # The tree still has its old, unrelated findings (the same ones as at the base).
    whole = cilint(tree, "check", "--format", "json")
    assert whole.returncode == 1, whole.stderr
    gizmo = [
        (f["line"], f["column"], f["code"]) for f in report(whole)["findings"] if f["path"] == GIZMO
    ]
    assert gizmo == GIZMO_FINDINGS


# --- direct PATH runs in a repository with a staged change --------------------------------------


@pytest.fixture(scope="module")
def split_repo(base_repo: Path, work: Path) -> Path:
    """The promotion deleted, plus comments appended to acme/gizmo and acme/widget: three
    staged files, the cause in one of them."""
    tree = copy_repo(base_repo, work / "split")
    delete_promotion(tree)
    append(tree, GIZMO, "# touched\n")
    append(tree, WIDGET, "# touched\n")
    _git(tree, "add", "-A")
    return tree


def _introduced_elsewhere(
    run: subprocess.CompletedProcess[str], given: set[str]
) -> list[dict[str, Any]]:
    return [f for f in report(run)["findings"] if f["path"] not in given]


def test_split_invocations_report_each_cross_file_finding_once(split_repo: Path) -> None:
    """pre-commit's way of splitting a long file list: the invocation holding the cause reports
    the finding, the other does not, although it sorts first."""
    halves = [[GIZMO], [THING, WIDGET]]
    runs = [cilint(split_repo, "check", "--format", "json", *half) for half in halves]
    first, second = (
        _introduced_elsewhere(run, set(half)) for run, half in zip(runs, halves, strict=True)
    )
    assert first == [], first
    assert sorted(key(f) for f in second) == [(USER, 2, "T001"), (MAPPING, 1, "T001")]
    for finding in second:
        assert finding["introduced"] is True
        assert finding["cause"] == {"path": THING, "line": PROMOTION_LINE, "at_base": True}
    # Each half still reports its own files' findings, as old ones.
    gizmo = report(runs[0])["findings"]
    assert [(f["line"], f["column"], f["code"]) for f in gizmo] == GIZMO_FINDINGS
    assert all(f["introduced"] is False for f in gizmo)
    assert runs[0].returncode == 1 and runs[1].returncode == 1  # gizmo's old errors; the new ones
    # Both describe the same change.
    for run in runs:
        change = report(run)["summary"]["change"]
        assert change["changed_files"] == 3 and change["introduced"] == 2 and change["fixed"] == 0


def test_split_invocations_give_a_deleted_cause_to_the_first_changed_file(
    base_repo: Path, work: Path
) -> None:
    """pre-commit passes no deleted file: the findings its deletion causes go to the invocation
    holding the first changed input still there (acme/gizmo sorts before acme/widget)."""
    tree = copy_repo(base_repo, work / "split-deleted")
    _git(tree, "rm", "-q", THING)
    append(tree, GIZMO, "# touched\n")
    append(tree, WIDGET, "# touched\n")
    _git(tree, "add", "-A")
    widget = cilint(tree, "check", "--format", "json", WIDGET)
    gizmo = cilint(tree, "check", "--format", "json", GIZMO)
    assert _introduced_elsewhere(widget, {WIDGET}) == []
    elsewhere = _introduced_elsewhere(gizmo, {GIZMO})
    assert sorted(key(f) for f in elsewhere) == [(USER, 2, "T001"), (MAPPING, 1, "T001")]
    for finding in elsewhere:
        assert finding["introduced"] is True
        assert finding["cause"] == {"path": THING, "line": PROMOTION_LINE, "at_base": True}
    # The widget invocation fails only for widget's own old error, not for the new ones.
    assert [f["code"] for f in report(widget)["findings"] if f["severity"] == "error"] == ["T004"]


def test_json_sarif_and_junit_carry_the_cause(split_repo: Path) -> None:
    given = [GIZMO, THING]
    sarif = valid_sarif(cilint(split_repo, "check", "--format", "sarif", *given).stdout)
    results = sarif["runs"][0]["results"]

    def where(result: dict[str, Any]) -> tuple[str, int]:
        location = result["locations"][0]["physicalLocation"]
        return location["artifactLocation"]["uri"], location["region"]["startLine"]

    new = sorted(where(r) for r in results if r["baselineState"] == "new")
    assert new == [(USER, 2), (MAPPING, 1)]
    for result in results:
        if result["baselineState"] == "new":
            assert result["properties"]["cause"]["path"] == THING
            assert result["properties"]["cause"]["line"] == PROMOTION_LINE
        else:
            assert result["baselineState"] == "unchanged"
            assert where(result)[0] == GIZMO and "cause" not in result.get("properties", {})
    assert len(results) == 2 + len(GIZMO_FINDINGS)

    junit = cilint(split_repo, "check", "--format", "junit", *given)
    assert junit.returncode == 1
    cause = caused(THING, PROMOTION_LINE, at_base=True)
    assert junit.stdout.count(cause) == 2, junit.stdout
    assert junit.stdout.count("[already at the base]") == len(GIZMO_FINDINGS), junit.stdout


def test_cached_and_uncached_runs_agree(base_repo: Path, work: Path) -> None:
    """The hook's usual case: a cache filled at the base, then the change. Without a cache both
    ends are evaluated whole: the same findings."""
    tree = copy_repo(base_repo, work / "cache-agree")
    cache = work / "cache-agree-cache"
    assert cilint(tree, "check", cache=cache).returncode == 1  # fills the cache at the base
    delete_promotion(tree)
    _git(tree, "add", "-A")
    warm = cilint(tree, "check", "--format", "json", THING, cache=cache)
    again = cilint(tree, "check", "--format", "json", THING, cache=cache)
    cold = cilint(tree, "check", "--format", "json", "--no-cache", THING, cache=cache)
    assert warm.returncode == again.returncode == cold.returncode == 1
    assert report(warm) == report(again) == report(cold)
    assert sorted(key(f) for f in report(cold)["findings"]) == [
        (USER, 2, "T001"),
        (MAPPING, 1, "T001"),
    ]


def test_lines_added_above_an_old_finding_do_not_introduce_it(base_repo: Path, work: Path) -> None:
    tree = copy_repo(base_repo, work / "shifted")
    prepend(tree, GIZMO, "# first\n# second\n")
    _git(tree, "add", GIZMO)
    text = cilint(tree, "check", GIZMO)
    assert text.returncode == 1, text.stdout + text.stderr  # old findings still count
    lines = finding_lines(text.stdout)
    shifted = [(line + 2, column, code) for line, column, code in GIZMO_FINDINGS]
    assert [located(line) for line in lines] == [(GIZMO, *finding) for finding in shifted]
    assert all(line.endswith(" [already at the base]") for line in lines), lines
    found = report(cilint(tree, "check", "--format", "json", GIZMO))
    assert [(f["line"], f["column"], f["code"], f["introduced"]) for f in found["findings"]] == [
        (*finding, False) for finding in shifted
    ]
    assert found["summary"]["change"] == {
        "base": _git(tree, "rev-parse", "HEAD"),
        "changed_files": 1,
        "introduced": 0,
        "fixed": 0,
        "existing": len(GIZMO_FINDINGS),
    }


def test_untracked_files_are_not_part_of_the_change(base_repo: Path, work: Path) -> None:
    """An untracked producer of acme/thing:thing is there at both ends: removing the tracked
    promotion leaves the tag produced, so nothing is introduced."""
    tree = copy_repo(base_repo, work / "untracked")
    twin = "ci-operator/config/acme/twin/acme-twin-main.yaml"
    (tree / twin).parent.mkdir(parents=True)
    (tree / twin).write_text(THING_YAML.replace("repo: thing", "repo: twin"), encoding="utf-8")
    delete_promotion(tree)
    _git(tree, "add", THING)
    run = cilint(tree, "check", "--format", "json", THING)
    assert run.returncode == 0, run.stdout + run.stderr
    found = report(run)
    assert found["findings"] == []
    change = found["summary"]["change"]
    assert change["changed_files"] == 1  # the untracked file is not a changed input
    # ... but it is in both ends: at the base it and acme/thing both promoted the tag (two
    # duplicate-promotion findings), which the change fixes.
    assert change["introduced"] == 0 and change["fixed"] == 2


# --- outside a git repository --------------------------------------------------------------------


def test_outside_git_a_path_run_reports_the_given_files_and_notes_it_once(
    base_repo: Path, work: Path
) -> None:
    plain = work / "plain"
    shutil.copytree(base_repo, plain, ignore=shutil.ignore_patterns(".git"))
    delete_promotion(plain)  # would break acme/user in a repository; here nobody knows
    outside = {"GIT_CEILING_DIRECTORIES": str(work)}
    cache = work / "plain-cache"
    run = cilint(
        work,
        "check",
        "--root",
        str(plain),
        str(plain / GIZMO),
        str(plain / THING),
        cache=cache,
        **outside,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    notes = run.stderr.splitlines()
    assert len(notes) == 1 and "is not in a git repository" in notes[0], run.stderr
    lines = finding_lines(run.stdout)
    assert [located(line) for line in lines] == [(GIZMO, *finding) for finding in GIZMO_FINDINGS]
    assert "already at the base" not in run.stdout and "caused by" not in run.stdout
    found = report(
        cilint(
            work,
            "check",
            "--root",
            str(plain),
            "--format",
            "json",
            str(plain / GIZMO),
            cache=cache,
            **outside,
        )
    )
    assert "change" not in found["summary"]
    assert all("introduced" not in f and "cause" not in f for f in found["findings"])
    assert [(f["line"], f["column"], f["code"]) for f in found["findings"]] == GIZMO_FINDINGS


# --- the pull-request job: --changed-since -------------------------------------------------------


@pytest.fixture(scope="module")
def branches(base_repo: Path, work: Path) -> dict[str, str]:
    """`feature` deletes the promotion (committed); `unrelated` adds comments above acme/gizmo's
    old findings; `main` moves on after both branched (so its tip is not the merge base)."""
    tree = copy_repo(base_repo, work / "branches")
    merge_base = _git(tree, "rev-parse", "HEAD")
    _git(tree, "checkout", "-q", "-b", "feature")
    delete_promotion(tree)
    _git(tree, "commit", "-qam", "feature")
    _git(tree, "checkout", "-q", "-b", "unrelated", "main")
    prepend(tree, GIZMO, "# an unrelated comment\n# and another\n")
    _git(tree, "commit", "-qam", "unrelated")
    _git(tree, "checkout", "-q", "main")
    append(tree, WIDGET, "# main moves on\n")
    _git(tree, "commit", "-qam", "main moves on")
    return {"repo": str(tree), "merge_base": merge_base}


def _checkout(branches: dict[str, str], work: Path, branch: str, name: str) -> Path:
    tree = copy_repo(Path(branches["repo"]), work / name)
    _git(tree, "checkout", "-q", branch)
    return tree


def test_changed_since_reports_what_the_branch_introduces_and_no_old_finding(
    branches: dict[str, str], work: Path
) -> None:
    tree = _checkout(branches, work, "feature", "since-feature")
    delete_centos(tree)  # and one more change, not committed: part of the branch's change too
    run = cilint(tree, "check", "--changed-since", "main", "--format", "json")
    assert run.returncode == 1, run.stdout + run.stderr
    found = report(run)
    assert sorted(key(f) for f in found["findings"]) == [
        (USER, 2, "T001"),
        (USER, 6, "T001"),
        (MAPPING, 1, "T001"),
    ]
    causes = {(f["path"], f["line"]): f["cause"] for f in found["findings"]}
    assert all(f["introduced"] is True for f in found["findings"])
    assert causes[(USER, 2)] == {"path": THING, "line": PROMOTION_LINE, "at_base": True}
    assert causes[(MAPPING, 1)] == {"path": THING, "line": PROMOTION_LINE, "at_base": True}
    assert causes[(USER, 6)] == {"path": MIRROR, "line": CENTOS_LINE, "at_base": True}
    change = found["summary"]["change"]
    assert change["base"] == branches["merge_base"]  # not main's tip
    assert change["changed_files"] == 2 and change["introduced"] == 3 and change["fixed"] == 0

    text = cilint(tree, "check", "--changed-since", "main")
    assert text.returncode == 1
    assert len(finding_lines(text.stdout)) == 3, text.stdout
    assert lines_at(text.stdout, MAPPING)[0].endswith(caused(THING, PROMOTION_LINE, at_base=True))


def test_changed_since_all_marks_the_old_findings(
    branches: dict[str, str], work: Path, base_report: dict[str, Any]
) -> None:
    tree = _checkout(branches, work, "feature", "since-all")
    run = cilint(tree, "check", "--changed-since", "main", "--all", "--format", "json")
    assert run.returncode == 1, run.stderr
    found = report(run)["findings"]
    new = sorted(key(f) for f in found if f["introduced"] is True)
    assert new == [(USER, 2, "T001"), (MAPPING, 1, "T001")]
    old = sorted(key(f) for f in found if f["introduced"] is False)
    assert old == sorted(key(f) for f in base_report["findings"])
    assert all("cause" not in f for f in found if f["introduced"] is False)
    assert report(run)["summary"]["change"]["existing"] == len(base_report["findings"])
    text = cilint(tree, "check", "--changed-since", "main", "--all")
    assert lines_at(text.stdout, GIZMO)[0].endswith(" [already at the base]")


def test_changed_since_passes_a_branch_with_only_an_unrelated_change(
    branches: dict[str, str], work: Path
) -> None:
    tree = _checkout(branches, work, "unrelated", "since-unrelated")
    run = cilint(tree, "check", "--changed-since", "main", "--format", "json")
    assert run.returncode == 0, run.stdout + run.stderr
    found = report(run)
    assert found["findings"] == []
    assert found["summary"]["change"]["changed_files"] == 1
    assert (
        found["summary"]["change"]["introduced"] == 0 and found["summary"]["change"]["fixed"] == 0
    )
    # --all reports acme/gizmo's findings where they are now (two lines down), as old ones, and
    # still passes: only introduced findings fail the job.
    every = cilint(tree, "check", "--changed-since", "main", "--all", "--format", "json")
    assert every.returncode == 0, every.stderr
    gizmo = [
        (f["line"], f["column"], f["code"], f["introduced"])
        for f in report(every)["findings"]
        if f["path"] == GIZMO
    ]
    assert gizmo == [(line + 2, column, code, False) for line, column, code in GIZMO_FINDINGS]


def test_changed_since_usage_errors(branches: dict[str, str], work: Path) -> None:
    tree = _checkout(branches, work, "feature", "since-errors")
    unknown = cilint(tree, "check", "--changed-since", "no-such-branch")
    assert unknown.returncode == 2
    assert unknown.stdout == ""
    assert len(unknown.stderr.splitlines()) == 1 and "no such revision" in unknown.stderr, (
        unknown.stderr
    )
    with_path = cilint(tree, "check", "--changed-since", "main", USER)
    assert with_path.returncode == 2, with_path.stdout
    assert with_path.stdout == "" and len(with_path.stderr.splitlines()) == 1, with_path.stderr


def _shallow_clone(branches: dict[str, str], work: Path, name: str, *options: str) -> Path:
    clone = work / name
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--depth",
            "1",
            *options,
            "--branch",
            "feature",
            f"file://{branches['repo']}",
            str(clone),
        ],
        check=True,
        capture_output=True,
    )
    assert _git(clone, "rev-parse", "--is-shallow-repository") == "true"
    return clone


def _assert_fetch_hint(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert "git fetch --unshallow" in lines[0] and "--deepen" in lines[0], lines[0]


def test_changed_since_in_a_shallow_clone_without_the_merge_base(
    branches: dict[str, str], work: Path
) -> None:
    """The clone has main's tip (a branch ref) but not the commit where feature branched."""
    clone = _shallow_clone(branches, work, "shallow-refs", "--no-single-branch")
    _assert_fetch_hint(cilint(clone, "check", "--changed-since", "origin/main"))


def test_changed_since_an_older_commit_in_a_shallow_clone(
    branches: dict[str, str], work: Path
) -> None:
    """`git clone --depth 1`, then the commit the branch started from, by its id (as Prow's
    PULL_BASE_SHA): the clone is shallow, so what is missing is history, and the hint says so."""
    clone = _shallow_clone(branches, work, "shallow-sha")
    _assert_fetch_hint(cilint(clone, "check", "--changed-since", branches["merge_base"]))
