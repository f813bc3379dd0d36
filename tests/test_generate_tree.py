"""bench/generate_tree.py: deterministic, closed, and every injected fault is reported."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from cilint.config.settings import load_settings
from cilint.pipeline.run import run_check
from conftest import bench_generate_tree

generate_tree = bench_generate_tree()

CONFIGS = 200


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def findings(root: Path) -> Counter[tuple[str, str]]:
    """(rule, path) → number of findings, conditional-tag infos left out."""
    result = run_check(load_settings(root))
    return Counter((f.rule, f.path) for f in result.findings if f.rule != "conditional-tag")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("clean")
    return root, generate_tree.generate(root, CONFIGS, 1, 0)


def test_same_seed_same_bytes_other_seed_other_tree(clean, tmp_path: Path) -> None:
    root, _ = clean
    again, other = tmp_path / "again", tmp_path / "other"
    generate_tree.generate(again, CONFIGS, 1, 0)
    generate_tree.generate(other, CONFIGS, 2, 0)
    assert tree_bytes(again) == tree_bytes(root)
    assert tree_bytes(other) != tree_bytes(root)


def test_the_clean_tree_is_closed(clean) -> None:
    root, stats = clean
    result = run_check(load_settings(root))
    rules = Counter(f.rule for f in result.findings)
    assert set(rules) <= {"conditional-tag"}
    assert rules["conditional-tag"] == stats["conditional"]
    assert stats["configs"] == CONFIGS
    assert len(list((root / "ci-operator/config").rglob("*.yaml"))) == CONFIGS


def test_every_injected_fault_is_reported_and_nothing_else(tmp_path: Path) -> None:
    generate_tree.generate(tmp_path, CONFIGS, 3, 1)
    faults = json.loads((tmp_path / ".faults.json").read_text())
    assert Counter(f["rule"] for f in faults) == Counter(generate_tree.ALL_RULES)
    expected: Counter[tuple[str, str]] = Counter()
    for fault in faults:
        expected[(fault["rule"], fault["path"])] += fault["findings"]
        expected.update((fault["rule"], path) for path in fault["also"])
        for rule, count in fault["with"].items():
            expected[(rule, fault["path"])] += count
    assert findings(tmp_path) == expected


def test_yaml_reads_back_as_the_data() -> None:
    """The yaml.v2-style emitter (quoting, folding, block scalars) loses nothing."""
    registry, plans, _ = generate_tree.build_tree(CONFIGS, 4)
    emitter = generate_tree.GoYaml()
    for config in plans:
        assert yaml.safe_load(emitter.dump(config.data)) == config.data, config.path
    for element in registry.elements.values():
        assert yaml.safe_load(emitter.dump(element.body, sort=False)) == element.body


def test_refuses_a_non_empty_folder_without_force(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("keep me\n")
    assert generate_tree.main([str(tmp_path), "--configs", "60"]) == 2
    assert generate_tree.main([str(tmp_path), "--configs", "60", "--force"]) == 0
    assert (tmp_path / "notes.txt").read_text() == "keep me\n"
    assert "60 configs" in capsys.readouterr().out
