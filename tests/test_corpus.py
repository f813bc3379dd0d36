"""Acceptance against the real files: openshift/release samples and ci-tools' own fixtures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cilint.config.settings import load_settings
from cilint.inputs.discovery import InputFile
from cilint.inputs.kinds import Kind
from cilint.pipeline.per_file import analyze
from cilint.pipeline.run import run_check
from conftest import CORPUS_CITOOLS, CORPUS_RELEASE, needs_shared

# Real files that current ci-tools rejects too, with the reason; every other real config must
# give zero `schema` errors. (The `.yaml.j2` template and the comment-only stray file are not
# validated at all: the first is skipped by discovery, the second reported as empty-document.)
_OLD_TESTS = "pre-2019 test format (tests[].from, no container): ci-tools says 'no type'"
SCHEMA_EXCEPTIONS_RELEASE: dict[str, str] = {
    "ci-operator/config/codeready-toolchain/host-operator/"
    "codeready-toolchain-host-operator-master.yaml": (
        "tests[3] uses the removed openshift_installer_src test type and has no container"
    ),
    "ci-operator/config/operator-framework/operator-lifecycle-manager/master.yaml": _OLD_TESTS,
    "ci-operator/config/operator-framework/operator-lifecycle-manager/release-3.11.yaml": (
        _OLD_TESTS
    ),
    "ci-operator/step-registry/openshift/e2e/test/openshift-e2e-test-ref.yaml": (
        "2020 snapshot using active_deadline_seconds, removed from ci-tools in 2021"
    ),
}
# ci-tools fixtures that are not whole configs, by folder.
SCHEMA_EXCEPTIONS_CITOOLS: dict[str, str] = {
    "cmd/registry-replacer/testdata/": (
        "partial expected outputs of a unit test: no resources, empty images[].to"
    ),
}


def _schema_errors(findings: list[dict[str, object]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for finding in findings:
        if finding["rule"] == "schema":
            errors.setdefault(str(finding["path"]), []).append(str(finding["message"]))
    return errors


@needs_shared
def test_release_corpus_json_report() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "cilint",
            "check",
            "--root",
            str(CORPUS_RELEASE),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    report = json.loads(run.stdout)
    assert report["summary"]["files"] > 100
    for finding in report["findings"]:
        assert finding["line"] >= 1 and finding["column"] >= 1
    errors = _schema_errors(report["findings"])
    assert set(errors) == set(SCHEMA_EXCEPTIONS_RELEASE), json.dumps(errors, indent=1)


def _citools_configs() -> list[Path]:
    if not CORPUS_CITOOLS.is_dir():
        return []
    return sorted(
        p
        for p in CORPUS_CITOOLS.rglob("*.yaml")
        if "multistage-registry" not in p.parts
        and any(
            key in p.read_bytes()
            for key in (b"zz_generated_metadata:", b"build_root:", b"\ntests:")
        )
    )


@needs_shared
def test_citools_ci_operator_configs_load_and_validate() -> None:
    configs = _citools_configs()
    assert len(configs) >= 150
    errors: dict[str, list[str]] = {}
    for path in configs:
        rel = path.relative_to(CORPUS_CITOOLS).as_posix()
        result = analyze(InputFile(rel, Kind.CI_OPERATOR_CONFIG, ""), path.read_bytes())
        for finding in result.findings:
            assert finding.line >= 1 and finding.column >= 1
            if finding.rule in ("schema", "yaml-syntax", "encoding"):
                errors.setdefault(rel, []).append(finding.message)
    unexpected = {
        path: messages
        for path, messages in errors.items()
        if not any(path.startswith(prefix) for prefix in SCHEMA_EXCEPTIONS_CITOOLS)
    }
    assert unexpected == {}, json.dumps(unexpected, indent=1)
    assert all(any(p.startswith(prefix) for p in errors) for prefix in SCHEMA_EXCEPTIONS_CITOOLS)


def _registry_findings(folder: str, tmp_path: Path) -> list[tuple[str, int, int, str, str]]:
    config = tmp_path / "registry-only.yaml"
    config.write_text("layout:\n  step_registry: ['.']\n")
    root = CORPUS_CITOOLS / "test" / "multistage-registry" / folder
    result = run_check(load_settings(root, config))
    return [(f.path, f.line, f.column, f.rule, f.message) for f in result.findings]


@needs_shared
def test_registry_invalid_field(tmp_path: Path) -> None:
    findings = _registry_findings("invalid-field", tmp_path)
    # The named error, plus the missing resources that ci-tools' validation reports too.
    assert findings == [
        (
            "ipi/install/ipi-install-ref.yaml",
            1,
            1,
            "schema",
            "ref: missing required key 'resources': add it",
        ),
        (
            "ipi/install/ipi-install-ref.yaml",
            5,
            3,
            "schema",
            "unknown key 'invalid_field' in ref: this file is decoded strictly, so it is rejected; "
            "remove it (known keys: as, best_effort, cli, commands, credentials, dependencies, "
            "dnsConfig, documentation, env, from, from_image, grace_period, leases, "
            "nested_podman, no_kubeconfig, node_architecture, observers, optional_on_success, "
            "resources, run_as_script, timeout)",
        ),
    ]


@needs_shared
def test_registry_invalid_filename(tmp_path: Path) -> None:
    findings = _registry_findings("invalid-filename", tmp_path)
    assert [(p, line, col, rule) for p, line, col, rule, _ in findings] == [
        ("ipi/install/ipi-install-install-ref.yaml", 1, 1, "file-name"),
        ("ipi/install/ipi-install-install-ref.yaml", 1, 1, "schema"),  # no resources
    ]
    assert "must be named 'ipi-install-ref.yaml'" in findings[0][4]


@needs_shared
@pytest.mark.parametrize("folder", ["registry", "registry2"])
def test_valid_registries_are_clean(folder: str, tmp_path: Path) -> None:
    assert _registry_findings(folder, tmp_path) == []
