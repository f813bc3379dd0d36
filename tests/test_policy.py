"""Site facts are data: another site writes its own policy file and selects it in .cilint.yaml."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cilint.config.settings import load_settings
from cilint.errors import CilintError
from cilint.resources import policy_path
from conftest import REPO

CONFIG = "ci-operator/config/o/r/o-r-main.yaml"


def _site(tmp_path: Path) -> Path:
    policy = yaml.safe_load(policy_path("openshift-ci").read_text())
    policy["name"] = "example-site"
    policy["registries"] = {
        "qci": "registry.example.com/ci/images",
        "qci_proxy": "proxy.example.com/ci/images",
        "app_ci": "cluster-registry.example.com",
    }
    policy["mirror_policies"][0]["precedence"] = [{"registry": "qci", "required": True}]
    (tmp_path / "site-policy.yaml").write_text(yaml.safe_dump(policy))
    (tmp_path / ".cilint.yaml").write_text("policy: site-policy.yaml\n")
    config = tmp_path / CONFIG
    config.parent.mkdir(parents=True)
    config.write_text(
        "base_images:\n  base:\n    name: tools\n    namespace: o\n    tag: latest\n"
        "build_root:\n  from_repository: true\nresources:\n  '*':\n    requests:\n      cpu: 100m\n"
        "tests:\n- as: unit\n  commands: make\n  container:\n    from: src\n"
        "zz_generated_metadata:\n  branch: main\n  org: o\n  repo: r\n"
    )
    return tmp_path


def test_another_sites_registries_name_the_tags(tmp_path: Path) -> None:
    root = _site(tmp_path)
    settings = load_settings(root)
    assert settings.policy.name == "example-site"
    run = subprocess.run(
        [sys.executable, "-m", "cilint", "check", "--root", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    [finding] = json.loads(run.stdout)["findings"]
    assert finding["rule"] == "unproduced-tag"
    assert "registry.example.com/ci/images:o_tools_latest" in finding["message"]
    explain = subprocess.run(
        [
            sys.executable,
            "-m",
            "cilint",
            "explain",
            "--root",
            str(root),
            "--format",
            "json",
            "proxy.example.com/ci/images:o_tools_latest",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert json.loads(explain.stdout)["spellings"]["app_ci"] == (
        "cluster-registry.example.com/o/tools:latest"
    )


def test_a_policy_naming_an_undefined_registry_is_a_configuration_error(tmp_path: Path) -> None:
    root = _site(tmp_path)
    policy = yaml.safe_load((root / "site-policy.yaml").read_text())
    policy["mirror_policies"][0]["precedence"] = [{"registry": "cache", "required": False}]
    (root / "site-policy.yaml").write_text(yaml.safe_dump(policy))
    with pytest.raises(CilintError, match="registry 'cache'"):
        load_settings(root)


def test_an_invalid_policy_file_says_where(tmp_path: Path) -> None:
    root = _site(tmp_path)
    (root / "site-policy.yaml").write_text("version: 1\nname: x\nregistries: {}\nlayout: {}\n")
    with pytest.raises(CilintError, match=r"site-policy.yaml:3:\d+: invalid policy file"):
        load_settings(root)
