"""`cilint explain` reads the tag as people paste it: log lines, schemes, bare QCI tags, and the
several readings of a QCI tag's underscores."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from cilint.config.settings import DEFAULT_POLICY, load_policy
from cilint.explain.reading import qci_readings, read
from cilint.tags import TagSpellingError
from conftest import REPO, run_cilint

EXAMPLES = REPO / "examples" / "release"
REGISTRIES = load_policy(DEFAULT_POLICY, None).registries


@pytest.mark.parametrize(
    "pasted",
    [
        '"quay.io/openshift/ci:ocp_4.18_base-rhel9" not found',
        'error: unable to pull "quay.io/openshift/ci:ocp_4.18_base-rhel9": manifest unknown',
        "Failed to pull image quay-proxy.ci.openshift.org/openshift/ci:ocp_4.18_base-rhel9,",
        "docker://quay.io/openshift/ci:ocp_4.18_base-rhel9",
        "oci://quay.io/openshift/ci:ocp_4.18_base-rhel9",
        "https://registry.ci.openshift.org/ocp/4.18:base-rhel9",
        "ocp_4.18_base-rhel9",
        "  ocp/4.18:base-rhel9  ",
        "image ocp/4.18:base-rhel9 not found",
    ],
)
def test_every_pasted_form_reads_as_the_tag(pasted: str) -> None:
    readings = read(pasted, REGISTRIES)
    assert [t.ist for t in readings.tags] == ["ocp/4.18:base-rhel9"]


def test_a_digest_is_kept() -> None:
    digest = "sha256:" + "a" * 64
    readings = read(f"pull quay.io/openshift/ci:ocp_4.18_base-rhel9@{digest} failed", REGISTRIES)
    assert readings.digest == digest and readings.tags[0].ist == "ocp/4.18:base-rhel9"


def test_underscores_give_every_reading_quays_first() -> None:
    assert [t.ist for t in qci_readings("ocp_4_18_base-rhel9")] == [
        "ocp/4:18_base-rhel9",
        "ocp/4.18:base-rhel9",
    ]
    assert [t.ist for t in read("quay.io/openshift/ci:ocp_4_18_base-rhel9", REGISTRIES).tags] == [
        "ocp/4:18_base-rhel9",
        "ocp/4.18:base-rhel9",
    ]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("quay.io/openshift/ci", "names the QCI repository but no tag"),
        ("quay.io/openshift/ci:", "names the QCI repository but no tag"),
        ("nothing to see here", "holds no image reference"),
        ("quay.io/openshift/ci:ocp", "must read <namespace>_<name>_<tag>"),
        ("registry.ci.openshift.org/a/b/c:d", "expected registry.ci.openshift.org/"),
    ],
)
def test_unreadable_text_says_which_part_is_wrong(text: str, says: str) -> None:
    with pytest.raises(TagSpellingError) as raised:
        read(text, REGISTRIES)
    assert says in str(raised.value)


def _explain(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cilint("explain", "--root", str(EXAMPLES), *args)


def test_the_produced_reading_is_answered_and_the_others_listed() -> None:
    run = _explain("--format", "json", '"quay.io/openshift/ci:acme_widget_widget" not found')
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["read_as"] == "acme/widget:widget" and "other_readings" not in answer


def test_when_no_reading_is_produced_all_are_listed() -> None:
    run = _explain("acme_widget_2_0_widget")
    assert run.returncode == 1
    first = run.stdout.splitlines()[0]
    assert "none of them is produced" in first and "acme/widget.2.0:widget (unproduced)" in first
    run = _explain("--format", "json", "acme_widget_2_0_widget")
    answer = json.loads(run.stdout)
    assert answer["read_as"] == "acme/widget:2_0_widget"
    assert answer["other_readings"] == [
        {"tag": "acme/widget.2:0_widget", "status": "unproduced"},
        {"tag": "acme/widget.2.0:widget", "status": "unproduced"},
    ]


def test_a_conditional_reading_wins_over_quays_unproduced_one() -> None:
    run = _explain("--format", "json", "quay.io/openshift/ci:ocp_4_18_base-rhel9")
    answer = json.loads(run.stdout)
    assert answer["read_as"] == "ocp/4.18:base-rhel9" and answer["status"] == "conditional"
    assert answer["other_readings"] == [{"tag": "ocp/4:18_base-rhel9", "status": "unproduced"}]


def test_an_unreadable_tag_exits_2_with_the_accepted_forms() -> None:
    run = _explain("hello world")
    assert run.returncode == 2 and run.stdout == ""
    assert "holds no image reference" in run.stderr and "the bare QCI tag" in run.stderr


# --- a root with nothing cilint reads ------------------------------------------------------------


@pytest.mark.parametrize("command", [["check"], ["explain", "ocp/4.18:base-rhel9"], ["graph"]])
def test_an_empty_root_is_an_error_unless_allowed(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "README.md").write_text("not a release repository\n")
    (tmp_path / "ci-operator" / "config").mkdir(parents=True)

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return run_cilint(*command, "--root", str(tmp_path), *extra)

    refused = run()
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    assert "no input under" in refused.stderr and "ci-operator configs in ci-operator/config" in (
        refused.stderr
    )
    allowed = run("--allow-empty")
    assert allowed.returncode in (0, 1), allowed.stderr
    if command == ["check"]:
        assert allowed.returncode == 0 and "No findings in 0 files." in allowed.stdout
