"""`cilint explain`: the same answer for every spelling of a tag, for every producer kind."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cilint.config.settings import load_settings
from cilint.explain.answer import explain
from cilint.explain.graph_source import GraphSource
from cilint.pipeline.run import load_tree
from cilint.rules.reads import Read
from conftest import CORPUS_RELEASE, REPO, needs_shared

# One tag per producer kind found in the openshift-release sample.
TAGS_BY_KIND = {
    "promotion": "origin/scos-4.18:base-stream9",
    "build-cache": "build-cache/openshift-etcd:openshift-4.18",
    "supplemental": "ci/maistra-builder:2.6",
    "art": "ocp/4.21:base-rhel9",
    "qci-to-appci": "ocp/4.17:cli",
    "buildconfig": "ocp/cli-jq:latest",
    "mapping": "ocp/ubi:9",
}
DIGEST = "sha256:" + "0123456789abcdef" * 4


@pytest.fixture(scope="module")
def corpus():  # noqa: ANN201
    settings = load_settings(CORPUS_RELEASE)
    view = load_tree(settings).context.view(frozenset(Read), "explain")
    return settings, GraphSource(view, settings.policy.registries)


@needs_shared
@pytest.mark.parametrize("kind", sorted(TAGS_BY_KIND))
def test_every_spelling_gives_the_same_answer(kind: str, corpus) -> None:  # noqa: ANN001
    settings, tree = corpus
    registries = settings.policy.registries
    ist = TAGS_BY_KIND[kind]
    tag = registries.parse(ist)[0]
    spellings = list(registries.spellings(tag).values())
    spellings += [f"registry.svc.ci.openshift.org/{ist}", f"{spellings[2]}@{DIGEST}"]
    answers = [explain(tree, registries, registries.parse(text)[0]) for text in spellings]
    assert all(answer == answers[0] for answer in answers)
    assert kind in {p["kind"] for p in answers[0]["producers"]}
    assert answers[0]["status"] in ("produced", "conditional")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cilint", "explain", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


@needs_shared
def test_importers_of_the_whole_stream_are_summed_up_unless_all_are_asked_for() -> None:
    """ocp/4.18 is imported whole by 12 corpus configs (releases.*.integration): by default
    the first 5 are listed and the rest counted; --all lists them all."""
    root = str(CORPUS_RELEASE)
    tag = "ocp/4.18:base-rhel9"
    short, everyone = _cli("--root", root, tag), _cli("--root", root, "--all", tag)
    assert "and 7 more files that import the whole stream ocp/4.18 (--all lists them)" in (
        short.stdout
    )
    assert "more files that import" not in everyone.stdout

    def importing(text: str) -> set[str]:
        return {
            line.split(":")[0].strip() for line in text.splitlines() if "(the whole stream" in line
        }

    assert len(importing(short.stdout)) == 5
    assert len(importing(everyone.stdout)) == 12
    assert importing(short.stdout) < importing(everyone.stdout)
    report = json.loads(_cli("--root", root, "--format", "json", tag).stdout)
    assert report["stream_importers"] == {"stream": "ocp/4.18", "files": 12, "listed": 5}


@needs_shared
def test_cli_json_contract_and_exit_codes() -> None:
    root = str(CORPUS_RELEASE)
    runs = {
        spelling: _cli("--root", root, "--format", "json", spelling)
        for spelling in (
            "ci/maistra-builder:2.6",
            "quay-proxy.ci.openshift.org/openshift/ci:ci_maistra-builder_2.6",
        )
    }
    reports = [json.loads(run.stdout) for run in runs.values()]
    assert all(run.returncode == 0 for run in runs.values())
    assert [r.pop("tag") for r in reports] == list(runs)
    assert reports[0] == reports[1]
    report = reports[0]
    assert set(report) == {
        "read_as",
        "spellings",
        "status",
        "producers",
        "consumers",
        "consumer_files",
        "stream_importers",
        "pull_chain",
        "suggestions",
    }
    assert set(report["spellings"]) == {"ist", "app_ci", "qci", "qci_appci", "cache"}
    assert {"kind", "path", "line", "detail", "disabled"} <= set(report["producers"][0])
    assert {"path", "line", "field"} <= set(report["consumers"][0])
    assert report["pull_chain"][0]["order"] == [
        "quay.io/openshift/ci:ci_maistra-builder_2.6",
        "quay-proxy.ci.openshift.org/openshift/ci:ci_maistra-builder_2.6",
    ]

    missing = _cli("--root", root, "--format", "json", "ci/maistra-builder:2.7")
    assert missing.returncode == 1
    report = json.loads(missing.stdout)
    assert report["status"] == "unproduced" and report["producers"] == []
    assert any("Did you mean ci/maistra-builder:2." in s["text"] for s in report["suggestions"])
    assert any(
        s["kind"] == "mirror" and "supplementalCIImages" in s["text"] and "line " in s["text"]
        for s in report["suggestions"]
    )

    bad = _cli("--root", root, "quay.io/openshift/ci:only_two")
    assert bad.returncode == 2 and bad.stdout == ""
    assert "cannot read the tag" in bad.stderr and "Traceback" not in bad.stderr
