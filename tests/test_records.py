"""`cilint.cache.codec`: a per-file result comes back from its bytes exactly, and bytes that are not
one are refused (the cache then treats them as a miss)."""

from __future__ import annotations

from pathlib import Path

import lz4.block
import pytest

from cilint.cache.codec import RecordError, StoredRun, decode, decode_run, encode, encode_run
from cilint.cache.store import ResultCache
from cilint.config.settings import load_settings
from cilint.facts.model import Consumer, FileFacts, Location
from cilint.facts.result import FileResult
from cilint.findings import Finding, Severity
from cilint.inputs.discovery import discover
from cilint.inputs.kinds import Kind
from cilint.pipeline.per_file import analyze
from conftest import CORPUS_RELEASE, REPO, needs_shared

FIXTURE_TREES = sorted((REPO / "tests" / "fixtures").glob("*/*/tree"))


def _results(root: Path) -> list[FileResult]:
    settings = load_settings(root)
    registries = settings.policy.registries
    return [
        analyze(item, (root / item.path).read_bytes(), registries=registries)
        for item in discover(root, settings.layout, settings.exclude).files
    ]


def _assert_round_trips(results: list[FileResult]) -> None:
    for result in results:
        back = decode(encode(result))
        assert back == result, result.path
        assert type(back.kind) is Kind
        # A finding's `place` is left out of equality; a file's findings are all resolved.
        assert all(f.place is None for f in result.findings), result.path


@needs_shared
def test_every_corpus_result_round_trips() -> None:
    results = _results(CORPUS_RELEASE)
    assert sum(1 for r in results if r.facts.producers) > 10  # real facts, not empty records
    _assert_round_trips(results)


def test_every_fixture_result_round_trips() -> None:
    results = [r for tree in FIXTURE_TREES for r in _results(tree)]
    assert any(r.findings for r in results)
    _assert_round_trips(results)


def test_places_and_skips_decode_as_they_were() -> None:
    skipped = FileResult("a.yaml", Kind.CI_OPERATOR_CONFIG, (), skipped="a symbolic link")
    assert decode(encode(skipped)) == skipped
    place = Location("a.yaml", json_path=("tests", 0, "steps"), at="key")
    facts = FileFacts(consumers=(Consumer("base_images.x", place, "o/r@main", tag="a/b:c"),))
    back = decode(encode(FileResult("a.yaml", Kind.CI_OPERATOR_CONFIG, (), facts=facts)))
    assert back.facts.consumers[0].location == place
    assert back.facts.consumers[0].location.json_path == ("tests", 0, "steps")


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        b"\x00garbage",
        encode(FileResult("a.yaml", Kind.CI_OPERATOR_CONFIG, ()))[:-3],  # cut short
        lz4.block.compress(b"\x93\xa6a.yaml\xa4nope\x90"),  # a kind that does not exist
        lz4.block.compress(b"\x80"),  # a map, not a record
        b"\x80",  # not compressed
        (1 << 31).to_bytes(4, "little") + b"\x00" * 8,  # a size no result has: not allocated
    ],
)
def test_bytes_that_are_not_a_result_are_refused(blob: bytes) -> None:
    with pytest.raises(RecordError):
        decode(blob)


def test_the_cache_misses_an_entry_that_does_not_decode(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache", tmp_path, "salt")
    good = FileResult("a.yaml", Kind.CI_OPERATOR_CONFIG, ())
    cache.store({"good": (encode(good), ()), "bad": (b"\x00garbage", ())}, {})
    assert cache.results(["good", "bad"]) == {"good": good}
    cache.close()


def test_a_stored_run_comes_back_and_a_damaged_one_is_a_miss(tmp_path: Path) -> None:
    finding = Finding("a.yaml", 3, 5, "T002", "conditional-tag", Severity.INFO, "m", tag="a/b:c")
    run = StoredRun([finding], ["a.yaml"], [("b.yaml", "why")])
    back = decode_run(encode_run(run))
    assert back == run and type(back.findings[0].severity) is Severity
    cache = ResultCache(tmp_path / "cache", tmp_path, "salt")
    cache.store_run("k", run)
    assert cache.run("k") == run
    cache.store_run("k", run)
    cache._db.execute("UPDATE runs SET value = ?", (b"\x00garbage",))  # type: ignore[union-attr]
    assert cache.run("k") is None
    cache.close()
