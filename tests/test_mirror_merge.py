"""OpenShift's merge of mirror-set entries, against the examples of mirror-sets.md and the
loop-breaking behaviour of openshift/runtime-utils."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cilint.config.settings import load_settings
from cilint.graph.mirror_merge import _sorted_like_openshift, merge
from cilint.pipeline.run import run_check
from conftest import CORPUS_RELEASE, needs_shared


def test_two_entries_merge_into_one_order() -> None:
    assert merge("S", [["B", "C"], ["A", "B"]]).order == ("A", "B", "C")


def test_contradicting_entries_form_a_loop_broken_alphabetically() -> None:
    merged = merge("S", [["B", "A"], ["A", "B"]])
    assert [set(cycle) for cycle in merged.cycles] == [{"A", "B"}]
    assert merged.order == ("A", "B")  # neither entry asked for A first: B, A was one of them


def test_never_contact_source_in_one_entry_blocks_the_source() -> None:
    merged = merge("S", [["A"], ["B"]], blocked=True)
    assert merged.blocked and merged.with_source == ("A", "B")
    assert merge("S", [["A"], ["B"]]).with_source == ("A", "B", "S")


def test_entries_without_a_real_mirror_are_ignored() -> None:
    assert merge("S", [["S"], []]).order == ()


def test_a_source_listed_before_a_mirror_stays_in_the_order() -> None:
    assert merge("S", [["S", "Q"]]).order == ("S", "Q")
    assert merge("S", [["Q", "S"]]).order == ("Q",)


def test_loops_with_extra_edges_are_broken_deterministically() -> None:
    # A loop B→C→D→B entered from A and left to E, twice (upper and lower case).
    edges = ["AB", "BC", "CD", "DB", "DE", "ab", "bc", "cd", "db", "de"]
    for offset in range(len(edges)):
        graph: dict[str, dict[str, None]] = {}
        for before, after in edges[offset:] + edges[:offset]:
            graph.setdefault(before, {})[after] = None
            graph.setdefault(after, {})
        order, looped = _sorted_like_openshift(graph)
        assert "".join(order) == "AaBCDEbcde"
        assert looped


@given(
    st.lists(
        st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=4, unique=True),
        min_size=1,
        max_size=4,
    )
)
def test_acyclic_merges_respect_every_entry(lists: list[list[str]]) -> None:
    merged = merge("S", lists)
    if merged.cycles:
        return
    order = list(merged.with_source)
    for mirrors in lists:
        positions = [order.index(m) for m in mirrors]
        assert positions == sorted(positions)


@needs_shared
def test_the_real_qci_mirror_sets_pass_with_a_warning_for_the_cache(tmp_path: Path) -> None:
    real = CORPUS_RELEASE / "clusters" / "build-clusters" / "common" / "assets"
    target = tmp_path / "clusters" / "build-clusters" / "common" / "assets"
    target.mkdir(parents=True)
    shutil.copy(real / "qci-image_mirror.yaml", target)
    findings = run_check(load_settings(tmp_path)).findings
    assert [(f.rule, f.severity.label, f.line) for f in findings] == [
        ("mirror-precedence", "warning", 8),
        ("mirror-precedence", "warning", 18),
    ]
    assert all("the pull-through cache" in f.message for f in findings)
