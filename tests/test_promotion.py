"""Promotion semantics against hand-written oracles (tests/promotion/, see its README): one case
per rule of ci-tools-semantics.md §2, and 25 real configs of the openshift-release sample."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
import yaml

from cilint.facts.promotion import promoted_tags
from cilint.yaml.loading import load_yaml
from conftest import CORPUS_RELEASE, needs_shared

DATA = Path(__file__).parent / "promotion"
CASES = sorted((DATA / "cases").glob("*.yaml"))
CORPUS = sorted((DATA / "corpus").glob("*.yaml"))


def _computed(config: dict, arguments: dict) -> list[dict]:
    entries = [asdict(t) for t in promoted_tags(config, **arguments)]
    return sorted(
        entries, key=lambda e: (e["tag"], e["state"], -1 if e["target"] is None else e["target"])
    )


def _expected(case: dict) -> list[dict]:
    return sorted(
        case["expected"] or [],
        key=lambda e: (e["tag"], e["state"], -1 if e["target"] is None else e["target"]),
    )


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_semantics_case(path: Path) -> None:
    case = yaml.safe_load(path.read_text())
    assert _computed(case["config"], case["arguments"]) == _expected(case), case["description"]


@needs_shared
@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_real_config(path: Path) -> None:
    case = yaml.safe_load(path.read_text())
    config = load_yaml((CORPUS_RELEASE / case["file"]).read_bytes()).documents[0]
    assert _computed(config, case["arguments"]) == _expected(case), case["why"]


def test_the_oracle_covers_what_the_issue_asks() -> None:
    texts = [p.read_text() for p in CORPUS]
    assert len(CORPUS) >= 10
    for needle in ("state: disabled", "state: excluded", "tag_by_commit", "source: src"):
        assert any(needle in t for t in texts) or any(
            needle in (CORPUS_RELEASE / yaml.safe_load(t)["file"]).read_text()
            for t in texts
            if CORPUS_RELEASE.is_dir()
        ), needle
