"""Data-driven rule tests: every `tests/fixtures/<rule>/<case>/` holds a tiny release tree in
`tree/` and the exact findings expected from `cilint check` on it in `expected.json`.

Adding a case is adding a folder. `CILINT_UPDATE_GOLDENS=1 pytest tests/test_fixtures.py`
rewrites the expected files from the current output (review the diff before committing).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cilint.config.settings import load_settings
from cilint.pipeline.run import run_check
from cilint.rules.registry import ALL_RULES

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("*/*") if (p / "tree").is_dir())


def _findings(case: Path) -> list[dict[str, object]]:
    tree = case / "tree"
    result = run_check(load_settings(tree))
    return [finding.as_json() for finding in result.findings]


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fixture(case: Path) -> None:
    actual = _findings(case)
    expected_file = case / "expected.json"
    if os.environ.get("CILINT_UPDATE_GOLDENS"):
        expected_file.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    assert actual == json.loads(expected_file.read_text())


def test_every_rule_has_a_failing_and_a_passing_fixture() -> None:
    for module in ALL_RULES:
        name = module.RULE.name
        cases = [c for c in CASES if c.parent.name == name]
        fired = [
            c
            for c in cases
            if any(f["rule"] == name for f in json.loads((c / "expected.json").read_text()))
        ]
        clean = [
            c
            for c in cases
            if not any(f["rule"] == name for f in json.loads((c / "expected.json").read_text()))
        ]
        assert fired, f"no fixture in tests/fixtures/{name}/ makes {name} fire"
        assert clean, f"no fixture in tests/fixtures/{name}/ passes {name}"
